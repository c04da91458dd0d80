"""The action plan in a real browser: propose an action from the results, move it on, all accessible."""

import pytest

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from together.actions.models import Action
from together.partnerships.models import Membership, Role
from together.reviews.models import Round
from together.web import demo

pytestmark = pytest.mark.django_db(transaction=True)


def test_propose_agree_and_record_progress(page, facilitator, framework_version):
    partnership = demo.seed(facilitator, framework_version)
    Membership.objects.update_or_create(partnership=partnership, user=facilitator, defaults={"role": Role.OWNER})
    closed = Round.objects.get(partnership=partnership, name="Spring 2026 review")
    sign_in(page, facilitator)
    visit(page, f"/partnerships/{partnership.pk}/rounds/{closed.pk}/results/attention/")
    page.get_by_role("link", name="Propose an action").first.click()
    assert page.locator("h1").inner_text() == "Propose an action"
    assert_accessible(page)
    page.get_by_role("button", name="Propose action").click()
    assert "Enter a title for the action" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Title").fill("Raise shared barriers with national bodies")
    page.get_by_label("Due date").fill("30/9/2027")
    page.get_by_role("button", name="Propose action").click()
    assert page.locator("h1").inner_text() == "Raise shared barriers with national bodies"
    assert_accessible(page)
    page.get_by_role("button", name="Mark as agreed").click()
    assert "The action is now agreed." in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_label("Note").fill("Letter drafted with the council's policy team")
    page.get_by_role("button", name="Record progress").click()
    assert "Letter drafted" in page.locator("main").inner_text()
    assert_accessible(page)
    action = Action.objects.get(title="Raise shared barriers with national bodies")
    assert action.state == "agreed" and action.round == closed
    visit(page, f"/partnerships/{partnership.pk}/actions/")
    assert_accessible(page)
    visit(page, f"/partnerships/{partnership.pk}/actions/?by=organisation")
    assert_accessible(page)


def test_an_action_can_be_proposed_and_agreed_with_the_keyboard_alone(page, facilitator, framework_version):
    from tests.browser.test_questionnaire import tab_to
    from tests.integration.helpers import make_partnership

    partnership = make_partnership(facilitator)
    sign_in(page, facilitator)
    visit(page, f"/partnerships/{partnership.pk}/actions/")
    tab_to(page, lambda e: e["text"] == "Propose an action")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, lambda e: e["name"] == "title")
    page.keyboard.type("Quarterly pressures session")
    tab_to(page, lambda e: e["name"] == "theme_id")
    page.keyboard.press("ArrowDown")  # the first theme
    tab_to(page, lambda e: e["text"] == "Propose action")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Quarterly pressures session"
    tab_to(page, lambda e: e["text"] == "Mark as agreed")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    action = Action.objects.get()
    assert action.state == "agreed" and action.theme_id == framework_version.framework.themes[0].id
    assert_accessible(page)
