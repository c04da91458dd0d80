"""The review round's lifecycle: every allowed state change, its guard, and its log entry.

    draft ──open──▶ open ──close──▶ closed ──publish──▶ published ──archive──▶ archived
      │              ▲                 │  ▲
      │              └────reopen───────┘  │   (reopen: only until anyone has seen the results)
      └───────close (imported responses)──┘

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


def _reseal(round_: Round) -> None:
    """Leave nothing in the database that orders the round's sent responses, or pairs a used key
    with the response it was written with.

    On PostgreSQL each row carries the id of the transaction that last wrote it (``xmin``): the
    responses would show the order they were sent in, and each used key (a keyed hash of the
    respondent's link) the response it was written with. Rewriting them all in one statement
    when the round closes leaves one id for all of them; old row versions stay on disk until
    PostgreSQL vacuums the tables.

    SQLite keeps no transaction ids, but each row's hidden ``rowid`` (and where it lies in the
    file) follows the order rows were written: drafts in the order people started, used keys in
    the order they sent. So responses and used keys are written again in random order;
    ``secure_delete`` zeroes the old copies, and the write-ahead log is emptied afterwards when
    the database is quiet. Answers are left where they are: rewriting a large round's answers
    took 90 s for a million of them, and they still show roughly when each draft was saved (see
    docs/architecture.md)."""
    quote = connection.ops.quote_name
    responses, response_round = quote(Response._meta.db_table), quote(Response._meta.get_field("round").column)
    response_key, state = quote(Response._meta.pk.column), quote(Response._meta.get_field("state").column)
    sent = f"{response_round} = %s AND {state} = 'submitted'"
    of_sent = (
        f"{quote(Comment._meta.get_field('response').column)} IN (SELECT {response_key} FROM {responses} WHERE {sent})"  # noqa: S608
    )
    tables = [(Response, "state", sent)]
    for model, column in ((Answer, "submitted"), (Priority, "submitted"), (UsedKey, "digest")):
        tables.append((model, column, f"{quote(model._meta.get_field('round').column)} = %s"))
    tables.append((Comment, "text", of_sent))
    with connection.cursor() as cursor:
        for model, column, where in tables:
            table = quote(model._meta.db_table)
            if connection.vendor == "postgresql":
                name = quote(model._meta.get_field(column).column)
                cursor.execute(f"UPDATE {table} SET {name} = {name} WHERE {where}", [round_.pk])  # noqa: S608
            elif connection.vendor == "sqlite" and model in (Response, UsedKey):
                # Foreign keys are checked at commit (Django declares them deferred on SQLite), so
                # rows can leave and come back within the transaction.
                cursor.execute(f"CREATE TEMP TABLE together_reseal AS SELECT * FROM {table} WHERE {where}", [round_.pk])  # noqa: S608
                cursor.execute(f"DELETE FROM {table} WHERE {where}", [round_.pk])  # noqa: S608
                cursor.execute(f"INSERT INTO {table} SELECT * FROM together_reseal ORDER BY random()")  # noqa: S608
                cursor.execute("DROP TABLE together_reseal")
    if connection.vendor == "sqlite":
        from .sql import forget_erased_digests

        transaction.on_commit(forget_erased_digests)


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
    Transition("close", RoundState.DRAFT, RoundState.CLOSED, _("Close the round"), _can_close_imported),
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
        if transition.guard:
            transition.guard(locked)
        RoundEvent.objects.create(round=locked, from_state=locked.state, to_state=transition.target, user=user)
        Round.objects.filter(pk=locked.pk).update(state=transition.target)
        if transition.effect:
            transition.effect(locked)
    round_.state = transition.target
    return round_
