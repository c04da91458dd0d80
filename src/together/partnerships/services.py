"""Setting up partnerships and managing who belongs to them."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from together.messaging import headers

from .models import DEFAULT_GROUPS, MemberInvitation, Membership, Partnership, RespondentGroup, Role


class MembershipError(Exception):
    pass


@transaction.atomic
def create_partnership(user, **fields) -> Partnership:
    """A new partnership with the default respondent groups, owned by its creator."""
    partnership = Partnership.objects.create(**fields)
    RespondentGroup.objects.bulk_create(
        RespondentGroup(partnership=partnership, name=str(name), position=index)
        for index, name in enumerate(DEFAULT_GROUPS)
    )
    Membership.objects.create(partnership=partnership, user=user, role=Role.OWNER)
    return partnership


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_member(partnership: Partnership, email: str, role: str, invited_by, base_url: str) -> MemberInvitation:
    email = email.strip().lower()
    if Membership.objects.filter(partnership=partnership, user__email__iexact=email).exists():
        raise MembershipError(f"{email} is already a member of this partnership.")
    token = secrets.token_urlsafe(32)
    invitation = MemberInvitation.objects.create(
        partnership=partnership, email=email, role=role, token_digest=_digest(token), invited_by=invited_by
    )
    context = {
        "partnership": partnership,
        "invitation": invitation,
        "link": f"{base_url}/join/{token}/",
        "invited_by": invited_by,
    }
    # One email, sent at once: only a hash of the token is kept, so it could not be written
    # later. A line break in the partnership's name must not reach the subject as a header.
    send_mail(
        headers.one_line(render_to_string("partnerships/email/join_subject.txt", context)),
        render_to_string("partnerships/email/join.txt", context),
        headers.clean_address(settings.DEFAULT_FROM_EMAIL),
        [email],
    )
    return invitation


def find_member_invitation(token: str) -> MemberInvitation | None:
    return (
        MemberInvitation.objects.select_related("partnership")
        .filter(token_digest=_digest(token), accepted_at__isnull=True)
        .first()
    )


@transaction.atomic
def accept_member_invitation(invitation: MemberInvitation, user) -> Membership:
    if user.email.lower() != invitation.email.lower():
        raise MembershipError(f"This invitation is for {invitation.email}. Sign in with that address to accept it.")
    membership, _ = Membership.objects.get_or_create(
        partnership=invitation.partnership, user=user, defaults={"role": invitation.role}
    )
    MemberInvitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    return membership


@transaction.atomic
def change_role(membership: Membership, role: str) -> None:
    if membership.role == Role.OWNER and role != Role.OWNER:
        _keep_an_owner(membership)
    Membership.objects.filter(pk=membership.pk).update(role=role)


@transaction.atomic
def remove_member(membership: Membership) -> None:
    if membership.role == Role.OWNER:
        _keep_an_owner(membership)
    membership.delete()


def _keep_an_owner(membership: Membership) -> None:
    owners = Membership.objects.select_for_update().filter(partnership=membership.partnership_id, role=Role.OWNER)
    if owners.count() <= 1:
        raise MembershipError("A partnership needs at least one owner. Make someone else an owner first.")
