"""Bringing another tool's responses into a round, as a recorded batch that can be taken out.

Why the rules: answers of known content added to a small group let whoever added them subtract
them again and read the group's real members ("padding"). So an import goes only into a draft
round, and a round holding imports never opens (it closes straight away to show its results):
a round either collects answers here or holds imported ones. Every batch is in the round's log
with who, when, the file's name, its rows and its SHA-256; the same file cannot go in twice; a
batch can be removed until the round's results are first seen; and the report says how many
responses were imported, so readers know.

How a file goes in without holding up respondents: the whole file is read and checked first,
in memory, with nothing written but the batch's progress. Then its rows are written in short
transactions of about :data:`CHUNK_CELLS` answers, with a pause of :data:`PAUSE_SECONDS` between
them on SQLite (one writer at a time), so that a respondent's save waits a fraction of a second,
not the length of the import. PostgreSQL locks rows rather than the database, so a respondent's
save never waits for the import's and there is no pause. Until the last step the batch is
*pending*, and nothing counts its rows (see :mod:`together.imports.models`); the last step
marks it complete in one short transaction.
If anything fails part-way, the rows written are removed; if the process dies, they are removed
by :func:`discard_stale`, run before the next import, before any change to a round's state, and
by ``together clean_imports``, once the batch has shown no progress for :data:`STALE_AFTER`.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from together.releases.services import is_released
from together.reviews import importer
from together.reviews.models import Response, Round, RoundState

from .models import BatchState, ImportBatch, ImportedResponse, pending_in

logger = logging.getLogger(__name__)

CHUNK_CELLS = 5000  # answers written per transaction: about a tenth of a second of SQLite's write lock
PAUSE_SECONDS = 0.03  # between transactions on SQLite, longer than a waiting writer's retry interval
STALE_AFTER = datetime.timedelta(minutes=15)  # a pending batch this long without progress has died
KEEP_FAILED = datetime.timedelta(days=1)  # how long a failed batch's reasons stay readable
BACKGROUND_BYTES = 256 * 1024  # larger web uploads are imported outside the request
PROGRESS_SECONDS = 1.0  # how often the batch's progress is written while the file is checked
UPLOAD_DIR = Path(settings.BASE_DIR) / "var" / "imports"


class ImportRefused(Exception):
    """The round cannot take this file now; the message says why."""


def refusal(round_: Round) -> str | None:
    """Why this round cannot take an import now, or None if it can."""
    if round_.state != RoundState.DRAFT:
        return _(
            "Responses can be imported only into a round that has not opened. A round either collects "
            "answers here or holds imported ones, never both: answers added beside known ones could be "
            "worked out by subtraction. Import into a new round."
        )
    running = pending_in(round_.pk)
    if running is not None:
        return busy_message(running)
    return None


def busy_message(batch: ImportBatch) -> str:
    return _(
        "The file %(file)s is still being imported into this round (%(written)s of %(rows)s responses "
        "written). Wait until it has finished, then try again. An import that stopped is removed "
        "15 minutes after its last progress."
    ) % {"file": batch.file_name, "written": batch.written, "rows": batch.rows}


def checksum(raw) -> str:
    digest = hashlib.sha256()
    raw.seek(0)
    for block in iter(lambda: raw.read(1 << 20), b""):
        digest.update(block)
    raw.seek(0)
    return digest.hexdigest()


def _line_count(raw) -> int:
    count = 0
    raw.seek(0)
    for block in iter(lambda: raw.read(1 << 20), b""):
        count += block.count(b"\n")
    raw.seek(0)
    return count


def _already(round_: Round, sha256: str) -> str | None:
    """Why the file cannot go in again, if this round already holds it (with the day it went in)."""
    earlier = (
        ImportBatch.all_objects.filter(round=round_, sha256=sha256, removed_at__isnull=True)
        .exclude(state=BatchState.FAILED)
        .order_by("pk")
        .first()
    )
    if earlier is None:
        return None
    when = earlier.imported_at or earlier.heartbeat
    if when is None:
        return _(ALREADY)
    return _("This file has already been imported into this round, on %(date)s.") % {
        "date": date_format(timezone.localtime(when), "j F Y")
    }


ALREADY = "This file has already been imported into this round."


def start(
    raw,
    round_: Round,
    *,
    file_name: str,
    user=None,
    mapping=None,
    source: str = "",
    sha256: str = "",
    tool: str = "",
    fieldwork: tuple[datetime.date, datetime.date] | None = None,
    close_round: bool = False,
) -> ImportBatch:
    """Record a pending batch for the file, if the round can take it now; nothing is read yet.

    ``source`` is the path :func:`run_import` reads the file from. ``sha256`` is the checksum of
    the file as uploaded, when ``raw`` is what was prepared from it (another tool's export,
    mapped); otherwise ``raw``'s own. ``fieldwork``: the first and last day the file's answers
    were given, which the round takes once the batch is complete; ``close_round``: close the
    round then, so its results can be seen. Raises :class:`ImportRefused`."""
    discard_stale()
    reason = refusal(round_)
    if reason:
        raise ImportRefused(reason)
    sha256 = sha256 or checksum(raw)
    already = _already(round_, sha256)
    if already:
        raise ImportRefused(already)
    lines = _line_count(raw)
    try:
        with transaction.atomic():
            # Lock the round, then look again: it may have closed, or taken another file, meanwhile.
            locked = Round.objects.select_for_update().get(pk=round_.pk)
            reason = refusal(locked)
            if reason:
                raise ImportRefused(reason)
            already = _already(locked, sha256)
            if already:
                raise ImportRefused(already)
            return ImportBatch.all_objects.create(
                round=locked,
                file_name=file_name[:255],
                sha256=sha256,
                tool=tool[:40],
                rows=max(lines - 1, 0),
                state=BatchState.PENDING,
                heartbeat=timezone.now(),
                source=str(source),
                mapping=dict(mapping) if mapping is not None else None,
                imported_by=user,
                fieldwork_from=fieldwork[0] if fieldwork else None,
                fieldwork_to=fieldwork[1] if fieldwork else None,
                close_round=close_round,
            )
    except IntegrityError:
        raise ImportRefused(_(ALREADY)) from None


def run_import(
    batch_id: int,
    *,
    progress: Callable[[int], None] | None = None,
    stored_progress: Callable[[int], None] | None = None,
) -> ImportBatch:
    """Check and write a pending batch's file, from the path recorded by :func:`start`.

    The one piece of work an import is, whether run in the request, in a background thread or
    from the command line. It never raises for a bad file: the batch ends complete, or failed
    with its problems, and its rows removed. The uploaded file is deleted once it is imported."""
    batch = ImportBatch.all_objects.select_related("round__framework_version", "round__partnership").get(pk=batch_id)
    if batch.state != BatchState.PENDING:
        return batch
    path = Path(batch.source)
    if not path.is_file():
        _fail(batch, [importer.ImportProblem(0, "", _("the uploaded file is no longer there: upload it again"))])
        return batch
    with path.open("rb") as raw:
        _write(batch, raw, progress, stored_progress)
    if batch.state == BatchState.COMPLETE:
        _delete_upload(batch.source)
        _close_if_asked(batch)
    return batch


def _delete_upload(source: str) -> None:
    path = Path(source)
    if path.parent == UPLOAD_DIR:
        path.unlink(missing_ok=True)


def import_file(
    raw,
    round_: Round,
    *,
    file_name: str,
    user=None,
    mapping=None,
    progress: Callable[[int], None] | None = None,
    stored_progress: Callable[[int], None] | None = None,
    sha256: str = "",
    tool: str = "",
    fieldwork: tuple[datetime.date, datetime.date] | None = None,
    close_round: bool = False,
) -> ImportBatch:
    """Check, parse and store an open file as one batch, all or nothing, before returning.

    Raises :class:`ImportRefused` when the round cannot take it, or
    :class:`~together.reviews.importer.ImportInvalid` listing what is wrong with the file; then
    nothing is kept, not even the failed batch."""
    batch = start(
        raw,
        round_,
        file_name=file_name,
        user=user,
        mapping=mapping,
        sha256=sha256,
        tool=tool,
        fieldwork=fieldwork,
        close_round=close_round,
    )
    _write(batch, raw, progress, stored_progress)
    if batch.state == BatchState.COMPLETE:
        _close_if_asked(batch)
        return batch
    problems = [importer.ImportProblem(p["row"], p["column"], p["message"]) for p in batch.problems]
    more = batch.more_problems
    if not batch.written:
        ImportBatch.all_objects.filter(pk=batch.pk).delete()
    if batch.problems and batch.problems[0].get("refused"):
        raise ImportRefused(problems[0].message)
    raise importer.ImportInvalid(problems, more)


def _write(batch: ImportBatch, raw, progress=None, stored_progress=None) -> None:
    """Read everything, then write it in short transactions, then mark the batch complete."""
    round_ = batch.round
    last = [time.monotonic()]

    def checking(rows: int) -> None:
        if progress:
            progress(rows)
        now = time.monotonic()
        if now - last[0] >= PROGRESS_SECONDS:
            last[0] = now
            ImportBatch.all_objects.filter(pk=batch.pk, state=BatchState.PENDING).update(
                checked=rows, heartbeat=timezone.now()
            )

    try:
        parsed = importer.parse(raw, round_, batch.mapping, checking)
    except importer.ImportInvalid as invalid:
        _fail(batch, invalid.problems, invalid.more)
        return
    total = len(parsed.rows)
    batch.rows, batch.checked = total, total
    batch.priorities = parsed.asks_priorities
    ImportBatch.all_objects.filter(pk=batch.pk).update(
        rows=total, checked=total, priorities=batch.priorities, heartbeat=timezone.now()
    )
    cells = sum(len(values) for _o, _g, values, _c, _m in parsed.rows)
    per_chunk = max(1, CHUNK_CELLS * total // max(cells, 1))
    ids = importer.Ids(parsed)  # ascending across the chunks, so each touches a narrow part of each index
    try:
        for begin in range(0, total, per_chunk):
            if begin:
                # SQLite's waiting writers take the lock in the pause; PostgreSQL's never wait for it.
                time.sleep(PAUSE_SECONDS if connection.vendor == "sqlite" else 0)
            chunk = importer.Parsed(parsed.header, parsed.mapping, parsed.rows[begin : begin + per_chunk])
            with transaction.atomic():
                # Stop if a clean-up has given this batch up meanwhile.
                if not ImportBatch.all_objects.filter(pk=batch.pk, state=BatchState.PENDING).exists():
                    raise _GivenUp
                importer.store(round_, chunk, batch=batch, ids=ids)
                batch.written = begin + len(chunk.rows)
                ImportBatch.all_objects.filter(pk=batch.pk).update(written=batch.written, heartbeat=timezone.now())
            if stored_progress:
                stored_progress(batch.written)
        with transaction.atomic():
            locked = Round.objects.select_for_update().get(pk=round_.pk)
            # The lifecycle refuses to change the round's state during an import; a last look all the same.
            reason = refusal(locked) if locked.state != RoundState.DRAFT else None
            if reason:
                _fail(batch, [importer.ImportProblem(0, "", reason)], refused=True)
                return
            finished = ImportBatch.all_objects.filter(pk=batch.pk, state=BatchState.PENDING).update(
                state=BatchState.COMPLETE, imported_at=timezone.now(), heartbeat=None, source=""
            )
            if not finished:
                raise _GivenUp
            date_round(locked)
        batch.state = BatchState.COMPLETE
    except _GivenUp:
        batch.state = BatchState.FAILED
        _remove_rows(batch.pk)
    except Exception as error:
        logger.exception("import of batch %s failed part-way", batch.pk)
        _fail(
            batch,
            [
                importer.ImportProblem(
                    0, "", _("the import stopped part-way (%(error)s)") % {"error": type(error).__name__}
                )
            ],
        )


def date_round(round_: Round) -> None:
    """Give the round the fieldwork of all its imported files: from the first's first day to the
    last's last day. Rounds are ordered by it, so an earlier survey takes its place in the
    partnership's history however late it was imported."""
    spans = ImportBatch.objects.filter(round=round_, removed_at__isnull=True, fieldwork_from__isnull=False)
    days = list(spans.values_list("fieldwork_from", "fieldwork_to"))
    first = min((a for a, _b in days), default=None)
    last = max((b or a for a, b in days), default=None)
    if (round_.fieldwork_from, round_.fieldwork_to) != (first, last):
        round_.fieldwork_from, round_.fieldwork_to = first, last
        round_.save(update_fields=["fieldwork_from", "fieldwork_to"])


def _close_if_asked(batch: ImportBatch) -> None:
    """Close the round once its file is in, if the officer asked: its results can then be seen."""
    if not batch.close_round:
        return
    from together.reviews import lifecycle

    round_ = Round.objects.get(pk=batch.round_id)
    if round_.state != RoundState.DRAFT:
        return
    try:
        lifecycle.apply(round_, "close", batch.imported_by)
    except lifecycle.TransitionRefused:
        logger.info("round %s was not closed after its import", round_.pk)


class _GivenUp(Exception):
    """The batch is no longer pending: a clean-up took it for dead."""


def _fail(batch: ImportBatch, problems, more: int = 0, refused: bool = False) -> None:
    """Mark the batch failed with its reasons (then nothing counts its rows), and remove its rows.

    ``refused``: the round could not take the file, rather than the file being wrong."""
    listed = [{"row": p.row, "column": p.column, "message": str(p.message)} for p in problems]
    if refused and listed:
        listed[0]["refused"] = True
    ImportBatch.all_objects.filter(pk=batch.pk).update(
        state=BatchState.FAILED, problems=listed, more_problems=more, heartbeat=timezone.now()
    )
    batch.state, batch.problems, batch.more_problems = BatchState.FAILED, listed, more
    _remove_rows(batch.pk)


def _remove_rows(batch_id: int) -> int:
    """Delete a batch's responses (and with them their answers and priorities) in short transactions."""
    per_chunk = 500
    removed = 0
    while True:
        ids = list(ImportedResponse.objects.filter(batch_id=batch_id).values_list("response_id", flat=True)[:per_chunk])
        if not ids:
            return removed
        with transaction.atomic():
            Response.objects.filter(pk__in=ids).delete()
        removed += len(ids)
        time.sleep(PAUSE_SECONDS)


def discard_stale(now: datetime.datetime | None = None) -> int:
    """Give up pending batches that have shown no progress for :data:`STALE_AFTER` (their process
    died), remove the rows of every failed batch, and forget failed batches after a day.

    Returns how many batches were given up."""
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    stale = list(
        ImportBatch.all_objects.filter(state=BatchState.PENDING, heartbeat__lt=cutoff).values_list("pk", flat=True)
    )
    given_up = 0
    for pk in stale:
        # The update claims it: two clean-ups at once give it up once.
        given_up += ImportBatch.all_objects.filter(pk=pk, state=BatchState.PENDING, heartbeat__lt=cutoff).update(
            state=BatchState.FAILED,
            problems=[
                {
                    "row": 0,
                    "column": "",
                    "message": _(
                        "the import stopped before it finished (the service may have restarted); "
                        "nothing from it was kept: import the file again"
                    ),
                }
            ],
        )
    failed_with_rows = (
        ImportedResponse.objects.filter(batch__state=BatchState.FAILED).values_list("batch_id", flat=True).distinct()
    )
    for pk in list(failed_with_rows):
        _remove_rows(pk)
    ImportBatch.all_objects.filter(state=BatchState.FAILED, heartbeat__lt=now - KEEP_FAILED).delete()
    return given_up


def stalled(batch: ImportBatch, now: datetime.datetime | None = None) -> bool:
    """A pending batch that has shown no progress for :data:`STALE_AFTER`: its process has died."""
    now = now or timezone.now()
    return batch.state == BatchState.PENDING and (batch.heartbeat is None or batch.heartbeat < now - STALE_AFTER)


def run_in_background(batch_id: int) -> None:
    """Queue :func:`run_import` for ``together worker``, once the batch's row is committed; the
    request that started it returns at once, and the progress page follows the batch."""
    from .tasks import import_batch

    transaction.on_commit(lambda: import_batch.enqueue(batch_id))


def remove(batch: ImportBatch, user=None) -> int:
    """Take a batch's responses out of the round, while its results have not been seen."""
    with transaction.atomic():
        Round.objects.select_for_update().get(pk=batch.round_id)
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.removed:
            raise ImportRefused(_("This file's responses have already been removed."))
        if is_released(batch.round):
            raise ImportRefused(
                _("This round's results have been seen, so its imported responses can no longer be removed.")
            )
        if batch.round.state in (RoundState.PUBLISHED, RoundState.ARCHIVED):
            raise ImportRefused(_("Responses cannot be removed from a published round."))
        count = batch.responses.count()
        Response.objects.filter(pk__in=ImportedResponse.objects.filter(batch=batch).values("response_id")).delete()
        batch.removed_at = timezone.now()
        batch.removed_by = user
        batch.save(update_fields=["removed_at", "removed_by"])
        date_round(Round.objects.get(pk=batch.round_id))
    return count


def imported_count(round_: Round) -> int:
    return ImportedResponse.objects.filter(
        batch__round=round_, batch__state=BatchState.COMPLETE, batch__removed_at__isnull=True
    ).count()
