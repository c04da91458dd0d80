"""Target ratings (where to be in a year) and the ambition gap: worked examples and disclosure."""

import pytest

from together.analysis.histogram import Histogram
from together.analysis.results import Dimension, Inputs, ThemeSpec, compute

THEMES = [ThemeSpec("t1", ("s1", "s2"))]


def inputs(now: dict, targets: dict, people: int, threshold: int = 5, asks_target: bool = True) -> Inputs:
    """Everyone in one organisation; ``now`` and ``targets`` map statement → ratings on 1 to 4."""
    labels = {"org": "Org", None: "Not given"}
    return Inputs(
        themes=THEMES,
        points=4,
        threshold=threshold,
        cells={(s, "org", None): Histogram.from_values(values, 4) for s, values in now.items()},
        respondents={("org", None): people},
        priorities={},
        dimensions=[Dimension("organisation", labels, lambda o, g: o)],
        targets={(s, "org", None): Histogram.from_values(values, 4) for s, values in targets.items()},
        asks_target=asks_target,
    )


def test_worked_example_of_targets_and_the_ambition_gap():
    # s1 now 1, 2, 2, 3, 2 (mean 2), in a year 3, 3, 4, 3, 2 (mean 3); s2 now 3 × 5, in a year 4 × 5.
    results = compute(
        inputs(
            {"s1": [1, 2, 2, 3, 2], "s2": [3] * 5},
            {"s1": [3, 3, 4, 3, 2], "s2": [4] * 5},
            people=5,
        )
    )
    assert results.asks_target
    assert results.target("s1").mean == pytest.approx(3.0)
    assert results.target("s1").histogram.counts == (0, 1, 3, 1)
    assert results.ambition_gap("s1") == pytest.approx(1.0)
    assert results.ambition_gap("s2") == pytest.approx(1.0)
    # The theme: targets 3 and 4 average 3.5; now 2 and 3 average 2.5; the gap is the statements' mean gap.
    assert results.target("t1").mean == pytest.approx(3.5)
    assert results.ambition_gap("t1") == pytest.approx(1.0)


def test_a_target_given_by_fewer_than_the_threshold_is_hidden_and_left_out_of_the_theme():
    # Five rated s2 now, but only four gave a target (an imported file without every target).
    results = compute(
        inputs(
            {"s1": [2] * 5, "s2": [3] * 5},
            {"s1": [4] * 5, "s2": [4] * 4},
            people=5,
        )
    )
    hidden = results.target("s2")
    assert hidden.hidden and hidden.mean is None and hidden.histogram is None
    assert results.ambition_gap("s2") is None
    # The theme's target and gap come from s1 alone, so the four targets of s2 cannot be worked out.
    assert results.target("t1").mean == pytest.approx(4.0)
    assert results.ambition_gap("t1") == pytest.approx(2.0)


def test_no_target_where_the_current_score_is_hidden():
    # Four rated s2 now (one said nothing): its score is hidden, so it has no gap and stays out of the theme.
    results = compute(inputs({"s1": [2] * 5, "s2": [3] * 4}, {"s1": [3] * 5, "s2": [4] * 5}, people=5))
    assert results.statements["s2"].hidden
    assert results.target("s2").mean == pytest.approx(4.0)  # five gave a target: shown in its own right
    assert results.ambition_gap("s2") is None
    assert results.target("t1").mean == pytest.approx(3.0)
    assert results.ambition_gap("t1") == pytest.approx(1.0)


def test_too_few_respondents_show_no_target_at_all():
    results = compute(inputs({"s1": [2] * 4, "s2": [3] * 4}, {"s1": [3] * 4, "s2": [4] * 4}, people=4))
    assert not results.visible
    assert results.targets == {} and results.ambition == {}


def test_a_framework_with_one_question_has_no_targets():
    results = compute(inputs({"s1": [2] * 5, "s2": [3] * 5}, {}, people=5, asks_target=False))
    assert not results.asks_target
    assert results.target("s1") is None and results.ambition_gap("t1") is None


def test_targets_never_change_the_scores_now():
    now = {"s1": [1, 2, 2, 3, 2], "s2": [3, 4, 3, 4, 4]}
    with_targets = compute(inputs(now, {"s1": [4] * 5, "s2": [4] * 5}, people=5))
    without = compute(inputs(now, {}, people=5, asks_target=False))
    assert with_targets.statements == without.statements and with_targets.themes == without.themes
    assert with_targets.breakdowns == without.breakdowns and with_targets.attention == without.attention
