"""A partnership's own framework, with no research content: a whole round through the test
client shows nothing of the shipped framework and no empty research headings; and Change over
time compares only rounds of one framework."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import FRAMEWORK_FILE, ROOT
from tests.integration.helpers import close, complete_questionnaire, make_partnership, make_round
from tests.integration.test_results import add_responses
from together.framework import load_framework_file
from together.frameworks import services
from together.reviews import invitations, questionnaire
from together.reviews.models import Round
from together.web.context import SERVICE_NAME

pytestmark = pytest.mark.django_db

CUSTOM_FILE = ROOT / "tests" / "data" / "no-research.yaml"
SHIPPED = load_framework_file(FRAMEWORK_FILE)

# Words only the shipped framework, its research or the old fixed texts would put on a page.
FORBIDDEN = [
    "Transforming Together",
    "RSA",
    "Joan Munro",
    "15 minutes",
    *(theme.title.en for theme in SHIPPED.themes),
    *(exemplar.place.en for exemplar in SHIPPED.exemplars()),
]
# Headings and labels that introduce research content: with none, none of them may show.
RESEARCH_HEADINGS = [
    "What other places did",
    "What another place did",
    "Suggested first steps",
    "Why it matters",
    "What good looks like",
    "What the research found",
    "Places that show how",
    "Guidance:",
    "would support a high rating",
]


def without_service_name(text: str) -> str:
    """The page without the service's own name where every page carries it (the header link,
    the title's end and the report's generator tag): the service is not the framework."""
    for place in (
        f'class="govuk-service-navigation__link">{SERVICE_NAME}</a>',
        f"– {SERVICE_NAME}</title>",
        f'<meta name="generator" content="{SERVICE_NAME}">',
    ):
        text = text.replace(place, "")
    return text


def assert_neutral(text: str, where: str) -> None:
    text = without_service_name(text)
    for word in FORBIDDEN:
        assert word not in text, f"{where} says {word!r}"
    for heading in RESEARCH_HEADINGS:
        assert heading not in text, f"{where} shows {heading!r} with nothing under it"
    assert re.search(r"\bNone\b", text) is None, f"{where} shows None"


@pytest.fixture
def custom_version(db):
    return services.load(CUSTOM_FILE).version


@pytest.fixture
def custom_round(facilitator, custom_version):
    return make_round(make_partnership(facilitator), custom_version)


def test_the_custom_framework_has_no_research_content(custom_version):
    framework = custom_version.framework
    assert framework.source is None and framework.findings == [] and framework.exemplars() == []
    assert all(t.why_it_matters is None and not t.suggested_actions for t in framework.themes)
    assert all(s.guidance is None for s in framework.statements)
    assert framework.priority_count == 2  # 3 by default, but it has two themes


def test_a_whole_custom_round_shows_nothing_of_the_shipped_framework(client, facilitator, custom_round):
    round_ = custom_round
    minutes = questionnaire.answering_minutes(round_.framework)
    assert minutes < 15

    start = client.get(f"/r/{round_.open_link_code}/").content.decode()
    assert f"It takes about {minutes} minutes." in start
    assert "4 statements" in start and "2 themes" in start
    assert_neutral(start, "the start page")

    # Six people answer through the questionnaire's pages, each page checked on the way.
    for person, value in enumerate(["2", "3", "4", "4", "5", "3"]):
        respondent = Client()
        respondent.post(f"/r/{round_.open_link_code}/")
        base = f"/respond/{round_.public_id}"
        if person == 0:
            for theme in round_.framework.themes:
                assert_neutral(respondent.get(f"{base}/theme/{theme.id}/").content.decode(), f"theme {theme.id}")
            priorities = respondent.get(f"{base}/priorities/").content.decode()
            assert "Choose up to 2." in priorities
            assert_neutral(priorities, "the priorities page")
            # Choosing more themes than the framework asks for is refused, and nothing changes.
            too_many = respondent.post(f"{base}/priorities/", {"themes": ["meetings", "money", "money"]})
            assert too_many.status_code == 200 and "Choose no more than 2 themes" in too_many.content.decode()
        html = complete_questionnaire(respondent, round_, f"/r/{round_.open_link_code}/", value=value)
        assert_neutral(html, "the last questionnaire page")

    close(round_, facilitator)
    client.force_login(facilitator)
    base = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}"
    pages = ["results/", "results/differences/", "results/attention/", "results/heatmap/", "results/change/"]
    pages += [f"results/themes/{theme.id}/" for theme in round_.framework.themes]
    pages += ["workshop/", "workshop/2/", "workshop/3/", "workshop/4/", "report/"]
    pages += ["actions/new/?theme=meetings"]
    for path in pages:
        url = f"/partnerships/{round_.partnership_id}/{path}" if path.startswith("actions") else f"{base}/{path}"
        response = client.get(url)
        assert response.status_code == 200, path
        assert_neutral(response.content.decode(), path)

    report = client.get(f"{base}/report/").content.decode()
    assert "A review using the Board health check" in report
    assert "Each person could choose up to 2 themes as most in need of attention." in report
    attention = client.get(f"{base}/results/attention/").content.decode()
    assert "one of the 2 most in need of attention" in attention
    change = client.get(f"{base}/results/change/").content.decode()
    assert "There is no earlier closed round of the Board health check to compare with" in change

    pdf = client.get(f"{base}/report.pdf")
    assert pdf.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Board health check" in text and "Board meetings" in text
    assert_neutral(text, "the PDF report")

    for name in ("results.csv", "results.json", "responses.csv"):
        response = client.get(f"{base}/export/{name}")
        assert response.status_code == 200, name
        assert_neutral(response.content.decode("utf-8-sig"), name)
    workbook = load_workbook(io.BytesIO(client.get(f"{base}/export/data.xlsx").content))
    cells = " ".join(str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert "Board meetings" in cells
    assert_neutral(cells, "data.xlsx")
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/partnerships/{round_.partnership_id}/actions/export.{fmt}").status_code == 200


def test_the_invitation_gives_the_custom_frameworks_own_time(client, facilitator, custom_round, settings):
    from together.messaging.worker import run_ready_tasks

    minutes = questionnaire.answering_minutes(custom_round.framework)
    invitations.import_csv(custom_round, b"name,email,organisation\nSam,sam@example.org,Northbridge Council\n")
    assert invitations.send_invitations(custom_round, "https://review.example") == 1
    run_ready_tasks()
    (letter,) = mail.outbox
    assert f"it takes about {minutes} minutes." in letter.body
    assert_neutral(letter.body, "the invitation")


def test_the_questionnaire_keeps_to_the_frameworks_number_of_priorities(custom_round):
    from together.reviews.forms import PrioritiesForm

    form = PrioritiesForm({"themes": ["meetings", "money"]}, framework=custom_round.framework)
    assert form.is_valid()
    text = CUSTOM_FILE.read_text().replace("scale:\n", "priority_themes: 1\nscale:\n", 1)
    from together.framework import parse_framework

    one = parse_framework(text, "one.yaml")
    form = PrioritiesForm({"themes": ["meetings", "money"]}, framework=one)
    assert not form.is_valid() and form.errors["themes"] == ["Choose only one theme"]
    assert str(form.fields["themes"].label) == "Which theme most needs the partnership's attention now?"
    form = PrioritiesForm({"themes": ["money"]}, framework=one)
    assert form.is_valid()


# Change over time: only rounds of one framework family.


def _round(partnership, version, name, created_at, value, facilitator):
    round_ = make_round(partnership, version, user=facilitator)
    Round.objects.filter(pk=round_.pk).update(name=name, created_at=created_at)
    round_.refresh_from_db()
    council = partnership.organisations.get(name="Northbridge Council")
    add_responses(round_, council, None, 6, value=value)
    return close(round_, facilitator)


def test_change_over_time_compares_only_rounds_of_the_same_framework(
    client, facilitator, framework_version, custom_version
):
    import datetime

    from django.utils import timezone

    partnership = make_partnership(facilitator)
    now = timezone.now()
    spring = _round(partnership, framework_version, "Spring review", now - datetime.timedelta(days=90), 3, facilitator)
    board = _round(partnership, custom_version, "Board check", now - datetime.timedelta(days=60), 4, facilitator)
    autumn = _round(partnership, framework_version, "Autumn review", now - datetime.timedelta(days=30), 4, facilitator)
    client.force_login(facilitator)

    def page(round_) -> str:
        url = f"/partnerships/{partnership.pk}/rounds/{round_.pk}/results/change/"
        return client.get(url).content.decode()

    # The custom round is not compared with the Transforming Together round before it.
    html = page(board)
    assert "There is no earlier closed round of the Board health check to compare with" in html
    assert "One earlier round of the partnership used another framework." in html
    assert "Spring review" not in html
    assert "statements they share" not in html

    # The later Transforming Together round skips the custom round, and its trend leaves it out.
    html = page(autumn)
    assert "Compared with Spring review, the previous round of the Transforming Together Framework." in html
    assert "Board check" not in html
    assert "Theme scores in each round of the Transforming Together Framework" in html
    assert "One earlier round of the partnership used another framework." in html

    from together.results.changes import earlier_releases

    assert [r.round for r in earlier_releases(autumn, "owner", facilitator)] == [spring]
    report = client.get(f"/partnerships/{partnership.pk}/rounds/{board.pk}/report/").content.decode()
    assert "There is no earlier round of the Board health check with results to compare with." in report
    assert "One earlier round used another framework" in report
    assert "Spring review" not in report


def test_the_shipped_frameworks_pages_keep_its_research_credit(client, facilitator, framework_version):
    credit = "Based on research by Joan Munro FRSA for the RSA"
    for path in ("/", "/framework/", f"/framework/{SHIPPED.themes[0].id}/"):
        html = client.get(path).content.decode()
        assert f"About the Transforming Together Framework: {credit}" in html, path
    shipped_round = make_round(make_partnership(facilitator), framework_version)
    assert credit in client.get(f"/r/{shipped_round.open_link_code}/").content.decode()
    # Pages about no framework in particular credit none.
    assert "RSA" not in client.get("/privacy/").content.decode()
    framework_page = client.get("/framework/").content.decode()
    assert "What the research found" in framework_page and "Places that show how" in framework_page
    assert f"Answering them all takes about {questionnaire.answering_minutes(SHIPPED)} minutes." in framework_page
    theme_page = client.get(f"/framework/{SHIPPED.themes[0].id}/").content.decode()
    for heading in ("Why it matters", "What good looks like", "Suggested first steps", "would support a high rating"):
        assert heading in theme_page
