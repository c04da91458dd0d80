"""Recognising each tool's layout, combining its header rows, and dropping identifying columns."""

import pytest

from tests import import_exports
from tests.conftest import FRAMEWORK_FILE
from together.framework.loader import load_framework_file
from together.importing import layouts, reading

FRAMEWORK = load_framework_file(FRAMEWORK_FILE)


def layout_of(key):
    truth = import_exports.make_truth(FRAMEWORK)
    _name, data = {**import_exports.TOOLS, **import_exports.EXTRAS}[key](truth)
    return layouts.recognise(reading.read(data))


@pytest.mark.parametrize(
    ("key", "tool", "header_rows", "dropped"),
    [
        ("microsoft-forms", layouts.MICROSOFT_FORMS, 1, {"ID", "Email", "Name"}),
        (
            "surveymonkey",
            layouts.SURVEYMONKEY,
            2,
            {"Respondent ID", "Collector ID", "IP Address", "Email Address", "First Name", "Last Name"}
            | {"Custom Data 1"},
        ),
        ("google-forms", layouts.GOOGLE_FORMS, 1, {"Email address"}),
        (
            "smart-survey",
            layouts.SMART_SURVEY,
            2,
            {"UserID", "IP Address", "Unique ID", "Name", "Email"} | {"Custom Value"},
        ),
        (
            "qualtrics",
            layouts.QUALTRICS,
            3,
            {"IP Address", "Response ID", "Recipient Last Name", "Recipient First Name", "Recipient Email"}
            | {"External Data Reference", "Location Latitude", "Location Longitude"},
        ),
        ("limesurvey", layouts.LIMESURVEY, 1, {"id", "seed", "ipaddr", "refurl"}),
        ("limesurvey-text", layouts.LIMESURVEY, 1, {"Response ID", "Seed", "IP address"}),
        ("plain", layouts.PLAIN, 1, set()),
    ],
)
def test_each_tool_is_recognised_with_its_header_rows_and_identifying_columns(key, tool, header_rows, dropped):
    layout = layout_of(key)
    assert (layout.tool, layout.header_rows) == (tool, header_rows)
    assert {d.heading for d in layout.drops} == dropped
    assert all(d.reason.startswith("it ") for d in layout.drops)


def test_a_matrix_question_over_blank_cells_heads_each_of_its_columns():
    layout = layout_of("surveymonkey")
    first = FRAMEWORK.themes[0]
    headings = [h for h in layout.headings if h.question.startswith(first.title.en)]
    assert [h.statement for h in headings] == [s.text.en for s in first.statements]
    assert headings[1].text == f"{first.title.en}: how far do you agree? [{first.statements[1].text.en}]"
    assert len({h.text for h in layout.headings}) == len(layout.headings), "every heading is unique"


def test_qualtrics_headings_come_from_the_text_row_and_codes_from_the_import_ids():
    layout = layout_of("qualtrics")
    statement = FRAMEWORK.themes[0].statements[0]
    heading = next(h for h in layout.headings if h.code == "QID3_1")
    assert heading.statement == statement.text.en


def test_limesurvey_code_headings_keep_the_code_and_read_the_grid():
    layout = layout_of("limesurvey")
    heading = next(h for h in layout.headings if h.code == "G01Q01[SQ002]")
    assert heading.statement == FRAMEWORK.themes[0].statements[1].text.en


def test_header_rows_can_be_overridden_and_blank_or_repeated_headings_are_told_apart():
    table = reading.Table(rows=[["Q", "", "Q"], ["1", "2", "3"]], kind="csv")
    layout = layouts.recognise(table, header_rows=1)
    assert [h.text for h in layout.headings] == ["Q", "(column B)", "Q (column C)"]
