"""A prepared file's lifecycle: every allowed state change, and nothing else changes ``state``.

    queued ──start──▶ building ──finish──▶ ready
       │                 │
       └──────fail───────┴──────fail──────▶ failed

Every change is one conditional ``UPDATE`` (``WHERE state IN (…)``), so that two workers, or a
worker and a clean-up, cannot both make it: the one whose update changed a row goes on. A file
in any state is deleted, with its bytes, once it expires (:mod:`together.jobs.cleanup`).
"""

from __future__ import annotations

from django.utils import timezone

from .models import FileState, PreparedFile

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "start": ((FileState.QUEUED,), FileState.BUILDING),
    "finish": ((FileState.BUILDING,), FileState.READY),
    "fail": ((FileState.QUEUED, FileState.BUILDING), FileState.FAILED),
}


class TransitionRefused(Exception):
    """The file is not in a state that allows this change (another process made a change first)."""


def apply(prepared: PreparedFile, action: str, **fields) -> PreparedFile:
    """Make the change, with ``fields`` written in the same update; raise :class:`TransitionRefused`
    if the file is no longer in a state it allows."""
    sources, target = TRANSITIONS[action]
    now = timezone.now()
    values = {"state": target, **fields}
    if action == "start":
        values.setdefault("started_at", now)
    else:
        values.setdefault("finished_at", now)
    changed = PreparedFile.objects.filter(pk=prepared.pk, state__in=sources).update(**values)
    if not changed:
        raise TransitionRefused(f"cannot {action} a prepared file that is not {' or '.join(sources)}")
    for name, value in values.items():
        setattr(prepared, name, value)
    return prepared
