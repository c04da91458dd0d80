"""Writing and pruning the audit log. Other apps call :func:`record`."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from together.signin import signals as signin_signals
from together.web.clients import client_address

from .models import AuditEvent

SIGN_IN = "sign-in"
SIGN_IN_FAILED = "sign-in-failed"
SIGN_OUT = "sign-out"
# Names of events, not passwords (ruff's S105 reads "PASSWORD" as a secret).
PASSWORD_CHANGED = "password-changed"  # noqa: S105
PASSWORD_RESET_REQUESTED = "password-reset-requested"  # noqa: S105
PASSWORD_RESET = "password-reset"  # noqa: S105
PASSWORD_SET = "password-set"  # noqa: S105
ACCOUNT_INVITED = "account-invited"
ACCOUNT_DISABLED = "account-disabled"
ACCOUNT_ENABLED = "account-enabled"
SIGNUP_REQUESTED = "sign-up-requested"
SIGNUP_CONFIRMED = "sign-up-confirmed"
SIGNUP_APPROVED = "sign-up-approved"
SIGNUP_REFUSED = "sign-up-refused"
ROLE_CHANGED = "role-changed"
MEMBER_REMOVED = "member-removed"

LABELS = {
    SIGN_IN: _("Signed in"),
    SIGN_IN_FAILED: _("Sign-in failed"),
    SIGN_OUT: _("Signed out"),
    PASSWORD_CHANGED: _("Password changed"),
    PASSWORD_RESET_REQUESTED: _("Password reset asked for"),
    PASSWORD_RESET: _("Password reset"),
    PASSWORD_SET: _("First password set"),
    ACCOUNT_INVITED: _("Account invited"),
    ACCOUNT_DISABLED: _("Account disabled"),
    ACCOUNT_ENABLED: _("Account enabled"),
    SIGNUP_REQUESTED: _("Sign-up requested"),
    SIGNUP_CONFIRMED: _("Sign-up confirmed by email"),
    SIGNUP_APPROVED: _("Sign-up approved"),
    SIGNUP_REFUSED: _("Sign-up refused"),
    ROLE_CHANGED: _("Partnership role changed"),
    MEMBER_REMOVED: _("Removed from a partnership"),
    signin_signals.MFA_ENROLLED: _("Authenticator app set up"),
    signin_signals.MFA_REMOVED: _("Authenticator app removed"),
    signin_signals.RECOVERY_CODES_REGENERATED: _("Recovery codes replaced"),
    signin_signals.RECOVERY_CODE_USED: _("Recovery code used"),
    signin_signals.WRONG_CODE: _("Wrong authenticator code"),
    signin_signals.SSO_SIGN_IN: _("Signed in through single sign-on"),
    signin_signals.SSO_REFUSED: _("Single sign-on refused"),
}

_MAX_DETAIL = AuditEvent._meta.get_field("detail").max_length
_MAX_EMAIL = AuditEvent._meta.get_field("target_email").max_length
_MAX_ACTION = AuditEvent._meta.get_field("action").max_length


def label(action: str) -> str:
    """The action in words; actions other apps add show as they were recorded."""
    return str(LABELS.get(action, action))


def _account(user):
    return user if user is not None and getattr(user, "pk", None) is not None else None


def record(action: str, *, actor, target=None, detail: str = "", request=None, email: str = "") -> AuditEvent:
    """Append one event. ``actor`` did it (None for someone not signed in); ``target`` is the
    account it was done to, if another; ``email`` names an address with no account (a failed
    sign-in's, a sign-up's). ``request`` gives the client's address. Never pass a password or
    anything a person typed into a form other than an email address."""
    actor = _account(actor)
    target = _account(target)
    target_email = target.email if target is not None else email.strip().lower()
    return AuditEvent.objects.create(
        action=action[:_MAX_ACTION],
        actor=actor,
        actor_email=actor.email if actor is not None else "",
        target=target,
        target_email=target_email[:_MAX_EMAIL],
        client_address=client_address(request) if request is not None else "",
        detail=" ".join(str(detail).split())[:_MAX_DETAIL],
    )


def involving(queryset, user):
    """Events done by or to ``user``, including failed sign-ins with their address."""
    from django.db.models import Q

    return queryset.filter(Q(actor=user) | Q(target=user) | Q(target_email__iexact=user.email))


def prune(now=None) -> int:
    """Remove records older than ``AUDIT_LOG_DAYS``; return how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_LOG_DAYS)
    removed, _ = AuditEvent.objects.filter(at__lt=cutoff)._prune()
    return removed
