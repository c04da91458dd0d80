"""Owners invite colleagues, change roles and remove members; a partnership always keeps an owner."""

import re

import pytest
from django.core import mail

from tests.integration.helpers import add_member, make_partnership
from together.accounts.models import User
from together.messaging.worker import run_ready_tasks
from together.partnerships.models import Membership, Role

pytestmark = pytest.mark.django_db


def invite(client, owner, partnership, email, role):
    client.force_login(owner)
    response = client.post(f"/partnerships/{partnership.pk}/members/invite/", {"email": email, "role": role})
    assert response.status_code == 302
    run_ready_tasks()
    link = re.search(r"https?://\S+/join/\S+/", mail.outbox[-1].body).group(0)
    client.logout()
    return link.split("testserver", 1)[1]


def test_a_new_colleague_creates_an_account_and_joins(client, facilitator):
    partnership = make_partnership(facilitator)
    path = invite(client, facilitator, partnership, "New.Person@Northbridge.example", Role.VIEWER)
    assert "You have been invited as a viewer" in client.get(path).content.decode()
    page = client.post(path, {"name": "New Person", "password": "short"}).content.decode()
    assert "This password is too short" in page
    response = client.post(path, {"name": "New Person", "password": "river kettle orchard lantern"})
    assert response.status_code == 302
    user = User.objects.get(email="new.person@northbridge.example")
    assert Membership.objects.get(user=user, partnership=partnership).role == Role.VIEWER
    # The link works once.
    client.logout()
    assert client.get(path).status_code == 404


def test_an_existing_account_signs_in_then_accepts(client, facilitator):
    partnership = make_partnership(facilitator)
    colleague = User.objects.create_user("colleague@northbridge.example", "a long enough password 1")
    path = invite(client, facilitator, partnership, colleague.email, Role.FACILITATOR)
    assert "already has an account" in client.get(path).content.decode()
    client.force_login(colleague)
    assert client.post(path).status_code == 302
    assert Membership.objects.get(user=colleague).role == Role.FACILITATOR


def test_an_invitation_cannot_be_accepted_by_someone_else(client, facilitator):
    partnership = make_partnership(facilitator)
    path = invite(client, facilitator, partnership, "intended@northbridge.example", Role.VIEWER)
    stranger = User.objects.create_user("stranger@elsewhere.example", "a long enough password 1")
    client.force_login(stranger)
    client.post(path)
    assert not Membership.objects.filter(user=stranger).exists()


def test_inviting_an_existing_member_is_refused(client, facilitator):
    partnership = make_partnership(facilitator)
    client.force_login(facilitator)
    page = client.post(
        f"/partnerships/{partnership.pk}/members/invite/", {"email": facilitator.email, "role": Role.VIEWER}
    ).content.decode()
    assert "is already a member of this partnership" in page
    assert not mail.outbox


def test_the_last_owner_cannot_step_down_or_be_removed(client, facilitator):
    partnership = make_partnership(facilitator)
    own = Membership.objects.get(user=facilitator)
    client.force_login(facilitator)
    page = client.post(f"/partnerships/{partnership.pk}/members/{own.pk}/role/", {"role": Role.VIEWER}).content
    assert b"A partnership needs at least one owner" in page
    client.post(f"/partnerships/{partnership.pk}/members/{own.pk}/remove/")
    assert Membership.objects.get(pk=own.pk).role == Role.OWNER
    second = add_member(partnership, User.objects.create_user("second@northbridge.example"), Role.OWNER)
    client.post(f"/partnerships/{partnership.pk}/members/{own.pk}/role/", {"role": Role.VIEWER})
    assert Membership.objects.get(pk=own.pk).role == Role.VIEWER
    assert Membership.objects.get(pk=second.pk).role == Role.OWNER


def test_new_partnerships_get_the_default_groups_and_their_creator_as_owner(client, facilitator):
    client.force_login(facilitator)
    response = client.post("/partnerships/new/", {"name": "Riverside Partnership", "place": "Riverside"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=facilitator)
    assert membership.role == Role.OWNER
    assert [g.name for g in membership.partnership.groups.all()] == [
        "Senior leader",
        "Elected member",
        "Middle manager",
        "Frontline staff",
        "Service user or resident",
        "Other",
    ]
