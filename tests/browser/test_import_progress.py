"""A large file imported outside the request, followed on its progress page, in a real browser."""

import re
import time

import pytest
from django.utils import timezone

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from tests.integration.helpers import make_partnership, make_round
from together.imports import services as imports
from together.imports.models import BatchState, ImportBatch
from together.messaging.worker import run_ready_tasks
from together.reviews.models import Response

pytestmark = pytest.mark.django_db(transaction=True)


def _file(round_, tmp_path, people: int, first_value: str = "4"):
    statements = [s.id for s in round_.framework.statements]
    lines = [",".join(["organisation", *statements])]
    lines += [",".join(["Northbridge Council", *["4"] * len(statements)]) for _ in range(people)]
    lines[1] = lines[1].replace("Northbridge Council,4,", f"Northbridge Council,{first_value},", 1)
    path = tmp_path / f"survey-{first_value}.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _upload(page, round_, path):
    visit(page, f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/import/")
    page.get_by_label("Upload the export: a CSV or Excel (.xlsx) file").set_input_files(str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and continue").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and see what would be imported").click()
    page.get_by_role("button", name=re.compile(r"Import [0-9]+ respons")).click()
    page.wait_for_url("**/import/*/")


def _until_finished(page, heading: str):
    run_ready_tasks()  # what together worker does beside the web server
    for _ in range(60):
        if page.locator("h1").first.inner_text() == heading:
            return
        time.sleep(0.5)
        page.get_by_role("link", name="Refresh this page", exact=True).click()
    raise AssertionError(f"the import did not reach {heading!r}")


def test_import_progress_pages(page, facilitator, framework_version, monkeypatch, tmp_path):
    monkeypatch.setattr(imports, "BACKGROUND_BYTES", 1000)
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, framework_version, open_=False)
    sign_in(page, facilitator)

    _upload(page, round_, _file(round_, tmp_path, 200))
    _until_finished(page, "Responses imported")
    assert "200 responses from survey-4.csv" in page.locator("main").inner_text()
    assert Response.objects.filter(round=round_).count() == 200
    round_.refresh_from_db()
    assert round_.state == "closed"
    page.reload()  # the page was last drawn before the worker closed the round
    assert "The round has been closed, as you asked" in page.locator("main").inner_text()
    assert_accessible(page)

    # While it runs: counts of rows and a link to refresh.
    running = make_round(partnership, framework_version, open_=False)
    batch = ImportBatch.all_objects.create(
        round=running,
        file_name="last-year.csv",
        sha256="1" * 64,
        rows=2500,
        checked=2500,
        written=500,
        state=BatchState.PENDING,
        heartbeat=timezone.now(),
    )
    visit(page, f"/partnerships/{partnership.pk}/rounds/{running.pk}/import/{batch.pk}/")
    main = page.locator("main").inner_text()
    assert "Importing responses" in main and "500 of 2500" in main
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    assert_accessible(page)
    # The page never refreshes itself (a timed refresh fails WCAG 2.2.1 and axe): the reader does.
    page.get_by_role("link", name="Refresh this page").click()
    assert "500 of 2500" in page.locator("main").inner_text()
    visit(page, f"/partnerships/{partnership.pk}/rounds/{running.pk}/")
    assert "last-year.csv is being imported: 500 of 2500 responses written" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Close the round").count() == 0
    assert_accessible(page)

    # A file with a mistake: the dry run names it, and offers no import.
    other = make_round(partnership, framework_version, open_=False)
    visit(page, f"/partnerships/{partnership.pk}/rounds/{other.pk}/import/")
    page.get_by_label("Upload the export: a CSV or Excel (.xlsx) file").set_input_files(
        str(_file(other, tmp_path, 200, first_value="7"))
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and continue").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and see what would be imported").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "This file cannot be imported yet" in summary
    assert "the answer '7' (1 in" in summary and "has no place on the scale" in summary
    assert page.get_by_role("button", name=re.compile(r"Import [0-9]+ respons")).count() == 0
    assert not Response.objects.filter(round=other).exists()
    assert_accessible(page)
