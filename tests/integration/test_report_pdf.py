"""The PDF report is tagged for accessibility (PDF/UA-1): its structure tree, read back with pypdf."""

import io
import re

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from tests.integration import test_report
from tests.integration.helpers import released
from together.reports import build

pytestmark = pytest.mark.django_db


round_ = test_report.round_  # the report tests' closed round, with a small hidden group


@pytest.fixture
def report(round_):
    return round_, PdfReader(io.BytesIO(build.pdf(released(round_))))


def _resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def structure(reader: PdfReader) -> list[DictionaryObject]:
    """Every structure element of the document, in reading order."""
    root = _resolve(reader.trailer["/Root"]["/StructTreeRoot"])
    found, stack = [], [root]
    while stack:
        node = _resolve(stack.pop())
        if not isinstance(node, DictionaryObject):
            continue  # a marked-content id
        if node.get("/Type") == "/StructElem":
            found.append(node)
        kids = node.get("/K")
        if kids is None:
            continue
        kids = _resolve(kids)
        stack.extend(reversed(kids) if isinstance(kids, ArrayObject) else [kids])
    return found


def test_the_pdf_is_tagged_with_its_language_title_and_metadata(report):
    round_, reader = report
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] in (True, "true")
    assert str(catalog["/Lang"]).lower().startswith("en")
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] in (True, "true")
    title = reader.metadata.title
    assert round_.partnership.name in title and round_.name in title
    xmp = reader.xmp_metadata
    assert xmp is not None and title in xmp.dc_title.values()
    assert b"pdfuaid:part" in _resolve(catalog["/Metadata"]).get_data()
    # Bookmarks: the report's chapters.
    bookmarks, items = [], list(reader.outline)
    while items:
        item = items.pop(0)
        if isinstance(item, list):
            items[:0] = item
        else:
            bookmarks.append(item.title)
    assert "Summary for the board" in bookmarks and "Method and anonymity" in bookmarks


def test_the_structure_tree_has_headings_tables_with_headers_and_figures_with_their_figures(report):
    round_, reader = report
    elements = structure(reader)
    kinds = [str(e["/S"]) for e in elements]
    assert "/Document" in kinds
    assert "/H1" in kinds and kinds.count("/H2") >= len(round_.framework.themes) + 2
    assert "/Table" in kinds and "/TH" in kinds and "/TD" in kinds
    # Data cells point to their headers.
    assert any("/Headers" in e.get("/A", {}) for e in elements if e["/S"] == "/TD")
    figures = [e for e in elements if e["/S"] == "/Figure"]
    alts = [str(e.get("/Alt", "")) for e in figures]
    assert all(alts), "every figure has a text alternative"
    # The theme chart's alternative carries each theme's score; each statement's bar its shares.
    chart = next(a for a in alts if a.startswith("Average score for each theme"))
    assert all(t.title.en in chart for t in round_.framework.themes)
    assert re.search(r": \d\.\d", chart)
    bars = [a for a in alts if a.startswith("Of those who rated it")]
    shown = [s for s in round_.framework.statements if not released(round_).results.statements[s.id].hidden]
    assert len(bars) == len(shown)
    assert re.fullmatch(
        r"Of those who rated it: Not yet in place \d+%, Early days \d+%, Partly in place \d+%, "
        r"Mostly in place \d+%, Embedded and sustained \d+%\. Don't know: \d+% of those asked\.",
        bars[0],
    )
