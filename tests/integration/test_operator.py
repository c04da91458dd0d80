"""The operator area: staff only; inviting, disabling and enabling accounts; partnerships; the
audit log (every event, append-only, filtered, pruned); and the security_event signal."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.integration.helpers import add_member, make_partnership
from together.accounts.models import User
from together.messaging.worker import run_ready_tasks
from together.operator import audit
from together.operator.models import AppendOnly, AuditEvent, SignupRequest
from together.operator.signals import security_event
from together.partnerships.models import Membership, Role

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough password 1"


@pytest.fixture
def operator(db):
    return User.objects.create_user("ops@service.example", PASSWORD, name="Olu Operator", is_staff=True)


@pytest.fixture
def ops(operator):
    client = Client()
    client.force_login(operator)
    return client


def operator_urls(facilitator):
    waiting = SignupRequest.objects.create(name="Sam", email="sam@example.org", organisation="Org", reason="Why")
    return [
        ("get", "/operator/"),
        ("get", "/operator/accounts/"),
        ("get", "/operator/accounts/?q=fran"),
        ("get", "/operator/accounts/invite/"),
        ("post", "/operator/accounts/invite/"),
        ("get", f"/operator/accounts/{facilitator.pk}/"),
        ("post", f"/operator/accounts/{facilitator.pk}/active/"),
        ("post", f"/operator/accounts/{facilitator.pk}/invite-again/"),
        ("get", "/operator/partnerships/"),
        ("get", "/operator/sign-ups/"),
        ("get", f"/operator/sign-ups/{waiting.pk}/"),
        ("post", f"/operator/sign-ups/{waiting.pk}/"),
        ("get", "/operator/audit/"),
        ("get", "/operator/audit/?action=sign-in&account=fran%40northbridge.example"),
    ]


def test_every_operator_url_is_for_staff_only(facilitator, operator):
    make_partnership(facilitator)
    urls = operator_urls(facilitator)
    member = Client()
    member.force_login(facilitator)
    for method, url in urls:
        assert getattr(member, method)(url).status_code == 404, f"a non-staff account must not reach {url}"
        anonymous = getattr(Client(), method)(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/sign-in/"), url
    staff = Client()
    staff.force_login(operator)
    for method, url in urls:
        if method == "get":
            assert staff.get(url).status_code == 200, url
    assert User.objects.get(pk=facilitator.pk).is_active  # nothing the others posted changed anything
    assert SignupRequest.objects.count() == 1


def test_navigation_shows_the_operator_area_to_staff_only(ops, facilitator):
    assert 'href="/operator/"' in ops.get("/partnerships/").content.decode()
    member = Client()
    member.force_login(facilitator)
    assert 'href="/operator/"' not in member.get("/partnerships/").content.decode()


def test_account_list_searches_by_email_and_pages(ops, operator):
    for number in range(30):
        User.objects.create_user(f"person{number:02}@council.example", None)
    first = ops.get("/operator/accounts/").content.decode()
    assert "31 accounts" in first and "person00@council.example" in first and "person29@council.example" not in first
    assert 'href="?page=2"' in first
    second = ops.get("/operator/accounts/?page=2").content.decode()
    assert "person29@council.example" in second
    found = ops.get("/operator/accounts/?q=SON07").content.decode()
    assert "1 account matching" in found and "person07@council.example" in found
    assert "person08@council.example" not in found
    assert ops.get("/operator/accounts/?page=999").status_code == 200  # the last page, not an error


def test_invite_sends_a_set_password_link_that_signs_in(ops, operator, mailoutbox):
    response = ops.post("/operator/accounts/invite/", {"email": "New.Lead@Council.example", "name": "Nia Lead"})
    user = User.objects.get(email="new.lead@council.example")
    assert response.status_code == 302 and response["Location"] == f"/operator/accounts/{user.pk}/"
    assert not user.has_usable_password() and user.is_active and not user.is_staff
    assert mailoutbox == [], "the worker sends it, not the request"
    run_ready_tasks()
    assert mailoutbox[0].to == ["new.lead@council.example"]
    link = re.search(r"http://testserver(/account/set-password/\S+/)", mailoutbox[0].body)[1]
    invited = Client()
    form = invited.get(link)
    page = invited.get(form["Location"]).content.decode()
    assert "Choose your password" in page and "new.lead@council.example" in page
    done = invited.post(
        form["Location"], {"new_password1": "quiet harbour maple 9", "new_password2": "quiet harbour maple 9"}
    )
    assert done.status_code == 302 and done["Location"] == reverse("partnerships")
    assert invited.get(reverse("partnerships")).status_code == 200
    assert Client().get(link, follow=True).content.decode().count("This link does not work") >= 1
    assert AuditEvent.objects.filter(action="account-invited", actor=operator, target=user).exists()
    assert AuditEvent.objects.filter(action="password-set", actor=user).exists()


def test_invite_refuses_an_existing_address_and_bad_input(ops, facilitator, mailoutbox):
    taken = ops.post("/operator/accounts/invite/", {"email": facilitator.email.upper(), "name": "Fran"})
    assert taken.status_code == 200 and "already has an account" in taken.content.decode()
    bad = ops.post("/operator/accounts/invite/", {"email": "nope", "name": ""}).content.decode()
    assert "Enter an email address in the correct format" in bad and "Enter the person&#x27;s full name" in bad
    run_ready_tasks()
    assert mailoutbox == [] and User.objects.count() == 2


def test_only_a_superuser_may_make_operators(ops, mailoutbox):
    ops.post("/operator/accounts/invite/", {"email": "a@council.example", "name": "A", "operator": "on"})
    assert not User.objects.get(email="a@council.example").is_staff
    boss = User.objects.create_superuser("root@service.example", PASSWORD)
    client = Client()
    client.force_login(boss)
    assert "Make them an operator" in client.get("/operator/accounts/invite/").content.decode()
    client.post("/operator/accounts/invite/", {"email": "b@council.example", "name": "B", "operator": "on"})
    assert User.objects.get(email="b@council.example").is_staff


def test_disabling_ends_sessions_and_stops_sign_in_until_enabled(ops, operator, facilitator):
    theirs = Client()
    assert theirs.post(reverse("sign-in"), {"username": facilitator.email, "password": PASSWORD}).status_code == 302
    assert theirs.get("/partnerships/").status_code == 200
    response = ops.post(f"/operator/accounts/{facilitator.pk}/active/", {"active": "no"}, follow=True)
    assert "is disabled and has been signed out everywhere" in response.content.decode()
    assert theirs.get("/partnerships/").status_code == 302
    refused = Client().post(reverse("sign-in"), {"username": facilitator.email, "password": PASSWORD})
    assert refused.status_code == 200 and "Enter a correct email address and password" in refused.content.decode()
    ops.post(f"/operator/accounts/{facilitator.pk}/active/", {"active": "yes"})
    assert Client().post(reverse("sign-in"), {"username": facilitator.email, "password": PASSWORD}).status_code == 302
    actions = list(
        audit.involving(AuditEvent.objects.filter(actor=operator), facilitator).values_list("action", flat=True)
    )
    assert actions == ["account-enabled", "account-disabled"]


def test_disabled_accounts_lose_the_api_too(ops, facilitator):
    from together.api import tokens

    _api_token, key = tokens.issue(facilitator, "Operator test")
    assert Client().get("/api/v1/partnerships/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    ops.post(f"/operator/accounts/{facilitator.pk}/active/", {"active": "no"})
    assert Client().get("/api/v1/partnerships/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_operators_cannot_disable_themselves_or_a_superuser(ops, operator):
    response = ops.post(f"/operator/accounts/{operator.pk}/active/", {"active": "no"}, follow=True)
    assert "You cannot disable your own account" in response.content.decode()
    boss = User.objects.create_superuser("root@service.example", PASSWORD)
    response = ops.post(f"/operator/accounts/{boss.pk}/active/", {"active": "no"}, follow=True)
    assert "Only a superuser can" in response.content.decode()
    bad = ops.post(f"/operator/accounts/{boss.pk}/active/", {"active": "maybe"}, follow=True)
    assert "Choose whether to disable or enable" in bad.content.decode()
    assert User.objects.filter(is_active=False).count() == 0
    assert ops.get("/operator/accounts/999999/").status_code == 404


def test_partnerships_list_owners_and_member_counts_and_nothing_of_results(ops, facilitator):
    partnership = make_partnership(facilitator)
    add_member(partnership, User.objects.create_user("viewer@northbridge.example", None), Role.VIEWER)
    html = ops.get("/operator/partnerships/").content.decode()
    assert "Northbridge Partnership" in html and facilitator.email in html
    assert re.search(r'numeric">2</td>', html)
    assert "viewer@northbridge.example" not in html  # only owners are named


def sign_in(client, email, password):
    return client.post(reverse("sign-in"), {"username": email, "password": password}, REMOTE_ADDR="203.0.113.9")


def test_audit_records_sign_ins_failures_and_sign_outs_with_the_address(facilitator):
    client = Client()
    sign_in(client, facilitator.email, "wrong password")
    sign_in(client, "nobody@example.org", "wrong password")
    sign_in(client, facilitator.email, PASSWORD)
    client.post(reverse("sign-out"), REMOTE_ADDR="203.0.113.9")
    events = list(AuditEvent.objects.order_by("at", "id"))
    assert [(e.action, e.target_email or e.actor_email, e.client_address) for e in events] == [
        ("sign-in-failed", facilitator.email, "203.0.113.9"),
        ("sign-in-failed", "nobody@example.org", "203.0.113.9"),
        ("sign-in", facilitator.email, "203.0.113.9"),
        ("sign-out", facilitator.email, "203.0.113.9"),
    ]
    assert events[0].target == facilitator and events[1].target is None
    for event in events:  # no password, ever
        assert "password" not in event.detail and PASSWORD not in str(event.__dict__)


def test_audit_records_role_changes_and_removals(client, facilitator):
    partnership = make_partnership(facilitator)
    colleague = User.objects.create_user("colleague@northbridge.example", None)
    membership = add_member(partnership, colleague, Role.VIEWER)
    client.force_login(facilitator)
    client.post(f"/partnerships/{partnership.pk}/members/{membership.pk}/role/", {"role": "facilitator"})
    client.post(f"/partnerships/{partnership.pk}/members/{membership.pk}/remove/")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    changed, removed = AuditEvent.objects.filter(target=colleague).order_by("id")
    assert (changed.action, changed.actor, changed.detail) == (
        "role-changed",
        facilitator,
        "Northbridge Partnership: viewer to facilitator",
    )
    assert (removed.action, removed.detail) == ("member-removed", "Northbridge Partnership: was facilitator")


def test_the_security_event_signal_is_recorded(facilitator, operator):
    security_event.send("together.signin", user=facilitator, action="mfa-enabled", detail="authenticator app")
    security_event.send("together.signin", user=facilitator, action="mfa-reset", detail="", actor=operator)
    first, second = AuditEvent.objects.order_by("id")
    assert (first.action, first.actor, first.target, first.detail) == (
        "mfa-enabled",
        facilitator,
        None,
        "authenticator app",
    )
    assert (second.action, second.actor, second.target) == ("mfa-reset", operator, facilitator)


def test_the_audit_log_is_append_only():
    event = audit.record("sign-in", actor=None, email="a@example.org")
    event.detail = "changed"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.update(detail="x")
    assert AuditEvent.objects.get().detail == ""


def test_audit_page_filters_by_action_and_account_and_pages(ops, facilitator, operator):
    for _ in range(55):
        audit.record("sign-in", actor=facilitator)
    audit.record("account-disabled", actor=operator, target=facilitator)
    audit.record("sign-in", actor=operator)
    everything = ops.get("/operator/audit/").content.decode()
    assert "58 records" in everything  # and the operator's own sign-in and 'href="?page=2"' in everything
    by_action = ops.get("/operator/audit/?action=account-disabled").content.decode()
    assert "1 record" in by_action and "Account disabled" in by_action
    by_account = ops.get(f"/operator/audit/?account={facilitator.email.upper()}").content.decode()
    assert "56 records" in by_account
    both = ops.get(f"/operator/audit/?action=sign-in&account={operator.email}").content.decode()
    assert "2 records" in both
    unknown = ops.get("/operator/audit/?action=no-such-action")
    assert unknown.status_code == 200 and "Select a valid choice" in unknown.content.decode()


def test_prune_removes_records_older_than_the_retention(settings, capsys):
    settings.AUDIT_LOG_DAYS = 30
    old = audit.record("sign-in", actor=None, email="old@example.org")
    from django.db import connection

    with connection.cursor() as cursor:
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        cursor.execute(
            f"UPDATE {table} SET at = %s WHERE id = %s",  # noqa: S608
            [timezone.now() - timedelta(days=31), old.pk],
        )
    kept = audit.record("sign-in", actor=None, email="new@example.org")
    call_command("prune-audit")
    assert "Removed 1 audit record(s) older than 30 days." in capsys.readouterr().out
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept.pk]
