"""A whole round on the second shipped framework, the partnership health check: a four-level
scale without "don't know". Questionnaire, results, report (HTML and PDF), every export and an
import all follow its scale, and nothing names the Transforming Together Framework's scale."""

import csv
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import FRAMEWORK_FILE, ROOT
from tests.integration.helpers import close, make_partnership, make_round, released
from together.framework import load_framework_file
from together.frameworks import services
from together.partnerships.models import Organisation, RespondentGroup
from together.reports import exports
from together.results.queries import round_results
from together.reviews import importer
from together.reviews.models import Answer, Response

pytestmark = pytest.mark.django_db

HEALTH_CHECK_FILE = ROOT / "frameworks" / "partnership-health-check.yaml"


def shipped_scale_words() -> list[str]:
    """Text that would give away the Transforming Together Framework's scale on another one's pages."""
    shipped = load_framework_file(FRAMEWORK_FILE).scale
    words = [level.label.en for level in shipped.levels] + [level.label.en.lower() for level in shipped.levels]
    return [*words, "1 to 5", "(1 to 5)", "out of 5", "share_5", "Don't know", "don't know", "did not know"]


@pytest.fixture
def health_version(db):
    return services.load(HEALTH_CHECK_FILE).version


@pytest.fixture
def partnership(facilitator):
    return make_partnership(facilitator, organisations=("Northbridge Council", "Northbridge NHS", "Northbridge Police"))


def answers_for(organisation: str, index: int) -> int:
    """Council people see the partnership as established, NHS people as developing; police in between."""
    base = {"Northbridge Council": 3, "Northbridge NHS": 1, "Northbridge Police": 2}[organisation]
    return min(4, base + (index % 2))


def target_for(value: int) -> int:
    """Where people want the partnership to be in a year: a level above where it is, at most the top."""
    return min(4, value + 1)


def respond(round_, organisation, group, value: int) -> None:
    client = Client()
    assert client.post(f"/r/{round_.open_link_code}/").status_code == 302
    base = f"/respond/{round_.public_id}"
    assert client.post(f"{base}/about/", {"organisation": organisation.pk, "group": group.pk}).status_code == 302
    for theme in round_.framework.themes:
        data = {f"rating-{s.id}": str(value) for s in theme.statements}
        data |= {f"target-{s.id}": str(target_for(value)) for s in theme.statements}
        data["comment"] = f"A view on {theme.title.en.lower()}"
        response = client.post(f"{base}/theme/{theme.id}/", data)
        assert response.status_code == 302, response.content.decode()[:2000]
    assert client.post(f"{base}/priorities/", {"themes": [round_.framework.themes[0].id]}).status_code == 302
    assert client.post(f"{base}/check/").status_code == 302


def test_the_questionnaire_offers_the_four_levels_and_no_dont_know(partnership, health_version):
    round_ = make_round(partnership, health_version)
    client = Client()
    client.post(f"/r/{round_.open_link_code}/")
    base = f"/respond/{round_.public_id}"
    client.post(f"{base}/about/", {})
    theme = round_.framework.themes[0]
    page = client.get(f"{base}/theme/{theme.id}/").content.decode()
    statement = theme.statements[0]
    radios = page.count(f'name="rating-{statement.id}"')
    assert radios == 4
    for label in ("Not started", "Developing", "Established", "Leading"):
        assert label in page
    assert 'value="dk"' not in page
    for word in shipped_scale_words():
        assert word not in page, word

    # Leaving a statement out asks for a rating, without offering "Don't know"; "dk" is refused.
    data = {f"rating-{s.id}": "2" for s in theme.statements}
    data |= {f"target-{s.id}": "3" for s in theme.statements}
    del data[f"rating-{statement.id}"]
    page = client.post(f"{base}/theme/{theme.id}/", data).content.decode()
    assert "There is a problem" in page
    assert f'href="#id_rating-{statement.id}_0">Answer “Where are we now?” for this statement</a>' in page
    data[f"rating-{statement.id}"] = "dk"
    page = client.post(f"{base}/theme/{theme.id}/", data).content.decode()
    assert "Select one of the options for “Where are we now?”" in page
    data[f"rating-{statement.id}"] = "5"
    page = client.post(f"{base}/theme/{theme.id}/", data).content.decode()
    assert "Select one of the options for “Where are we now?”" in page
    assert not Answer.objects.exists()


def test_a_whole_round_follows_the_four_level_scale(client, facilitator, partnership, health_version):
    round_ = make_round(partnership, health_version)
    organisations = {o.name: o for o in Organisation.objects.filter(partnership=partnership)}
    frontline = RespondentGroup.objects.get(partnership=partnership, name="Frontline staff")
    for name in organisations:
        for index in range(6):
            respond(round_, organisations[name], frontline, answers_for(name, index))
    assert Response.objects.filter(round=round_, state="submitted").count() == 18
    assert set(Answer.objects.filter(round=round_).values_list("value", flat=True)) == {1, 2, 3, 4}
    close(round_, facilitator)

    results = round_results(round_)
    framework = round_.framework
    assert results.points == 4
    # Council 3.5, NHS 1.5 and police 2.5 on every statement: mean 2.5 of 4.
    assert results.themes["direction"].mean == pytest.approx(2.5)
    statement = results.statements["direction-priorities"]
    assert statement.histogram.counts == (3, 6, 6, 3) and statement.histogram.dont_know == 0
    # rwg against a uniform answer on four levels: σ²_EU = (16 − 1) / 12 = 1.25.
    variance = statement.histogram.variance
    assert statement.agreement == pytest.approx(max(0.0, 1 - variance / 1.25))
    # Two whole levels between the council and the NHS: well beyond a quarter of the range (0.75).
    flagged = results.differences()
    assert flagged and all(g.comparison.large == pytest.approx(0.75) for g in flagged)

    client.force_login(facilitator)
    base = f"/partnerships/{partnership.pk}/rounds/{round_.pk}"
    pages = {}
    paths = ["results/", "results/differences/", "results/attention/", "results/change/", "workshop/"]
    paths += [f"results/themes/{t.id}/" for t in framework.themes]
    paths += ["results/heatmap/", "results/heatmap/?by=sector", "results/heatmap/?by=group", "report/"]
    paths += ["workshop/2/", "workshop/3/", "workshop/4/"]
    for path in paths:
        response = client.get(f"{base}/{path}")
        assert response.status_code in (200, 302), path
        if response.status_code == 200:
            pages[path] = response.content.decode()
    assert "Scores run from 1 (Not started) to 4 (Leading)." in pages["results/"]
    assert "from 1 (Not started) to 4 (Leading)." in pages["report/"]
    assert "(0.75 points on this 1 to 4 scale)" in pages["results/differences/"]
    assert "(0.75 points on this 1 to 4 scale)" in pages["report/"]
    assert "out of 4" in pages["report/"]
    theme_page = pages["results/themes/direction/"]
    assert "said they did not know" not in theme_page
    # A swatch for each of the four levels, the first and last as the five-level scale's ends.
    assert theme_page.count('class="app-swatch"') == 4 * len(framework.theme("direction").statements)
    assert 'fill="#d4351c"' in theme_page and 'fill="#00703c"' in theme_page

    pdf = client.get(f"{base}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Not started" in pdf_text and "Leading" in pdf_text

    exported = {}
    for name in ("results.csv", "results.json", "responses.csv", "data.xlsx"):
        response = client.get(f"{base}/export/{name}")
        assert response.status_code == 200, name
        exported[name] = response.content
    rows = list(csv.DictReader(io.StringIO(exported["results.csv"].decode("utf-8-sig"))))
    assert [c for c in rows[0] if c.startswith("share_")] == ["share_1", "share_2", "share_3", "share_4"]
    everyone = next(r for r in rows if r["id"] == "direction-priorities" and r["breakdown"] == "all")
    assert (everyone["share_1"], everyone["share_4"], everyone["dont_know"]) == ("0.167", "0.167", "0.0")
    payload = json.loads(exported["results.json"])
    row = next(r for r in payload["rows"] if r["id"] == "direction-priorities" and r["breakdown"] == "all")
    assert "share_5" not in row and row["share_4"] == 0.167
    sheet = load_workbook(io.BytesIO(exported["data.xlsx"]))["Results"]
    header = [cell.value for cell in sheet[1]]
    # The workbook is for people: its headings are words (the CSV and JSON keep the column names).
    assert "Share answering 4" in header and "Share answering 5" not in header

    # Targets: a level above each group's rating, at most the top. Council 3.5 → 4, NHS 1.5 → 2.5,
    # police 2.5 → 3.5: everyone's target 10 / 3, an ambition gap of 5 / 6 on every statement.
    target = results.target("direction-priorities")
    assert target.histogram.counts == (0, 3, 6, 9) and target.n == 18
    assert target.mean == pytest.approx(10 / 3)
    assert results.ambition_gap("direction-priorities") == pytest.approx(10 / 3 - 2.5)
    assert results.target("direction").mean == pytest.approx(10 / 3)
    assert results.ambition_gap("direction") == pytest.approx(10 / 3 - 2.5)
    assert "Where partners want to be in a year" in pages["results/"]
    assert "+0.8" in pages["results/"]
    assert "Where do we want to be in a year? Average 3.3 from 18 people." in theme_page
    assert "Ambition gap</strong>" not in theme_page  # the gap's words are inside the strong tag
    assert "Ambition gap: +0.8" in theme_page
    assert "Target 3.3 out of 4; ambition gap +0.8." in pages["report/"]
    assert "ambition gap +0.8" in " ".join(pdf_text.split())
    assert {"target_mean", "target_answered", "gap"} <= set(rows[0])
    assert (everyone["target_mean"], everyone["target_answered"], everyone["gap"]) == ("3.333", "18", "0.833")
    by_organisation = next(r for r in rows if r["id"] == "direction-priorities" and r["breakdown"] == "organisation")
    assert by_organisation["target_mean"] == "" and by_organisation["gap"] == ""
    assert (row["target_mean"], row["gap"]) == (3.333, 0.833)
    assert "Target mean" in header
    responses_header = exported["responses.csv"].decode("utf-8-sig").splitlines()[0].split(",")
    assert responses_header[3:5] == ["direction-priorities", "direction-priorities:target"]

    for path, html in pages.items():
        for word in shipped_scale_words():
            assert word not in html, (path, word)
    for name in ("results.csv", "results.json", "responses.csv"):
        for word in shipped_scale_words():
            assert word.encode() not in exported[name], (name, word)
    for word in shipped_scale_words():
        assert word not in pdf_text, word

    # The responses export, imported into a new round of the same framework, gives the same results.
    again = make_round(partnership, health_version, open_=False)
    assert importer.import_file(io.BytesIO(exported["responses.csv"]), again) == 18
    after = round_results(again)
    assert after.statements == results.statements and after.themes == results.themes
    assert after.breakdowns == results.breakdowns
    assert after.targets == results.targets and after.ambition == results.ambition


def test_importing_into_a_four_level_round_checks_its_scale(client, facilitator, partnership, health_version):
    round_ = make_round(partnership, health_version, open_=False)
    client.force_login(facilitator)
    from django.core.files.uploadedfile import SimpleUploadedFile

    base = f"/partnerships/{partnership.pk}/rounds/{round_.pk}/import"
    sample = b"organisation,direction-priorities\nNorthbridge Council,2\n"
    assert client.post(f"{base}/", {"file": SimpleUploadedFile("scale.csv", sample)}).status_code == 302
    columns = client.get(f"{base}/columns/").content.decode()
    assert 'value="target:direction-priorities"' in columns  # where to be in a year, a column of its own
    page = client.get(f"{base}/values/").content.decode()
    scale = health_version.framework.scale
    assert all(f"{level.value} – {level.label.en}" in page for level in scale.levels)
    assert "5 – " not in page and "know" not in page.split("Answers to the statements")[1].split("</table>")[0]

    data = (
        b"organisation,direction-priorities,direction-plans,direction-review\n"
        b"Northbridge Council,Leading,2,\n"
        b"Northbridge NHS,5,don't know,not started\n"
    )
    with pytest.raises(importer.ImportInvalid) as raised:
        importer.import_file(io.BytesIO(data), round_)
    assert [str(p) for p in raised.value.problems] == [
        "row 3, column 'direction-priorities': '5' is not on the scale: use 1 to 4 or a label such as 'Leading'",
        "row 3, column 'direction-plans': \"don't know\" is not an answer here: this framework's scale has no "
        "\"don't know\"; use 1 to 4 or a label such as 'Leading', or leave the cell empty",
    ]
    assert not Response.objects.filter(round=round_).exists()
    good = data.replace(b"5,don't know", b"1,3")
    assert importer.import_file(io.BytesIO(good), round_) == 2
    values = sorted(Answer.objects.filter(round=round_).values_list("statement_id", "value"))
    assert values == sorted(
        [
            ("direction-priorities", 4),
            ("direction-plans", 2),
            ("direction-priorities", 1),
            ("direction-plans", 3),
            ("direction-review", 1),
        ]
    )


def test_released_results_of_the_health_check_follow_its_scale(partnership, health_version, facilitator):
    round_ = make_round(partnership, health_version)
    council = Organisation.objects.get(partnership=partnership, name="Northbridge Council")
    frontline = RespondentGroup.objects.get(partnership=partnership, name="Frontline staff")
    for index in range(5):
        respond(round_, council, frontline, 1 + index % 4)
    close(round_, facilitator)
    rows = exports.result_rows(released(round_))
    assert rows and all("share_5" not in row for row in rows)
