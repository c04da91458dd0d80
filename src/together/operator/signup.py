"""Sign-up for a new partnership lead.

Two ways in, chosen by settings: an address whose domain matches ``SIGNUP_OPEN_DOMAINS`` is sent
a signed link that expires after ``SIGNUP_LINK_TIMEOUT``, and opening it lets the person choose a
password; any other address becomes a :class:`SignupRequest` that an operator approves (an
invitation to set a password is sent) or refuses (they are told). An address that already has an
account is sent a reminder to sign in instead, and the person sees the same page either way.

Every email is queued, and written by ``together worker``: an open-domain sign-up is kept as a
request in the ``confirming`` state until its link has been signed and sent, then deleted.
"""

from __future__ import annotations

from datetime import timedelta
from fnmatch import fnmatchcase

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from together.accounts.emails import queue_invitation
from together.accounts.models import User

from . import audit, emails
from .models import SignupRequest, SignupState

_SALT = "together.operator.signup"


class SignupError(Exception):
    pass


def enabled() -> bool:
    return settings.SIGNUP == "on"


def open_domain(email: str) -> bool:
    domain = email.rpartition("@")[2].strip().lower()
    return any(fnmatchcase(domain, pattern.strip().lower()) for pattern in settings.SIGNUP_OPEN_DOMAINS)


def ask(*, name: str, email: str, organisation: str, reason: str, base_url: str, request=None) -> bool:
    """Take a sign-up; True when the address's domain is open (a confirmation link is queued),
    False when it waits for an operator. What happens never depends on whether it has an account."""
    email = email.strip().lower()
    is_open = open_domain(email)
    detail = f"organisation: {organisation}; " + ("open domain" if is_open else "waits for approval")
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        detail += "; has an account"
        with transaction.atomic():
            audit.record(audit.SIGNUP_REQUESTED, actor=None, email=email, request=request, detail=detail)
            emails.queue_already_registered(existing, base_url)
        return is_open
    try:
        with transaction.atomic():
            # A request already decided, or an open-domain one, is replaced: asking again after
            # a refusal, or for a second link, starts afresh.
            SignupRequest.objects.filter(email=email).exclude(state=SignupState.WAITING).delete()
            signup = SignupRequest.objects.create(
                name=name,
                email=email,
                organisation=organisation,
                reason="" if is_open else reason,
                state=SignupState.CONFIRMING if is_open else SignupState.WAITING,
            )
            audit.record(audit.SIGNUP_REQUESTED, actor=None, email=email, request=request, detail=detail)
            if is_open:
                emails.queue_signup_confirmation(signup, base_url)
            else:
                emails.queue_signup_received(signup, base_url)
    except IntegrityError:
        return is_open  # already waiting: one request per address, and no second email
    return is_open


def confirmation_token(signup: SignupRequest) -> str:
    """The signed part of an open-domain sign-up's confirmation link (made when it is sent)."""
    data = {"email": signup.email, "name": signup.name, "organisation": signup.organisation}
    return signing.dumps(data, salt=_SALT, compress=True)


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
        queue_invitation(user, base_url, invited_by=by, approved=True)
    return user


def refuse(signup: SignupRequest, *, by, note: str = "", base_url: str, request=None) -> None:
    """Refuse the request; it is kept, with the note, until the refusal email has gone."""
    with transaction.atomic():
        audit.record(
            audit.SIGNUP_REFUSED,
            actor=by,
            email=signup.email,
            request=request,
            detail=f"organisation: {signup.organisation}",
        )
        SignupRequest.objects.filter(pk=signup.pk).update(state=SignupState.REFUSED, note=note)
        emails.queue_signup_refused(signup, base_url)


def forget_unsent(now=None) -> int:
    """Remove open-domain sign-ups and refusals whose email has failed for good, once
    ``SIGNUP_LINK_TIMEOUT`` has passed since (a link sent after that would be late); returns how
    many. Those whose email is still queued or being sent are kept."""
    from together.messaging.models import Status

    cutoff = (now or timezone.now()) - timedelta(seconds=settings.SIGNUP_LINK_TIMEOUT)
    done_with = (
        SignupRequest.objects.exclude(state=SignupState.WAITING)
        .exclude(emails__status__in=(Status.QUEUED, Status.SENDING))
        .exclude(emails__updated_at__gte=cutoff)
        .filter(created_at__lt=cutoff)
    )
    _, by_model = SignupRequest.objects.filter(pk__in=list(done_with.values_list("pk", flat=True))).delete()
    return by_model.get(SignupRequest._meta.label, 0)
