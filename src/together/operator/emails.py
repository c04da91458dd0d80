"""The sign-up emails, queued in the request and written by the worker when it sends.

Each is queued with what it is about, never with its words: an existing account (told to sign
in instead), or the sign-up request itself. The confirmation link of an open-domain sign-up is
signed when the worker sends it, from the request row, and the row is then deleted; a refused
request keeps the operator's note only until the refusal has gone.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from together.messaging import delivery, kinds
from together.messaging.models import Kind

from .models import SignupRequest


def _letter(template: str, context: dict, to_email: str) -> kinds.Letter:
    return kinds.Letter(
        to_email=to_email,
        subject=render_to_string(f"operator/email/{template}_subject.txt", context).strip(),
        body=render_to_string(f"operator/email/{template}.txt", context),
    )


def queue_signup_confirmation(signup: SignupRequest, site: str) -> None:
    delivery.queue_one(Kind.SIGNUP_CONFIRM, site, signup=signup)


def queue_already_registered(user, site: str) -> None:
    """Queued instead of anything else when someone signs up with an address that has an account,
    so the page never says which addresses have one."""
    delivery.queue_one(Kind.SIGNUP_EXISTING, site, account=user)


def queue_signup_received(signup: SignupRequest, site: str) -> None:
    delivery.queue_one(Kind.SIGNUP_RECEIVED, site, signup=signup)


def queue_signup_refused(signup: SignupRequest, site: str) -> None:
    delivery.queue_one(Kind.SIGNUP_REFUSED, site, signup=signup)


def _confirmation(email) -> kinds.Letter:
    from . import signup

    request = email.signup
    link = email.site + reverse("sign-up-confirm", args=[signup.confirmation_token(request)])
    context = {"name": request.name, "link": link, "hours": settings.SIGNUP_LINK_TIMEOUT // 3600}
    return _letter("signup_confirm", context, request.email)


def _existing(email) -> kinds.Letter:
    user = email.account
    context = {
        "email": user.email,
        "sign_in": email.site + reverse("sign-in"),
        "reset": email.site + reverse("password-reset"),
    }
    return _letter("signup_existing", context, user.email)


def _received(email) -> kinds.Letter:
    request = email.signup
    return _letter("signup_received", {"name": request.name}, request.email)


def _refused(email) -> kinds.Letter:
    request = email.signup
    return _letter("signup_refused", {"name": request.name, "note": request.note}, request.email)


def _forget_request(emails, at) -> None:
    """Once the link or the refusal has gone, nothing needs the request any more."""
    SignupRequest.objects.filter(pk__in=[email.signup_id for email in emails]).delete()


def register() -> None:
    kinds.register(Kind.SIGNUP_CONFIRM, kinds.Handler(_confirmation, _forget_request, ("signup",)))
    kinds.register(Kind.SIGNUP_EXISTING, kinds.Handler(_existing, related=("account",)))
    kinds.register(Kind.SIGNUP_RECEIVED, kinds.Handler(_received, related=("signup",)))
    kinds.register(Kind.SIGNUP_REFUSED, kinds.Handler(_refused, _forget_request, ("signup",)))
