"""Attacks on the database itself: what someone holding a copy of it (or its files) could pair up.

Each attack runs twice: against the service as built, where it must find nothing, and against a
copy weakened on purpose (the protection taken out by the ``weakened`` fixture), where it must
succeed, so that the test is shown to be able to fail.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from tests.integration.helpers import complete_questionnaire, make_partnership, make_round
from together.accounts.models import User
from together.messaging.models import OutgoingEmail
from together.messaging.worker import run_ready_tasks
from together.reviews import invitations, keys, sql
from together.reviews.models import Invitation, Response, ResponseState, UsedKey

AS_BUILT, WEAKENED = "as built", "weakened"
PEOPLE = ("sam@example.org", "ali@example.org", "jo@example.org")


def _write_the_flag_again(monkeypatch):
    """The weakening: each send also writes to the sender's invitation in its own transaction, as
    setting ``Invitation.responded`` did before it was removed."""
    send = sql.send_draft

    def send_and_mark(round_id, digest, statement_ids, used_digest, today, language="en"):
        draft = Response.objects.filter(resume_digest=digest).values("used_digest").first()
        with transaction.atomic():
            outcome = send(round_id, digest, statement_ids, used_digest, today, language)
            if outcome == sql.SENT and draft and draft["used_digest"]:
                for invitation in Invitation.objects.filter(round_id=round_id):
                    if keys.used_digest(invitation.token) == draft["used_digest"]:
                        Invitation.objects.filter(pk=invitation.pk).update(reminders_sent=F("reminders_sent"))
        return outcome

    monkeypatch.setattr(sql, "send_draft", send_and_mark)


def _invite_and_answer(facilitator, framework_version, people=PEOPLE):
    round_ = make_round(make_partnership(facilitator), framework_version)
    created = invitations.import_csv(round_, ("email\n" + "\n".join(people) + "\n").encode())
    for invitation in created:
        complete_questionnaire(Client(), round_, f"/i/{invitation.token}/")
    assert Response.objects.filter(round=round_, state=ResponseState.SUBMITTED).count() == len(people)
    return round_, created


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("protection", [AS_BUILT, WEAKENED])
def test_no_invitation_pairs_with_a_response_by_transaction_id(facilitator, framework_version, monkeypatch, protection):
    if connection.vendor != "postgresql":
        pytest.skip("xmin is PostgreSQL's id of the transaction that wrote a row; SQLite has none")
    if protection == WEAKENED:
        _write_the_flag_again(monkeypatch)
    _invite_and_answer(facilitator, framework_version)

    invitation_table, response_table = Invitation._meta.db_table, Response._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT i.email, r.id FROM {invitation_table} i JOIN {response_table} r ON r.xmin = i.xmin"  # noqa: S608
        )
        pairs = cursor.fetchall()
    if protection == AS_BUILT:
        assert pairs == []
    else:
        assert sorted(email for email, _ in pairs) == sorted(PEOPLE), "the weakened copy must pair everyone"


@pytest.mark.django_db
@pytest.mark.parametrize("protection", [AS_BUILT, WEAKENED])
def test_sending_writes_nothing_to_the_invitations(facilitator, framework_version, monkeypatch, protection):
    if protection == WEAKENED:
        _write_the_flag_again(monkeypatch)
    round_ = make_round(make_partnership(facilitator), framework_version)
    (invitation,) = invitations.import_csv(round_, b"email\nsam@example.org\n")
    client = Client()
    complete_questionnaire(client, round_, f"/i/{invitation.token}/", submit=False)
    with CaptureQueriesContext(connection) as queries:
        assert client.post(f"/respond/{round_.public_id}/check/").status_code == 302
    table = Invitation._meta.db_table
    touching = [q["sql"] for q in queries.captured_queries if table in q["sql"] and not q["sql"].startswith("SELECT")]
    assert bool(touching) == (protection == WEAKENED)
    # The invitation is still known to have responded, from the used keys alone.
    assert invitations.has_responded(invitation, invitations.used_digests(round_))
    assert invitations.invitation_status(round_)["responded"] == 1


@pytest.mark.django_db
def test_responded_is_worked_out_from_the_used_keys(facilitator, framework_version, django_assert_max_num_queries):
    round_ = make_round(make_partnership(facilitator), framework_version)
    created = invitations.import_csv(
        round_,
        b"email,organisation\nsam@example.org,Northbridge Council\nali@example.org,Northbridge NHS\njo@example.org,\n",
    )
    invitations.send_invitations(round_, "https://review.example")
    run_ready_tasks()
    Invitation.objects.filter(email="jo@example.org").update(sent_at=None)
    sam = next(i for i in created if i.email == "sam@example.org")
    complete_questionnaire(Client(), round_, f"/i/{sam.token}/")
    # An open-link response counts for no invitation.
    complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/")
    assert UsedKey.objects.filter(round=round_).count() == 3  # Sam's token and browser, the open link's browser

    with django_assert_max_num_queries(3):
        status = invitations.invitation_status(round_)
    assert {k: status[k] for k in ("invited", "unsent", "sent", "responded", "waiting")} == {
        "invited": 3,
        "unsent": 1,
        "sent": 2,
        "responded": 1,
        "waiting": 1,
    }
    assert status["by_organisation"] == [("Northbridge Council", 1, 1), ("Northbridge NHS", 1, 0), ("Not given", 1, 0)]


def _draft_digests(round_) -> set[str]:
    return {
        digest
        for row in Response.objects.filter(round=round_, state=ResponseState.DRAFT).values_list(
            "resume_digest", "invitation_digest"
        )
        for digest in row
        if digest
    }


def _no_secure_delete(monkeypatch):
    """The weakening: erased values stay in the files' free space and in the write-ahead log."""
    monkeypatch.setattr(sql, "forget_erased_digests", lambda: "skipped")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete=OFF")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("protection", [AS_BUILT, WEAKENED])
def test_sent_drafts_leave_no_digest_in_the_sqlite_files(facilitator, framework_version, monkeypatch, protection):
    if connection.vendor != "sqlite":
        pytest.skip("scans SQLite's database file and write-ahead log; PostgreSQL keeps its files elsewhere")
    if protection == WEAKENED:
        _no_secure_delete(monkeypatch)
    round_ = make_round(make_partnership(facilitator), framework_version)
    created = invitations.import_csv(round_, b"email\nsam@example.org\nali@example.org\n")
    seen: set[str] = set()

    # Two open-link respondents, one of whom carries on in another browser with the resume link.
    browsers = [Client(), Client()]
    for browser in browsers:
        complete_questionnaire(browser, round_, f"/r/{round_.open_link_code}/", submit=False)
    seen |= _draft_digests(round_)
    page = browsers[0].get(f"/respond/{round_.public_id}/check/").content.decode()
    resume = page[page.index("/resume/") :].split('"')[0]
    browsers[0] = Client()
    browsers[0].get(resume)
    assert browsers[0].post(f"/respond/{round_.public_id}/").status_code == 302
    # Two invitees, one of whom opens the link again in another browser.
    for invitation in created:
        browsers.append(Client())
        complete_questionnaire(browsers[-1], round_, f"/i/{invitation.token}/", submit=False)
    seen |= _draft_digests(round_)
    browsers[-1] = Client()
    browsers[-1].get(f"/i/{created[-1].token}/")
    assert browsers[-1].post(f"/respond/{round_.public_id}/").status_code == 302
    seen |= _draft_digests(round_)
    assert len(seen) == 3 + 3 + 2  # a browser's for each start and each move, and the two invitations'

    for browser in browsers:
        assert browser.post(f"/respond/{round_.public_id}/check/")["Location"].endswith("/done/")
    assert not Response.objects.filter(state=ResponseState.DRAFT).exists()

    database = Path(connection.settings_dict["NAME"])
    files = {path.name: path.read_bytes() for path in (database, Path(f"{database}-wal")) if path.exists()}
    # The scan reads the right files: what a send keeps (its used keys) is there to be found.
    kept = UsedKey.objects.filter(round=round_).values_list("digest", flat=True).first()
    assert any(kept.encode() in content for content in files.values())
    found = {
        (name, form)
        for digest in seen
        for form, needle in (("hex", digest.encode()), ("raw", bytes.fromhex(digest)))
        for name, content in files.items()
        if needle in content
    }
    if protection == AS_BUILT:
        assert found == set()
    else:
        assert found, "the weakened copy must leave erased digests in the files"


def _keep_the_link_with_the_row(monkeypatch):
    """The weakening: the worker keeps a copy of each link it sent with the message's row."""
    from together.messaging import delivery

    send_all = delivery._send_all

    def send_and_keep(emails):
        sent, failed = send_all(emails)
        for email, message in zip(sent, mail.outbox[-len(sent) :], strict=False):
            link = re.search(r"https?://\S+", message.body)
            if link:
                OutgoingEmail.objects.filter(pk=email.pk).update(site=link[0][:200])
        return sent, failed

    monkeypatch.setattr(delivery, "_send_all", send_and_keep)


def _queue_tables() -> str:
    """Every column of every row of the outbox and the task queue, as text."""
    rows = list(OutgoingEmail.objects.values()) + list(DBTaskResult.objects.values())
    return json.dumps(rows, default=str)


@pytest.mark.django_db
@pytest.mark.parametrize("protection", [AS_BUILT, WEAKENED])
def test_the_queue_holds_no_account_email_text_link_or_token(facilitator, settings, monkeypatch, protection):
    if protection == WEAKENED:
        _keep_the_link_with_the_row(monkeypatch)
    settings.SIGNUP_OPEN_DOMAINS = ["*.gov.uk"]
    operator = User.objects.create_user("ops@service.example", "a long enough password 1", is_staff=True)
    ops = Client()
    ops.force_login(operator)
    owner = Client()
    owner.force_login(facilitator)
    partnership = make_partnership(facilitator)
    signup = {"name": "Lee Lead", "organisation": "Northbridge Council", "reason": "To run a review."}

    Client().post("/account/password-reset/", {"email": facilitator.email})
    ops.post("/operator/accounts/invite/", {"email": "nia@council.example", "name": "Nia Lead"})
    Client().post("/sign-up/", {**signup, "email": "lee@northbridge.gov.uk"})
    Client().post("/sign-up/", {**signup, "email": "kim@charity.example"})
    owner.post(f"/partnerships/{partnership.pk}/members/invite/", {"email": "new@example.org", "role": "viewer"})
    queued = _queue_tables()
    run_ready_tasks()
    assert len(mail.outbox) == 5
    sent = _queue_tables()

    secrets = []
    for message in mail.outbox:
        secrets += [message.subject, message.body.splitlines()[0]]
        for link in re.findall(r"https?://\S+/(?:password-reset|set-password|confirm|join)/\S+/", message.body):
            secrets += [link, link.rstrip("/").rsplit("/", 1)[-1]]
    found_before = [secret for secret in secrets if secret in queued]
    found_after = [secret for secret in secrets if secret in sent]
    assert found_before == [], "nothing of any message is stored when it is queued"
    if protection == AS_BUILT:
        assert found_after == []
    else:
        assert found_after, "the weakened copy must leave links in the outbox"
