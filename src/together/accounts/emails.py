"""The emails about an account's password, queued in the request and written by the worker.

``queue_password_reset`` and ``queue_invitation`` store only which account a message is about
(and who invited them); the worker calls the renderers registered here when it sends, so the
password link's token is made then, from the account as it is at that moment, and is never
stored. Django's tokens stop working once the password changes, the person signs in, or (here)
the account is disabled, so a link made a little later than it was asked for is no weaker.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from together.messaging import delivery, kinds
from together.messaging.models import Kind

from .tokens import invitation_tokens, reset_tokens


def _uid(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def _letter(template: str, context: dict, user) -> kinds.Letter:
    return kinds.Letter(
        to_email=user.email,
        subject=render_to_string(f"accounts/email/{template}_subject.txt", context).strip(),
        body=render_to_string(f"accounts/email/{template}.txt", context),
    )


def queue_password_reset(user, site: str) -> None:
    delivery.queue_one(Kind.PASSWORD_RESET, site, account=user)


def queue_invitation(user, site: str, invited_by=None, approved: bool = False) -> None:
    """A set-password link for a new account, from an operator or an approved sign-up."""
    kind = Kind.SIGNUP_APPROVED if approved else Kind.ACCOUNT_INVITATION
    delivery.queue_one(kind, site, account=user, sender=invited_by)


def reset_link(user, site: str) -> str:
    return site + reverse("password-reset-confirm", args=[_uid(user), reset_tokens.make_token(user)])


def invitation_link(user, site: str) -> str:
    return site + reverse("set-password", args=[_uid(user), invitation_tokens.make_token(user)])


def _active(email):
    user = email.account
    if not user.is_active:
        raise kinds.NotSent("the account is disabled")
    return user


def render_password_reset(email) -> kinds.Letter:
    user = _active(email)
    context = {"user": user, "link": reset_link(user, email.site), "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
    return _letter("password_reset", context, user)


def render_invitation(email) -> kinds.Letter:
    user = _active(email)
    context = {
        "user": user,
        "link": invitation_link(user, email.site),
        "days": settings.INVITATION_TIMEOUT // 86400,
        "invited_by": email.sender,
        "approved": email.kind == Kind.SIGNUP_APPROVED,
        "sign_in": email.site + reverse("sign-in"),
        "reset": email.site + reverse("password-reset"),
    }
    return _letter("invitation", context, user)


def register() -> None:
    related = ("account", "sender")
    kinds.register(Kind.PASSWORD_RESET, kinds.Handler(render_password_reset, related=related))
    kinds.register(Kind.ACCOUNT_INVITATION, kinds.Handler(render_invitation, related=related))
    kinds.register(Kind.SIGNUP_APPROVED, kinds.Handler(render_invitation, related=related))
