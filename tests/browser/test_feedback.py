"""Feedback to respondents in the browser: a copy of their own answers after sending, and the
partnership's published "you said, we did" reached through the link they answered with."""

import pytest
from django.test import Client

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from tests.integration.helpers import close, complete_questionnaire, make_partnership, make_round
from together.feedback.models import Summary

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_respondent_sees_only_their_own_answers_after_sending(page, facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    framework = framework_version.framework
    visit(page, f"/r/{round_.open_link_code}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    page.locator('input[name="organisation"]').first.check()
    page.locator('input[name="group"]').first.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    for theme in framework.themes:
        for statement in theme.statements:
            page.locator(f'input[name="rating-{statement.id}"][value="4"]').check()
        with page.expect_navigation():
            page.get_by_role("button", name="Save and continue").click()
    page.locator('input[name="themes"]').first.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    assert page.locator("h1").inner_text() == "Check your answers before sending them"
    page.get_by_label("Show me my answers after I send them").check()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Send answers").click()

    assert page.locator("h1").inner_text() == "Your answers have been sent"
    copy = page.locator("#your-answers ~ dl").first.inner_text()
    assert framework.statements[0].text.en in copy
    assert f"4 – {framework.scale.level(4).label.en}" in copy
    assert framework.themes[0].title.en in page.locator("main").inner_text()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Forget this copy").click()
    assert page.locator("h1").inner_text() == "Your answers have been sent"
    assert "Forget this copy" not in page.content()


def test_you_said_we_did_from_writing_to_a_respondent_s_link(
    browser, live_server, page, facilitator, framework_version
):
    round_ = make_round(make_partnership(facilitator), framework_version)
    for _ in range(6):
        complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/", value="2")
    close(round_)
    first = framework_version.framework.themes[0]

    sign_in(page, facilitator)
    visit(page, f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Write “you said, we did” for the people who answered").click()
    assert page.locator("h1").inner_text() == "You said, we did"
    assert_accessible(page)
    page.get_by_label("Introduction").fill("Thank you to everyone who answered.")
    page.locator(f'textarea[name="theme-{first.id}"]').fill("Partners now meet monthly to agree shared outcomes.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert "once the round's results are published" in page.locator(".govuk-notification-banner").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Publish the results").click()
    assert Summary.objects.get().written

    context = browser.new_context(base_url=live_server.url)
    respondent = context.new_page()
    respondent.goto(f"/r/{round_.open_link_code}/")
    assert respondent.locator("h1").inner_text() == "This review is closed"
    assert_accessible(respondent)
    with respondent.expect_navigation():
        respondent.get_by_role("link", name="Read what the partnership heard and what it is doing about it").click()
    assert respondent.locator("h1").inner_text() == "You said, we did"
    main = respondent.locator("main").inner_text()
    assert "Thank you to everyone who answered." in main
    assert "Partners now meet monthly to agree shared outcomes." in main
    assert "6 people answered the review" in main
    assert_accessible(respondent)
    context.close()
