"""Closing a round leaves no order of sending, and no used key paired with its response, in what
the database keeps beside every row: PostgreSQL's transaction ids (``xmin``) and places in the
file (``ctid``), SQLite's ``rowid``.

Someone with the database and ``SECRET_KEY`` can recompute each invitee's used-key digest; while
the round is open, the used key shares its response's ``xmin``. After closing, the used keys
carry the closing transaction's id and the responses, with everything tied to them, the ids of
sealing batches drawn at random; all their rows lie in an order drawn at random.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from tests.integration.helpers import complete_questionnaire, make_partnership, make_round
from together.reviews import invitations, keys, lifecycle
from together.reviews.models import Answer, Comment, Priority, Response, UsedKey

pytestmark = pytest.mark.django_db(transaction=True)


def _close_without_resealing(monkeypatch) -> None:
    """The weakened copy: closing a round leaves its rows as they were written."""
    monkeypatch.setattr(
        lifecycle,
        "TRANSITIONS",
        tuple(
            type(t)(t.name, t.source, t.target, t.label, t.guard) if t.effect is lifecycle.reseal.start else t
            for t in lifecycle.TRANSITIONS
        ),
    )


def _xmins(model, round_) -> list[str]:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT xmin::text FROM {table} WHERE round_id = %s", [round_.pk])  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _pairs(round_) -> int:
    """Invitees pinned to one response: their used-key digest recomputed from the token (which
    needs ``SECRET_KEY``), then the responses written in the same transaction."""
    digests = {keys.used_digest(i.token): i.email for i in round_.invitations.all()}
    used, responses = (connection.ops.quote_name(m._meta.db_table) for m in (UsedKey, Response))
    candidates: dict[str, set] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT u.digest, r.id FROM {used} u JOIN {responses} r ON r.xmin = u.xmin "  # noqa: S608
            "WHERE r.round_id = %s AND r.state = 'submitted'",
            [round_.pk],
        )
        for digest, response in cursor.fetchall():
            if digest in digests:
                candidates.setdefault(digests[digest], set()).add(response)
    return sum(1 for found in candidates.values() if len(found) == 1)


@pytest.mark.parametrize("weakened", [False, True])
def test_closing_leaves_one_transaction_id_for_every_response(facilitator, framework_version, monkeypatch, weakened):
    if connection.vendor != "postgresql":
        pytest.skip("xmin is PostgreSQL's; SQLite keeps no transaction ids")
    round_ = make_round(make_partnership(facilitator), framework_version)
    people = ["sam@example.org", "ali@example.org", "jo@example.org"]
    for invitation in invitations.import_csv(round_, ("email\n" + "\n".join(people) + "\n").encode()):
        complete_questionnaire(Client(), round_, f"/i/{invitation.token}/")
    # While open, the key holder can pair everyone: the limit the docs state.
    assert _pairs(round_) == len(people)
    assert len(_xmins(Response, round_)) == len(people)
    if weakened:
        _close_without_resealing(monkeypatch)
    lifecycle.apply(round_, "close", facilitator)
    if weakened:
        assert len(_xmins(Response, round_)) == len(people) and _pairs(round_) == len(people)
        return
    # The used keys were rewritten by the closing transaction; the responses, with their answers
    # and chosen themes, by sealing afterwards (three responses: one batch). No used key shares a
    # transaction id with any response, so nobody is pinned to one.
    responses = {*_xmins(Response, round_), *_xmins(Answer, round_), *_xmins(Priority, round_)}
    assert len(responses) == 1
    assert not responses & set(_xmins(UsedKey, round_))
    assert _pairs(round_) == 0


def _physical_order(model, round_) -> list:
    """The round's responses (for a used key, its digests) in the order their rows lie in the
    table: what ``ORDER BY ctid`` or ``ORDER BY rowid`` shows anyone with a SQL prompt."""
    table = connection.ops.quote_name(model._meta.db_table)
    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    if model is UsedKey:
        key, where = "digest", "round_id = %s"
    elif model is Response:
        key, where = "id", "round_id = %s AND state = 'submitted'"
    else:
        key = "response_id"
        where = (
            f"response_id IN (SELECT id FROM {connection.ops.quote_name(Response._meta.db_table)} WHERE round_id = %s)"  # noqa: S608
        )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key} FROM {table} WHERE {where} ORDER BY {position}", [round_.pk])  # noqa: S608
        return list(dict.fromkeys(row[0] for row in cursor.fetchall()))


SENT = 9  # the chance that a random order of 9 equals the one before is 1 in 362,880


@pytest.mark.parametrize("weakened", [False, True])
def test_closing_leaves_rows_in_no_order_of_starting_or_sending(facilitator, framework_version, monkeypatch, weakened):
    round_ = make_round(make_partnership(facilitator), framework_version)
    for _ in range(SENT):
        complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/")
    tables = (Response, Answer, Priority, Comment, UsedKey)
    before = {model: _physical_order(model, round_) for model in tables}
    if connection.vendor == "sqlite":
        # While open, the rows lie in the order people started: the limit the docs state. (On
        # PostgreSQL rows move to free space as drafts are saved, so the order is only rough.)
        assert before[Response] == before[Answer] == before[Priority] == before[Comment]
    assert len(before[Response]) == SENT and len(before[UsedKey]) == SENT
    if weakened:
        _close_without_resealing(monkeypatch)
    lifecycle.apply(round_, "close", facilitator)
    after = {model: _physical_order(model, round_) for model in tables}
    for model in tables:
        assert sorted(after[model]) == sorted(before[model])
        if weakened:
            assert after[model] == before[model], model
        else:
            assert after[model] != before[model], model
    if weakened:
        return
    # Nothing was lost or changed: every response keeps its answers, comments and choices.
    assert Answer.objects.filter(round=round_, submitted=True).count() == SENT * len(
        framework_version.framework.statements
    )
    assert Response.objects.filter(round=round_, state="submitted", comments__isnull=False).distinct().count() == SENT
    assert Priority.objects.filter(round=round_, submitted=True).count() == SENT * 3
