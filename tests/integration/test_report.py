"""The round report: every section in the PDF's text, page numbers, and never a hidden group."""

import io
import re

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from tests.integration.helpers import close, make_partnership, make_round, released
from tests.integration.test_results import add_responses
from together.actions.models import Action
from together.analysis.figures import bound
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
    # Hidden figures read as they do on every page, whatever the reason.
    from together.analysis.disclosure import FEWER, PROTECTS
    from together.results.wording import hidden_words

    flat = " ".join(text.split())
    assert any(hidden_words(reason, 5) in flat for reason in (None, FEWER, PROTECTS))
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


def _theme_rows(means):
    from types import SimpleNamespace

    from together.framework.schema import Text

    return [
        (SimpleNamespace(title=Text(en=f"Theme {index}")), SimpleNamespace(mean=mean), 0.0)
        for index, mean in enumerate(means)
    ]


def test_only_themes_nearer_mostly_in_place_than_partly_are_strengths(framework_version):
    framework = framework_version.framework
    rows = _theme_rows([3.4, 3.449, 3.46, 4.2, None, 3.5])
    chosen = build._strengths(framework, rows)
    assert chosen["strength_cut"] == 3.5 and chosen["strength_level"].label.en == "Mostly in place"
    # 3.46 is written 3.5, so it counts; 3.4 and 3.449 (written 3.4) are "partly in place".
    assert [score.mean for _t, score, _c in chosen["strengths"]] == [4.2, 3.5, 3.46]


def test_a_difference_between_one_organisation_sectors_is_told_once_by_organisation():
    from together.analysis.differences import Comparison
    from together.analysis.results import Gap, GroupScore, RoundResults, Score

    def group(key, label, n, mean):
        return GroupScore(key, label, n, Score(n=n, mean=mean, sd=1.0, agreement=0.6, histogram=None))

    flagged = Comparison(highest=0, lowest=1, difference=2.0, low=1.0, high=3.0, p_adjusted=0.001, pairs=1)
    by_organisation = Gap("s1", "organisation", group(1, "College", 8, 4.4), group(2, "Charity", 9, 2.4), flagged)
    by_sector = Gap(
        "s1",
        "sector",
        group("sector:education", "Education", 8, 4.4),
        group("sector:vcs", "Voluntary", 9, 2.4),
        flagged,
    )
    other = Gap("s1", "group", group(3, "Managers", 7, 4.0), group(4, "Frontline", 10, 2.0), flagged)
    results = RoundResults(
        respondents=17, threshold=5, points=5, visible=True, gaps=[by_sector, by_organisation, other]
    )
    assert build._distinct(results.gaps, results) == [by_organisation, other]
    assert build._as_organisations(by_sector, results) is by_organisation
    # A sector that holds more people than the organisation is a comparison of its own.
    wider = Gap("s1", "sector", group("sector:education", "Education", 12, 4.4), by_sector.lowest, flagged)
    assert build._distinct([wider], RoundResults(17, 5, 5, True, gaps=[wider, by_organisation])) == [wider]


def test_the_summary_fits_one_page_after_the_cover_and_no_page_is_nearly_empty(round_):
    reader = PdfReader(io.BytesIO(build.pdf(released(round_))))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert pages[0].count("Contents") == 1 and "Summary for the board" in pages[0]
    assert "Summary for the board" in pages[1] and "Summary for the board" not in pages[2]
    assert "Responses by sector" in pages[1] and "Priorities" in pages[1]
    assert pages[2].startswith("Theme scores")
    # Each page but the last is well filled: no chapter leaves a few lines on a page of their own.
    assert all(len(re.sub(r"Page \d+ of \d+", "", text).split()) >= 60 for text in pages[:-1]), [
        len(t.split()) for t in pages
    ]


def test_the_report_shows_dont_know_shares_group_sizes_and_separated_differences(round_):
    html = build.html(released(round_))
    assert '<th scope="col" class="num">Don\'t know</th>' in html.replace("&#x27;", "'")
    assert "Don't know: 0% of those asked." in html.replace("&#x27;", "'")


def test_a_difference_reads_its_item_then_each_group_with_its_size_and_the_interval():
    from django.template.loader import render_to_string

    from together.analysis.differences import Comparison
    from together.analysis.results import Gap, GroupScore, Score

    def group(key, label, n, mean):
        return GroupScore(key, label, n, Score(n=n, mean=mean, sd=1.0, agreement=0.6, histogram=None))

    flagged = Comparison(highest=0, lowest=1, difference=1.1, low=0.5, high=1.8, p_adjusted=0.01, pairs=1)
    gap = Gap("t", "group", group(1, "Managers", 7, 3.0), group(2, "Frontline staff", 15, 1.9), flagged)
    text = " ".join(
        render_to_string("reports/_gap.html", {"gap": gap, "title": "Involving the whole workforce"}).split()
    )
    assert text == (
        "<strong>Involving the whole workforce</strong>: by respondent group, Managers 3.0 (n = 7) and "
        "Frontline staff 1.9 (n = 15), a gap of 1.1 (95% interval 0.5 to 1.8)."
    )


def test_the_summary_says_what_changed_since_the_last_round_as_the_change_page_does(facilitator, framework_version):
    from together.results.changes import earlier_releases, since_previous

    partnership = make_partnership(facilitator)
    council = Organisation.objects.get(partnership=partnership, name="Northbridge Council")
    first = make_round(partnership, framework_version)
    add_responses(first, council, None, 6, value=2)
    add_responses(first, council, None, 6, value=3)
    close(first)
    second = make_round(partnership, framework_version)
    add_responses(second, council, None, 6, value=3)
    add_responses(second, council, None, 6, value=4)
    current = released(close(second))
    since = since_previous(current, earlier_releases(second, current.role))
    change = since.rows[0]["change"]
    text = " ".join(pdf_text(build.pdf(current))[0].split())
    assert f"Since {first.name}" in text
    assert f"improved: 2.5 to 3.5, +1.0 (95% interval {bound(change.low)} to {bound(change.high)})" in text


def test_the_summary_gives_response_rates_by_sector_only_where_everyone_was_invited(round_):
    from django.utils import timezone

    from together.reports import build
    from together.reviews.models import Invitation

    named = {o.name: o for o in Organisation.objects.filter(partnership=round_.partnership)}
    for index in range(12):
        Invitation.objects.create(
            round=round_, email=f"council{index}@example.org", organisation=named["Northbridge Council"],
            seed=f"c{index}", token_digest=f"c{index}", sent_at=timezone.now(),
        )  # fmt: skip
    for index in range(10):
        Invitation.objects.create(
            round=round_, email=f"nhs{index}@example.org", organisation=named["Northbridge NHS"],
            seed=f"n{index}", token_digest=f"n{index}", sent_at=timezone.now(),
        )  # fmt: skip
    # Not sent: not counted.
    Invitation.objects.create(round=round_, email="later@example.org", organisation=named["Northbridge NHS"],
                              seed="x", token_digest="x")  # fmt: skip
    assert build.context(released(round_))["invited"] is None  # the open link was on
    type(round_).objects.filter(pk=round_.pk).update(open_link_enabled=False)
    round_.refresh_from_db()
    invited = build.context(released(round_))["invited"]
    assert invited["total"] == 22 and invited["rate"] == "86%"  # 19 of 22
    rows = {group.label: (sent, rate) for group, sent, rate in invited["rows"]}
    # The council's sector (8 of 12) and the charity's are hidden here, so their rates are too.
    shown = {label: rate for label, (sent, rate) in rows.items() if rate}
    assert shown == {"NHS and health": "90%"}  # 9 of 10
    text, _pages = pdf_text(build.pdf(released(round_)))
    assert "Invited" in text and "90%" in text
