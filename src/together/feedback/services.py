"""Writing a round's "you said, we did" and reading it back for respondents.

The figures beside each theme come from the round's release for the reader's role (for
respondents, a viewer's: everyone together, only once the round is published, under the same
minimum group size), never from the responses directly."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from together.actions.models import Action, ActionState
from together.partnerships.models import Role
from together.releases import services as releases
from together.reviews.models import Round, RoundState

from .models import Summary, SummaryItem

WRITABLE = (RoundState.CLOSED, RoundState.PUBLISHED, RoundState.ARCHIVED)
SHOWN_TO_RESPONDENTS = (RoundState.PUBLISHED, RoundState.ARCHIVED)
AGREED = (ActionState.AGREED, ActionState.IN_PROGRESS, ActionState.DONE)
SUGGESTED_THEMES = 5
MAX_INTRODUCTION = 2000
MAX_TEXT = 1500


class SummaryInvalid(Exception):
    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass
class ThemeEntry:
    theme: object  # the framework's Theme
    text: str = ""
    score: object = None  # the released Score, or None when it cannot be shown
    chosen: float | None = None  # the share of respondents who chose it as a priority
    actions: list = field(default_factory=list)


def results_for(round_: Round, role: str, user=None):
    """The released results ``role`` may see, or None (not released to it, or not ready)."""
    if not releases.may_see(round_, role):
        return None
    try:
        results = releases.obtain(round_, role, user).results
    except releases.NotAvailable:
        return None
    return results if results.visible else None


def agreed_actions(round_: Round) -> dict[str, list[Action]]:
    by_theme: dict[str, list[Action]] = {}
    actions = Action.objects.filter(round=round_, state__in=AGREED).select_related("lead_organisation")
    for action in actions.order_by("due_date", "title"):
        by_theme.setdefault(action.theme_id, []).append(action)
    return by_theme


def entries(round_: Round, results, summary: Summary | None, *, only_written: bool) -> list[ThemeEntry]:
    """The themes to answer on, in the order of where to pay attention: the suggested ones (the
    top of the attention ranking, or every theme when results cannot be shown), then any theme
    with agreed actions or with text already written."""
    framework = round_.framework
    texts = {item.theme_id: item.text for item in summary.items.all()} if summary else {}
    actions = agreed_actions(round_)
    if results is not None:
        ranked = [a.item for a in results.attention if a.kind == "theme"][:SUGGESTED_THEMES]
    else:
        ranked = [theme.id for theme in framework.themes]
    order = list(dict.fromkeys([*ranked, *(t.id for t in framework.themes if t.id in actions or texts.get(t.id))]))
    known = {theme.id: theme for theme in framework.themes}
    found = []
    for theme_id in order:
        if theme_id not in known:
            continue
        text = texts.get(theme_id, "")
        if only_written and not text.strip() and not actions.get(theme_id):
            continue
        found.append(
            ThemeEntry(
                theme=known[theme_id],
                text=text,
                score=results.themes.get(theme_id) if results is not None else None,
                chosen=results.chosen.get(theme_id) if results is not None else None,
                actions=actions.get(theme_id, []),
            )
        )
    return found


def save(round_: Round, user, introduction: str, texts: dict[str, str]) -> Summary:
    """Keep what the partnership wrote; all of it or, when something is wrong, none of it."""
    if round_.state not in WRITABLE:
        raise SummaryInvalid({"introduction": _("Close the round before you write what you did with its answers.")})
    themes = {theme.id for theme in round_.framework.themes}
    problems = {}
    introduction = introduction.strip()
    if len(introduction) > MAX_INTRODUCTION:
        problems["introduction"] = _("The introduction must be %(n)s characters or fewer") % {"n": MAX_INTRODUCTION}
    for theme_id, text in texts.items():
        if theme_id not in themes:
            problems[f"theme-{theme_id}"] = _("%(theme)s is not a theme of this round's framework") % {
                "theme": theme_id
            }
        elif len(text.strip()) > MAX_TEXT:
            problems[f"theme-{theme_id}"] = _("Each theme's text must be %(n)s characters or fewer") % {"n": MAX_TEXT}
    if problems:
        raise SummaryInvalid(problems)
    with transaction.atomic():
        summary, _created = Summary.objects.select_for_update().get_or_create(round=round_)
        summary.introduction = introduction
        summary.updated_by = user
        summary.save()
        for theme_id, text in texts.items():
            SummaryItem.objects.update_or_create(summary=summary, theme_id=theme_id, defaults={"text": text.strip()})
    return summary


def published(round_: Round) -> Summary | None:
    """The summary respondents may read: the round is published and something has been written."""
    if round_.state not in SHOWN_TO_RESPONDENTS:
        return None
    summary = Summary.objects.filter(round=round_).first()
    return summary if summary is not None and summary.written else None


RESPONDENT_ROLE = Role.VIEWER
