"""Invitations and reminders go through the task queue: queued at once, sent by the worker,
tried again with backoff when the mail server cannot take them yet, failed with a reason when
it refuses them, and never stored with their words or links."""

from __future__ import annotations

import json
import signal
import smtplib
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.mail.backends import locmem
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.conftest import ROOT
from tests.integration import fake_notify
from tests.integration.helpers import make_partnership, make_round
from tests.integration.servers import environment, free_port
from together.messaging import delivery
from together.messaging.models import Kind, OutgoingEmail, Status
from together.messaging.worker import run_ready_tasks
from together.partnerships.models import Role
from together.reviews import invitations, keys
from together.reviews.models import Invitation

pytestmark = pytest.mark.django_db
SITE = "https://review.example"


@pytest.fixture
def round_(facilitator, framework_version):
    return make_round(make_partnership(facilitator), framework_version)


def invite(round_, *emails: str, name: str = "") -> list[Invitation]:
    created = []
    for email in emails:
        seed = keys.new_invitation_seed()
        created.append(
            Invitation(
                round=round_,
                email=email,
                name=name,
                seed=seed,
                token_digest=keys.token_digest(keys.invitation_token(seed)),
            )
        )
    return Invitation.objects.bulk_create(created)


def email_of(address: str) -> OutgoingEmail:
    return OutgoingEmail.objects.get(invitation__email=address)


def come_due() -> None:
    """As if the time had come for every deferred task."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now() - timedelta(seconds=1))


def test_one_post_queues_5000_invitations_and_returns_then_the_worker_sends_them(client, facilitator, round_):
    invite(round_, *(f"person{n}@example.org" for n in range(5000)))
    client.force_login(facilitator)
    started = time.perf_counter()
    response = client.post(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/invitations/send/")
    elapsed = time.perf_counter() - started
    print(f"queueing 5000 invitations in one POST took {elapsed:.2f} s")
    assert response.status_code == 302
    assert elapsed < 10, "the request queues; it does not wait on the mail server"
    assert not mail.outbox
    assert OutgoingEmail.objects.filter(status=Status.QUEUED).count() == 5000
    assert DBTaskResult.objects.count() == 5000 // delivery.BATCH

    page = client.get(response.url).content.decode()
    assert "5000 invitations are being sent." in page
    assert "Waiting to be sent" in page and "Email 5000 invitations" not in page

    assert run_ready_tasks() == 5000 // delivery.BATCH
    assert len(mail.outbox) == 5000
    assert {m.to[0] for m in mail.outbox} == {f"person{n}@example.org" for n in range(5000)}
    assert OutgoingEmail.objects.filter(status=Status.SENT, attempts=1).count() == 5000
    assert not Invitation.objects.filter(sent_at__isnull=True).exists()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_the_queue_holds_no_words_and_no_link(round_):
    (invitation,) = invite(round_, "sam@example.org", name="Sam Patel")
    invitations.send_invitations(round_, SITE)
    token = invitation.token
    stored = json.dumps(list(DBTaskResult.objects.values()), default=str) + json.dumps(
        list(OutgoingEmail.objects.values()), default=str
    )
    assert token not in stored and "sam@example.org" not in stored and "Sam" not in stored
    assert "how well do we work together" not in stored
    run_ready_tasks()
    (message,) = mail.outbox
    assert f"{SITE}/i/{token}/" in message.body
    stored = json.dumps(list(DBTaskResult.objects.values("args_kwargs", "return_value")), default=str)
    assert token not in stored


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


def test_temporary_failures_are_tried_again_with_exponential_backoff(round_, scripted):
    invite(round_, "later@example.org")
    busy = smtplib.SMTPRecipientsRefused({"later@example.org": (451, b"4.7.1 Try again later")})
    scripted["later@example.org"] = [busy, ConnectionRefusedError(111, "Connection refused")]
    invitations.send_invitations(round_, SITE)

    started = timezone.now()
    run_ready_tasks()
    email = email_of("later@example.org")
    assert (email.status, email.attempts) == (Status.QUEUED, 1)
    assert email.reason == "The mail server could not take this address yet (451: 4.7.1 Try again later)"
    assert timedelta(seconds=59) < email.next_attempt_at - started < timedelta(seconds=70)
    deferred = DBTaskResult.objects.get(status="READY")
    assert deferred.run_after == email.next_attempt_at
    assert run_ready_tasks() == 0, "nothing is tried before its time"

    come_due()
    started = timezone.now()
    run_ready_tasks()
    email = email_of("later@example.org")
    assert (email.status, email.attempts) == (Status.QUEUED, 2)
    assert email.reason == "Could not reach the mail server (connection refused)"
    assert timedelta(seconds=119) < email.next_attempt_at - started < timedelta(seconds=130), "the wait doubles"

    come_due()
    run_ready_tasks()
    email = email_of("later@example.org")
    assert (email.status, email.attempts, email.reason) == (Status.SENT, 3, "")
    assert [m.to for m in mail.outbox] == [["later@example.org"]]
    assert Invitation.objects.get().sent_at is not None


def test_a_refused_address_fails_at_once_and_one_that_keeps_failing_fails_after_the_last_attempt(round_, scripted):
    invite(round_, "nobody@example.org", "flaky@example.org", "fine@example.org")
    scripted["nobody@example.org"] = [
        smtplib.SMTPRecipientsRefused({"nobody@example.org": (550, b"5.1.1 User unknown")})
    ]
    scripted["flaky@example.org"] = [smtplib.SMTPServerDisconnected("gone")] * 5
    invitations.send_invitations(round_, SITE)
    for _ in range(3):
        run_ready_tasks()
        come_due()
    assert run_ready_tasks() == 0

    nobody = email_of("nobody@example.org")
    assert (nobody.status, nobody.attempts) == (Status.FAILED, 1)
    assert nobody.reason == "The mail server refused this address (550: 5.1.1 User unknown)"
    flaky = email_of("flaky@example.org")
    assert (flaky.status, flaky.attempts) == (Status.FAILED, 3)
    assert flaky.reason == "The mail server closed the connection; gave up after 3 attempts"
    assert email_of("fine@example.org").status == Status.SENT
    assert [m.to for m in mail.outbox] == [["fine@example.org"]]
    status = invitations.email_status(round_)
    assert status["total"] == {"queued": 0, "sent": 1, "failed": 2}
    assert [e.invitation.email for e in status["failed"]] == ["flaky@example.org", "nobody@example.org"]
    assert status["to_send"] == 2, "a failed invitation can be emailed again"


def test_the_round_page_lists_failures_and_tries_them_again(client, facilitator, round_, scripted):
    invite(round_, "nobody@example.org", "fine@example.org")
    scripted["nobody@example.org"] = [
        smtplib.SMTPRecipientsRefused({"nobody@example.org": (550, b"5.1.1 User unknown")})
    ]
    invitations.send_invitations(round_, SITE)
    run_ready_tasks()
    client.force_login(facilitator)
    url = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/"
    page = client.get(url).content.decode()
    assert "Emails that could not be sent" in page
    assert "nobody@example.org" in page and "The mail server refused this address (550: 5.1.1 User unknown)" in page
    assert "Try failed ones again" in page

    page = client.post(f"{url}invitations/retry/", follow=True).content.decode()
    assert "1 failed email is being tried again." in page
    email = email_of("nobody@example.org")
    assert (email.status, email.attempts, email.reason) == (Status.QUEUED, 0, "")
    run_ready_tasks()
    assert email_of("nobody@example.org").status == Status.SENT
    page = client.get(url).content.decode()
    assert "Emails that could not be sent" not in page
    page = client.post(f"{url}invitations/retry/", follow=True).content.decode()
    assert "No emails have failed, so there is nothing to try again." in page


def test_a_second_reminder_reuses_the_row_and_an_email_being_sent_is_not_queued_twice(round_):
    (invitation,) = invite(round_, "ali@example.org")
    invitations.send_invitations(round_, SITE)
    run_ready_tasks()
    assert invitations.send_reminders(round_, SITE) == 1
    assert invitations.send_reminders(round_, SITE) == 0, "a reminder is on its way"
    run_ready_tasks()
    assert invitations.send_reminders(round_, SITE) == 1
    run_ready_tasks()
    assert OutgoingEmail.objects.filter(kind=Kind.REMINDER).count() == 1
    assert Invitation.objects.get().reminders_sent == 2
    assert len(mail.outbox) == 3
    # A task for a row another worker has taken does nothing.
    OutgoingEmail.objects.filter(kind=Kind.REMINDER).update(status=Status.SENDING)
    assert delivery.deliver.call([email_of_kind(Kind.REMINDER).pk]) == {"sent": 0, "retrying": 0, "failed": 0}


def email_of_kind(kind):
    return OutgoingEmail.objects.get(kind=kind)


class _Sink:
    """An SMTP server that refuses some recipients, as real ones do."""

    def __init__(self):
        self.delivered: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("unknown"):
            return "550 5.1.1 No such user here"
        if address.startswith("greylisted"):
            return "451 4.7.1 Greylisted, please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.delivered += envelope.rcpt_tos
        return "250 Message accepted for delivery"


def test_through_a_real_smtp_server_refusals_are_told_apart(round_, settings):
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", controller.port, False
        invite(round_, "unknown@example.org", "greylisted@example.org", "sam@example.org")
        invitations.send_invitations(round_, SITE)
        run_ready_tasks()
    finally:
        controller.stop()
    assert sink.delivered == ["sam@example.org"]
    assert email_of("sam@example.org").status == Status.SENT
    unknown = email_of("unknown@example.org")
    assert (unknown.status, unknown.reason) == (
        Status.FAILED,
        "The mail server refused this address (550: 5.1.1 No such user here)",
    )
    greylisted = email_of("greylisted@example.org")
    assert greylisted.status == Status.QUEUED and greylisted.reason.startswith(
        "The mail server could not take this address yet (451"
    )

    # With the server gone, the connection is refused: the rest of the batch waits for later.
    come_due()
    run_ready_tasks()
    greylisted = email_of("greylisted@example.org")
    assert (greylisted.status, greylisted.attempts) == (Status.QUEUED, 2)
    assert greylisted.reason == "Could not reach the mail server (connection refused)"


def test_a_line_break_in_a_name_never_reaches_a_header(client, facilitator, framework_version):
    partnership = make_partnership(facilitator, name="North\r\nBcc: x@example.com")
    round_ = make_round(partnership, framework_version)
    invite(round_, "sam@example.org", name="Sam\nCc: y@example.com")
    client.force_login(facilitator)
    base = f"/partnerships/{partnership.pk}/rounds/{round_.pk}"
    assert client.post(f"{base}/invitations/send/").status_code == 302
    run_ready_tasks()
    assert email_of("sam@example.org").status == Status.SENT
    (message,) = mail.outbox
    assert message.subject == "North Bcc: x@example.com: how well do we work together?"
    assert message.recipients() == ['"Sam Cc: y@example.com" <sam@example.org>']
    headers = message.message().as_bytes().split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in headers and b"\nCc:" not in headers
    assert client.get(f"{base}/").status_code == 200

    # Membership invitations go through the queue, just as safely.
    response = client.post(
        f"/partnerships/{partnership.pk}/members/invite/", {"email": "new@example.org", "role": Role.VIEWER}
    )
    assert response.status_code == 302
    run_ready_tasks()
    assert mail.outbox[-1].subject == "You are invited to join North Bcc: x@example.com on Transforming Together"
    assert b"\nBcc:" not in mail.outbox[-1].message().as_bytes().split(b"\n\n", 1)[0]


def test_archiving_a_round_deletes_its_emails_with_its_invitations(round_):
    invite(round_, "sam@example.org")
    invitations.send_invitations(round_, SITE)
    run_ready_tasks()
    Invitation.objects.filter(round=round_).delete()
    assert not OutgoingEmail.objects.exists()


@pytest.fixture
def notify(settings):
    with fake_notify.fake_notify() as (base_url, received):
        settings.EMAIL_BACKEND = "together.messaging.notify.NotifyEmailBackend"
        settings.NOTIFY_API_KEY = fake_notify.API_KEY
        settings.NOTIFY_BASE_URL = base_url
        settings.NOTIFY_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
        settings.NOTIFY_TEMPLATE_IDS = {"reminder": "a9bd2ec7-2ea3-47a3-9f3b-2d1b0bd3b67a"}
        yield received


def test_gov_uk_notify_is_called_as_documented(round_, notify):
    invite(round_, "sam@example.org", *fake_notify.ERRORS)
    invitations.send_invitations(round_, SITE)
    run_ready_tasks()
    sam = next(body for body in notify if body["email_address"] == "sam@example.org")
    assert sam["template_id"] == "f33517ff-2a88-4f6e-b855-c550268ce08a"
    assert sam["personalisation"]["subject"] == "Northbridge Partnership: how well do we work together?"
    token = Invitation.objects.get(email="sam@example.org").token
    assert f"{SITE}/i/{token}/" in sam["personalisation"]["body"]
    assert email_of("sam@example.org").status == Status.SENT

    team_only = email_of("team-only@example.org")
    assert (team_only.status, team_only.reason) == (
        Status.FAILED,
        "GOV.UK Notify refused the message (400: Can't send to this recipient using a team-only API key)",
    )
    busy = email_of("busy@example.org")
    assert busy.status == Status.QUEUED and busy.reason.startswith("GOV.UK Notify asked us to slow down (429:")
    down = email_of("down@example.org")
    assert (down.status, down.reason) == (
        Status.QUEUED,
        "GOV.UK Notify could not take the message yet (500: Internal server error)",
    )

    notify.clear()
    invitations.send_reminders(round_, SITE)
    run_ready_tasks()
    assert [(b["email_address"], b["template_id"]) for b in notify] == [
        ("sam@example.org", "a9bd2ec7-2ea3-47a3-9f3b-2d1b0bd3b67a")
    ], "reminders use their own template"


def test_a_wrong_notify_key_fails_the_message_with_a_reason(round_, notify, settings):
    settings.NOTIFY_API_KEY = f"wrong-{fake_notify.SERVICE_ID}-00000000-0000-0000-0000-000000000000"
    invite(round_, "sam@example.org")
    invitations.send_invitations(round_, SITE)
    run_ready_tasks()
    sam = email_of("sam@example.org")
    assert sam.status == Status.FAILED
    assert sam.reason.startswith("GOV.UK Notify refused the API key (403: Invalid token")


def test_notify_unreachable_is_temporary(round_, notify, settings):
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{free_port()}"
    invite(round_, "sam@example.org")
    invitations.send_invitations(round_, SITE)
    run_ready_tasks()
    sam = email_of("sam@example.org")
    assert sam.status == Status.QUEUED and sam.reason.startswith("GOV.UK Notify could not take the message yet (503")


def test_the_worker_command_stops_cleanly_on_sigterm(migrated):
    worker = subprocess.Popen(
        [sys.executable, "-m", "together.cli", "worker", "--interval", "0.2", "--no-startup-delay"],
        env=environment(migrated),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        line = ""
        while "Starting worker" not in line and time.monotonic() < deadline:
            line = worker.stdout.readline()
        assert "Starting worker" in line
        worker.send_signal(signal.SIGTERM)
        try:
            code = worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            code = None
        output = worker.stdout.read()
        assert code == 0, output
        assert "stopped after finishing the current task" in output
    finally:
        if worker.poll() is None:
            worker.kill()
