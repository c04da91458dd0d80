"""Setting up partnerships and managing who belongs to them."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from together.messaging import delivery, kinds
from together.messaging.languages import email_languages, prefixed, write
from together.messaging.models import Kind

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


@transaction.atomic
def invite_member(partnership: Partnership, email: str, role: str, invited_by, base_url: str) -> MemberInvitation:
    """Record the invitation and queue its email; the worker makes the token when it sends."""
    email = email.strip().lower()
    if Membership.objects.filter(partnership=partnership, user__email__iexact=email).exists():
        raise MembershipError(f"{email} is already a member of this partnership.")
    invitation = MemberInvitation.objects.create(
        partnership=partnership, email=email, role=role, token_digest=None, invited_by=invited_by
    )
    delivery.queue_one(Kind.JOIN, base_url, member_invitation=invitation)
    return invitation


def _join_letter(email) -> kinds.Letter:
    """The join email, written by the worker as it sends it.

    The token is made here, and only its hash stored, just before the message goes: nothing that
    rebuilds the link is kept anywhere, in the queue or with the invitation. Each attempt makes a
    new token, so if an attempt the worker counted as failed did reach the person, the link in
    that earlier copy stops working and the one sent after it works instead."""
    invitation = email.member_invitation
    token = secrets.token_urlsafe(32)
    updated = MemberInvitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        token_digest=_digest(token)
    )
    if not updated:
        raise kinds.NotSent("the invitation has been accepted or withdrawn")

    def render(language: str) -> tuple[str, str]:
        context = {
            "partnership": invitation.partnership,
            "invitation": invitation,
            "link": prefixed(email.site, f"/join/{token}/", language),
            "invited_by": invitation.invited_by,
        }
        return (
            render_to_string("partnerships/email/join_subject.txt", context),
            render_to_string("partnerships/email/join.txt", context),
        )

    # A colleague's language is not known: in Welsh and English, Welsh first, where the
    # partnership is bound by the Welsh Language Standards.
    chosen = email_languages("", welsh_standards=invitation.partnership.welsh_standards)
    subject, body = write(chosen, render)
    return kinds.Letter(to_email=invitation.email, subject=subject, body=body)


def register() -> None:
    related = ("member_invitation__partnership", "member_invitation__invited_by")
    kinds.register(Kind.JOIN, kinds.Handler(_join_letter, related=related))


def find_member_invitation(token: str) -> MemberInvitation | None:
    """The open invitation whose link carries ``token`` (none before its email has been sent)."""
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
