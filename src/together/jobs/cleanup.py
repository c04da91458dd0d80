"""Removing prepared files once they expire.

:func:`remove_expired` is a plain function: ``together clean_prepared_files`` calls it, and so can
the worker's periodic clean-ups."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from . import services
from .models import UNFINISHED, PreparedFile


def remove_expired(now: datetime.datetime | None = None) -> int:
    """Delete every prepared file (its row and its bytes) past its expiry, and give up those left
    unfinished for :data:`~together.jobs.services.STALLED_AFTER`. Returns how many were deleted."""
    now = now or timezone.now()
    for prepared in PreparedFile.objects.filter(state__in=UNFINISHED, created_at__lt=now - services.STALLED_AFTER):
        services._give_up(prepared)
    removed = 0
    while True:
        # In small batches: each a short write, so that on SQLite no respondent waits behind it.
        ids = list(PreparedFile.objects.filter(expires_at__lte=now).values_list("pk", flat=True)[:200])
        if not ids:
            return removed
        with transaction.atomic():
            removed += PreparedFile.objects.filter(pk__in=ids).delete()[1].get("jobs.PreparedFile", 0)
