"""The review round's lifecycle: every allowed state change, its guard, and its log entry.

    draft ──open──▶ open ──close──▶ closed ──publish──▶ published ──archive──▶ archived
                     ▲                 │
                     └────reopen───────┘

Nothing else changes ``Round.state``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from .models import Answer, Comment, Priority, Response, Round, RoundEvent, RoundState, UsedKey


class TransitionRefused(Exception):
    """The change is not allowed now; the message says why, in words a facilitator understands."""


def _can_open(round_: Round) -> None:
    if not round_.partnership.organisations.exists():
        raise TransitionRefused(_("Add at least one partner organisation before you open the round."))


def _can_reopen(round_: Round) -> None:
    from together.releases.services import is_released

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


def _reseal(round_: Round) -> None:
    """Give every sent response of the round, and everything written with it, one transaction id.

    On PostgreSQL each row carries the id of the transaction that last wrote it (``xmin``): the
    responses would show the order they were sent in, and each used key (a keyed hash of the
    respondent's link) the response it was written with. Rewriting them all in one statement
    when the round closes leaves one id for all of them. Old row versions remain on disk until
    PostgreSQL vacuums the tables. SQLite keeps no transaction ids."""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, column in ((Response, "state"), (Answer, "submitted"), (Priority, "submitted"), (UsedKey, "digest")):
            table, name = quote(model._meta.db_table), quote(model._meta.get_field(column).column)
            key = quote(model._meta.get_field("round").column)
            cursor.execute(f"UPDATE {table} SET {name} = {name} WHERE {key} = %s", [round_.pk])  # noqa: S608
        comments, responses = quote(Comment._meta.db_table), quote(Response._meta.db_table)
        text, owner = quote(Comment._meta.get_field("text").column), quote(Comment._meta.get_field("response").column)
        cursor.execute(
            f"UPDATE {comments} SET {text} = {text} WHERE {owner} IN "  # noqa: S608
            f"(SELECT {quote(Response._meta.pk.column)} FROM {responses} "
            f"WHERE {quote(Response._meta.get_field('round').column)} = %s)",
            [round_.pk],
        )


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
    Transition("close", RoundState.OPEN, RoundState.CLOSED, _("Close the round"), effect=_reseal),
    Transition("reopen", RoundState.CLOSED, RoundState.OPEN, _("Reopen the round"), _can_reopen),
    Transition("publish", RoundState.CLOSED, RoundState.PUBLISHED, _("Publish the results"), _can_publish),
    Transition("archive", RoundState.PUBLISHED, RoundState.ARCHIVED, _("Archive the round"), effect=_forget_invitees),
)


def available(round_: Round) -> list[Transition]:
    """The changes that can be made now: those whose guard would refuse are left out."""
    offered = []
    for transition in TRANSITIONS:
        if transition.source != round_.state:
            continue
        if transition.name == "reopen":
            try:
                _can_reopen(round_)
            except TransitionRefused:
                continue
        offered.append(transition)
    return offered


def apply(round_: Round, name: str, user=None) -> Round:
    """Make the named change, or raise :class:`TransitionRefused` and change nothing."""
    with transaction.atomic():
        # Lock the row so two facilitators clicking at once cannot both move it.
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        transition = next((t for t in TRANSITIONS if t.name == name), None)
        if transition is None:
            raise TransitionRefused(_("There is no such change."))
        if transition.source != locked.state:
            raise TransitionRefused(
                _("This round is %(state)s, so it cannot be changed that way.")
                % {"state": locked.get_state_display().lower()}
            )
        if transition.guard:
            transition.guard(locked)
        RoundEvent.objects.create(round=locked, from_state=locked.state, to_state=transition.target, user=user)
        Round.objects.filter(pk=locked.pk).update(state=transition.target)
        if transition.effect:
            transition.effect(locked)
    round_.state = transition.target
    return round_
