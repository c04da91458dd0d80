"""Emails about accounts go through the task queue like invitations: each is queued by the
request and sent by the worker, which makes its link (and any token in it) only then; temporary
failures are tried again with backoff; failures are shown to operators, who can try again."""

from __future__ import annotations

import re
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.integration.helpers import make_partnership
from together.accounts.models import User
from together.messaging.models import Kind, OutgoingEmail, Status
from together.messaging.worker import run_ready_tasks
from together.operator.models import SignupRequest
from together.partnerships.models import MemberInvitation, Membership, Role

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


class Scripted(locmem.EmailBackend):
    """The locmem outbox, but an address may first fail with the errors listed for it."""

    script: dict[str, list[BaseException]] = {}

    def send_messages(self, messages):
        for message in messages:
            failures = self.script.get(message.to[0], [])
            if failures:
                raise failures.pop(0)
        return super().send_messages(messages)


@pytest.fixture
def scripted(settings):
    settings.EMAIL_BACKEND = f"{__name__}.Scripted"
    settings.EMAIL_RETRY_SECONDS = 60
    settings.EMAIL_MAX_ATTEMPTS = 3
    Scripted.script = {}
    return Scripted.script


def come_due() -> None:
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now() - timedelta(seconds=1))


def queued_then_sent(kind: str, to: str):
    """The request queued one ``kind`` email and sent none; the worker then sends it to ``to``."""
    assert mail.outbox == [], "nothing is sent inside the request"
    email = OutgoingEmail.objects.get(kind=kind, status=Status.QUEUED)
    assert run_ready_tasks() == 1
    assert OutgoingEmail.objects.filter(pk=email.pk, status=Status.SENT).exists() or kind in (
        Kind.SIGNUP_CONFIRM,
        Kind.SIGNUP_REFUSED,
    ), "sent (a sign-up's row goes with its request once sent)"
    (message,) = mail.outbox
    assert message.to == [to]
    mail.outbox.clear()
    return message


def test_every_account_email_is_queued_by_the_request_and_sent_by_the_worker(ops, facilitator, settings):
    settings.SIGNUP_OPEN_DOMAINS = ["*.gov.uk"]
    # A forgotten password.
    Client().post("/account/password-reset/", {"email": facilitator.email})
    message = queued_then_sent(Kind.PASSWORD_RESET, facilitator.email)
    assert "/account/password-reset/" in message.body

    # An operator's invitation, and the same sent again.
    ops.post("/operator/accounts/invite/", {"email": "nia@council.example", "name": "Nia Lead"})
    message = queued_then_sent(Kind.ACCOUNT_INVITATION, "nia@council.example")
    assert "Olu Operator has made you a Transforming Together account" in message.body
    nia = User.objects.get(email="nia@council.example")
    ops.post(f"/operator/accounts/{nia.pk}/invite-again/")
    assert OutgoingEmail.objects.filter(account=nia, kind=Kind.ACCOUNT_INVITATION).count() == 2
    queued_then_sent(Kind.ACCOUNT_INVITATION, "nia@council.example")

    # Sign-ups: an open domain's confirmation, an existing account's reminder, a request waiting
    # for approval, then approved; another refused.
    signup = {"name": "Lee Lead", "organisation": "Northbridge Council", "reason": "To run a review."}
    Client().post("/sign-up/", {**signup, "email": "lee@northbridge.gov.uk"})
    assert SignupRequest.objects.get().state == "confirming"
    message = queued_then_sent(Kind.SIGNUP_CONFIRM, "lee@northbridge.gov.uk")
    assert "/sign-up/confirm/" in message.body and not SignupRequest.objects.exists()
    Client().post("/sign-up/", {**signup, "email": facilitator.email})
    assert "already has one" in queued_then_sent(Kind.SIGNUP_EXISTING, facilitator.email).body
    Client().post("/sign-up/", {**signup, "email": "kim@charity.example"})
    queued_then_sent(Kind.SIGNUP_RECEIVED, "kim@charity.example")
    ops.post(f"/operator/sign-ups/{SignupRequest.objects.get().pk}/", {"decision": "approve"})
    assert "has been approved" in queued_then_sent(Kind.SIGNUP_APPROVED, "kim@charity.example").body
    Client().post("/sign-up/", {**signup, "email": "jo@charity.example"})
    queued_then_sent(Kind.SIGNUP_RECEIVED, "jo@charity.example")
    ops.post(f"/operator/sign-ups/{SignupRequest.objects.get().pk}/", {"decision": "refuse", "note": "Ask Fran."})
    message = queued_then_sent(Kind.SIGNUP_REFUSED, "jo@charity.example")
    assert "Ask Fran." in message.body and not SignupRequest.objects.exists(), "the note goes once it is sent"

    # An invitation to join a partnership.
    partnership = make_partnership(facilitator, name="North\nBcc: x@example.com")
    member = Client()
    member.force_login(facilitator)
    member.post(f"/partnerships/{partnership.pk}/members/invite/", {"email": "new@example.org", "role": Role.VIEWER})
    message = queued_then_sent(Kind.JOIN, "new@example.org")
    assert message.subject == "You are invited to join North Bcc: x@example.com on Transforming Together"


def test_a_join_link_exists_only_once_the_worker_has_sent_it_and_then_works(client, facilitator):
    partnership = make_partnership(facilitator)
    client.force_login(facilitator)
    client.post(f"/partnerships/{partnership.pk}/members/invite/", {"email": "new@example.org", "role": Role.VIEWER})
    invitation = MemberInvitation.objects.get()
    assert invitation.token_digest is None, "no token is made before the email is sent"
    assert "new@example.org" in client.get(f"/partnerships/{partnership.pk}/members/").content.decode()
    run_ready_tasks()
    path = re.search(r"http://testserver(/join/\S+/)", mail.outbox[0].body)[1]
    invitation.refresh_from_db()
    assert invitation.token_digest and invitation.token_digest not in mail.outbox[0].body
    client.logout()
    assert "You have been invited as a viewer" in client.get(path).content.decode()
    response = client.post(path, {"name": "New Person", "password": "river kettle orchard lantern"})
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert Membership.objects.get(user=user, partnership=partnership).role == Role.VIEWER


def test_a_join_email_tried_again_carries_a_new_link_and_the_old_one_stops_working(client, facilitator, scripted):
    partnership = make_partnership(facilitator)
    client.force_login(facilitator)
    client.post(f"/partnerships/{partnership.pk}/members/invite/", {"email": "new@example.org", "role": Role.VIEWER})
    scripted["new@example.org"] = [smtplib.SMTPServerDisconnected("gone")]
    run_ready_tasks()
    first_digest = MemberInvitation.objects.get().token_digest
    assert OutgoingEmail.objects.get().status == Status.QUEUED and mail.outbox == []
    come_due()
    run_ready_tasks()
    assert OutgoingEmail.objects.get().status == Status.SENT
    assert MemberInvitation.objects.get().token_digest != first_digest
    path = re.search(r"http://testserver(/join/\S+/)", mail.outbox[0].body)[1]
    client.logout()
    assert client.get(path).status_code == 200


def test_account_emails_are_tried_again_with_backoff(facilitator, scripted):
    busy = smtplib.SMTPRecipientsRefused({facilitator.email: (451, b"4.7.1 Try again later")})
    scripted[facilitator.email] = [busy]
    Client().post("/account/password-reset/", {"email": facilitator.email})
    started = timezone.now()
    run_ready_tasks()
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == (Status.QUEUED, 1)
    assert timedelta(seconds=59) < email.next_attempt_at - started < timedelta(seconds=70)
    assert run_ready_tasks() == 0, "nothing is tried before its time"
    come_due()
    run_ready_tasks()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 2)
    link = re.search(r"http://testserver(/account/password-reset/\S+/)", mail.outbox[0].body)[1]
    assert Client().get(link).status_code == 302, "the link made at the second attempt works"


def test_operators_see_failed_account_emails_and_try_them_again(ops, facilitator, scripted):
    refused = smtplib.SMTPRecipientsRefused({facilitator.email: (550, b"5.1.1 User unknown")})
    scripted[facilitator.email] = [refused]
    Client().post("/account/password-reset/", {"email": facilitator.email})
    run_ready_tasks()
    email = OutgoingEmail.objects.get()
    assert (email.status, email.reason) == (
        Status.FAILED,
        "The mail server refused this address (550: 5.1.1 User unknown)",
    )
    page = ops.get("/operator/accounts/").content.decode()
    assert "Account emails that could not be sent" in page
    assert facilitator.email in page and "Password reset link" in page and "5.1.1 User unknown" in page
    response = ops.post("/operator/accounts/emails/retry/")
    assert response.status_code == 302
    assert "1 failed email is being tried again" in ops.get("/operator/accounts/").content.decode()
    run_ready_tasks()
    assert OutgoingEmail.objects.get().status == Status.SENT and len(mail.outbox) == 1
    assert "could not be sent" not in ops.get("/operator/accounts/").content.decode()
    nothing = ops.post("/operator/accounts/emails/retry/", follow=True).content.decode()
    assert "No account emails have failed" in nothing
    assert Client().post("/operator/accounts/emails/retry/").status_code == 302  # staff only: to sign-in


def test_an_account_disabled_before_its_email_goes_is_not_sent_a_link(ops, facilitator):
    Client().post("/account/password-reset/", {"email": facilitator.email})
    User.objects.filter(pk=facilitator.pk).update(is_active=False)
    run_ready_tasks()
    email = OutgoingEmail.objects.get()
    assert (email.status, email.reason) == (Status.FAILED, "Not sent: the account is disabled")
    assert mail.outbox == []


def test_a_sign_up_whose_email_failed_is_forgotten_after_the_link_would_have_expired(settings, scripted):
    from together.operator import signup

    settings.SIGNUP_OPEN_DOMAINS = ["*.gov.uk"]
    scripted["lee@northbridge.gov.uk"] = [smtplib.SMTPRecipientsRefused({"x": (550, b"no")})]
    form = {"name": "Lee", "organisation": "Council", "reason": "Why", "email": "lee@northbridge.gov.uk"}
    Client().post("/sign-up/", form)
    run_ready_tasks()
    assert OutgoingEmail.objects.get().status == Status.FAILED
    assert signup.forget_unsent() == 0, "kept while the failure is recent"
    later = timezone.now() + timedelta(seconds=settings.SIGNUP_LINK_TIMEOUT + 60)
    assert signup.forget_unsent(now=later) == 1
    assert not SignupRequest.objects.exists() and not OutgoingEmail.objects.exists()
    # Asking again after a failure starts afresh.
    Client().post("/sign-up/", form)
    assert SignupRequest.objects.get().state == "confirming"
