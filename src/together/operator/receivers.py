"""The audit log listens to Django's sign-in signals and to :data:`signals.security_event`."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit
from .signals import security_event


@receiver(user_logged_in, dispatch_uid="together.operator.sign-in")
def _signed_in(sender, request, user, **kwargs):
    audit.record(audit.SIGN_IN, actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="together.operator.sign-out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(audit.SIGN_OUT, actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="together.operator.sign-in-failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Only the address tried is kept; Django has already masked the password in credentials.
    tried = credentials.get("username") or credentials.get("email") or ""
    tried = tried.strip().lower() if isinstance(tried, str) else ""
    account = get_user_model().objects.filter(email__iexact=tried).first() if tried else None
    locked = request is not None and getattr(request, "axes_locked_out", False)
    audit.record(
        audit.SIGN_IN_FAILED,
        actor=None,
        target=account,
        email=tried,
        request=request,
        detail="account locked after too many wrong passwords" if locked else "",
    )


@receiver(security_event, dispatch_uid="together.operator.security-event")
def _security_event(sender, user, action, detail="", request=None, actor=None, **kwargs):
    if actor is None or actor == user:
        audit.record(action, actor=user, detail=detail, request=request)
    else:
        audit.record(action, actor=actor, target=user, detail=detail, request=request)
