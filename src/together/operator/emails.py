"""The sign-up emails, one function per message, so that how they are sent can change in one place."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string


def _send(template: str, context: dict, to: str) -> None:
    send_mail(
        render_to_string(f"operator/email/{template}_subject.txt", context).strip(),
        render_to_string(f"operator/email/{template}.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [to],
    )


def send_signup_confirmation(email: str, name: str, link: str) -> None:
    _send("signup_confirm", {"name": name, "link": link, "hours": settings.SIGNUP_LINK_TIMEOUT // 3600}, email)


def send_already_registered(email: str, sign_in: str, reset: str) -> None:
    """Sent instead of anything else when someone signs up with an address that has an account,
    so the page never says which addresses have one."""
    _send("signup_existing", {"email": email, "sign_in": sign_in, "reset": reset}, email)


def send_signup_received(email: str, name: str) -> None:
    _send("signup_received", {"name": name}, email)


def send_signup_refused(email: str, name: str, note: str) -> None:
    _send("signup_refused", {"name": name, "note": note}, email)
