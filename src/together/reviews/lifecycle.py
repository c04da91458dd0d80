"""The review round's lifecycle: every allowed state change, its guard, and its log entry.

    draft ──open──▶ open ──close──▶ closed ──publish──▶ published ──archive──▶ archived
      │              ▲                 │  ▲
      │              └────reopen───────┘  │   (reopen: only until anyone has seen the results)
      └───────close (imported responses)──┘

Nothing else changes ``Round.state``. No change is made while a file is still being imported
into the round (its rows are written in several short transactions, see
:mod:`together.imports.services`): closing, and so releasing, then waits for the import to end,
so results never include part of a file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import reseal
from .models import Round, RoundEvent, RoundState


class TransitionRefused(Exception):
    """The change is not allowed now; the message says why, in words a facilitator understands."""


def _holds_imports(round_: Round) -> bool:
    from together.imports.models import ImportBatch

    return ImportBatch.objects.filter(round_id=round_.pk, removed_at__isnull=True).exists()


IMPORTED_ROUNDS_DO_NOT_OPEN = _(
    "This round holds responses imported from another survey tool, so it cannot collect answers here: "
    "answers added beside known ones could be worked out by subtraction. Close it to see its results, "
    "and start a new round to collect answers."
)


def _can_open(round_: Round) -> None:
    if not round_.partnership.organisations.exists():
        raise TransitionRefused(_("Add at least one partner organisation before you open the round."))
    if _holds_imports(round_):
        raise TransitionRefused(IMPORTED_ROUNDS_DO_NOT_OPEN)
    if round_.bilingual:
        from together.framework.rules import missing_welsh

        missing = len(missing_welsh(round_.framework))
        if missing:
            raise TransitionRefused(
                ngettext(
                    "This round is bilingual, but %(n)s text of its questions has no Welsh yet. Add it to the "
                    "framework in the framework library and start a new round on that version, or make this "
                    "round English only.",
                    "This round is bilingual, but %(n)s texts of its questions have no Welsh yet. Add them to the "
                    "framework in the framework library and start a new round on that version, or make this "
                    "round English only.",
                    missing,
                )
                % {"n": missing}
            )


def _import_running(round_: Round) -> None:
    from together.imports.models import pending_in
    from together.imports.services import busy_message

    running = pending_in(round_.pk)
    if running is not None:
        raise TransitionRefused(busy_message(running))


def _can_close_imported(round_: Round) -> None:
    if not _holds_imports(round_):
        raise TransitionRefused(_("Only a round of imported responses can close without opening."))


def _can_reopen(round_: Round) -> None:
    from together.releases.services import is_released

    if _holds_imports(round_):
        raise TransitionRefused(IMPORTED_ROUNDS_DO_NOT_OPEN)
    if is_released(round_):
        raise TransitionRefused(
            _(
                "This round's results have been seen, so it cannot take more answers: the difference between "
                "before and after would show the new answers. Start a new round instead."
            )
        )


def _can_publish(round_: Round) -> None:
    if not round_.responses.filter(state="submitted").exists():
        raise TransitionRefused(_("A round with no responses cannot be published."))


def _forget_invitees(round_: Round) -> None:
    # The privacy notice promises invitees' names and addresses go when a round is archived.
    round_.invitations.all().delete()


@dataclass(frozen=True)
class Transition:
    name: str
    source: str
    target: str
    label: str
    guard: Callable[[Round], None] | None = None
    effect: Callable[[Round], None] | None = None


TRANSITIONS: tuple[Transition, ...] = (
    Transition("open", RoundState.DRAFT, RoundState.OPEN, _("Open the round"), _can_open),
    Transition("close", RoundState.OPEN, RoundState.CLOSED, _("Close the round"), effect=reseal.start),
    Transition("close", RoundState.DRAFT, RoundState.CLOSED, _("Close the round"), _can_close_imported, reseal.start),
    Transition("reopen", RoundState.CLOSED, RoundState.OPEN, _("Reopen the round"), _can_reopen),
    Transition("publish", RoundState.CLOSED, RoundState.PUBLISHED, _("Publish the results"), _can_publish),
    Transition("archive", RoundState.PUBLISHED, RoundState.ARCHIVED, _("Archive the round"), effect=_forget_invitees),
)


def available(round_: Round) -> list[Transition]:
    """The changes that can be made now: those whose guard would refuse are left out."""
    from together.imports.models import pending_in

    if pending_in(round_.pk) is not None:
        return []  # nothing changes until the import ends; the round page says so
    offered = []
    for transition in TRANSITIONS:
        if transition.source != round_.state:
            continue
        # An imported round closes, never opens; a seen round does not reopen.
        if transition.name == "open" and _holds_imports(round_):
            continue
        if transition.guard in (_can_reopen, _can_close_imported):
            try:
                transition.guard(round_)
            except TransitionRefused:
                continue
        offered.append(transition)
    return offered


def apply(round_: Round, name: str, user=None) -> Round:
    """Make the named change, or raise :class:`TransitionRefused` and change nothing."""
    from together.imports.services import discard_stale

    # An import whose process died is cleared first (in its own short transactions), so that
    # it does not hold the round back.
    discard_stale()
    with transaction.atomic():
        # Lock the row so two facilitators clicking at once cannot both move it.
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        transition = next((t for t in TRANSITIONS if t.name == name and t.source == locked.state), None)
        transition = transition or next((t for t in TRANSITIONS if t.name == name), None)
        if transition is None:
            raise TransitionRefused(_("There is no such change."))
        if transition.source != locked.state:
            raise TransitionRefused(
                _("This round is %(state)s, so it cannot be changed that way.")
                % {"state": locked.get_state_display().lower()}
            )
        _import_running(locked)
        if transition.guard:
            transition.guard(locked)
        RoundEvent.objects.create(round=locked, from_state=locked.state, to_state=transition.target, user=user)
        Round.objects.filter(pk=locked.pk).update(state=transition.target)
        if transition.effect:
            transition.effect(locked)
    round_.state = transition.target
    return round_
