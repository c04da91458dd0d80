"""The round report: every section in the PDF's text, page numbers, and never a hidden group."""

import io
import re

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from tests.integration.helpers import close, make_partnership, make_round, released
from tests.integration.test_results import add_responses
from together.actions.models import Action
from together.partnerships.models import Organisation
from together.reports import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(facilitator, framework_version):
    partnership = make_partnership(
        facilitator, organisations=("Northbridge Council", "Northbridge NHS", "Small Charity")
    )
    round_ = make_round(partnership, framework_version)
    named = {o.name: o for o in Organisation.objects.filter(partnership=partnership)}
    add_responses(round_, named["Northbridge Council"], None, 8, value=4, comment="Meetings start on time now")
    add_responses(round_, named["Northbridge NHS"], None, 9, value=2)
    add_responses(round_, named["Small Charity"], None, 2, value=1)
    Action.objects.create(
        partnership=partnership, round=round_, title="Joint councillor briefing", theme_id="political-support"
    )
    return close(round_)


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_the_pdf_holds_every_section_and_no_hidden_group(round_):
    text, pages = pdf_text(build.pdf(released(round_)))
    framework = round_.framework
    for heading in (
        "Contents",
        "Summary",
        "Strengths",
        "Priorities",
        "Largest differences between partners",
        "Theme scores",
        "Action plan",
        "Method and anonymity",
        "Responses by sector",
    ):
        assert heading in text, heading
    for theme in framework.themes:
        assert theme.title.en in text
    assert f"Page 2 of {pages}" in text
    assert "Joint councillor briefing" in text
    assert "Meetings start on time now" in text
    # The charity (2 people) is hidden, and so is the council, which would otherwise reveal it.
    assert "Small Charity" not in text
    assert "Northbridge Council" not in text
    assert "not shown" in text
    # Exemplars and suggested steps appear for the priorities.
    assert any(e.place.en in text for theme in framework.themes for e in theme.exemplars)


def test_a_round_below_the_threshold_reports_no_figures(facilitator, framework_version):
    partnership = make_partnership(facilitator)
    small = make_round(partnership, framework_version)
    add_responses(small, None, None, 3, value=5)
    text, _ = pdf_text(build.pdf(released(close(small))))
    assert "has not reached that yet" in " ".join(text.split())
    assert "Theme scores" not in text


def test_report_pages_and_command(client, round_, facilitator, tmp_path, capsys):
    client.force_login(facilitator)
    base = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}"
    html = client.get(f"{base}/report/").content.decode()
    assert "<h2>Summary for the board</h2>" in html and "Small Charity" not in html
    response = client.get(f"{base}/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    call_command("report", str(round_.pk), "--html", str(tmp_path / "r.html"))
    call_command("report", str(round_.pk), "--pdf", str(tmp_path / "r.pdf"))
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert "report written to" in capsys.readouterr().out


def test_the_pdf_prints_a_fair_selection_of_many_comments_and_the_web_report_all(round_, monkeypatch):
    from together.reviews.models import Comment, Response

    monkeypatch.setattr(build, "PDF_COMMENTS_PER_THEME", 3)
    theme = round_.framework.themes[0]
    Comment.objects.filter(response__round=round_, theme_id=theme.id).delete()
    for index, response in enumerate(Response.objects.filter(round=round_, state="submitted")[:7]):
        Comment.objects.update_or_create(response=response, theme_id=theme.id, defaults={"text": f"Remark {index}"})
    text, _ = pdf_text(build.pdf(released(round_)))
    printed = [i for i in range(7) if f"Remark {i}" in text]
    assert len(printed) == 3
    # Without the page footers, which may fall in the middle of the note.
    flat = " ".join(re.sub(r"Page \d+ of \d+", " ", text).split())
    assert "3 of the 7 comments on this theme, picked at random" in flat
    html = build.html(released(round_))
    assert all(f"Remark {i}" in html for i in range(7))
    assert "picked at random" not in html
