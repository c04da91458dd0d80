"""The solo review's lifecycle, every allowed change in one place.

    draft ──send──▶ sent
      │               │
      └──delete───────┴──▶ deleted   (by its owner, at once)
      └──expire───────┴──▶ expired   (SOLO_RETENTION_DAYS after it was started)

Deleted and expired are where a review ends: its row, answers and notes are removed, so those
two states are never stored; nothing is kept to say a review existed.
"""

from __future__ import annotations

DRAFT, SENT, DELETED, EXPIRED = "draft", "sent", "deleted", "expired"

TRANSITIONS: dict[str, dict[str, str]] = {
    "send": {DRAFT: SENT},
    "delete": {DRAFT: DELETED, SENT: DELETED},
    "expire": {DRAFT: EXPIRED, SENT: EXPIRED},
}

# States a review is removed in rather than stored.
REMOVED = frozenset({DELETED, EXPIRED})


class TransitionRefused(Exception):
    """The change is not allowed from the review's state."""


def next_state(state: str, action: str) -> str:
    """The state ``action`` leads to from ``state``; refused when it is not allowed."""
    try:
        return TRANSITIONS[action][state]
    except KeyError:
        raise TransitionRefused(f"A {state} solo review cannot {action}.") from None
