"""A solo review in a real browser, without an account: from the home page to the private PDF,
back through the private link in a fresh browser, and deleted."""

import io
import re

import pytest
from pypdf import PdfReader

from tests.browser.conftest import assert_accessible, visit
from together.solo.models import SoloReview

pytestmark = pytest.mark.django_db(transaction=True)


def answer_theme(page, theme, value: str, dont_know=()) -> None:
    for statement in theme.statements:
        chosen = "dk" if statement.id in dont_know else value
        page.locator(f'input[name="rating-{statement.id}"][value="{chosen}"]').check()


def test_solo_review_from_the_home_page_to_the_pdf_and_deleted(browser, page, live_server, framework_version):
    framework = framework_version.framework
    visit(page, "/")
    with page.expect_navigation():
        page.get_by_role("button", name="Review your own partnership now").click()
    assert page.locator("h1").inner_text() == "Review your own partnership"
    assert "It is kept for 90 days" in page.content()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Start your review").click()

    assert page.locator("h1").inner_text() == "Keep this link"
    assert_accessible(page)
    link = page.locator(".govuk-inset-text a").inner_text()
    assert re.fullmatch(re.escape(live_server.url) + r"/solo/r/[A-Za-z0-9_-]{43}/", link)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to your review").click()

    assert page.locator("h1").inner_text() == "Your review"
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    unknown = framework.themes[0].statements[0]
    lowest = framework.themes[:3]
    half = len(framework.themes) // 2
    for number, theme in enumerate(framework.themes[:half], start=1):
        assert page.locator("h1").inner_text() == theme.title.en
        assert f"Theme {number} of {len(framework.themes)}" in page.locator(".govuk-caption-l").inner_text()
        if number == 1:
            assert_accessible(page)
        answer_theme(page, theme, "2" if theme in lowest else "4", dont_know=[unknown.id])
        with page.expect_navigation():
            page.get_by_role("button", name="Save and continue").click()

    # Come back in a fresh browser through the private link, and finish there.
    context = browser.new_context(base_url=live_server.url)
    other = context.new_page()
    other.goto(link)
    assert other.url == f"{live_server.url}/solo/review/"
    assert "/solo/r/" not in other.url
    assert other.locator("h1").inner_text() == "Your review"
    assert_accessible(other)
    with other.expect_navigation():
        other.get_by_role("button", name="Continue").click()
    for theme in framework.themes[half:]:
        assert other.locator("h1").inner_text() == theme.title.en
        answer_theme(other, theme, "4")
        with other.expect_navigation():
            other.get_by_role("button", name="Save and continue").click()
    assert other.locator("h1").inner_text() == "Your review"
    with other.expect_navigation():
        other.get_by_role("button", name="Send and see your report").click()

    assert other.locator("h1").inner_text() == "Your private report"
    assert_accessible(other)
    lowest_section = other.locator("#lowest ~ h3").all_inner_texts()[:3]
    assert lowest_section == [t.title.en for t in lowest]
    assert unknown.text.en in other.locator("#questions ~ ul").first.inner_text()
    with other.expect_download() as download:
        other.get_by_role("link", name="Download this report as a PDF").click()
    reader = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "My partnership review" in text
    assert "My three lowest themes" in text
    assert " ".join(lowest[0].suggested_actions[0].text.en.split())[:40] in text
    assert " ".join(unknown.text.en.split())[:40] in text
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]

    with other.expect_navigation():
        other.get_by_role("link", name="Delete it now").click()
    assert other.locator("h1").inner_text() == "Are you sure you want to delete your review?"
    assert_accessible(other)
    with other.expect_navigation():
        other.get_by_role("button", name="Delete my review").click()
    assert other.locator("h1").inner_text() == "Your review has been deleted"
    assert_accessible(other)
    context.close()
    assert not SoloReview.objects.exists()

    # The first browser, and the link, now find nothing.
    response = page.goto("/solo/review/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "There is no review here"
    assert_accessible(page)
    assert page.goto(link).status == 404


def test_a_review_started_in_welsh_carries_on_in_english(page, framework_version):
    """A browser sends a cookie only to its path: the review must be found at /cy/solo/… and
    /solo/… alike, so that the language toggle keeps it."""
    visit(page, "/cy/solo/")
    assert page.locator("html").get_attribute("lang") == "cy"
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert page.url.endswith("/cy/solo/review/link/")
    with page.expect_navigation():
        page.locator("main a.govuk-button").click()
    assert page.url.endswith("/cy/solo/review/")
    assert page.goto("/cy/solo/review/").status == 200
    assert page.goto("/solo/review/").status == 200
    assert_accessible(page)
