"""Workshop mode: four accessible screens, moved through with the keyboard, capturing actions live."""

import pytest

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from together.actions.models import Action
from together.partnerships.models import Membership, Role
from together.reviews.models import Round
from together.web import demo

pytestmark = pytest.mark.django_db(transaction=True)


def test_walk_through_the_workshop_with_the_keyboard_and_capture_an_action(page, facilitator, framework_version):
    partnership = demo.seed(facilitator, framework_version)
    Membership.objects.update_or_create(partnership=partnership, user=facilitator, defaults={"role": Role.OWNER})
    closed = Round.objects.get(partnership=partnership, name="Spring 2026 review")
    sign_in(page, facilitator)
    visit(page, f"/partnerships/{partnership.pk}/rounds/{closed.pk}/workshop/")
    headings = []
    for step in range(4):
        headings.append(page.locator("h1").inner_text())
        assert f"Step {step + 1} of 4" in page.locator(".govuk-caption-xl").inner_text()
        assert_accessible(page)
        if step < 3:
            with page.expect_navigation():
                page.keyboard.press("ArrowRight")
    assert headings == [
        "Headline results",
        "Where we see things differently",
        "Where to pay attention",
        "Agree actions",
    ]

    # Typing in the form does not move between steps.
    page.get_by_label("Action").fill("Listening sessions")
    page.get_by_label("Action").press("ArrowLeft")
    assert page.locator("h1").inner_text() == "Agree actions"
    page.get_by_label("Theme").select_option(label="Involving the whole workforce")
    page.get_by_role("button", name="Add to the action plan").click()
    assert "Added to the action plan: Listening sessions" in page.locator(".govuk-notification-banner").inner_text()
    assert "Listening sessions" in page.locator(".app-workshop__list").inner_text()
    assert_accessible(page)
    action = Action.objects.get(title="Listening sessions")
    assert action.state == "agreed" and action.round == closed and action.theme_id == "whole-workforce"

    page.locator("body").click()
    with page.expect_navigation():
        page.keyboard.press("ArrowLeft")
    assert page.locator("h1").inner_text() == "Where to pay attention"


def test_workshop_works_without_javascript(browser, live_server, facilitator, framework_version):
    partnership = demo.seed(facilitator, framework_version)
    Membership.objects.update_or_create(partnership=partnership, user=facilitator, defaults={"role": Role.OWNER})
    closed = Round.objects.get(partnership=partnership, name="Spring 2026 review")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, facilitator)
    visit(page, f"/partnerships/{partnership.pk}/rounds/{closed.pk}/workshop/")
    page.get_by_role("link", name="Next step").click()
    assert page.locator("h1").inner_text() == "Where we see things differently"
    context.close()
