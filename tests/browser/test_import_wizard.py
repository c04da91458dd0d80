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

TOOLS = ("surveymonkey", "qualtrics", "google-forms", "limesurvey", "microsoft-forms")
HEADINGS = {"surveymonkey": "SurveyMonkey", "qualtrics": "Qualtrics", "google-forms": "Google Forms",
            "limesurvey": "LimeSurvey", "microsoft-forms": "Microsoft Forms"}  # fmt: skip


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
