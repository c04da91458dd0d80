"""Change between rounds: worked examples and the properties the issue asks for."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from together.analysis.change import DECLINED, IMPROVED, NO_CLEAR_CHANGE, statement_change, theme_change, theme_score
from together.analysis.histogram import Histogram


def test_statement_change_worked_example():
    # Before: ten people, five 2s and five 3s: mean 2.5, sample variance 2.5/9.
    before = Histogram.from_values([2] * 5 + [3] * 5, 5)
    # After: ten people, five 3s and five 4s: mean 3.5, same spread.
    after = Histogram.from_values([3] * 5 + [4] * 5, 5)
    change = statement_change(before, after, threshold=5)
    se = math.sqrt(2 * (2.5 / 9) / 10)
    assert change.difference == pytest.approx(1.0)
    assert change.se == pytest.approx(se)
    # Equal spreads and sizes: Welch's degrees of freedom are 18, and t(0.975, 18) = 2.1009.
    assert change.df == pytest.approx(18)
    assert (change.low, change.high) == (
        pytest.approx(1 - 2.1009 * se, abs=1e-4),
        pytest.approx(1 + 2.1009 * se, abs=1e-4),
    )
    # As docs/statistics.md gives it: 1.0 ± 0.50, from 0.50 to 1.50.
    assert (round(change.low, 2), round(change.high, 2)) == (0.5, 1.5)
    assert change.label == IMPROVED
    assert statement_change(after, before, 5).label == DECLINED


def test_too_few_answers_are_not_compared():
    small = Histogram.from_values([3, 4, 4, 5], 5)
    large = Histogram.from_values([3] * 20, 5)
    assert statement_change(small, large, threshold=5) is None


def test_theme_change_over_shared_statements_only():
    before = {"a": Histogram.from_values([2, 3] * 5, 5), "b": Histogram.from_values([3, 4] * 5, 5)}
    after = {"a": Histogram.from_values([3, 4] * 5, 5), "c": Histogram.from_values([5] * 10, 5)}
    change, compared = theme_change(["a", "b", "c"], before, after, 5)
    assert compared == 1  # only "a" is in both rounds
    assert change.difference == pytest.approx(1.0)
    assert theme_score(["a", "b"], before, 5) == pytest.approx(3.0)


values = st.lists(st.integers(1, 5), min_size=5, max_size=60)


@given(values)
def test_identical_rounds_show_no_change(answers):
    histogram = Histogram.from_values(answers, 5)
    change = statement_change(histogram, histogram, threshold=5)
    assert change.difference == 0
    assert change.label == NO_CLEAR_CHANGE


@settings(max_examples=100)
@given(values.filter(lambda a: len(set(a)) > 1), st.integers(2, 5))
def test_the_interval_widens_as_responses_shrink(answers, factor):
    small = Histogram.from_values(answers, 5)
    large = Histogram.from_values(answers * factor, 5)
    shifted_small = Histogram.from_values([min(5, a + 1) for a in answers], 5)
    shifted_large = Histogram.from_values([min(5, a + 1) for a in answers] * factor, 5)
    narrow = statement_change(large, shifted_large, threshold=5)
    wide = statement_change(small, shifted_small, threshold=5)
    assert wide.high - wide.low > narrow.high - narrow.low
    assert wide.difference == pytest.approx(narrow.difference)


def _welch(before: list[int], after: list[int]):
    """scipy's Welch test and interval on the raw answers: the independent implementation."""
    from scipy import stats

    result = stats.ttest_ind(after, before, equal_var=False)
    return result, result.confidence_interval(0.95)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ([2, 3, 3, 4, 2], [4, 4, 5, 3, 4]),  # five a round: t(0.975, ≈8) ≈ 2.3, not 1.96
        ([1, 2, 3, 4, 5, 3], [3, 3, 3, 4, 3, 3, 3, 4, 3]),  # unequal spreads and sizes
        ([3] * 7 + [4] * 3, [2, 5, 1, 5, 4, 2, 5, 3]),
        ([4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5], [1, 2, 2, 3, 1, 2]),
    ],
)
def test_statement_intervals_match_scipys_welch_test(before, after):
    change = statement_change(Histogram.from_values(before, 5), Histogram.from_values(after, 5), threshold=5)
    result, interval = _welch(before, after)
    assert change.df == pytest.approx(result.df, rel=1e-9)
    assert (change.low, change.high) == (pytest.approx(interval.low, rel=1e-9), pytest.approx(interval.high, rel=1e-9))
    # "Improved" and "declined" exactly where scipy's interval leaves out zero.
    assert (change.label == IMPROVED) == (interval.low > 0)
    assert (change.label == DECLINED) == (interval.high < 0)


# scipy warns of lost precision for a round whose five answers are all the same; the comparison holds.
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_five_against_five_is_labelled_as_welchs_t_would():
    """Pairs of answer sets of five people on a 5-point scale (a spread of the 126 possible sets
    against another): "improved" exactly where scipy's Welch interval lies above zero. The
    normal distribution's 1.96 in place of t calls some of these improved that are not."""
    import itertools

    from scipy import stats

    multisets = list(itertools.combinations_with_replacement(range(1, 6), 5))
    disagreements = 0
    for before, after in itertools.product(multisets[::7], multisets[::5]):
        change = statement_change(Histogram.from_values(before, 5), Histogram.from_values(after, 5), 5)
        if change is None or change.se == 0:
            continue
        low = stats.ttest_ind(after, before, equal_var=False).confidence_interval(0.95).low
        disagreements += (change.label == IMPROVED) != (low > 0)
    assert disagreements == 0
