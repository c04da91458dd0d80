"""Keying returned paper forms in: checking what was keyed, comparing two keyings, and writing
an agreed form as a sent response.

A keyed form is a plain dict: ``variant`` (the version of the questionnaire the form is, such
as the residents', or "" for the partners'), ``organisation`` and ``group`` (ids as text, or
""), ``ratings`` and ``targets`` (statement id → "1".."7", "d" for don't know, "n" for rather
not say where the version offers it, or "" for not answered), ``priorities`` (theme ids) and
``comments`` (theme id → text). A variant's form asks no organisation, group, priorities or
comments. The lifecycle of an entry:

    (none) ──key──▶ entered                      (single keying)
    (none) ──key──▶ awaiting-check ──key again──▶ entered     (the two keyings agree)
                                    └────────────▶ mismatch ──resolve──▶ entered
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from together.reviews.models import (
    Answer,
    Channel,
    Comment,
    Priority,
    Response,
    ResponseState,
    Round,
    RoundState,
)
from together.web.languages import text as framework_text

from .models import EntryState, PaperEntry, PaperSettings

DONT_KNOW = "d"
RATHER_NOT = "n"  # "I'd rather not say", kept as 0 (see together.reviews.questionnaire)
MAX_COMMENT = 2000

TRANSITIONS = {
    ("", "key-once"): EntryState.ENTERED,
    ("", "key-first"): EntryState.AWAITING_CHECK,
    (EntryState.AWAITING_CHECK, "agree"): EntryState.ENTERED,
    (EntryState.AWAITING_CHECK, "differ"): EntryState.MISMATCH,
    (EntryState.MISMATCH, "resolve"): EntryState.ENTERED,
}


class PaperRefused(Exception):
    """The keying cannot be taken: nothing was stored."""


class KeyedInvalid(Exception):
    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def _next(state: str, action: str) -> str:
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise PaperRefused(_("This form cannot be keyed again in its present state.")) from None


def settings_of(round_: Round) -> PaperSettings:
    return PaperSettings.objects.filter(round=round_).first() or PaperSettings(round=round_)


def numbering(framework) -> list[tuple[str, object, object]]:
    """Each statement's number as printed on the form ("2.3": theme 2, statement 3)."""
    return [
        (f"{t}.{s}", theme, statement)
        for t, theme in enumerate(framework.themes, start=1)
        for s, statement in enumerate(theme.statements, start=1)
    ]


def versions(round_: Round) -> list:
    """The forms a round can print and key: the partners' (None) and each variant of its
    framework, for a full review (a pulse asks the short form only)."""
    if round_.is_pulse:
        return [None]
    return [None, *round_.framework_version.framework.variants]


def version(round_: Round, variant: str):
    """The framework's Variant a form is (None: the partners'); PaperRefused if it has none such."""
    if not variant:
        return None
    for found in versions(round_)[1:]:
        if found.id == variant:
            return found
    raise PaperRefused(_("This round's framework has no such version of the questionnaire."))


def refusal(round_: Round) -> str | None:
    if round_.state != RoundState.OPEN:
        return _("Paper forms can be keyed in only while the round is open.")
    return None


def check(round_: Round, keyed: dict) -> dict:
    """The keyed form, cleaned; or :class:`KeyedInvalid` naming each wrong field."""
    variant = str(keyed.get("variant") or "")
    version(round_, variant)
    framework = round_.questionnaire(variant)
    scale = framework.scale
    allowed = {str(level.value) for level in scale.levels}
    problems: dict[str, str] = {}
    low, high = scale.minimum, scale.maximum

    def rating(field: str, number: str, value: str) -> str:
        value = (value or "").strip().lower()
        if value in ("", *allowed):
            return value
        if value in (DONT_KNOW, "dk", "?") and scale.dont_know is not None:
            return DONT_KNOW
        if value == RATHER_NOT and scale.rather_not_say is not None:
            return RATHER_NOT
        if scale.rather_not_say is not None:
            problems[field] = _(
                "%(n)s: enter a number from %(low)s to %(high)s, d for don't know, n for rather not say, "
                "or leave it empty"
            ) % {"n": number, "low": low, "high": high}
        elif scale.dont_know is not None:
            problems[field] = _(
                "%(n)s: enter a number from %(low)s to %(high)s, d for don't know, or leave it empty"
            ) % {
                "n": number,
                "low": low,
                "high": high,
            }
        else:
            problems[field] = _("%(n)s: enter a number from %(low)s to %(high)s, or leave it empty") % {
                "n": number,
                "low": low,
                "high": high,
            }
        return ""

    ratings, targets = {}, {}
    for number, _theme, statement in numbering(framework):
        ratings[statement.id] = rating(f"r-{statement.id}", number, keyed.get("ratings", {}).get(statement.id, ""))
        if framework.asks_target:
            targets[statement.id] = rating(f"t-{statement.id}", number, keyed.get("targets", {}).get(statement.id, ""))
    themes = {theme.id for theme in framework.themes}
    priorities = sorted(set(keyed.get("priorities", [])))
    if any(theme_id not in themes for theme_id in priorities):
        problems["priorities"] = _("Choose themes from the list")
    elif len(priorities) > framework.priority_count:
        problems["priorities"] = _("The form allows %(n)s themes at most: key the first %(n)s ticked") % {
            "n": framework.priority_count
        }
    comments = {}
    for theme_id, text in keyed.get("comments", {}).items():
        text = (text or "").strip()
        if theme_id in themes and text:
            if len(text) > MAX_COMMENT:
                problems[f"c-{theme_id}"] = _("A comment can be %(n)s characters at most") % {"n": MAX_COMMENT}
            comments[theme_id] = text
    organisation = str(keyed.get("organisation") or "")
    group = str(keyed.get("group") or "")
    if variant and (organisation or group or priorities or comments):
        # This version's form asks none of these; a value here was keyed against the wrong form.
        problems["form"] = _("This version of the form asks no organisation, role, themes or comments")
    if organisation and not round_.partnership.organisations.filter(pk=organisation).exists():
        problems["organisation"] = _("Choose an organisation from the list")
    if group and not round_.partnership.groups.filter(pk=group).exists():
        problems["group"] = _("Choose a group from the list")
    if not any(ratings.values()) and not any(targets.values()) and not priorities and not comments:
        problems.setdefault("form", _("Nothing was keyed: a blank form is not a response"))
    if problems:
        raise KeyedInvalid(problems)
    return {
        "variant": variant,
        "organisation": organisation,
        "group": group,
        "ratings": ratings,
        "targets": targets,
        "priorities": priorities,
        "comments": comments,
    }


@dataclass(frozen=True)
class Difference:
    field: str
    label: str
    first: str
    second: str


def differences(round_: Round, first: dict, second: dict) -> list[Difference]:
    """Where two keyings of one form differ, field by field, in the form's order."""
    framework = round_.questionnaire(first.get("variant", ""))
    found = []
    for key, label in (("organisation", _("Organisation")), ("group", _("Group"))):
        if first.get(key, "") != second.get(key, ""):
            found.append(Difference(key, label, first.get(key, ""), second.get(key, "")))
    for number, _theme, statement in numbering(framework):
        for kind, prefix in (("ratings", "r"), ("targets", "t")):
            a, b = first.get(kind, {}).get(statement.id, ""), second.get(kind, {}).get(statement.id, "")
            if a != b:
                label = number if kind == "ratings" else _("%(n)s (in a year)") % {"n": number}
                found.append(Difference(f"{prefix}-{statement.id}", label, a, b))
    if sorted(first.get("priorities", [])) != sorted(second.get("priorities", [])):
        found.append(
            Difference(
                "priorities",
                _("Themes most needing attention"),
                ",".join(first["priorities"]),
                ",".join(second["priorities"]),
            )
        )
    for theme in framework.themes:
        a, b = first.get("comments", {}).get(theme.id, ""), second.get("comments", {}).get(theme.id, "")
        if a != b:
            found.append(
                Difference(f"c-{theme.id}", _("Comment: %(theme)s") % {"theme": framework_text(theme.title)}, a, b)
            )
    return found


def _write(round_: Round, keyed: dict) -> None:
    """The agreed form as one sent response, like a questionnaire's (a paper one)."""
    variant = keyed.get("variant", "")
    framework = round_.questionnaire(variant)
    today = timezone.localdate()
    organisation_id = int(keyed["organisation"]) if keyed["organisation"] else None
    group_id = int(keyed["group"]) if keyed["group"] else None
    response = Response.objects.create(
        round=round_,
        state=ResponseState.SUBMITTED,
        organisation_id=organisation_id,
        group_id=group_id,
        about_done=True,
        themes_done=[theme.id for theme in framework.themes],
        priorities_done=True,
        updated_on=today,
        submitted_on=today,
        channel=Channel.PAPER,
        variant=variant,
    )
    common = {"round": round_, "submitted": True, "organisation_id": organisation_id, "group_id": group_id}

    def number(value: str) -> int | None:
        if value == RATHER_NOT:
            return 0
        return None if value in ("", DONT_KNOW) else int(value)

    answers = []
    for statement in framework.statements:
        value, target = keyed["ratings"].get(statement.id, ""), keyed["targets"].get(statement.id, "")
        if value == "" and target == "":
            continue  # not answered
        answers.append(
            Answer(response=response, statement_id=statement.id, value=number(value), target=number(target), **common)
        )
    Answer.objects.bulk_create(answers)
    Priority.objects.bulk_create(Priority(response=response, theme_id=t, **common) for t in keyed["priorities"])
    Comment.objects.bulk_create(
        Comment(response=response, theme_id=theme_id, text=text) for theme_id, text in keyed["comments"].items()
    )


def key(round_: Round, keyed: dict, user) -> PaperEntry:
    """Key a returned form in for the first time; written at once unless the round double-keys."""
    reason = refusal(round_)
    if reason:
        raise PaperRefused(reason)
    cleaned = check(round_, keyed)
    double = settings_of(round_).double_keying
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if locked.state != RoundState.OPEN:
            raise PaperRefused(_("Paper forms can be keyed in only while the round is open."))
        number = (PaperEntry.objects.filter(round=locked).aggregate(n=Max("number"))["n"] or 0) + 1
        entry = PaperEntry(round=locked, number=number, first_by=user, keyed_on=timezone.localdate())
        if double:
            entry.state = _next("", "key-first")
            entry.first = cleaned
        else:
            entry.state = _next("", "key-once")
            _write(locked, cleaned)
        entry.save()
    return entry


def key_again(entry: PaperEntry, keyed: dict, user) -> PaperEntry:
    """The second keying, by someone else: written when it agrees, else the differences are kept."""
    round_ = entry.round
    reason = refusal(round_)
    if reason:
        raise PaperRefused(reason)
    if entry.first_by_id is not None and entry.first_by_id == getattr(user, "pk", None):
        raise PaperRefused(_("Someone other than the person who keyed the form first must key it again."))
    # The second keying is of the same form, so of the same version of it.
    cleaned = check(round_, {**keyed, "variant": entry.first.get("variant", "")})
    with transaction.atomic():
        locked = PaperEntry.objects.select_for_update().select_related("round").get(pk=entry.pk)
        if not differences(round_, locked.first, cleaned):
            locked.state = _next(locked.state, "agree")
            _write(round_, cleaned)
            locked.first, locked.second = {}, {}
        else:
            locked.state = _next(locked.state, "differ")
            locked.second = cleaned
        locked.second_by = user
        locked.save()
    return locked


def resolve(entry: PaperEntry, chosen: dict[str, str], user) -> PaperEntry:
    """Settle each difference with the value read from the form (``chosen``: field → "first" or
    "second"), then write the response."""
    round_ = entry.round
    reason = refusal(round_)
    if reason:
        raise PaperRefused(reason)
    with transaction.atomic():
        locked = PaperEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.state != EntryState.MISMATCH:
            raise PaperRefused(_("This form has no differences to settle."))
        found = differences(round_, locked.first, locked.second)
        missing = [d.label for d in found if chosen.get(d.field) not in ("first", "second")]
        if missing:
            raise KeyedInvalid(
                {"choices": _("Choose which keying is right for: %(fields)s") % {"fields": ", ".join(missing)}}
            )
        agreed = {
            "variant": locked.first.get("variant", ""),
            "organisation": locked.first["organisation"],
            "group": locked.first["group"],
            "ratings": dict(locked.first["ratings"]),
            "targets": dict(locked.first.get("targets", {})),
            "priorities": list(locked.first["priorities"]),
            "comments": dict(locked.first["comments"]),
        }
        for difference in found:
            if chosen[difference.field] != "second":
                continue
            source = locked.second
            name = difference.field
            if name in ("organisation", "group"):
                agreed[name] = source[name]
            elif name == "priorities":
                agreed["priorities"] = list(source["priorities"])
            else:
                prefix, statement_or_theme = name.split("-", 1)
                kind = {"r": "ratings", "t": "targets", "c": "comments"}[prefix]
                value = source.get(kind, {}).get(statement_or_theme, "")
                if kind == "comments" and not value:
                    agreed["comments"].pop(statement_or_theme, None)
                else:
                    agreed[kind][statement_or_theme] = value
        locked.state = _next(locked.state, "resolve")
        _write(round_, agreed)
        locked.first, locked.second = {}, {}
        locked.resolved_by = user
        locked.save()
    return locked


def paper_count(round_: Round) -> int:
    return Response.objects.filter(round=round_, state=ResponseState.SUBMITTED, channel=Channel.PAPER).count()
