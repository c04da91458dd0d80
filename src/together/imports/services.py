"""Bringing another tool's responses into a round, as a recorded batch that can be taken out.

Why the rules: answers of known content added to a small group let whoever added them subtract
them again and read the group's real members ("padding"). So an import goes only into a draft
round, and a round holding imports never opens (it closes straight away to show its results):
a round either collects answers here or holds imported ones. Every batch is in the round's log
with who, when, the file's name, its rows and its SHA-256; the same file cannot go in twice; a
batch can be removed until the round's results are first seen; and the report says how many
responses were imported, so readers know.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from together.releases.services import is_released
from together.reviews import importer
from together.reviews.models import Response, Round, RoundState

from .models import ImportBatch, ImportedResponse


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
    return None


def checksum(raw) -> str:
    digest = hashlib.sha256()
    raw.seek(0)
    for block in iter(lambda: raw.read(1 << 20), b""):
        digest.update(block)
    raw.seek(0)
    return digest.hexdigest()


def import_file(
    raw,
    round_: Round,
    *,
    file_name: str,
    user=None,
    mapping=None,
    progress: Callable[[int], None] | None = None,
    stored_progress: Callable[[int], None] | None = None,
) -> ImportBatch:
    """Check, parse and store the file as one batch, all or nothing.

    Raises :class:`ImportRefused` when the round cannot take it, or
    :class:`~together.reviews.importer.ImportInvalid` listing what is wrong with the file."""
    reason = refusal(round_)
    if reason:
        raise ImportRefused(reason)
    sha256 = checksum(raw)
    if ImportBatch.objects.filter(round=round_, sha256=sha256, removed_at__isnull=True).exists():
        raise ImportRefused(_("This file has already been imported into this round."))
    parsed = importer.parse(raw, round_, mapping, progress)
    with transaction.atomic():
        # Lock the round, then look again: it may have closed, or been seen, meanwhile.
        locked = Round.objects.select_for_update().select_related("framework_version").get(pk=round_.pk)
        reason = refusal(locked)
        if reason:
            raise ImportRefused(reason)
        if ImportBatch.objects.filter(round=locked, sha256=sha256, removed_at__isnull=True).exists():
            raise ImportRefused(_("This file has already been imported into this round."))
        batch = ImportBatch.objects.create(
            round=locked, file_name=file_name[:255], sha256=sha256, rows=len(parsed.rows), imported_by=user
        )
        importer.store(locked, parsed, stored_progress, batch=batch)
    return batch


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
    return count


def imported_count(round_: Round) -> int:
    return ImportedResponse.objects.filter(batch__round=round_, batch__removed_at__isnull=True).count()
