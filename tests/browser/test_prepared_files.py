"""A large round's PDF asked for from its results, made in the background and downloaded, in a
real browser; and a file that could not be made, tried again."""

import pytest

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from tests.integration.helpers import close, make_partnership, make_round
from tests.integration.test_results import add_responses
from together.messaging.worker import run_ready_tasks
from together.reports import build

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def large_round(facilitator, framework_version, settings):
    settings.BACKGROUND_FILES_FROM = 10
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, framework_version)
    council, nhs = partnership.organisations.all()[:2]
    add_responses(round_, council, None, 6, value=4)
    add_responses(round_, nhs, None, 6, value=2)
    return close(round_)


def test_a_large_rounds_pdf_is_followed_then_downloaded(page, facilitator, large_round, monkeypatch):
    sign_in(page, facilitator)
    visit(page, f"/partnerships/{large_round.partnership_id}/rounds/{large_round.pk}/results/")
    page.get_by_role("link", name="The report (PDF)").click()
    page.wait_for_url("**/files/*/")
    assert page.locator("h1").inner_text() == "Your file is being made"
    assert "Waiting to start" in page.locator("main").inner_text()
    assert_accessible(page)

    run_ready_tasks()  # what together worker does beside the web server
    with page.expect_navigation():
        page.get_by_role("link", name="Check again").click()
    assert page.locator("h1").inner_text() == "Your file is ready"
    assert_accessible(page)
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the file").click()
    download = downloading.value
    assert download.suggested_filename == "northbridge-partnership-spring-review.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    def broken(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(build, "pdf", broken)
    visit(page, f"/partnerships/{large_round.partnership_id}/rounds/{large_round.pk}/results/")
    page.get_by_role("link", name="The report (PDF)").click()
    page.wait_for_url("**/files/*/")
    run_ready_tasks()
    with page.expect_navigation():
        page.get_by_role("link", name="Check again").click()
    assert page.title().startswith("Error: Your file could not be made")
    assert "could not be made. Something went wrong while it was being made (MemoryError)." in (
        page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    failed = page.url
    monkeypatch.undo()
    page.get_by_role("link", name="Try again").click()
    page.wait_for_url("**/files/*/")
    assert page.url != failed and page.locator("h1").inner_text() == "Your file is being made"
