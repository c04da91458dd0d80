"""Suggesting where each answer goes on the scale, spotting a reversed scale, and rows to leave out."""

import pytest

from tests.conftest import FRAMEWORK_FILE
from together.framework.loader import load_framework_file
from together.importing import matching, values

FRAMEWORK = load_framework_file(FRAMEWORK_FILE)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4", 4),
        ("4.0", 4),
        ("1.0", 1),
        ("Mostly in place", 4),
        ("  mostly IN place ", 4),
        ("1 - Not yet in place", 1),
        ("5. Embedded and sustained", 5),
        ("Strongly agree", 5),
        ("Agree", 4),
        ("Neither agree nor disagree", 3),
        ("Neutral", 3),
        ("Strongly disagree", 1),
        ("A2", 2),
        ("AO04", 4),
        ("N/A", values.DONT_KNOW),
        ("Don't know", values.DONT_KNOW),
        ("Don’t know", values.DONT_KNOW),
        ("Not sure", values.DONT_KNOW),
        ("", values.NOT_ANSWERED),
        ("7", None),
        ("3.5", None),
        ("Sometimes", None),
    ],
)
def test_suggested_places_on_the_scale(value, expected):
    assert values.suggest(value, FRAMEWORK).value == expected


def test_a_scale_numbered_the_other_way_is_read_by_its_labels_with_a_warning():
    suggestion = values.suggest("1 - Embedded and sustained", FRAMEWORK)
    assert (suggestion.value, suggestion.runs_backwards) == (5, True)
    match = matching.Match(0, "Q", "statement", FRAMEWORK.statements[0].id)
    found = values.answer_values([["1 - Embedded and sustained"], ["5 - Not yet in place"]], [match], FRAMEWORK)
    assert found.counts == {"1 - Embedded and sustained": 1, "5 - Not yet in place": 1}
    assert found.warnings and found.warnings[0].startswith("the scale looks reversed")


@pytest.mark.parametrize(
    ("value", "expected", "backwards"),
    [
        ("1 - Strongly agree", 5, True),
        ("5 - Strongly disagree", 1, True),
        ("3 - Neither agree nor disagree", 3, False),
        ("1 - Strongly disagree", 1, False),
        ("5 - Strongly agree", 5, False),
    ],
)
def test_agreement_wording_numbered_the_other_way_is_warned_about(value, expected, backwards):
    suggestion = values.suggest(value, FRAMEWORK)
    assert (suggestion.value, suggestion.runs_backwards) == (expected, backwards)
    match = matching.Match(0, "Q", "statement", FRAMEWORK.statements[0].id)
    found = values.answer_values([[value]], [match], FRAMEWORK)
    assert bool(found.warnings) == backwards


def test_numbers_beyond_the_scale_are_warned_about():
    match = matching.Match(0, "Q", "statement", FRAMEWORK.statements[0].id)
    found = values.answer_values([["0"], ["10"]], [match], FRAMEWORK)
    assert found.unmapped() == ["0", "10"]
    assert "numbers run from 0 to 10" in found.warnings[0]


def test_a_framework_without_dont_know_counts_it_as_not_answered():
    no_dont_know = FRAMEWORK.model_copy(update={"scale": FRAMEWORK.scale.model_copy(update={"dont_know": None})})
    assert values.suggest("N/A", no_dont_know).value == values.NOT_ANSWERED


def test_theme_titles_joined_by_commas_even_when_a_title_holds_one():
    themes = matching.theme_keys(FRAMEWORK)
    chosen, unknown = values.split_priorities(
        "Residents, place and working as one system, Political support,Building step by step", themes
    )
    assert chosen == ["residents-and-place", "political-support", "learning-step-by-step"]
    assert unknown == []
    assert values.split_priorities("Political support;Cake;", themes) == (["political-support"], ["cake"])


def test_summary_empty_and_unanswered_rows_are_found():
    matches = [matching.Match(0, "Organisation", "organisation"), matching.Match(1, "Q", "statement", "x")]
    rows = [["Council", "4"], ["", ""], ["NHS", ""], ["Median", "3"], ["Total", "40"], ["NHS", "2"]]
    assert values.rows_to_leave_out(rows, matches, first_row=2) == [
        (3, "the row is empty"),
        (4, "the row answers none of the statements"),
        (5, "a summary row ('median'), not a respondent"),
        (6, "a summary row ('total'), not a respondent"),
    ]
