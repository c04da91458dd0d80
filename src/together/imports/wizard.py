"""The web import wizard's steps, between the plain-Python reading and mapping
(:mod:`together.importing`) and the recorded, all-or-nothing store (:mod:`.services`).

The uploaded file is held in the database (:class:`~.models.ImportUpload`), never on disk, for
the length of the wizard: it is deleted once the import has started, when the officer cancels,
or after :data:`UPLOAD_HOURS` by the worker's clean-up; with it go its cells as read and the
dry run worked out for the mapping chosen so far, kept on the same row. A large file's reading,
matching and checking are done by the worker, while a page says so. Columns that identify people (email
addresses, names, internet addresses, the tool's respondent ids…) are dropped by the mapping
before anything is stored as a response; they are shown to the officer only by their heading.
A large file's rows are written by the worker, from the prepared rows alone (without those
columns), saved for it in a file only the service's user can read and deleted when it is done.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import logging
import os
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from together.importing import layouts, reading
from together.importing import mapping as mappings
from together.reviews import importer
from together.reviews.models import Round

from . import services
from .models import BatchState, ImportBatch, ImportUpload, NextStep, UploadState

logger = logging.getLogger(__name__)

UPLOAD_HOURS = 24
# Files larger than these are read by the worker, with a progress page, not in the request.
BACKGROUND_XLSX_BYTES = 200_000
BACKGROUND_CSV_BYTES = 2_000_000


class WizardError(Exception):
    """Something the officer must put right; ``messages`` say what. Nothing was changed."""

    def __init__(self, messages: list[str]):
        self.messages = reading.capped(list(messages))
        super().__init__("; ".join(self.messages))


def names(round_: Round) -> tuple[list[str], list[str]]:
    partnership = round_.partnership
    return (
        list(partnership.organisations.values_list("name", flat=True)),
        list(partnership.groups.values_list("name", flat=True)),
    )


def imported_before(round_: Round, sha256: str) -> ImportBatch | None:
    return (
        ImportBatch.objects.filter(round=round_, sha256=sha256, removed_at__isnull=True).order_by("imported_at").first()
    )


def reads_in_background(file_name: str, data: bytes) -> bool:
    """Whether reading the file would hold a request too long: a workbook is unpacked and read
    cell by cell (about 6 s for 20,000 rows here), a CSV much faster. A file this large is
    also matched again and checked by the worker (see :func:`prepare`); below the thresholds
    each of those steps takes under half a second (docs/importing.md)."""
    workbook = bytes(data[:4]) == b"PK\x03\x04"
    return len(data) > (BACKGROUND_XLSX_BYTES if workbook else BACKGROUND_CSV_BYTES)


def _large(upload: ImportUpload) -> bool:
    return reads_in_background(upload.file_name, upload.data)


def _in_worker(upload: ImportUpload, next_step: str, header_rows: int | None = None, **fields) -> None:
    """Hand the file to the worker, which does the work that leads to ``next_step``; until it
    has, the upload is *checking* and every step waits on the reading page."""
    from .tasks import check_upload

    ImportUpload.objects.filter(pk=upload.pk).update(state=UploadState.CHECKING, next_step=next_step, **fields)
    upload.state, upload.next_step = UploadState.CHECKING, next_step
    transaction.on_commit(lambda: check_upload.enqueue(str(upload.pk), next_step, header_rows))


def begin(round_: Round, user, file_name: str, data: bytes, saved: str = "") -> ImportUpload:
    """Hold the file for the wizard, and read it and suggest its mapping: now for a small file,
    else by the worker (the upload is then *reading* until it has). ``saved``: a mapping file's
    text to apply once it is read. Raises :class:`WizardError`; nothing is kept then."""
    reason = services.refusal(round_)
    if reason:
        raise WizardError([reason])
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = imported_before(round_, sha256)
    if earlier is not None:
        raise WizardError(
            [
                _("%(file)s has already been imported into this round, on %(date)s.")
                % {"file": file_name, "date": date_format(timezone.localtime(earlier.imported_at), "j F Y")}
            ]
        )
    if saved:
        try:
            mappings.ImportMapping.from_json(saved, round_.framework)
        except mappings.MappingInvalid as invalid:
            raise WizardError(invalid.messages) from None
    background = reads_in_background(file_name, data)
    with transaction.atomic():
        ImportUpload.objects.filter(round=round_, user=user).delete()
        upload = ImportUpload.objects.create(
            round=round_,
            user=user,
            file_name=file_name[:255],
            data=data,
            sha256=sha256,
            mapping="",
            saved_mapping=saved,
            state=UploadState.READING,
        )
        if background:
            from .tasks import read_upload

            transaction.on_commit(lambda: read_upload.enqueue(str(upload.pk)))
            return upload
    analyse(upload.pk)
    upload.refresh_from_db()
    if upload.state == UploadState.FAILED:
        problems = list(upload.problems)
        upload.delete()
        raise WizardError(problems)
    return upload


def analyse(upload_id, sheet: str | None = None) -> None:
    """Read a held file (or another sheet of it) and suggest its mapping, applying the mapping
    file given with it. The upload ends *ready*, or *failed* with what was wrong."""
    upload = ImportUpload.objects.select_related("round__framework_version", "round__partnership").filter(pk=upload_id)
    upload = upload.first()
    if upload is None:
        return  # cancelled or expired meanwhile
    round_ = upload.round
    try:
        table = reading.read(bytes(upload.data), sheet=sheet)
    except reading.Unreadable as unreadable:
        _failed(upload, [f"{upload.file_name}: {message}" for message in unreadable.messages])
        return
    except Exception as error:  # a file no reader expected: say so, rather than leave it reading
        logger.exception("reading upload %s failed", upload.pk)
        message = _("%(file)s could not be read (%(error)s)")
        _failed(upload, [message % {"file": upload.file_name, "error": type(error).__name__}])
        return
    organisations, groups = names(round_)
    suggested = mappings.suggest(table, round_.framework, organisations, groups)
    if upload.saved_mapping:
        reused = mappings.ImportMapping.from_json(upload.saved_mapping, round_.framework)
        suggested = mappings.refresh(table, reused, round_.framework, organisations, groups)
    ImportUpload.objects.filter(pk=upload.pk).update(
        state=UploadState.READY,
        next_step=NextStep.COLUMNS,
        problems=[],
        sheet=table.sheet,
        mapping=suggested.to_json(),
        table=_table_bytes(table),
        table_kind={
            "kind": table.kind,
            "encoding": table.encoding,
            "separator": table.separator,
            "sheet": table.sheet,
            "sheets": table.sheets,
        },
    )


def _failed(upload: ImportUpload, problems: list[str]) -> None:
    ImportUpload.objects.filter(pk=upload.pk).update(state=UploadState.FAILED, problems=reading.capped(problems))


def _table_bytes(table: reading.Table) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table.rows)
    return out.getvalue().encode("utf-8")


def _table(upload: ImportUpload) -> reading.Table:
    """The file's cells as first read: from the copy kept with the upload, else read again."""
    if upload.table is None:
        return reading.read(bytes(upload.data), sheet=upload.sheet or None)
    rows = list(csv.reader(io.StringIO(bytes(upload.table).decode("utf-8"))))
    kind = upload.table_kind or {}
    return reading.Table(
        rows=rows,
        kind=kind.get("kind", "csv"),
        encoding=kind.get("encoding", ""),
        separator=kind.get("separator", ""),
        sheet=kind.get("sheet", ""),
        sheets=list(kind.get("sheets", [])),
    )


def add_names(round_: Round, additions: list[tuple[str, str, str]]) -> list[str]:
    """Add the organisations and groups the officer chose to add from the file's values:
    (``"organisation"`` or ``"group"``, name, sector). A name the partnership already has
    (in any case) is not added twice. Returns the names added."""
    from together.partnerships.models import Organisation, RespondentGroup

    partnership = round_.partnership
    added = []
    with transaction.atomic():
        for kind, name, sector in additions:
            model = Organisation if kind == "organisation" else RespondentGroup
            if model.objects.filter(partnership=partnership, name__iexact=name).exists():
                continue
            if kind == "organisation":
                Organisation.objects.create(partnership=partnership, name=name, sector=sector)
            else:
                last = partnership.groups.order_by("-position").values_list("position", flat=True).first() or 0
                RespondentGroup.objects.create(partnership=partnership, name=name, position=last + 1)
            added.append(name)
    return added


def find(round_: Round, user) -> ImportUpload | None:
    """This officer's file in the wizard for this round, unless it has expired."""
    cutoff = timezone.now() - datetime.timedelta(hours=UPLOAD_HOURS)
    return ImportUpload.objects.filter(round=round_, user=user, created_at__gte=cutoff).first()


@dataclass
class Step:
    table: reading.Table
    mapping: mappings.ImportMapping


def load(upload: ImportUpload) -> Step:
    return Step(_table(upload), mapping_of(upload))


def mapping_of(upload: ImportUpload) -> mappings.ImportMapping:
    """The mapping chosen so far, without the file's cells."""
    return mappings.ImportMapping.from_json(upload.mapping, upload.round.framework)


def save(upload: ImportUpload, mapping: mappings.ImportMapping, table: reading.Table | None = None) -> None:
    """Keep the mapping; with ``table``, after looking at its columns' cells again (the answers
    to place, the names to match and the rows to leave out follow the columns chosen)."""
    if table is not None:
        organisations, groups = names(upload.round)
        mapping = mappings.refresh(table, mapping, upload.round.framework, organisations, groups)
    upload.mapping = mapping.to_json()
    ImportUpload.objects.filter(pk=upload.pk).update(mapping=upload.mapping)


def save_columns(upload: ImportUpload, mapping: mappings.ImportMapping) -> bool:
    """Keep the columns chosen and look at their cells again (see :func:`save`): now, or by the
    worker for a large file (then returns True, and the upload is *checking* until it has)."""
    if not _large(upload):
        save(upload, mapping, _table(upload))
        return False
    upload.mapping = mapping.to_json()
    _in_worker(upload, NextStep.VALUES, mapping=upload.mapping)
    return True


def choose_sheet(upload: ImportUpload, sheet: str) -> bool:
    """Read another sheet of the workbook, and suggest its mapping afresh: now, or by the worker
    for a large workbook (then returns True, and the upload is *reading* until it has)."""
    sheets = (upload.table_kind or {}).get("sheets") or []
    if sheets and sheet not in sheets:
        raise WizardError([_("The workbook has no sheet called %(sheet)s") % {"sheet": repr(sheet)}])
    ImportUpload.objects.filter(pk=upload.pk).update(saved_mapping="")
    if reads_in_background(upload.file_name, bytes(upload.data)):
        from .tasks import read_upload

        ImportUpload.objects.filter(pk=upload.pk).update(
            state=UploadState.READING, sheet=sheet, next_step=NextStep.COLUMNS
        )
        transaction.on_commit(lambda: read_upload.enqueue(str(upload.pk), sheet))
        return True
    analyse(upload.pk, sheet)
    upload.refresh_from_db()
    if upload.state == UploadState.FAILED:
        problems = list(upload.problems)
        ImportUpload.objects.filter(pk=upload.pk).update(state=UploadState.READY, problems=[])
        raise WizardError(problems)
    return False


def header_rows(upload: ImportUpload, rows: int) -> bool:
    """Read the file with this many header rows, and suggest its mapping afresh: now, or by the
    worker for a large file (then returns True, and the upload is *checking* until it has)."""
    if _large(upload):
        _in_worker(upload, NextStep.COLUMNS, header_rows=rows)
        return True
    _suggest_again(upload, rows)
    return False


def _suggest_again(upload: ImportUpload, rows: int) -> None:
    organisations, groups = names(upload.round)
    suggested = mappings.suggest(_table(upload), upload.round.framework, organisations, groups, header_rows=rows)
    save(upload, suggested)


Checked = tuple[mappings.ImportMapping, mappings.Prepared]


def _checked_key(upload: ImportUpload, organisations: list[str], groups: list[str]) -> str:
    """What the dry run depends on: the mapping, and the partnership's names it maps values to."""
    digest = hashlib.sha256(upload.mapping.encode("utf-8"))
    for name in (*organisations, "\x00", *groups):
        digest.update(b"\x00" + name.encode("utf-8"))
    return digest.hexdigest()


def checked(upload: ImportUpload) -> Checked | None:
    """What importing would store under the mapping as it is now, if it has been worked out."""
    if not upload.checked_for or upload.checked_for != _checked_key(upload, *names(upload.round)):
        return None
    mapping = mapping_of(upload)
    found = upload.checked
    dry_run = mappings.DryRun.from_dict(found["dry_run"])
    return mapping, mappings.Prepared(bytes(upload.checked_rows or b""), dry_run, list(found["problems"]))


def _check_now(upload: ImportUpload) -> Checked:
    """Apply the mapping to the file (the dry run) and keep the result with the upload."""
    organisations, groups = names(upload.round)
    framework = upload.round.framework
    mapping = mappings.ImportMapping.from_json(upload.mapping, framework)
    prepared = mappings.apply(_table(upload), mapping, framework, organisations, groups)
    ImportUpload.objects.filter(pk=upload.pk, mapping=upload.mapping).update(
        checked_for=_checked_key(upload, organisations, groups),
        checked_rows=prepared.csv,
        checked={"dry_run": prepared.dry_run.to_dict(), "problems": prepared.problems},
    )
    return mapping, prepared


def prepare(upload: ImportUpload) -> Checked | None:
    """The mapping and what importing the file under it would store: as worked out before for
    this mapping; else now for a small file; else None, with the worker set to work it out (the
    upload is *checking* until it has)."""
    found = checked(upload)
    if found is not None:
        return found
    if _large(upload):
        _in_worker(upload, NextStep.CHECK)
        return None
    return _check_now(upload)


def work(upload_id, next_step: str, header_rows: int | None = None) -> None:
    """The worker's part, for a large file: what leads to ``next_step`` (see :func:`_in_worker`).
    The upload ends *ready*; if something no step expected goes wrong, *failed*, saying so."""
    upload = ImportUpload.objects.select_related("round__framework_version", "round__partnership").filter(
        pk=upload_id, state=UploadState.CHECKING
    )
    upload = upload.first()
    if upload is None:
        return  # cancelled or expired meanwhile
    try:
        if next_step == NextStep.VALUES:
            save(upload, mapping_of(upload), _table(upload))
        elif next_step == NextStep.CHECK:
            _check_now(upload)
        else:
            _suggest_again(upload, header_rows or 1)
    except Exception as error:
        logger.exception("checking upload %s failed", upload.pk)
        message = _("%(file)s could not be read (%(error)s)")
        _failed(upload, [message % {"file": upload.file_name, "error": type(error).__name__}])
        return
    ImportUpload.objects.filter(pk=upload.pk, state=UploadState.CHECKING).update(state=UploadState.READY)


def finish(
    upload: ImportUpload,
    user,
    *,
    fieldwork: tuple[datetime.date, datetime.date] | None = None,
    close_round: bool = False,
    prepared: Checked | None = None,
) -> ImportBatch:
    """Import the file as the mapping says, all or nothing, and let go of the upload.

    A small file is written now; a large one by the worker, from its prepared rows. The round
    takes ``fieldwork`` (first and last day) once the file is in, and closes then if
    ``close_round``. ``prepared``: the file already read and mapped (from :func:`prepare`), if
    the caller has it. Raises :class:`WizardError` (nothing stored) or
    :class:`~.services.ImportRefused`."""
    mapping, prepared = prepared or checked(upload) or _check_now(upload)
    if prepared.problems:
        raise WizardError(prepared.problems)
    round_ = upload.round
    tool = "" if mapping.tool == layouts.PLAIN else layouts.TOOL_NAMES.get(mapping.tool, "")
    if len(prepared.csv) <= services.BACKGROUND_BYTES:
        try:
            batch = services.import_file(
                io.BytesIO(prepared.csv),
                round_,
                file_name=upload.file_name,
                user=user,
                sha256=upload.sha256,
                tool=tool,
                fieldwork=fieldwork,
                close_round=close_round,
            )
        except importer.ImportInvalid as invalid:
            raise WizardError([str(p) for p in invalid.problems]) from None
        ImportUpload.objects.filter(pk=upload.pk).delete()
        return batch
    services.UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    path = services.UPLOAD_DIR / f"{secrets.token_hex(16)}.csv"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(prepared.csv)
    try:
        batch = services.start(
            io.BytesIO(prepared.csv),
            round_,
            file_name=upload.file_name,
            user=user,
            source=str(path),
            sha256=upload.sha256,
            tool=tool,
            fieldwork=fieldwork,
            close_round=close_round,
        )
    except services.ImportRefused:
        path.unlink(missing_ok=True)
        raise
    ImportUpload.objects.filter(pk=upload.pk).delete()
    services.run_in_background(batch.pk)
    return batch


def cancel(upload: ImportUpload) -> None:
    ImportUpload.objects.filter(pk=upload.pk).delete()


def remove_expired(now: datetime.datetime | None = None) -> int:
    """Delete uploads left in the wizard for longer than :data:`UPLOAD_HOURS`; and any prepared
    rows a background import left behind that no pending batch is still reading."""
    now = now or timezone.now()
    removed, _by_model = ImportUpload.objects.filter(
        created_at__lt=now - datetime.timedelta(hours=UPLOAD_HOURS)
    ).delete()
    if services.UPLOAD_DIR.is_dir():
        reading_now = set(ImportBatch.all_objects.filter(state=BatchState.PENDING).values_list("source", flat=True))
        for path in services.UPLOAD_DIR.iterdir():
            if str(path) in reading_now or not path.is_file():
                continue
            age = now.timestamp() - path.stat().st_mtime
            if age > UPLOAD_HOURS * 3600:
                path.unlink(missing_ok=True)
                removed += 1
    return removed
