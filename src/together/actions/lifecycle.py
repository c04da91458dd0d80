"""An action's lifecycle, in one place:

proposed ──agree──▶ agreed ──start──▶ in progress ──finish──▶ done
    └──────────────────┴───────────────────┴──drop (with a reason)──▶ dropped
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Action, ActionEvent, ActionState


class ActionRefused(Exception):
    pass


@dataclass(frozen=True)
class Change:
    name: str
    sources: tuple[str, ...]
    target: str
    label: str
    lead_may: bool  # members of the lead organisation may make it, not only facilitators


CHANGES: tuple[Change, ...] = (
    Change("agree", (ActionState.PROPOSED,), ActionState.AGREED, _("Mark as agreed"), False),
    Change("start", (ActionState.AGREED,), ActionState.IN_PROGRESS, _("Mark as in progress"), True),
    Change("finish", (ActionState.IN_PROGRESS,), ActionState.DONE, _("Mark as done"), True),
    Change(
        "drop",
        (ActionState.PROPOSED, ActionState.AGREED, ActionState.IN_PROGRESS),
        ActionState.DROPPED,
        _("Drop this action"),
        False,
    ),
)


def available(action: Action, *, facilitator: bool, lead_member: bool) -> list[Change]:
    return [c for c in CHANGES if action.state in c.sources and (facilitator or (lead_member and c.lead_may))]


def apply(action: Action, name: str, user, *, facilitator: bool, lead_member: bool, reason: str = "") -> Action:
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        change = next((c for c in CHANGES if c.name == name), None)
        if change is None or locked.state not in change.sources:
            raise ActionRefused(_("This action cannot be changed that way now."))
        if not (facilitator or (lead_member and change.lead_may)):
            raise ActionRefused(_("Only facilitators can make that change."))
        if change.target == ActionState.DROPPED and not reason.strip():
            raise ActionRefused(_("Say why the action is being dropped."))
        ActionEvent.objects.create(action=locked, from_state=locked.state, to_state=change.target, user=user)
        fields = {"state": change.target}
        if change.target == ActionState.DROPPED:
            fields["drop_reason"] = reason.strip()[:500]
        Action.objects.filter(pk=locked.pk).update(**fields)
    for key, value in fields.items():
        setattr(action, key, value)
    return action
