"""Removing solo reviews whose retention period has ended.

``remove_expired()`` is a plain function so that any scheduler can call it: ``together
clean_solo``, cron, or the worker's scheduled clean-ups.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from . import lifecycle
from .models import SoloReview

BATCH = 500


def remove_expired(today: date | None = None) -> int:
    """Delete every solo review (answers and notes with it) whose period ended by ``today``;
    return how many were removed. Short batches keep SQLite's write lock free for others."""
    today = today or timezone.localdate()
    removed = 0
    while True:
        with transaction.atomic():
            rows = list(SoloReview.objects.filter(expires_on__lte=today).values_list("pk", "state")[:BATCH])
            if not rows:
                return removed
            for _pk, state in rows:
                lifecycle.next_state(state, "expire")
            SoloReview.objects.filter(pk__in=[pk for pk, _state in rows]).delete()
        removed += len(rows)
