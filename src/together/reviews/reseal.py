"""Resealing a closed round: leave nothing in the database that orders its sent responses, or
pairs a used key with the response it was written with.

While a round is open, rows keep traces of when they were written:

- On PostgreSQL each row carries the id of the transaction that last wrote it (``xmin``), and
  its place in the table's file (``ctid``) follows the order rows were written, so
  ``ORDER BY xmin`` or ``ORDER BY ctid`` lists the responses in the order they were sent, and
  each used key (a keyed hash of the respondent's link) shares its ``xmin`` with its response.
  Updating a row in place does not help: PostgreSQL keeps the new version on the same page when
  it fits, so the page numbers would still say roughly when each response was sent.
- On SQLite each row's hidden ``rowid``, and where it lies in the file, follows the order it was
  first written: responses in the order people started, answers in the order pages were saved,
  used keys in the order people sent.

So the rows are moved. Closing a round copies its used keys out, deletes them and writes them
again in random order, in the closing transaction, and marks every sent response "not sealed".
Sealing then takes the not-sealed responses a batch at a time, each batch drawn at random and
each in its own short transaction: the batch's responses, answers, chosen themes and comments
are copied out, deleted and written again in random order, and the responses marked sealed.
Batches drawn at random and written one after another leave the rows in an order drawn at
random, with nothing to do with when anyone answered; each batch's transaction id is shared by a
random set of responses and by no used key. Short transactions keep SQLite's write lock free
for respondents in other rounds meanwhile.

Results wait for the seal (:func:`together.releases.services.obtain`): closing seals for up to
:data:`CLOSE_SECONDS` once the close is committed, and anyone opening the results continues for
up to :data:`VIEW_SECONDS`, so a large round is sealed over a few requests and a crash midway
loses nothing (the next request carries on).

What is left: on SQLite, ``secure_delete`` zeroes the old copies and the write-ahead log is
emptied afterwards when the database is quiet; on PostgreSQL the old row versions stay in the
table files, readable with tools for inspecting pages, until vacuuming frees the space and new
rows overwrite it. A backup taken while a round is open keeps that moment's order.
"""

from __future__ import annotations

import time

from django.db import connection, transaction

from .models import Answer, Comment, Priority, Response, ResponseState, Round, RoundState, UsedKey

# Responses moved in one transaction: under a second of SQLite's write lock for the framework's
# 42 statements on the 2-core machine the measurements in docs/architecture.md ran on.
BATCH = 200
CLOSE_SECONDS = 20.0
VIEW_SECONDS = 8.0


def _quote(model, field: str | None = None) -> str:
    if field is None:
        return connection.ops.quote_name(model._meta.db_table)
    return connection.ops.quote_name(model._meta.get_field(field).column)


def _rewrite(cursor, model, where: str, params: list, mark_sealed: bool = False) -> None:
    """Copy the rows out, delete them and write them again in random order. Foreign keys are
    checked at commit (Django declares them deferred on both databases), so rows can leave and
    come back within the transaction."""
    table = _quote(model)
    cursor.execute(f"CREATE TEMP TABLE together_reseal AS SELECT * FROM {table} WHERE {where}", params)  # noqa: S608
    cursor.execute(f"DELETE FROM {table} WHERE {where}", params)  # noqa: S608
    if mark_sealed:
        cursor.execute(f"UPDATE together_reseal SET {_quote(Response, 'sealed')} = %s", [True])  # noqa: S608
    cursor.execute(f"INSERT INTO {table} SELECT * FROM together_reseal ORDER BY random()")  # noqa: S608
    cursor.execute("DROP TABLE together_reseal")


def start(round_: Round) -> None:
    """The closing transaction's part: used keys rewritten in random order, every sent response
    to be sealed again (if the round had closed before and reopened, the responses sealed then
    would otherwise sit apart from those that came after), and sealing to begin once committed."""
    Response.objects.filter(round=round_, state=ResponseState.SUBMITTED, sealed=True).update(sealed=False)
    with connection.cursor() as cursor:
        _rewrite(cursor, UsedKey, f"{_quote(UsedKey, 'round')} = %s", [round_.pk])
    transaction.on_commit(lambda: seal(round_, CLOSE_SECONDS))


def is_sealed(round_: Round) -> bool:
    """Whether every sent response of the round is sealed: one look in an index."""
    return not Response.objects.filter(round_id=round_.pk, state=ResponseState.SUBMITTED, sealed=False).exists()


def waiting(round_: Round) -> int:
    """How many of the round's sent responses are still to be sealed."""
    return Response.objects.filter(round=round_, state=ResponseState.SUBMITTED, sealed=False).count()


def seal(round_: Round, seconds: float | None = None) -> bool:
    """Seal the round's responses a batch at a time, for about ``seconds`` (all of them if
    None). True when none is left. Stops if the round has reopened meanwhile."""
    deadline = None if seconds is None else time.monotonic() + seconds
    while True:
        with transaction.atomic():
            # One sealer at a time per round (SQLite's write lock already queues them).
            state = Round.objects.select_for_update().values_list("state", flat=True).get(pk=round_.pk)
            if state in (RoundState.DRAFT, RoundState.OPEN):
                return False
            batch = list(
                Response.objects.filter(round_id=round_.pk, state=ResponseState.SUBMITTED, sealed=False)
                .order_by("?")
                .values_list("id", flat=True)[:BATCH]
            )
            if batch:
                _move(batch)
        if not batch or len(batch) < BATCH:
            _forget()
            return True
        if deadline is not None and time.monotonic() >= deadline:
            _forget()
            return waiting(round_) == 0


def _move(batch: list) -> None:
    keys = [Response._meta.pk.get_db_prep_value(key, connection) for key in batch]
    marks = ", ".join(["%s"] * len(keys))
    with connection.cursor() as cursor:
        _rewrite(cursor, Response, f"{_quote(Response, 'id')} IN ({marks})", keys, mark_sealed=True)
        for model in (Answer, Priority, Comment):
            _rewrite(cursor, model, f"{_quote(model, 'response')} IN ({marks})", keys)


def _forget() -> None:
    if connection.vendor == "sqlite":
        from .sql import forget_erased_digests

        forget_erased_digests()
