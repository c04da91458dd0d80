"""What operators do to accounts: invite, disable and enable. Each step is recorded in the audit log.

Invitations are queued with the audit record, in one transaction, and sent by the worker."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from together.accounts.emails import queue_invitation
from together.accounts.models import User

from . import audit


class AccountError(Exception):
    pass


def invite(email: str, name: str, *, by, base_url: str, operator: bool = False, request=None) -> User:
    email = email.strip().lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise AccountError(f"{email} already has an account.")
        user = User.objects.create_user(email, None, name=name.strip(), is_staff=operator)
        audit.record(
            audit.ACCOUNT_INVITED, actor=by, target=user, request=request, detail="as an operator" if operator else ""
        )
        queue_invitation(user, base_url, invited_by=by)
    return user


def invited_only(user: User) -> bool:
    """Invited but has never set a password or signed in."""
    return user.last_login is None and not user.has_usable_password()


def invite_again(user: User, *, by, base_url: str, request=None) -> None:
    if not invited_only(user) or not user.is_active:
        raise AccountError(f"{user.email} has already set a password: they can reset it from the sign-in page.")
    with transaction.atomic():
        audit.record(audit.ACCOUNT_INVITED, actor=by, target=user, request=request, detail="invitation sent again")
        queue_invitation(user, base_url, invited_by=by)


@transaction.atomic
def set_active(user: User, active: bool, *, by, request=None) -> None:
    """Disable or enable an account. Disabling ends its sessions at once: they are deleted, and
    every request checks the account is active in any case (so do API tokens)."""
    if user.pk == by.pk:
        raise AccountError("You cannot disable your own account. Ask another operator.")
    if user.is_superuser and not by.is_superuser:
        raise AccountError("Only a superuser can disable or enable a superuser's account.")
    if user.is_active == active:
        return
    User.objects.filter(pk=user.pk).update(is_active=active)
    user.is_active = active
    if not active:
        end_sessions(user)
    audit.record(audit.ACCOUNT_ENABLED if active else audit.ACCOUNT_DISABLED, actor=by, target=user, request=request)


def end_sessions(user: User) -> int:
    """Delete every unexpired session signed in as ``user``; return how many."""
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)
