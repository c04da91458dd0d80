"""The emails about an account's password, one function per message, so that how they are sent
can change in one place."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .tokens import invitation_tokens


def _send(template: str, context: dict, to: str) -> None:
    send_mail(
        render_to_string(f"accounts/email/{template}_subject.txt", context).strip(),
        render_to_string(f"accounts/email/{template}.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [to],
    )


def send_password_reset(user, link: str) -> None:
    _send("password_reset", {"user": user, "link": link, "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}, user.email)


def invitation_link(user, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return base_url + reverse("set-password", args=[uid, invitation_tokens.make_token(user)])


def send_invitation(user, base_url: str, invited_by=None, reason: str = "") -> None:
    """A set-password link for a new account, from an operator or an approved sign-up."""
    context = {
        "user": user,
        "link": invitation_link(user, base_url),
        "days": settings.INVITATION_TIMEOUT // 86400,
        "invited_by": invited_by,
        "approved": reason == "approved",
        "sign_in": base_url + reverse("sign-in"),
        "reset": base_url + reverse("password-reset"),
    }
    _send("invitation", context, user.email)
