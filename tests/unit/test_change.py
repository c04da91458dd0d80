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
    assert (change.low, change.high) == (pytest.approx(1 - 1.96 * se), pytest.approx(1 + 1.96 * se))
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
