"""The server-drawn charts: whole labels, and the words of each cell without a figure."""

from __future__ import annotations

import re

from together.analysis.disclosure import FEWER, PROTECTS
from together.results import charts
from together.results.wording import hidden_words

LONG = "Northbridge Council for Voluntary Service"


def test_each_heatmap_cell_without_a_figure_says_its_own_reason():
    fewer, protects = hidden_words(FEWER, 5), hidden_words(PROTECTS, 5)
    svg = str(
        charts.heatmap(
            "h", "Heat", ["Political support"], ["A", LONG, "C"], [[3.5, None, None]], [["", fewer, protects]], 1, 5
        )
    )
    assert f"Political support, {LONG}: {fewer}; Political support, C: {protects}." in svg
    # Names are whole, over as many lines as they need.
    assert "…" not in svg and "Northbridge Council" in svg and "Voluntary Service" in svg


def test_a_trend_names_every_round_in_full_and_says_why_a_point_is_missing():
    points = [("Spring 2024 review", 2.5), ("Autumn 2025 review with a long name", None), ("Spring 2026 review", 3.0)]
    svg = str(charts.line_chart("t", "Trend", points, 1, 5, hidden_text="gone"))
    assert "…" not in svg
    assert "Autumn 2025 review with a long name: gone" in svg
    wrapped = re.findall(r"<text[^>]*>((?:<tspan[^>]*>[^<]*</tspan>)+)</text>", svg)
    names = [" ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", label)) for label in wrapped]
    assert names == [name for name, _value in points]
    default = str(charts.line_chart("t", "Trend", points, 1, 5))
    assert hidden_words(None, 5) in default


def test_a_share_rounds_halves_up_as_the_figures_do():
    assert [charts.percent(v) for v in (0.125, 0.145, 0.5, 1.0, 0.0)] == ["13%", "15%", "50%", "100%", "0%"]
