"""The pages the release layer adds, in a real browser: results while a round runs, the round
page once results are fixed, and importing another tool's file into a round of its own."""

import pytest

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from together.imports.models import ImportBatch
from together.partnerships.models import Membership, Role
from together.reviews.models import Round
from together.web import demo

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def partnership(facilitator, framework_version):
    seeded = demo.seed(facilitator, framework_version)
    Membership.objects.update_or_create(partnership=seeded, user=facilitator, defaults={"role": Role.OWNER})
    return seeded


def test_results_wait_for_the_round_to_close_and_are_then_fixed(page, facilitator, partnership):
    sign_in(page, facilitator)
    running = Round.objects.get(partnership=partnership, state="open")
    visit(page, f"/partnerships/{partnership.pk}/rounds/{running.pk}/results/")
    assert "Results appear when the round closes" in page.locator("main").inner_text()
    assert_accessible(page)
    visit(page, f"/partnerships/{partnership.pk}/rounds/{running.pk}/")
    assert "Anyone who has the open link can add answers" in page.locator("main").inner_text()
    assert_accessible(page)

    closed = Round.objects.get(partnership=partnership, name="Spring 2026 review")
    visit(page, f"/partnerships/{partnership.pk}/rounds/{closed.pk}/results/")
    visit(page, f"/partnerships/{partnership.pk}/rounds/{closed.pk}/")
    main = page.locator("main").inner_text()
    assert "Results first seen" in main and "cannot be reopened" in main and "Who responded" in main
    assert page.get_by_role("button", name="Reopen the round").count() == 0
    assert_accessible(page)


def test_import_a_file_into_a_round_of_its_own_then_close_it(page, facilitator, partnership, tmp_path):
    sign_in(page, facilitator)
    visit(page, f"/partnerships/{partnership.pk}/rounds/new/")
    page.get_by_label("Round name").fill("Spring 2023 review (imported)")
    page.get_by_role("button", name="Create round").click()
    round_ = Round.objects.get(name="Spring 2023 review (imported)")
    statements = [s.id for s in round_.framework.statements]
    file = tmp_path / "last-year.csv"
    file.write_text(
        "organisation,"
        + ",".join(statements)
        + "\n"
        + "".join("Northbridge City Council," + ",".join(["4"] * len(statements)) + "\n" for _ in range(6))
    )
    page.get_by_role("link", name="Import responses from another survey tool (CSV or Excel)").click()
    page.get_by_label("Upload the export: a CSV or Excel (.xlsx) file").set_input_files(str(file))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and continue").click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and see what would be imported").click()
    # Left unticked, the round stays a draft to close by hand (as when one file per organisation goes in).
    page.get_by_label("This file is the whole survey: close the round once it is imported").uncheck()
    page.get_by_role("button", name="Import 6 responses").click()
    main = page.locator("main").inner_text()
    assert "6 responses imported from last-year.csv" in main
    assert ImportBatch.objects.get(round=round_).sha256 in main
    assert page.get_by_role("button", name="Open the round").count() == 0
    assert_accessible(page)
    page.get_by_role("button", name="Close the round").click()
    assert Round.objects.get(pk=round_.pk).state == "closed"
    page.get_by_role("link", name="See the results").click()
    assert "6 people responded" in page.locator("main").inner_text()
    assert_accessible(page)
