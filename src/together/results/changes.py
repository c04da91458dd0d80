"""What changed since the last round: one computation for the Change page and the report.

Only rounds the reader may see the results of take part, each through its own release, so a
viewer never sees an unpublished round's figures and nothing is read live. The arithmetic is in
:mod:`together.analysis.change`; this module picks the rounds and the statements to compare.

Only rounds of the same framework family (the same framework id) are compared or shown in a
trend: two versions of one framework share most statement ids and are compared on those, but
another framework's themes and statements mean something else, whatever their ids.

A pulse round asks only its framework's short form (see ``Round.framework``), so comparing it
with a full round, or showing both in a trend, uses only the statements both asked: a theme
score over two statements is not comparable with one over five."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from together.analysis import change as changes
from together.releases import services as releases
from together.releases.services import Released
from together.web.languages import text as framework_text

from . import charts


def same_family(round_, other) -> bool:
    """Whether two rounds used versions of the same framework (the same framework id)."""
    return round_.framework_version.framework_id == other.framework_version.framework_id


def earlier_releases(round_, role: str, user=None) -> list[Released]:
    """The releases of the partnership's earlier rounds of the same framework this role may see,
    with results shown, oldest first."""
    from .queries import earlier_rounds

    rounds = [r for r in earlier_rounds(round_) if same_family(round_, r) and releases.may_see(r, role)]
    earlier = [releases.obtain(r, role, user) for r in rounds]
    return [r for r in earlier if r.results.visible]


def other_framework_rounds(round_) -> int:
    """How many of the partnership's earlier rounds used another framework, and so are left out."""
    from .queries import earlier_rounds

    return sum(1 for r in earlier_rounds(round_) if not same_family(round_, r))


@dataclass
class Since:
    """The change from the previous round to this one, theme by theme, and each theme's trend."""

    previous: Released | None
    rows: list[dict] = field(default_factory=list)
    same_version: bool | None = None
    shared_count: int | None = None
    trends: list[dict] = field(default_factory=list)
    trend_rounds: list = field(default_factory=list)
    framework_title: object = None  # the framework family compared, as its Text title
    other_frameworks: int = 0  # earlier rounds left out because they used another framework
    # One of the two rounds compared was a pulse and the other a full review.
    pulse_compared: bool = False
    # When the trend mixes pulses and full reviews: how many statements every round in it asked,
    # the only ones its theme scores are worked out from. None when it does not mix them.
    trend_shared_count: int | None = None


def asked(round_) -> set[str]:
    """The ids of the statements a round asked: its framework's, or its short form's for a pulse."""
    return {statement.id for statement in round_.framework.statements}


def shared_statements(rounds) -> set[str]:
    """The statements every one of ``rounds`` asked, the only ones they are compared on."""
    return changes.shared_statements(asked(r) for r in rounds)


def trend_label(round_) -> str:
    """A round's name as a trend shows it, saying when it was a pulse."""
    return _("%(name)s (pulse)") % {"name": round_.name} if round_.is_pulse else round_.name


def since_previous(released: Released, earlier: list[Released], trend_charts: bool = True) -> Since:
    """Compare ``released`` with the last of ``earlier`` (see :func:`earlier_releases`).

    Each round keeps the threshold it was released with; comparing two uses the larger, so a
    later change of the setting never shows what an earlier release hid."""
    from together.actions.models import Action

    round_ = released.round
    framework = round_.framework
    previous = earlier[-1] if earlier else None
    if any(not same_family(round_, r.round) for r in earlier):
        raise ValueError("rounds of different frameworks cannot be compared")
    since = Since(previous, framework_title=framework.title, other_frameworks=other_framework_rounds(round_))
    threshold = released.threshold
    current = released.statement_histograms()
    if previous is not None:
        compare_at = max(threshold, previous.threshold)
        before = previous.statement_histograms()
        shared = shared_statements([round_, previous.round])
        actions = list(
            Action.objects.filter(partnership=round_.partnership)
            .exclude(theme_id="")
            .select_related("lead_organisation")
        )
        for theme in framework.themes:
            ids = [s.id for s in theme.statements if s.id in shared]
            theme_diff, compared = changes.theme_change(ids, before, current, compare_at)
            since.rows.append(
                {
                    "theme": theme,
                    "change": theme_diff,
                    "compared": compared,
                    "statements": [
                        (s, changes.statement_change(before[s.id], current[s.id], compare_at))
                        for s in theme.statements
                        if s.id in shared and s.id in before and s.id in current
                    ],
                    "actions": [a for a in actions if a.theme_id == theme.id],
                }
            )
        since.same_version = previous.round.framework_version_id == round_.framework_version_id
        since.pulse_compared = previous.round.is_pulse != round_.is_pulse
        since.shared_count = len(shared)
    # Trends over every round the reader may see, oldest first.
    series = [(r.round, r.statement_histograms(), max(threshold, r.threshold)) for r in earlier]
    series.append((round_, current, threshold))
    in_trend = None
    if len({r.is_pulse for r, _h, _at in series}) > 1:
        in_trend = shared_statements(r for r, _h, _at in series)
        since.trend_shared_count = len(in_trend)
    for theme in framework.themes:
        ids = [s.id for s in theme.statements if in_trend is None or s.id in in_trend]
        points = [(trend_label(r), changes.theme_score(ids, h, at)) for r, h, at in series]
        since.trends.append(
            {
                "theme": theme,
                "points": points,
                "chart": charts.line_chart(
                    f"trend-{theme.id}",
                    _("Trend: %(t)s") % {"t": framework_text(theme.title)},
                    points,
                    framework.scale.minimum,
                    framework.scale.maximum,
                )
                if trend_charts
                else None,
            }
        )
    since.trend_rounds = [r for r, _h, _at in series]
    return since
