"""A leader turns their solo review into a partnership round in the browser, signing in on the
way, and finds "how I saw it then" beside the new round, for them alone."""

import pytest

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_solo import answer_theme
from together.reviews.models import Response, Round
from together.solo.models import KeptReview

pytestmark = pytest.mark.django_db(transaction=True)


def test_from_a_solo_review_to_a_partnership_round(page, facilitator, framework_version):
    framework = framework_version.framework
    visit(page, "/solo/")
    with page.expect_navigation():
        page.get_by_role("button", name="Start your review").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to your review").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    for theme in framework.themes:
        answer_theme(page, theme, "3")
        with page.expect_navigation():
            page.get_by_role("button", name="Save and continue").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Send and see your report").click()
    assert page.locator("h1").inner_text() == "Your private report"

    with page.expect_navigation():
        page.get_by_role("link", name="Invite your partners to answer the same review").click()
    assert page.locator("h1").inner_text() == "Invite your partners to answer the same review"
    assert "Your own answers are not carried into the round" in page.locator("main").inner_text()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Sign in to continue").click()
    page.get_by_label("Email address").fill(facilitator.email)
    page.get_by_label("Password").fill("a long enough password 1")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/solo/review/together/")

    assert_accessible(page)
    page.get_by_role("button", name="Create the partnership and round").click()
    assert "Enter the partnership's name" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Partnership name").fill("Afonvale Partnership")
    page.get_by_label("Place").fill("Afonvale")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the partnership and round").click()

    round_ = Round.objects.get()
    assert page.locator("h1").inner_text().startswith("First partnership review")
    assert "Your own answers are not part of the round" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    assert not Response.objects.exists()
    with page.expect_navigation():
        page.get_by_role("link", name="How I saw it then").click()
    assert page.url.endswith(f"/solo/then/{round_.pk}/")
    assert page.locator("h1").inner_text() == "How I saw it then"
    assert_accessible(page)
    assert KeptReview.objects.get().user == facilitator
