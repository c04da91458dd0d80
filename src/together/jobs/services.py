"""Asking for a round's PDF report or a large export, and making it in the background.

A small round's file is made in the request, as ever: it takes a second or less. From
``BACKGROUND_FILES_FROM`` responses (100 by default) the PDF report, the response-level CSV and
the workbook are made by ``together worker`` instead (a 3,000-response round's PDF takes about
3 s of CPU, which on a one-thread web worker every kept-alive respondent on it would wait behind).
The member is sent to a page that follows the file and then offers it for download.

Disclosure control is the release layer's, exactly as in the request: the worker asks
:func:`together.releases.services.obtain` for the round's release *in the role the file was asked
for in*, and the same build function as the request turns it into bytes. A download checks again
that the person still has that role on that partnership and may still see the round.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from together.releases import services as releases
from together.reviews.models import Response, ResponseState, Round
from together.web.languages import page_language

from . import lifecycle
from .models import UNFINISHED, FileState, PreparedBytes, PreparedFile

logger = logging.getLogger(__name__)

# A file not started or not finished this long after it was asked for will not be: its worker is
# not running, or stopped part-way. It is shown as failed, and asking again makes a new one.
STALLED_AFTER = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class Kind:
    """A file a member can ask for: how it is made from a release, and what it is called."""

    name: str
    label: object
    content_type: str
    suffix: str
    make: Callable  # (released, user) -> bytes
    facilitators_only: bool = False

    def download_name(self, round_: Round) -> str:
        return f"{slugify(f'{round_.partnership.name} {round_.name}')}{self.suffix}"


def _pdf(released, user) -> bytes:
    from together.reports import build

    return build.pdf(released, user)


def _responses(released, user) -> bytes:
    from together.reports import exports

    return exports.responses_csv(released)


def _workbook(released, user) -> bytes:
    from together.reports import exports

    return exports.workbook(released)


KINDS = {
    kind.name: kind
    for kind in (
        Kind("report.pdf", _("The report (PDF)"), "application/pdf", ".pdf", _pdf),
        Kind(
            "responses.csv",
            _("Anonymous response-level data (CSV)"),
            "text/csv; charset=utf-8",
            "-responses.csv",
            _responses,
            facilitators_only=True,
        ),
        Kind(
            "data.xlsx",
            _("Results and responses (XLSX)"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "-data.xlsx",
            _workbook,
        ),
    )
}


def in_background(round_: Round) -> bool:
    """Whether this round's heavy files are made by the worker: it has at least
    ``BACKGROUND_FILES_FROM`` responses. (A count of one round's submitted responses: an index
    lookup, whatever the round's size.)"""
    threshold = settings.BACKGROUND_FILES_FROM
    if threshold == 0:
        return True
    return Response.objects.filter(round=round_, state=ResponseState.SUBMITTED)[:threshold].count() >= threshold


def keep_for() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.PREPARED_FILE_HOURS)


def stalled(prepared: PreparedFile, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return prepared.state in UNFINISHED and prepared.created_at < now - STALLED_AFTER


def expired(prepared: PreparedFile, now: datetime.datetime | None = None) -> bool:
    return prepared.expires_at <= (now or timezone.now())


def ask(round_: Round, kind: str, *, user, role: str) -> PreparedFile:
    """The file being made of this kind for this person in this role, or a new one queued.

    The caller has checked that the role may see the round's results (and, for response-level
    data, that it runs the round). Asking again while one is waiting or being made gives that
    one; a stalled one is given up first, so asking again starts afresh. The file is made in the
    language of the page it was asked from."""
    language = page_language()
    if kind not in KINDS:
        raise KeyError(kind)
    for _attempt in range(2):
        current = PreparedFile.objects.filter(
            user=user, round=round_, kind=kind, role=role, language=language, state__in=UNFINISHED
        ).first()
        if current is not None and stalled(current):
            _give_up(current)
            current = None
        if current is not None:
            return current
        now = timezone.now()
        try:
            with transaction.atomic():
                prepared = PreparedFile.objects.create(
                    partnership_id=round_.partnership_id,
                    round=round_,
                    user=user,
                    role=role,
                    kind=kind,
                    language=language,
                    created_at=now,
                    expires_at=now + keep_for(),
                )
                _enqueue(prepared.pk)
            return prepared
        except IntegrityError:
            continue  # someone else queued it in the meantime: take theirs
    raise RuntimeError("could not queue the file")  # pragma: no cover - two races in a row


def _enqueue(pk: int) -> None:
    from django_tasks_db import DatabaseBackend

    from .tasks import prepare_file

    if isinstance(prepare_file.get_backend(), DatabaseBackend):
        # The task is a row beside the file's, written in the same transaction: both or neither.
        prepare_file.enqueue(pk)
    else:
        transaction.on_commit(lambda: prepare_file.enqueue(pk))


def _give_up(prepared: PreparedFile) -> None:
    with contextlib.suppress(lifecycle.TransitionRefused):
        lifecycle.apply(prepared, "fail", reason=str(STOPPED))


STOPPED = _(
    "It was not finished within 10 minutes of being asked for: the service's background worker may not "
    "be running, or it stopped part-way."
)
NOT_AVAILABLE = _("These results are no longer available to you in the role the file was asked for.")


def make(pk: int) -> PreparedFile | None:
    """Build one queued file (the worker's task): the same bytes the request would have made.

    Never raises for a file that cannot be made: it ends failed, with the reason in plain words."""
    prepared = PreparedFile.objects.select_related("round__partnership", "round__framework_version", "user").filter(
        pk=pk
    )
    prepared = prepared.first()
    if prepared is None:
        return None  # expired and removed before the worker reached it
    try:
        lifecycle.apply(prepared, "start")
    except lifecycle.TransitionRefused:
        return prepared  # already started, or given up
    kind = KINDS[prepared.kind]
    try:
        released = releases.obtain(prepared.round, prepared.role, prepared.user)
        if kind.facilitators_only and not released.can_run:
            raise releases.NotAvailable(NOT_AVAILABLE, "rows")
        with translation.override(prepared.language):
            data = kind.make(released, prepared.user)
    except releases.NotAvailable as refused:
        _fail(prepared, str(refused.message))
        return prepared
    except Exception as error:
        logger.exception("prepared file %s could not be made", prepared.pk)
        wrong = _("Something went wrong while it was being made (%(error)s).")
        _fail(prepared, str(wrong) % {"error": type(error).__name__})
        return prepared
    now = timezone.now()
    with transaction.atomic():
        try:
            lifecycle.apply(prepared, "finish", size=len(data), finished_at=now, expires_at=now + keep_for())
        except lifecycle.TransitionRefused:
            return prepared  # given up meanwhile: its bytes are not kept
        PreparedBytes.objects.create(file=prepared, data=data)
    return prepared


def _fail(prepared: PreparedFile, reason: str) -> None:
    with contextlib.suppress(lifecycle.TransitionRefused):
        lifecycle.apply(prepared, "fail", reason=reason[:300])


def still_allowed(prepared: PreparedFile, role: str) -> bool:
    """Whether the person may still have this file: the same role as it was made for, and that
    role may still see the round's results (and its response-level rows, for those files)."""
    if role != prepared.role:
        return False
    if KINDS[prepared.kind].facilitators_only and role not in releases.RUNS:
        return False
    return releases.may_see(prepared.round, role)


def content(prepared: PreparedFile) -> bytes | None:
    if prepared.state != FileState.READY or expired(prepared):
        return None
    data = PreparedBytes.objects.filter(file=prepared).values_list("data", flat=True).first()
    return bytes(data) if data is not None else None
