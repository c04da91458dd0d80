"""One way of writing a figure: the charts, the tables (Django's floatformat) and the reasons
round the same value the same way, halves up, whatever binary floating point stores."""

from __future__ import annotations

import re

import pytest
from django.template.defaultfilters import floatformat

from together.analysis.figures import one_place, signed
from together.results import charts

# Each of these is stored just below its half in binary, so f"{v:.1f}" rounds it down.
AWKWARD = [3.55, 2.25, 1.15, 4.45, 0.35, 2.675, 3.05]


@pytest.mark.parametrize("value", AWKWARD)
def test_the_formatter_agrees_with_the_tables(value):
    assert one_place(value) == floatformat(value, 1)


def test_the_worked_halves():
    assert [one_place(v) for v in (3.55, 2.25, 4.45, -0.25, 0.04, -0.04)] == ["3.6", "2.3", "4.5", "-0.3", "0.0", "0.0"]
    assert [signed(v) for v in (0.35, -0.25, 0.04, 1.0)] == ["+0.4", "\u22120.3", "0.0", "+1.0"]


def test_every_chart_writes_the_figure_its_table_shows():
    bars = charts.bar_chart("b", "Bars", [charts.Bar(f"Theme {i}", v) for i, v in enumerate(AWKWARD)], 1, 5)
    line = charts.line_chart("l", "Trend", [(f"Round {i}", v) for i, v in enumerate(AWKWARD)], 1, 5)
    heat = charts.heatmap("h", "Heat", ["Row"], [f"C{i}" for i in range(len(AWKWARD))], [AWKWARD], "not shown", 1, 5)
    for svg in (bars, line, heat):
        written = re.findall(r">(\d\.\d)</text>", str(svg))
        assert written == [floatformat(v, 1) for v in AWKWARD], svg
        # The description screen readers hear says the same.
        for value in AWKWARD:
            if "<desc" in str(svg) and "Theme" in str(svg):
                assert f": {floatformat(value, 1)}" in str(svg)


def test_an_interval_end_near_zero_keeps_its_sign_in_view():
    from together.analysis.figures import bound

    # "+0.4 (0.04 to 0.8), improved" rather than "(0.0 to 0.8), improved".
    assert [bound(v) for v in (0.04, -0.03, 0.0, 0.004, 0.81, 0.05)] == [
        "0.04",
        "\u22120.03",
        "0.0",
        "0.0",
        "0.8",
        "0.1",
    ]
    assert bound(-0.26) == "\u22120.3"


def test_shares_are_whole_percentages_with_halves_rounded_up():
    from together.analysis.figures import percent

    # Python's own "{:.0%}" writes 0.125 as 12% (a half, to even); 0.145 is 0.14499… in binary.
    assert [percent(v) for v in (0.125, 0.375, 0.145, 0.0, 1.0, 0.004, 0.995)] == [
        "13%",
        "38%",
        "15%",
        "0%",
        "100%",
        "0%",
        "100%",
    ]
