"""Reading when another tool's survey ran from the dates its export wrote."""

from __future__ import annotations

import datetime

from together.importing import dates
from together.importing.layouts import Heading, Layout

D = datetime.date


def test_iso_dates_with_times_are_read_whatever_the_tool():
    assert dates.read_days(["2025-03-14 10:22:31", "2025-03-02T09:00:00", "2025/04/01"]) == [
        D(2025, 3, 14),
        D(2025, 3, 2),
        D(2025, 4, 1),
    ]


def test_a_column_is_day_first_unless_a_value_can_only_be_month_first():
    assert dates.read_days(["03/04/2025 10:00", "13/04/2025 09:12"]) == [D(2025, 4, 3), D(2025, 4, 13)]
    assert dates.read_days(["03/04/2025 10:00", "04/13/2025 09:12"]) == [D(2025, 3, 4), D(2025, 4, 13)]


def test_ambiguous_days_follow_the_tool_s_own_order():
    # UK people write day first; SurveyMonkey's exports are month first.
    assert dates.read_days(["03/04/2025"]) == [D(2025, 4, 3)]
    assert dates.read_days(["03/04/2025 10:22:31 AM"], tool="surveymonkey") == [D(2025, 3, 4)]


def test_two_digit_years_text_months_and_dots():
    assert dates.read_days(["1.3.25", "14 March 2025", "2 Apr 2025, 10:00"]) == [
        D(2025, 3, 1),
        D(2025, 3, 14),
        D(2025, 4, 2),
    ]


def test_a_column_that_is_not_mostly_dates_or_mixes_orders_is_not_read():
    assert dates.read_days(["Agree", "Disagree", "2025-03-01"]) is None
    assert dates.read_days(["13/04/2025", "04/13/2025"]) is None
    assert dates.read_days(["", ""]) is None
    assert dates.read_days(["31/02/2025"]) is None  # no such day


def test_fieldwork_prefers_when_answers_were_completed_to_when_they_began():
    layout = Layout(
        "plain",
        1,
        [Heading(0, "Start time"), Heading(1, "Completion time"), Heading(2, "Q1")],
    )
    rows = [["01/03/2025", "02/03/2025", "4"], ["05/03/2025", "09/03/2025", "3"]]
    found = dates.fieldwork(layout, rows)
    assert found == dates.Fieldwork(D(2025, 3, 2), D(2025, 3, 9), "Completion time", 2)


def test_a_file_without_dates_has_no_fieldwork():
    layout = Layout("plain", 1, [Heading(0, "Organisation"), Heading(1, "Q1")])
    assert dates.fieldwork(layout, [["Council", "4"]]) is None
