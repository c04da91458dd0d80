"""Which engagement notes sit beside a round's results."""

from __future__ import annotations

from django.db.models import Q

from .models import EngagementNote


def for_round(round_, theme_id: str | None = None) -> list[EngagementNote]:
    """Notes linked to this round, and notes linked to no round (the partnership's ongoing work);
    for a theme, only those that speak to it."""
    notes = (
        EngagementNote.objects.filter(partnership_id=round_.partnership_id)
        .filter(Q(round=round_) | Q(round__isnull=True))
        .prefetch_related("actions")
    )
    found = list(notes)
    if theme_id is not None:
        found = [note for note in found if theme_id in note.theme_ids]
    return found
