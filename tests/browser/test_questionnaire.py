"""The questionnaire in a real browser: completed with the keyboard alone, every page accessible."""

import pytest

from tests.browser.conftest import assert_accessible, visit
from tests.integration.helpers import make_partnership, make_round
from together.reviews.models import Answer, Response, ResponseState

pytestmark = pytest.mark.django_db(transaction=True)


def focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement; return {
            tag: e.tagName.toLowerCase(), type: e.type || '', name: e.name || '',
            text: (e.innerText || e.value || '').trim() }; }"""
    )


def tab_to(page, predicate, limit=400) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if predicate(element):
            return element
    raise AssertionError("keyboard focus never reached the element")


def answer_page_with_keyboard(page, comment: str | None = None) -> None:
    """Tab through the page: choose the third option of every radio group, then continue."""
    answered = set()
    for _ in range(600):
        page.keyboard.press("Tab")
        element = focused(page)
        if element["type"] == "radio" and element["name"] not in answered:
            # Arrow keys move through a group and select as they go.
            page.keyboard.press("ArrowDown")
            page.keyboard.press("ArrowDown")
            answered.add(element["name"])
        elif element["tag"] == "textarea" and comment:
            page.keyboard.type(comment)
        elif element["tag"] == "button" and element["text"] == "Save and continue":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
    raise AssertionError("never reached the Save and continue button")


def test_complete_the_questionnaire_with_the_keyboard_alone(page, facilitator, framework_version):
    organisations = ("Alder Housing", "Birch Health", "Cedar Council", "Damson Police")
    round_ = make_round(make_partnership(facilitator, organisations=organisations), framework_version)
    framework = framework_version.framework

    visit(page, f"/r/{round_.open_link_code}/")
    assert_accessible(page)
    tab_to(page, lambda e: e["text"].startswith("Start now"))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.locator("h1").inner_text() == "About you"
    assert_accessible(page)
    answer_page_with_keyboard(page)

    for number, theme in enumerate(framework.themes, start=1):
        assert page.locator("h1").inner_text() == theme.title.en
        assert f"Theme {number} of {len(framework.themes)}" in page.locator(".govuk-caption-l").inner_text()
        assert_accessible(page)
        answer_page_with_keyboard(page, comment="Said with the keyboard" if number == 1 else None)

    assert "Which themes most need" in page.locator("h1").inner_text()
    assert_accessible(page)
    tab_to(page, lambda e: e["type"] == "checkbox")
    page.keyboard.press("Space")
    tab_to(page, lambda e: e["text"] == "Save and continue")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.locator("h1").inner_text() == "Check your answers before sending them"
    assert_accessible(page)
    tab_to(page, lambda e: e["text"] == "Send answers")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.locator("h1").inner_text() == "Your answers have been sent"
    assert_accessible(page)

    response = Response.objects.get(round=round_)
    assert response.state == ResponseState.SUBMITTED
    values = set(Answer.objects.filter(response=response).values_list("value", flat=True))
    assert values == {3}
    assert Answer.objects.filter(response=response).count() == len(framework.statements)
    assert response.organisation.name == "Cedar Council"
    assert response.group.name == "Middle manager"
    assert response.comments.get().text == "Said with the keyboard"
    assert list(response.priorities.values_list("theme_id", flat=True)) == [framework.themes[0].id]


def test_error_pages_of_the_questionnaire_are_accessible(page, facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    visit(page, f"/r/{round_.open_link_code}/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_role("button", name="Save and continue").click()
    theme = framework_version.framework.themes[0]
    assert page.locator("h1").inner_text() == theme.title.en
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert summary.locator("li").count() == len(theme.statements)
    assert_accessible(page)
    # The summary links move focus to the question that needs an answer.
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.name") == f"rating-{theme.statements[0].id}"
    visit(page, f"/respond/{round_.public_id}/check/")
    page.get_by_role("button", name="Send answers").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)


def test_without_javascript_the_questionnaire_still_works(browser, live_server, facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    visit(page, f"/r/{round_.open_link_code}/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_role("button", name="Save and continue").click()
    theme = framework_version.framework.themes[0]
    for statement in theme.statements:
        page.get_by_role("group", name=statement.text.en).get_by_label("Mostly in place").check()
    page.get_by_role("button", name="Save and continue").click()
    assert page.locator("h1").inner_text() == framework_version.framework.themes[1].title.en
    assert Answer.objects.filter(value=4).count() == len(theme.statements)
    context.close()
