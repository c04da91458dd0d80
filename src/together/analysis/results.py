"""A round's results from histograms: scores, agreement, perception gaps and where to pay attention.

Everything shown for a group passes through :mod:`disclosure` first, here, in one place: the
pages, reports, exports and API all read these results, so none of them can show more.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from .agreement import Band, band, disagrees, rwg, rwg_j
from .differences import Compared, Comparison, compare, large_difference
from .disclosure import FEWER, ROOT, Suppression, hidden_reasons, suppress_linked, suppress_small_groups
from .figures import one_place, percent
from .histogram import Histogram

WEIGHT_LOW_SCORE = 0.5
WEIGHT_CHOSEN = 0.3
WEIGHT_DISAGREEMENT = 0.2

NOT_GIVEN = None  # the group key of people who did not say


@dataclass(frozen=True)
class ThemeSpec:
    id: str
    statement_ids: tuple[str, ...]


@dataclass(frozen=True)
class Dimension:
    """A way of breaking results down: by organisation, by sector or by respondent group."""

    key: str
    labels: Mapping[Hashable, str]  # group key → label; NOT_GIVEN included where it can occur
    of_cell: Callable[[Hashable, Hashable], Hashable]  # (organisation, group) → this dimension's key
    parent_of: Mapping[Hashable, Hashable] = field(default_factory=dict)
    parent_key: str | None = None  # the name of the coarser breakdown the parents form, e.g. "sector"


@dataclass(frozen=True)
class Inputs:
    themes: Sequence[ThemeSpec]
    points: int
    threshold: int
    # (statement id, organisation key, group key) → histogram
    cells: Mapping[tuple[str, Hashable, Hashable], Histogram]
    # (organisation key, group key) → people who submitted
    respondents: Mapping[tuple[Hashable, Hashable], int]
    # (theme id, organisation key, group key) → people who chose the theme as a priority
    priorities: Mapping[tuple[str, Hashable, Hashable], int]
    dimensions: Sequence[Dimension]
    # Where the framework asks a second question (where to be in a year): the target ratings'
    # histograms, keyed as ``cells`` are. ``asks_target`` is False for a one-question framework.
    targets: Mapping[tuple[str, Hashable, Hashable], Histogram] = field(default_factory=dict)
    asks_target: bool = False
    # False where the round's responses came from another tool's file that held no priorities:
    # then no theme has a share of respondents choosing it (rather than 0%), and attention rests
    # on the ratings alone.
    asks_priorities: bool = True


@dataclass(frozen=True)
class Score:
    """One population's view of one statement or theme. Figures are None when hidden."""

    n: int
    mean: float | None
    sd: float | None
    agreement: float | None
    histogram: Histogram | None
    hidden: bool = False
    # The mean's standard error, and the n its degrees of freedom are reckoned from (for a
    # theme: the mean of its statements' standard errors, and their fewest ratings).
    se: float | None = None
    se_n: int = 0
    # A theme's: rwg(J) over its statements (for the method note and exports; it rises with the
    # number of statements, so it is not what the pages call the theme's agreement), and the
    # share of its statements whose own agreement is below the disagreement line.
    agreement_j: float | None = None
    split_share: float | None = None
    # Why a hidden score is hidden, as far as saying so discloses nothing: one of
    # :data:`.disclosure.FEWER`, :data:`.disclosure.PROTECTS` or :data:`.disclosure.WITHHELD`.
    hidden_reason: str | None = None

    @property
    def band(self) -> Band | None:
        return band(self.agreement)

    @property
    def disagreement(self) -> bool:
        """A statement: its rwg is below the line. A theme: most of its statements' are."""
        if self.split_share is not None:
            return self.split_share > 0.5
        return disagrees(self.agreement)


@dataclass(frozen=True)
class GroupScore:
    key: Hashable
    label: str
    respondents: int
    score: Score


@dataclass(frozen=True)
class Gap:
    item: str  # statement or theme id
    dimension: str
    highest: GroupScore
    lowest: GroupScore
    comparison: Comparison | None = None

    @property
    def size(self) -> float:
        return self.highest.score.mean - self.lowest.score.mean

    @property
    def flagged(self) -> bool:
        """Large enough to matter and unlikely to be chance (see :mod:`.differences`)."""
        return self.comparison is not None and self.comparison.flagged

    @property
    def evidence(self) -> float:
        """The Holm-adjusted p-value: the smaller, the stronger the evidence."""
        return self.comparison.p_adjusted if self.comparison else 1.0


@dataclass(frozen=True)
class Attention:
    item: str
    theme_id: str
    kind: str  # "theme" or "statement"
    value: float
    score: float
    chosen_share: float | None  # None where the round asked no priorities
    agreement: float | None
    low_score: float
    split: bool = False  # the item's Score.disagreement

    def reason(self, maximum: int) -> str:
        parts = [f"scored {one_place(self.score)} of {maximum}"]
        if self.chosen_share is not None:
            parts.append(f"{percent(self.chosen_share)} chose it")
        if self.split:
            parts.append("partners disagree")
        return "; ".join(parts)


def _stronger(gap: Gap, other: Gap) -> bool:
    return (gap.evidence, -gap.size, gap.dimension) < (other.evidence, -other.size, other.dimension)


@dataclass
class RoundResults:
    respondents: int
    threshold: int
    points: int
    visible: bool
    statements: dict[str, Score] = field(default_factory=dict)
    themes: dict[str, Score] = field(default_factory=dict)
    chosen: dict[str, float] = field(default_factory=dict)  # theme → share of respondents choosing it
    priorities_asked: bool = True  # False: ``chosen`` is empty because no one was asked
    breakdowns: dict[str, dict[str, list[GroupScore]]] = field(default_factory=dict)  # dimension → item → groups
    group_sizes: dict[str, list[GroupScore]] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)
    attention: list[Attention] = field(default_factory=list)
    # Where the framework asks where to be in a year: every statement's and theme's target score,
    # everyone together (never broken down), under the same threshold as a score.
    asks_target: bool = False
    targets: dict[str, Score] = field(default_factory=dict)
    ambition: dict[str, float] = field(default_factory=dict)  # item → target mean − current mean

    def target(self, item: str) -> Score | None:
        """The statement's or theme's target score, or None where the framework asks no target."""
        return self.targets.get(item)

    def ambition_gap(self, item: str) -> float | None:
        """How far above where it is now people want the statement or theme to be in a year
        (the ambition gap), where it can be shown; otherwise None."""
        return self.ambition.get(item)

    def gaps_for(self, item: str) -> list[Gap]:
        return [gap for gap in self.gaps if gap.item == item]

    def differences(self) -> list[Gap]:
        """The flagged differences, one an item (its breakdown with the strongest evidence),
        strongest evidence first, then the largest."""
        strongest: dict[str, Gap] = {}
        for gap in self.gaps:
            if gap.flagged and (gap.item not in strongest or _stronger(gap, strongest[gap.item])):
                strongest[gap.item] = gap
        return sorted(strongest.values(), key=lambda g: (g.evidence, -g.size, g.item))


def _score(
    histograms: Sequence[Histogram], n_people: int, hidden: bool, single: bool, reason: str | None = None
) -> Score:
    if hidden:
        return Score(n=n_people, mean=None, sd=None, agreement=None, histogram=None, hidden=True, hidden_reason=reason)
    if single:
        histogram = histograms[0]
        return Score(
            histogram.answered,
            histogram.mean,
            histogram.sd,
            rwg(histogram),
            histogram,
            se=histogram.standard_error,
            se_n=histogram.answered,
        )
    means = [h.mean for h in histograms if h.mean is not None]
    mean = sum(means) / len(means) if means else None
    errors = [(e, h.answered) for h in histograms if (e := h.standard_error) is not None]
    se = sum(e for e, _ in errors) / len(errors) if errors else None
    # A theme's agreement is the median of its statements' agreement, so that it never reads
    # better than most of its statements do.
    agreements = [a for h in histograms if (a := rwg(h)) is not None]
    return Score(
        n_people,
        mean,
        None,
        statistics.median(agreements) if agreements else None,
        None,
        se=se,
        se_n=min((n for _, n in errors), default=0),
        agreement_j=rwg_j(histograms),
        split_share=sum(disagrees(a) for a in agreements) / len(agreements) if agreements else None,
    )


def _roll_up(cells, key_of) -> dict:
    """Sum histograms of fine cells into coarser ones, as the database's GROUP BY would."""
    sums: dict = {}
    for (item, organisation, group), histogram in cells.items():
        key = (item, key_of(organisation, group))
        total = sums.get(key)
        if total is None:
            sums[key] = [*histogram.counts, histogram.dont_know]
        else:
            for index, count in enumerate(histogram.counts):
                total[index] += count
            total[-1] += histogram.dont_know
    return {key: Histogram(tuple(total[:-1]), total[-1]) for key, total in sums.items()}


def compute(inputs: Inputs) -> RoundResults:
    points, threshold = inputs.points, inputs.threshold
    total = sum(inputs.respondents.values())
    results = RoundResults(
        respondents=total,
        threshold=threshold,
        points=points,
        visible=total >= threshold,
        asks_target=inputs.asks_target,
        priorities_asked=inputs.asks_priorities,
    )
    if not results.visible:
        return results
    empty = Histogram.empty(points)

    # One pass over the fine cells per breakdown; everyone's totals come from the first breakdown's
    # (far fewer) sums rather than from the cells again.
    rolled_by = {dimension.key: _roll_up(inputs.cells, dimension.of_cell) for dimension in inputs.dimensions}
    if inputs.dimensions:
        first = rolled_by[inputs.dimensions[0].key]
        overall = _roll_up({(item, key, None): h for (item, key), h in first.items()}, lambda o, g: ROOT)
    else:
        overall = _roll_up(inputs.cells, lambda o, g: ROOT)
    for theme in inputs.themes:
        shown = []
        for statement in theme.statement_ids:
            histogram = overall.get((statement, ROOT), empty)
            hidden = histogram.answered < threshold
            results.statements[statement] = _score([histogram], histogram.answered, hidden, True, FEWER)
            if not hidden:
                # A theme is built only from statements shown in their own right, so that it
                # cannot be used to work out a hidden one.
                shown.append(histogram)
        results.themes[theme.id] = _score(shown, total, False, False)
    chosen: dict[str, int] = defaultdict(int)
    for (theme_id, _, _), count in inputs.priorities.items():
        chosen[theme_id] += count
    if inputs.asks_priorities:
        results.chosen = {theme.id: chosen.get(theme.id, 0) / total for theme in inputs.themes}
    if inputs.asks_target:
        _targets(inputs, results, empty)

    suppressions = _suppressions(inputs)
    for dimension in inputs.dimensions:
        _breakdown(inputs, dimension, results, rolled_by[dimension.key], *suppressions[dimension.key])
    _attention(inputs, results)
    return results


def _targets(inputs: Inputs, results: RoundResults, empty: Histogram) -> None:
    """Everyone's target score for each statement and theme. A statement's target is hidden when
    fewer than the threshold gave one, as a score is; a theme's is built only from statements
    whose current and target scores are both shown, so that its ambition gap compares like with
    like and cannot be used to work out a hidden figure."""
    threshold = inputs.threshold
    overall = _roll_up(inputs.targets, lambda o, g: ROOT)
    for theme in inputs.themes:
        shown, differences = [], []
        for statement in theme.statement_ids:
            histogram = overall.get((statement, ROOT), empty)
            hidden = histogram.answered < threshold
            target = results.targets[statement] = _score([histogram], histogram.answered, hidden, True, FEWER)
            current = results.statements[statement]
            if target.mean is not None and current.mean is not None:
                shown.append(histogram)
                results.ambition[statement] = target.mean - current.mean
                differences.append(results.ambition[statement])
        results.targets[theme.id] = _score(shown, results.respondents, False, False)
        if differences:
            # Over the same statements on both sides: the mean of the statements' gaps.
            results.ambition[theme.id] = sum(differences) / len(differences)


def _leaves(dimension: Dimension) -> list:
    parents = set(dimension.parent_of.values())
    return [key for key in dimension.labels if key not in parents]


def _suppressions(inputs: Inputs) -> dict[str, tuple[Suppression, dict[str, Suppression]]]:
    """Which groups each breakdown hides: by the people in them, and for each statement by the
    people who rated it. Two breakdowns are suppressed together, as they count the same people."""
    threshold = inputs.threshold
    dimensions = list(inputs.dimensions)
    if len(dimensions) > 2:
        raise ValueError("at most two breakdowns can be protected together")
    if not dimensions:
        return {}  # everyone together only: nothing is broken down, so nothing to protect here
    statements = [s for theme in inputs.themes for s in theme.statement_ids]
    answered: dict[str, dict] = {s: defaultdict(int) for s in statements}
    people: dict = defaultdict(int)

    def key(organisation, group) -> tuple:
        return tuple(d.of_cell(organisation, group) for d in dimensions)

    for cell, count in inputs.respondents.items():
        people[key(*cell)] += count
    for (statement, organisation, group), histogram in inputs.cells.items():
        if statement in answered:
            answered[statement][key(organisation, group)] += histogram.answered

    if len(dimensions) == 1:
        (only,) = dimensions

        def suppress(table, hide=((),)):
            leaves = dict.fromkeys(_leaves(only), 0)
            for (leaf,), count in table.items():
                leaves[leaf] = leaves.get(leaf, 0) + count
            return (suppress_small_groups(leaves, threshold, only.parent_of, hide[0]),)
    else:

        def suppress(table, hide=((), ())):
            leaves = (_leaves(dimensions[0]), _leaves(dimensions[1]))
            parents = (dimensions[0].parent_of, dimensions[1].parent_of)
            return suppress_linked(table, threshold, leaves, parents, hide)

    by_people = suppress(people)
    hide = tuple(s.hidden for s in by_people)
    by_statement = {statement: suppress(answered[statement], hide) for statement in statements}
    return {
        d.key: (by_people[i], {statement: found[i] for statement, found in by_statement.items()})
        for i, d in enumerate(dimensions)
    }


def _breakdown(
    inputs: Inputs,
    dimension: Dimension,
    results: RoundResults,
    rolled: dict,
    by_people: Suppression,
    by_statement: Mapping[str, Suppression],
) -> None:
    points, threshold = inputs.points, inputs.threshold
    empty = Histogram.empty(points)
    keys = list(dimension.labels)
    # What a reader may be told of why a group is hidden: for the group (and its themes), and for
    # its answers to each statement, where a group shown in its own right may still be hidden.
    reasons = hidden_reasons(by_people, threshold, dimension.parent_of)
    results.group_sizes[dimension.key] = [
        GroupScore(
            key,
            dimension.labels[key],
            by_people.counts.get(key, 0),
            Score(
                by_people.counts.get(key, 0),
                None,
                None,
                None,
                None,
                not by_people.shown(key),
                hidden_reason=reasons.get(key),
            ),
        )
        for key in keys
    ]
    if dimension.parent_of:
        parents = _roll_up(
            {(item, key, None): h for (item, key), h in rolled.items() if key in dimension.parent_of},
            lambda key, _none: dimension.parent_of[key],
        )
        rolled.update(parents)
    items: dict[str, list[GroupScore]] = {}
    for theme in inputs.themes:
        for statement in theme.statement_ids:
            # Suppression by the people who actually rated this statement, not all in the group.
            by_answers = by_statement[statement]
            answer_reasons = reasons | hidden_reasons(by_answers, threshold, dimension.parent_of, by_people.hidden)
            items[statement] = [
                GroupScore(
                    key,
                    dimension.labels[key],
                    by_people.counts.get(key, 0),
                    _score(
                        [rolled.get((statement, key), empty)],
                        0,
                        not by_answers.shown(key) or not by_people.shown(key),
                        True,
                        answer_reasons.get(key),
                    ),
                )
                for key in keys
            ]
        items[theme.id] = [
            GroupScore(
                key,
                dimension.labels[key],
                by_people.counts.get(key, 0),
                _score(
                    [
                        rolled.get((statement, key), empty)
                        for statement, groups in ((s, items[s]) for s in theme.statement_ids)
                        if not next(g for g in groups if g.key == key).score.hidden
                    ],
                    by_people.counts.get(key, 0),
                    not by_people.shown(key),
                    False,
                    reasons.get(key),
                ),
            )
            for key in keys
        ]
    results.breakdowns[dimension.key] = items
    parents = set(dimension.parent_of.values())
    for item, groups in items.items():
        shown = [g for g in groups if not g.score.hidden and g.score.mean is not None and g.key is not NOT_GIVEN]
        # Compare like with like: organisations with organisations, sectors with sectors.
        _add_gap(results, item, dimension.key, [g for g in shown if g.key not in parents], points)
        if dimension.parent_key:
            _add_gap(results, item, dimension.parent_key, [g for g in shown if g.key in parents], points)


def _add_gap(results: RoundResults, item: str, dimension: str, eligible: list[GroupScore], points: int) -> None:
    if len(eligible) >= 2:
        highest = max(eligible, key=lambda g: (g.score.mean, str(g.key)))
        lowest = min(eligible, key=lambda g: (g.score.mean, str(g.key)))
        comparison = None
        if all(g.score.se is not None for g in eligible):
            compared = [Compared(g.score.mean, g.score.se, g.score.se_n) for g in eligible]
            comparison = compare(compared, eligible.index(highest), eligible.index(lowest), large_difference(points))
        results.gaps.append(Gap(item, dimension, highest, lowest, comparison))


def _attention(inputs: Inputs, results: RoundResults) -> None:
    points = inputs.points
    span = points - 1
    entries = []
    for theme in inputs.themes:
        score = results.themes[theme.id]
        chosen = results.chosen.get(theme.id, 0.0) if results.priorities_asked else None
        if score.mean is not None:
            entries.append(_entry(theme.id, theme.id, "theme", score, chosen, points, span))
        for statement in theme.statement_ids:
            statement_score = results.statements[statement]
            if statement_score.mean is not None:
                entries.append(_entry(statement, theme.id, "statement", statement_score, chosen, points, span))
    results.attention = sorted(entries, key=lambda a: (-a.value, a.item))


def _entry(item, theme_id, kind, score: Score, chosen: float | None, points: int, span: int) -> Attention:
    low = (points - score.mean) / span
    disagreement = 1 - score.agreement if score.agreement is not None else 0.0
    if chosen is None:
        # No priorities were asked: the ratings' two weights, scaled to sum to one as all three do.
        rest = WEIGHT_LOW_SCORE + WEIGHT_DISAGREEMENT
        value = (WEIGHT_LOW_SCORE * low + WEIGHT_DISAGREEMENT * disagreement) / rest
    else:
        value = WEIGHT_LOW_SCORE * low + WEIGHT_CHOSEN * chosen + WEIGHT_DISAGREEMENT * disagreement
    return Attention(item, theme_id, kind, value, score.mean, chosen, score.agreement, low, score.disagreement)
