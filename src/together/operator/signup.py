"""Sign-up for a new partnership lead.

Two ways in, chosen by settings: an address whose domain matches ``SIGNUP_OPEN_DOMAINS`` is sent
a signed link that expires after ``SIGNUP_LINK_TIMEOUT``, and opening it lets the person choose a
password; any other address becomes a :class:`SignupRequest` that an operator approves (an
invitation to set a password is sent) or refuses (they are told). An address that already has an
account is sent a reminder to sign in instead, and the person sees the same page either way.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from together.accounts.emails import send_invitation
from together.accounts.models import User

from . import audit, emails
from .models import SignupRequest

_SALT = "together.operator.signup"


class SignupError(Exception):
    pass


def enabled() -> bool:
    return settings.SIGNUP == "on"


def open_domain(email: str) -> bool:
    domain = email.rpartition("@")[2].strip().lower()
    return any(fnmatchcase(domain, pattern.strip().lower()) for pattern in settings.SIGNUP_OPEN_DOMAINS)


def ask(*, name: str, email: str, organisation: str, reason: str, base_url: str, request=None) -> bool:
    """Take a sign-up; True when the address's domain is open (a confirmation link was sent),
    False when it waits for an operator. What happens never depends on whether it has an account."""
    email = email.strip().lower()
    is_open = open_domain(email)
    detail = f"organisation: {organisation}; " + ("open domain" if is_open else "waits for approval")
    if User.objects.filter(email__iexact=email).exists():
        detail += "; has an account"
        audit.record(audit.SIGNUP_REQUESTED, actor=None, email=email, request=request, detail=detail)
        emails.send_already_registered(email, base_url + reverse("sign-in"), base_url + reverse("password-reset"))
        return is_open
    if is_open:
        token = signing.dumps({"email": email, "name": name, "organisation": organisation}, salt=_SALT, compress=True)
        audit.record(audit.SIGNUP_REQUESTED, actor=None, email=email, request=request, detail=detail)
        emails.send_signup_confirmation(email, name, base_url + reverse("sign-up-confirm", args=[token]))
        return True
    try:
        with transaction.atomic():
            SignupRequest.objects.create(name=name, email=email, organisation=organisation, reason=reason)
    except IntegrityError:
        return False  # already waiting: one request per address, and no second email
    audit.record(audit.SIGNUP_REQUESTED, actor=None, email=email, request=request, detail=detail)
    emails.send_signup_received(email, name)
    return False


def read_confirmation(token: str) -> dict | None:
    """The sign-up a confirmation link carries, or None if it is forged or has expired."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.SIGNUP_LINK_TIMEOUT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not {"email", "name", "organisation"} <= data.keys():
        return None
    return data


def complete(data: dict, password: str, *, request=None) -> User:
    """Make the account a confirmed sign-up asked for; SignupError if the address has one now."""
    try:
        with transaction.atomic():
            user = User.objects.create_user(data["email"], password, name=data["name"])
            audit.record(
                audit.SIGNUP_CONFIRMED,
                actor=user,
                request=request,
                detail=f"organisation: {data['organisation']}",
            )
    except IntegrityError:
        raise SignupError("This address already has an account.") from None
    return user


def approve(signup: SignupRequest, *, by, base_url: str, request=None) -> User:
    with transaction.atomic():
        if User.objects.filter(email__iexact=signup.email).exists():
            signup.delete()
            raise SignupError(f"{signup.email} already has an account, so the request has been removed.")
        user = User.objects.create_user(signup.email, None, name=signup.name)
        audit.record(
            audit.SIGNUP_APPROVED, actor=by, target=user, request=request, detail=f"organisation: {signup.organisation}"
        )
        signup.delete()
    send_invitation(user, base_url, invited_by=by, reason="approved")
    return user


def refuse(signup: SignupRequest, *, by, note: str = "", request=None) -> None:
    with transaction.atomic():
        audit.record(
            audit.SIGNUP_REFUSED,
            actor=by,
            email=signup.email,
            request=request,
            detail=f"organisation: {signup.organisation}",
        )
        signup.delete()
    emails.send_signup_refused(signup.email, signup.name, note)
