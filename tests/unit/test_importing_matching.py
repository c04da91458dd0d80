"""Matching columns to statements, priorities, comments, organisations and groups."""

import pytest

from tests import import_exports
from tests.conftest import FRAMEWORK_FILE
from together.framework.loader import load_framework_file
from together.importing import layouts, matching, reading

FRAMEWORK = load_framework_file(FRAMEWORK_FILE)
FIRST = FRAMEWORK.statements[0]
APOSTROPHE = next(s for s in FRAMEWORK.statements if "'" in s.text.en)


def matched(headings: list[str], rows: list[list[str]] | None = None) -> list[matching.Match]:
    table = reading.Table(rows=[headings, *(rows or [[""] * len(headings)])], kind="csv")
    layout = layouts.recognise(table, header_rows=1)
    return matching.match_columns(layout, table.rows[1:], FRAMEWORK)


@pytest.mark.parametrize(
    ("heading", "how"),
    [
        (FIRST.id, "id"),
        (FIRST.text.en, "text"),
        (FIRST.text.en.upper().rstrip("."), "text"),
        ("  " + FIRST.text.en.replace(" ", "   ") + "  ", "text"),
        (f"3. {FIRST.text.en}", "text"),
        (f"Q12) {FIRST.text.en}", "text"),
        (f"1.2 {FIRST.text.en}", "text"),
        (f"Shared purpose [{FIRST.text.en}]", "text"),
        (f"How far is this in place? - {FIRST.text.en}", "text"),
        (FIRST.text.cy, "text"),
        (FIRST.text.en.replace("shared", "joint"), "similar text"),
    ],
)
def test_a_statement_is_matched_by_id_text_or_similar_text(heading, how):
    (match,) = matched([heading])
    assert (match.use, match.target, match.how) == ("statement", FIRST.id, how)
    assert (match.confidence == 1.0) == (how != "similar text")


def test_curly_quotes_and_dashes_do_not_stop_a_match():
    (match,) = matched([APOSTROPHE.text.en.replace("'", "’")])
    assert match.target == APOSTROPHE.id
    assert matching.normalise("A – b — c ‘d’ “e”") == "a - b - c 'd' \"e\""


def test_an_unrelated_heading_is_not_matched():
    (match,) = matched(["Completion time"], [["2025-03-01 10:00"]])
    assert match.use == "ignore"


def test_organisation_group_sector_comment_and_samples():
    matches = matched(
        ["Which organisation do you work for?", "Your role", "Sector", "Any other comments?"],
        [
            ["Northbridge Council", "Senior leader", "Local authority", "We should meet more often than we do now."],
            ["Northbridge NHS", "Frontline staff", "NHS", ""],
            ["Northbridge Council", "Senior leader", "Local authority", "Budgets get in the way of joint work."],
        ],
    )
    assert [m.use for m in matches] == ["organisation", "group", "sector", "comment"]
    assert matches[0].samples == ["Northbridge Council", "Northbridge NHS"]


def test_a_comment_column_may_name_its_theme():
    (match,) = matched(["Comments on Political support"], [["Members are keen, officers less so."]])
    assert (match.use, match.target) == ("comment", "political-support")


def test_priorities_in_one_column_of_joined_titles():
    (match,) = matched(
        ["Which three areas?"],
        [["Residents, place and working as one system, Political support"], ["Building step by step"]],
    )
    assert match.use == "priorities"


def test_priorities_as_one_yes_no_column_per_theme():
    headings = [f"Which themes most need attention? [{t.title.en}]" for t in FRAMEWORK.themes[:3]]
    matches = matched(headings, [["Yes", "No", ""], ["No", "Yes", "Yes"]])
    assert [(m.use, m.target) for m in matches] == [("priority", t.id) for t in FRAMEWORK.themes[:3]]


def test_two_columns_for_one_statement_keep_the_surer_match():
    matches = matched([FIRST.text.en.replace("shared", "joint"), FIRST.id])
    assert [(m.use, m.target) for m in matches] == [("ignore", ""), ("statement", FIRST.id)]
    assert "matches more surely" in matches[0].note


@pytest.mark.parametrize("key", list(import_exports.TOOLS) + list(import_exports.EXTRAS))
def test_every_statement_of_every_example_export_is_matched_exactly_once(key):
    truth = import_exports.make_truth(FRAMEWORK)
    _name, data = {**import_exports.TOOLS, **import_exports.EXTRAS}[key](truth)
    table = reading.read(data)
    layout = layouts.recognise(table)
    matches = matching.match_columns(layout, table.rows[layout.header_rows :], FRAMEWORK)
    statements = [m.target for m in matches if m.use == "statement"]
    assert sorted(statements) == sorted(s.id for s in FRAMEWORK.statements)
    assert all(m.samples for m in matches if m.use == "statement")
