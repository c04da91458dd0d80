"""Every chart on every results page says what the table beside it says.

The demo partnership's closed round (with its earlier rounds, so the Change page has trends) is
rendered page by page; on each, every figure drawn in a chart (its ``<text>``) must be a figure
its description (``<desc>``) gives, and every figure in the description must be the one the
page's table shows for the same theme, group, round or answer, hidden cells included."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from together.partnerships.models import Membership, Role
from together.reviews.models import Round
from together.web import demo

pytestmark = pytest.mark.django_db

FIGURE = re.compile(r"−?-?\d+(\.\d)?%?|–")


@dataclass
class Chart:
    id: str
    title: str = ""
    desc: str = ""
    texts: list[str] = field(default_factory=list)


@dataclass
class Table:
    caption: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)


class Page(HTMLParser):
    """The charts and tables of a page, their text with white space collapsed."""

    def __init__(self, html: str):
        super().__init__()
        self.charts: list[Chart] = []
        self.tables: list[Table] = []
        self._text: list[str] | None = None
        self._where: str | None = None
        self._row: list[tuple[str, str]] | None = None
        self._cell: str | None = None
        self._svg = False  # inside a chart
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg" and "app-chart" in (attrs.get("class") or ""):
            self.charts.append(Chart(attrs["id"]))
            self._svg = True
        elif self._svg and tag in ("title", "desc", "text"):
            self._where, self._text = tag, []
        elif tag == "table":
            self.tables.append(Table())
        elif tag == "caption":
            self._where, self._text = "caption", []
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._cell, self._text = tag, []

    def handle_endtag(self, tag):
        words = " ".join("".join(self._text or []).split())
        if self._svg and tag in ("title", "desc") and self._where == tag:
            setattr(self.charts[-1], tag, words)
            self._where = None
        elif self._svg and tag == "text" and self._where == "text":
            self.charts[-1].texts.append(words)
            self._where = None
        elif tag == "caption" and self._where == "caption":
            self.tables[-1].caption = words
            self._where = None
        elif tag in ("th", "td") and self._cell:
            self._row.append((self._cell, words))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            if all(kind == "th" for kind, _ in self._row) and not table.columns and not table.rows:
                table.columns = [text for _, text in self._row]
            elif self._row and self._row[0][0] == "th":
                table.rows.append((self._row[0][1], [text for _, text in self._row[1:]]))
            else:
                table.rows.append(("", [text for _, text in self._row]))
            self._row = None
        if tag == "svg":
            self._svg = False

    def handle_data(self, data):
        if self._text is not None and (self._where or self._cell):
            self._text.append(data)

    def table(self, caption: str) -> Table:
        return next(t for t in self.tables if t.caption.startswith(caption))


def described(chart: Chart) -> list[tuple[str, str]]:
    """The description's "label: figure" pairs, in order."""
    text = chart.desc.removesuffix(".")
    text = re.sub(r"^Scores from \d+ to \d+\. ", "", text)
    return [tuple(part.rsplit(": ", 1)) for part in text.split("; ")]


def drawn_figures_match_the_description(chart: Chart) -> None:
    pairs = described(chart)
    drawn = [t for t in chart.texts if FIGURE.fullmatch(t) and not t.isdigit()]
    written = [value for _label, value in pairs if FIGURE.fullmatch(value)]
    if chart.id.startswith("dist-"):
        return  # its shares are told by colour, the description and the table only
    if chart.id == "heatmap":
        # A cell without a figure is drawn as a dash; the description says why instead.
        assert [t for t in drawn if t != "–"] == written, chart.id
        assert drawn.count("–") == len(pairs) - len(written), chart.id
    else:
        assert drawn == written, chart.id


def score_cells(table: Table, column: str) -> dict[str, str]:
    index = table.columns.index(column) - 1
    return {header: cells[index] for header, cells in table.rows}


def check(html: str) -> list[Chart]:
    """Compare every chart of a page with its table; the charts compared."""
    page = Page(html)
    distributions = [t for t in page.tables if t.caption == "How people answered"]
    for chart in page.charts:
        assert chart.title and chart.desc, chart.id
        drawn_figures_match_the_description(chart)
        pairs = described(chart)
        if chart.id in ("theme-scores", "workshop-scores"):
            table = next(t for t in page.tables if "Score" in t.columns)
            assert dict(pairs) == score_cells(table, "Score"), chart.id
        elif chart.id == "heatmap":
            table = page.table("Theme scores by")
            columns = table.columns[1:]
            cells = {f"{row}, {columns[i]}": cell for row, row_cells in table.rows for i, cell in enumerate(row_cells)}
            assert dict(pairs) == cells
            assert len(pairs) == len(cells)
        elif chart.id.startswith("trend-"):
            table = page.table("Theme scores in each round")
            theme = chart.title.removeprefix("Trend: ")
            row = dict(table.rows)[theme]
            assert dict(pairs) == dict(zip(table.columns[1:], row, strict=True)), chart.id
        elif chart.id.startswith("dist-"):
            table = distributions.pop(0)
            shown = {label: cell.split(" (")[0] for label, cell in zip(table.columns, table.rows[0][1], strict=True)}
            assert dict(pairs) == shown, chart.id
        else:
            pytest.fail(f"No table known for the chart {chart.id}")
    return page.charts


@pytest.fixture
def demo_round(facilitator, framework_version):
    partnership = demo.seed(facilitator, framework_version)
    Membership.objects.update_or_create(partnership=partnership, user=facilitator, defaults={"role": Role.OWNER})
    return Round.objects.get(partnership=partnership, name="Spring 2026 review")


def test_every_chart_on_every_results_page_shows_its_tables_figures(client, facilitator, demo_round):
    client.force_login(facilitator)
    base = f"/partnerships/{demo_round.partnership_id}/rounds/{demo_round.pk}"
    framework = demo_round.framework
    pages = {
        "/results/": 1,
        "/results/heatmap/": 1,
        "/results/heatmap/?by=sector": 1,
        "/results/heatmap/?by=group": 1,
        "/results/differences/": 0,
        "/results/attention/": 0,
        "/results/change/": len(framework.themes),
        "/workshop/": 1,
        "/workshop/2/": 0,
        "/workshop/3/": 0,
        "/workshop/4/": 0,
    }
    for theme in framework.themes:
        pages[f"/results/themes/{theme.id}/"] = len(theme.statements)
    compared = 0
    for path, charts in pages.items():
        response = client.get(base + path)
        assert response.status_code == 200, path
        drawn = check(response.content.decode())
        assert len(drawn) == charts, path
        compared += len(drawn)
    assert compared > 50


def test_a_chart_that_disagrees_with_its_table_is_caught():
    table = (
        "<table><caption>Theme scores</caption><tr><th>Theme</th><th>Score</th></tr>"
        "<tr><th>Political support</th><td>3.6</td></tr></table>"
    )

    def chart(drawn: str, told: str) -> str:
        return (
            '<svg class="app-chart" id="theme-scores"><title>Scores</title>'
            f"<desc>Scores from 1 to 5. Political support: {told}.</desc><text>1</text><text>{drawn}</text></svg>"
        )

    check(chart("3.6", "3.6") + table)
    with pytest.raises(AssertionError):
        check(chart("3.5", "3.6") + table)
    with pytest.raises(AssertionError):
        check(chart("3.5", "3.5") + table)
