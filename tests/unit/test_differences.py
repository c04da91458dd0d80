"""Seen differently: Welch's t for every pair of groups, Holm's adjustment across them, and a
flag only for differences large enough to matter and unlikely to be chance."""

from __future__ import annotations

import random

import pytest
from scipy import stats

from together.analysis.differences import ALPHA, Compared, compare, holm
from together.analysis.histogram import Histogram
from together.analysis.results import Dimension, Inputs, ThemeSpec, compute


def _compared(values: list[int]) -> Compared:
    histogram = Histogram.from_values(values, 5)
    return Compared(histogram.mean, (histogram.variance / histogram.answered) ** 0.5, histogram.answered)


def test_holm_worked_example():
    # Sorted 0.01, 0.03, 0.04 are multiplied by 3, 2 and 1: 0.03, 0.06, 0.04, and the last is
    # raised to 0.06 so that adjusted values never fall as p rises.
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5]) == [0.5]
    assert holm([0.9, 0.8]) == [1.0, 1.0]


def test_two_groups_match_scipys_welch_test():
    high, low = [4, 5, 4, 3, 5, 4, 4, 5], [3, 2, 3, 4, 2, 3]
    comparison = compare([_compared(high), _compared(low)], 0, 1)
    result = stats.ttest_ind(high, low, equal_var=False)
    interval = result.confidence_interval(0.95)
    assert comparison.pairs == 1
    assert comparison.p_adjusted == pytest.approx(result.pvalue, rel=1e-9)
    assert (comparison.low, comparison.high) == (pytest.approx(interval.low), pytest.approx(interval.high))
    assert comparison.flagged


def test_every_pair_counts_in_the_adjustment():
    groups = [[4, 5, 4, 3, 5, 4, 4, 5], [3, 2, 3, 4, 2, 3], [3, 4, 3, 4, 4], [4, 3, 3, 4, 3, 4]]
    comparison = compare([_compared(g) for g in groups], 0, 1)
    raw = [
        stats.ttest_ind(groups[i], groups[j], equal_var=False).pvalue
        for i in range(len(groups))
        for j in range(i + 1, len(groups))
    ]
    assert comparison.pairs == 6
    # The highest and lowest pair (0, 1) is the first of the six pairs.
    assert comparison.p_adjusted == pytest.approx(holm(raw)[0], rel=1e-9)


def test_a_gap_of_a_scale_point_between_ten_and_ten_can_be_chance():
    """3.2 against 2.1 with ten people each, whose 95% interval runs from below zero: a gap of
    more than one scale point, but not one that chance cannot explain."""
    high = [5, 5, 4, 4, 3, 3, 2, 2, 2, 2]  # mean 3.2
    low = [5, 4, 3, 2, 1, 1, 1, 1, 1, 2]  # mean 2.1
    comparison = compare([_compared(high), _compared(low)], 0, 1)
    assert comparison.difference == pytest.approx(1.1)
    assert comparison.low < 0 < comparison.high
    assert not comparison.flagged


def test_a_small_but_certain_difference_is_not_flagged():
    high, low = [4] * 30 + [5] * 10, [4] * 10 + [3] * 30  # means 4.25 and 3.25 → flagged at 1.0
    assert compare([_compared(high), _compared(low)], 0, 1).flagged
    high = [4] * 25 + [5] * 15  # 4.375 against 3.5: certain, but under a scale point
    low = [4] * 20 + [3] * 20
    comparison = compare([_compared(high), _compared(low)], 0, 1)
    assert comparison.p_adjusted < 1e-6 and not comparison.flagged


def _null_round(rng: random.Random, groups: int, statements: int) -> Inputs:
    """Everyone answers from the same spread of opinion: any difference between organisations is
    chance, as when a round's organisation labels are shuffled."""
    weights = [0.1, 0.2, 0.3, 0.25, 0.15]
    cells, respondents = {}, {}
    for g in range(groups):
        people = rng.randint(5, 14)
        respondents[(f"org{g}", None)] = people
        for s in range(statements):
            values = rng.choices(range(1, 6), weights=weights, k=people)
            cells[(f"s{s}", f"org{g}", None)] = Histogram.from_values(values, 5)
    labels = {f"org{g}": f"Org {g}" for g in range(groups)} | {None: "Not given"}
    return Inputs(
        themes=[ThemeSpec("t", tuple(f"s{s}" for s in range(statements)))],
        points=5,
        threshold=5,
        cells=cells,
        respondents=respondents,
        priorities={},
        dimensions=[Dimension("organisation", labels, lambda o, g: o)],
    )


@pytest.mark.parametrize("weakened", [False, True])
def test_with_no_real_difference_flags_are_as_rare_as_the_error_rate(weakened):
    """The permutation property: over rounds where no group differs, the share of statements
    flagged stays near (here: under) the chosen error rate. The weakened rule, a gap of one
    scale point with no allowance for chance, flags many more: the test can fail."""
    rng = random.Random(20261201)  # noqa: S311 - made-up answers, not a secret
    flagged = compared = 0
    for _ in range(40):
        results = compute(_null_round(rng, groups=rng.randint(3, 10), statements=20))
        for gap in results.gaps:
            if gap.item.startswith("s"):
                compared += 1
                flagged += (gap.size >= 1.0) if weakened else gap.flagged
    rate = flagged / compared
    if weakened:
        assert rate > 2 * ALPHA
    else:
        assert rate < ALPHA


def test_a_theme_never_agrees_better_than_most_of_its_statements():
    """Four statements each with weak agreement (rwg 0.33): rwg(J) would call the theme moderate
    agreement, "people broadly agree" (0.67); the theme reads as its median statement does, and
    is flagged as split."""
    values = [1, 2, 3, 3, 4, 5, 2, 4, 3, 3]  # variance 1.33…, rwg 1 − 1.33/2 ≈ 0.33
    statements = [f"s{i}" for i in range(4)]
    cells = {(s, "council", None): Histogram.from_values(values, 5) for s in statements}
    inputs = Inputs(
        themes=[ThemeSpec("t", tuple(statements))],
        points=5,
        threshold=5,
        cells=cells,
        respondents={("council", None): len(values)},
        priorities={},
        dimensions=[Dimension("organisation", {"council": "Council", None: "Not given"}, lambda o, g: o)],
    )
    results = compute(inputs)
    theme = results.themes["t"]
    statement = results.statements["s0"]
    assert statement.band.label == "Weak agreement" and statement.disagreement
    assert theme.agreement_j == pytest.approx(2 / 3)  # what the multi-statement index says
    assert theme.agreement == pytest.approx(statement.agreement)
    assert theme.band.label == "Weak agreement"
    assert theme.disagreement and theme.split_share == 1.0
    entry = next(a for a in results.attention if a.item == "t")
    assert "partners disagree" in entry.reason(5)


def test_a_theme_is_split_only_when_most_of_its_statements_are():
    agreeing, spread = [3, 3, 3, 3, 4, 3, 3, 3, 3, 3], [1, 5, 1, 5, 1, 5, 1, 5, 3, 3]
    statements = {"a": agreeing, "b": agreeing, "c": spread, "d": spread}
    inputs = Inputs(
        themes=[ThemeSpec("t", tuple(statements))],
        points=5,
        threshold=5,
        cells={(s, "council", None): Histogram.from_values(v, 5) for s, v in statements.items()},
        respondents={("council", None): 10},
        priorities={},
        dimensions=[Dimension("organisation", {"council": "Council", None: "Not given"}, lambda o, g: o)],
    )
    theme = compute(inputs).themes["t"]
    assert theme.split_share == 0.5 and not theme.disagreement  # half is not most
