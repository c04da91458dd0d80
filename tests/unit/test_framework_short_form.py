"""A framework's short form: how it is written, checked and read, and how a pulse is compared."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import FRAMEWORK_FILE
from together.analysis import change as changes
from together.analysis.histogram import Histogram
from together.framework import FrameworkInvalid, content_hash, load_framework_file, parse_framework
from together.framework.check import validate_files
from together.framework.estimate import estimate
from together.framework.xlsx import read_xlsx, write_xlsx
from together.framework.yamlwrite import to_yaml

SHIPPED = load_framework_file(FRAMEWORK_FILE)
SHIPPED_TEXT = Path(FRAMEWORK_FILE).read_text()

TWO_THEMES = """\
format: 1
id: pulse-test
title: {en: Pulse test}
summary: {en: Two themes.}
scale:
  levels:
    - value: 1
      label: {en: Not yet}
    - value: 2
      label: {en: Partly}
    - value: 3
      label: {en: Fully}
themes:
  - id: one
    title: {en: One}
    summary: {en: The first theme.}
    statements:
      - id: one-a
        short_form: true
        text: {en: First of one.}
      - id: one-b
        text: {en: Second of one.}
      - id: one-c
        text: {en: Third of one.}
  - id: two
    title: {en: Two}
    summary: {en: The second theme.}
    statements:
      - id: two-a
        text: {en: First of two.}
      - id: two-b
        text: {en: Second of two.}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(FrameworkInvalid) as raised:
        parse_framework(text, "f.yaml")
    return [str(problem) for problem in raised.value.problems]


def marked(text: str, *ids: str) -> str:
    for statement_id in ids:
        old = f"      - id: {statement_id}\n"
        assert old in text, statement_id
        text = text.replace(old, f"{old}        short_form: true\n")
    return text


# --- Validation --------------------------------------------------------------------------------


def test_a_theme_left_out_of_the_short_form_is_reported_at_its_statements():
    assert problems(TWO_THEMES) == [
        "f.yaml:28: themes[1].statements: theme 'two' has no statement in the short form: mark 1 or 2 of its "
        "statements short_form: true, since a pulse asks about every theme"
    ]


def test_a_third_short_form_statement_in_a_theme_is_reported_at_its_mark():
    text = marked(TWO_THEMES, "one-b", "one-c", "two-a")
    assert problems(text) == [
        "f.yaml:25: themes[0].statements[2].short_form: theme 'one' has 3 statements in the short form: mark at "
        "most 2, the ones that best stand for the theme"
    ]


def test_short_form_must_be_true_or_false():
    text = TWO_THEMES.replace("        short_form: true\n", "        short_form: sometimes\n")
    assert problems(marked(text, "two-a")) == ["f.yaml:19: themes[0].statements[0].short_form: must be true or false"]


def test_a_valid_short_form_is_every_theme_with_only_its_marked_statements():
    framework = parse_framework(marked(TWO_THEMES, "two-b"), "f.yaml")
    assert framework.has_short_form
    short = framework.short_form()
    assert [[s.id for s in theme.statements] for theme in short.themes] == [["one-a"], ["two-b"]]
    # Everything but the statements is the full framework's.
    assert short.scale == framework.scale and [t.title for t in short.themes] == [t.title for t in framework.themes]
    assert len(framework.statements) == 5


def test_without_marks_there_is_no_short_form_and_the_content_hash_is_unchanged():
    plain = TWO_THEMES.replace("        short_form: true\n", "")
    framework = parse_framework(plain, "f.yaml")
    assert not framework.has_short_form
    with pytest.raises(ValueError, match="has no short form"):
        framework.short_form()
    # false is the same as leaving it out, so it does not change the version either.
    written_false = plain.replace("      - id: one-a\n", "      - id: one-a\n        short_form: false\n")
    assert content_hash(parse_framework(written_false, "f.yaml")) == content_hash(framework)
    assert content_hash(parse_framework(marked(plain, "one-a", "two-a"), "f.yaml")) != content_hash(framework)


def test_a_short_form_outside_eight_to_fourteen_is_valid_but_warned(tmp_path, capsys):
    import sys

    small = tmp_path / "small.yaml"
    small.write_text(marked(TWO_THEMES, "two-a"))
    assert validate_files([str(small)], out=sys.stdout, err=sys.stderr) == 0
    assert capsys.readouterr().err.splitlines() == [
        f"{small}: warning: the short form has 2 statements, fewer than the 8 to 14 a pulse works best with"
    ]
    # No marks, no warning about a short form.
    plain = tmp_path / "plain.yaml"
    plain.write_text(TWO_THEMES.replace("        short_form: true\n", ""))
    assert validate_files([str(plain)], out=sys.stdout, err=sys.stderr) == 0
    assert capsys.readouterr().err == ""


# --- Workbooks and YAML written out ------------------------------------------------------------


def test_the_short_form_round_trips_through_a_workbook_and_yaml():
    book = load_workbook(io.BytesIO(write_xlsx(SHIPPED)))
    sheet = book["Statements"]
    headings = [cell.value for cell in sheet[1]]
    column = headings.index("Short form")
    rows = {row[1].value: row[column].value for row in sheet.iter_rows(min_row=2)}
    assert sorted(statement for statement, mark in rows.items() if mark == "yes") == sorted(
        s.id for s in SHIPPED.statements if s.short_form
    )
    assert set(rows.values()) == {"yes", None}
    assert read_xlsx(write_xlsx(SHIPPED), "f.xlsx") == SHIPPED
    assert parse_framework(to_yaml(SHIPPED), "f.yaml") == SHIPPED


def _shipped_workbook(edit) -> bytes:
    book = load_workbook(io.BytesIO(write_xlsx(SHIPPED)))
    sheet = book["Statements"]
    column = [cell.value for cell in sheet[1]].index("Short form") + 1
    edit(sheet, column)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_workbook_short_form_problems_are_reported_at_their_cells():
    def wrong_word(sheet, column):
        sheet.cell(3, column).value = "maybe"

    with pytest.raises(FrameworkInvalid) as raised:
        read_xlsx(_shipped_workbook(wrong_word), "f.xlsx")
    assert [str(p) for p in raised.value.problems] == [
        "f.xlsx:Statements!H3: short_form: must be yes or left empty, not 'maybe'"
    ]

    def unmark_political_support(sheet, column):
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == "political-support":
                row[column - 1].value = None

    with pytest.raises(FrameworkInvalid) as raised:
        read_xlsx(_shipped_workbook(unmark_political_support), "f.xlsx")
    [problem] = [str(p) for p in raised.value.problems]
    assert problem.startswith("f.xlsx:Themes!A3: statements: theme 'political-support' has no statement in the short")

    def spreadsheet_true_and_no(sheet, column):
        for row in sheet.iter_rows(min_row=2):
            cell = row[column - 1]
            cell.value = True if cell.value == "yes" else "no"

    assert read_xlsx(_shipped_workbook(spreadsheet_true_and_no), "f.xlsx") == SHIPPED


# --- The shipped framework's short form ----------------------------------------------------------


def test_the_shipped_short_form_is_one_or_two_a_theme_and_twelve_in_all():
    short = SHIPPED.short_form()
    counts = {theme.id: len(theme.statements) for theme in short.themes}
    assert counts == {
        "shared-purpose": 2,
        "political-support": 1,
        "residents-and-place": 2,
        "leadership-and-relationships": 2,
        "whole-workforce": 1,
        "involving-people": 1,
        "learning-step-by-step": 1,
        "persistent-delivery": 1,
        "national-context": 1,
    }
    assert len(short.statements) == 12
    assert estimate(SHIPPED).warnings == []
    # Marking statements kept every id.
    assert [s.id for s in SHIPPED.statements] == [s.id for s in load_framework_file(FRAMEWORK_FILE).statements]
    assert SHIPPED_TEXT.count("short_form: true") == 12


def test_the_documented_choice_is_the_files():
    doc = (Path(__file__).parents[2] / "docs" / "framework-format.md").read_text()
    section = doc[doc.index("### The Transforming Together Framework's short form") :]
    section = section[: section.index("\n## ")] if "\n## " in section else section
    for statement in SHIPPED.short_form().statements:
        assert f"`{statement.id}`" in section, statement.id


# --- Comparing a pulse with a full round ---------------------------------------------------------


def _asked(framework, pulse: bool) -> list[str]:
    return [s.id for s in (framework.short_form() if pulse else framework).statements]


def test_a_pulse_and_a_full_round_share_only_the_short_form():
    full, pulse = _asked(SHIPPED, False), _asked(SHIPPED, True)
    short = {s.id for s in SHIPPED.statements if s.short_form}
    assert changes.shared_statements([full, pulse]) == short
    assert changes.shared_statements([pulse, full, full]) == short
    assert changes.shared_statements([full, full]) == set(full)
    assert changes.shared_statements([]) == set()


def test_a_theme_compared_between_a_pulse_and_a_full_round_uses_only_shared_statements():
    """The full round rated the theme's short-form statement 2 and the others 4; the pulse rated
    its statement 3. On the shared statement that is an improvement; over every statement of the
    full round it would look like a decline."""
    theme = SHIPPED.theme("political-support")
    shared = changes.shared_statements([_asked(SHIPPED, False), _asked(SHIPPED, True)])
    ids = [s.id for s in theme.statements if s.id in shared]
    assert ids == ["political-support-public"]
    before = {s.id: Histogram((0, 10, 0, 0, 0) if s.id in ids else (0, 0, 0, 10, 0), 0) for s in theme.statements}
    before["political-support-public"] = Histogram((0, 8, 2, 0, 0), 0)
    after = {"political-support-public": Histogram((0, 0, 8, 2, 0), 0)}
    change, compared = changes.theme_change(ids, before, after, threshold=5)
    assert compared == 1
    assert change.before == pytest.approx(2.2) and change.after == pytest.approx(3.2)
    assert change.label == changes.IMPROVED
    # The full round's theme score over all its statements is higher than the pulse's: comparing
    # those would call an improvement a decline.
    every = [s.id for s in theme.statements]
    assert changes.theme_score(every, before, 5) > changes.theme_score(ids, after, 5)
