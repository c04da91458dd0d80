"""The import wizard in a real browser: each named tool's export taken through every step with
nothing changed but the file, every page accessible, and the figures as the export's truth."""

import pytest

from tests import import_exports as exports
from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from tests.integration.helpers import make_partnership, make_round
from together.imports.models import ImportBatch, ImportUpload
from together.reviews.models import Answer, Response

pytestmark = pytest.mark.django_db(transaction=True)

TOOLS = ("surveymonkey", "qualtrics", "google-forms", "limesurvey", "microsoft-forms", "smart-survey",
         "limesurvey-text")  # fmt: skip
HEADINGS = {"surveymonkey": "SurveyMonkey", "qualtrics": "Qualtrics", "google-forms": "Google Forms",
            "limesurvey": "LimeSurvey", "microsoft-forms": "Microsoft Forms", "smart-survey": "Smart Survey",
            "limesurvey-text": "LimeSurvey"}  # fmt: skip


def theme_means(round_):
    framework = round_.framework
    means = {}
    for theme in framework.themes:
        values = list(
            Answer.objects.filter(
                response__round=round_, statement_id__in=[s.id for s in theme.statements], value__isnull=False
            ).values_list("value", flat=True)
        )
        means[theme.id] = sum(values) / len(values)
    return means


def test_every_tool_through_the_wizard(page, facilitator, framework_version, tmp_path):
    partnership = make_partnership(facilitator, organisations=exports.ORGANISATIONS)
    sign_in(page, facilitator)
    for number, key in enumerate(TOOLS):
        round_ = make_round(partnership, framework_version, open_=False)
        truth = exports.make_truth(round_.framework, dont_know=key not in exports.NO_DONT_KNOW)
        name, data = exports.TOOLS[key](truth)
        path = tmp_path / name
        path.write_bytes(data)
        visit(page, f"/partnerships/{partnership.pk}/rounds/{round_.pk}/")
        with page.expect_navigation():
            page.get_by_role("link", name="Import responses from another survey tool (CSV or Excel)").click()
        if number == 0:
            assert_accessible(page)
            with page.expect_navigation():
                page.get_by_role("button", name="Upload and continue").click()
            assert "Choose the CSV or XLSX file to upload" in page.locator(".govuk-error-summary").inner_text()
            assert_accessible(page)
        page.get_by_label("Upload the export: a CSV or Excel (.xlsx) file").set_input_files(str(path))
        with page.expect_navigation():
            page.get_by_role("button", name="Upload and continue").click()
        assert page.locator("h1").inner_text() == "Check how the columns are read"
        assert f"Recognised as a {HEADINGS[key]} export" in page.locator("main").inner_text(), key
        if number == 0:
            assert "could identify people and will be left out" in page.locator("main").inner_text()
            assert_accessible(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Save and continue").click()
        assert page.locator("h1").inner_text() == "Check how the answers are read"
        if number == 0:
            assert_accessible(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Save and see what would be imported").click()
        assert page.locator("h1").inner_text() == "What would be imported"
        main = page.locator("main").inner_text()
        for theme_id, mean in truth.theme_means().items():
            assert f"{round_.framework.theme(theme_id).title.en}\t{mean:.2f}" in main, (key, theme_id)
        if number == 0:
            assert_accessible(page)
        count = len(truth.respondents)
        with page.expect_navigation():
            page.get_by_role("button", name=f"Import {count} responses").click()
        assert f"{count} responses imported from {name}" in page.locator(".govuk-notification-banner").inner_text()
        assert Response.objects.filter(round=round_).count() == count
        assert theme_means(round_) == pytest.approx(truth.theme_means())
        assert ImportBatch.objects.filter(round=round_).count() == 1
    assert not ImportUpload.objects.exists()


def test_bringing_in_last_year_s_survey_as_a_dated_round(page, facilitator, framework_version, tmp_path):
    from together.imports.models import UploadState
    from together.reviews.models import Round

    partnership = make_partnership(facilitator, organisations=exports.ORGANISATIONS[:1])
    sign_in(page, facilitator)
    visit(page, f"/partnerships/{partnership.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Bring in an earlier survey").click()
    assert page.locator("h1").inner_text() == "Bring in an earlier survey"
    assert_accessible(page)
    page.get_by_label("Round name").fill("Spring 2025 survey")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the round and upload the file").click()
    round_ = Round.objects.get(name="Spring 2025 survey")
    assert page.url.endswith(f"/rounds/{round_.pk}/import/")
    truth = exports.make_truth(round_.framework)
    name, data = exports.google_forms(truth)
    path = tmp_path / name
    path.write_bytes(data)
    page.get_by_label("Upload the export: a CSV or Excel (.xlsx) file").set_input_files(str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and continue").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    # The file names an organisation the partnership lacks: add it from here, as NHS.
    missing = page.locator("select[name^=organisation-]").filter(has=page.locator("option[value='new:nhs']"))
    missing.select_option("new:nhs")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and see what would be imported").click()
    assert "Added to the partnership: Northbridge NHS" in page.locator(".govuk-notification-banner").inner_text()
    assert page.get_by_label("First day answers were given").input_value() == "3/3/2025"
    assert page.get_by_label("Last day answers were given").input_value() == "6/3/2025"
    assert page.get_by_label("This file is the whole survey: close the round once it is imported").is_checked()
    # A tired officer's slip: the last day before the first.
    page.get_by_label("Last day answers were given").fill("1/3/2025")
    count = len(truth.respondents)
    with page.expect_navigation():
        page.get_by_role("button", name=f"Import {count} responses").click()
    assert "must be the same as or after the first day" in page.locator(".govuk-error-summary").inner_text()
    assert page.title().startswith("Error:")
    assert_accessible(page)
    page.get_by_label("Last day answers were given").fill("28/3/2025")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Import {count} responses").click()
    assert "3 March 2025 to 28 March 2025, in another survey tool" in page.locator("main").inner_text()
    round_.refresh_from_db()
    assert round_.state == "closed" and str(round_.fieldwork_to) == "2025-03-28"
    assert_accessible(page)
    # A large file's reading page, while the worker reads it.
    waiting = make_round(partnership, framework_version, open_=False)
    ImportUpload.objects.create(
        round=waiting, user=facilitator, file_name="big.xlsx", data=b"PK" * 10, sha256="0" * 64, mapping="",
        state=UploadState.READING,
    )  # fmt: skip
    visit(page, f"/partnerships/{partnership.pk}/rounds/{waiting.pk}/import/reading/")
    assert page.locator("h1").inner_text() == "Reading your file"
    assert_accessible(page)
    # And while it looks at the chosen columns' answers again, or works out the dry run.
    for next_step, heading in (
        ("values", "Looking at your columns’ answers"),
        ("check", "Working out what would be imported"),
    ):
        ImportUpload.objects.filter(round=waiting).update(state=UploadState.CHECKING, next_step=next_step)
        visit(page, f"/partnerships/{partnership.pk}/rounds/{waiting.pk}/import/reading/")
        assert page.locator("h1").inner_text() == heading
        assert page.title().startswith(heading)
        assert_accessible(page)
