"""The framework library's moves, as an explicit state machine.

A draft is *uploaded* (checked, previewable, used by nothing), then either *published* – it
becomes a frozen version and the library's current one – or *discarded*. Both end states are
final. A published version is either the library's *current* one, which new rounds get, or an
*earlier* one; making an earlier version current again is a rollback, and rounds that pinned any
version keep it. Nothing else moves a library's pointer.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import DraftState


@dataclass(frozen=True)
class Move:
    name: str
    source: str
    target: str
    label: str


CURRENT, EARLIER = "current", "earlier"

DRAFT_MOVES = {
    "publish": Move("publish", DraftState.UPLOADED, DraftState.PUBLISHED, "Publish"),
    "discard": Move("discard", DraftState.UPLOADED, DraftState.DISCARDED, "Discard"),
}
VERSION_MOVES = {
    "make-current": Move("make-current", EARLIER, CURRENT, "Make this version current"),
}


class MoveRefused(Exception):
    """The move is not allowed from where the draft or version is; the message says why."""


def check_draft(draft, move_name: str) -> Move:
    move = DRAFT_MOVES.get(move_name)
    if move is None:
        raise MoveRefused("That is not something a draft can do.")
    if draft.state != move.source:
        state = DraftState(draft.state).label.lower()
        raise MoveRefused(f"This draft is already {state}, so it cannot be {move.target}.")
    return move


def version_state(version) -> str:
    return CURRENT if version.library.current_id == version.pk else EARLIER


def check_version(version, move_name: str) -> Move:
    move = VERSION_MOVES.get(move_name)
    if move is None:
        raise MoveRefused("That is not something a version can do.")
    if version_state(version) != move.source:
        raise MoveRefused(f"Version {version.number} is already the current one.")
    return move
