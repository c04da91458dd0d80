"""Every public page in a real browser: it loads, and axe-core finds no WCAG 2.2 A or AA violation."""

import re

import pytest

from tests.browser.conftest import assert_accessible, axe_violations, visit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/framework/",
        "/framework/shared-purpose/",
        "/framework/national-context/",
        "/accessibility/",
        "/privacy/",
    ],
)
def test_public_pages_are_accessible(page, framework_version, path):
    visit(page, path)
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_every_theme_page_is_accessible(page, framework_version):
    for theme in framework_version.framework.themes:
        visit(page, f"/framework/{theme.id}/")
        assert page.locator("h1").inner_text() == theme.title.en
        assert_accessible(page)


def test_sign_in_page_is_accessible_with_and_without_errors(page, db):
    visit(page, "/sign-in/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter your email address" in summary.inner_text()
    # GOV.UK Frontend moves focus to the summary so screen reader users hear it first.
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert_accessible(page)


def test_page_not_found_is_accessible(page, db):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert_accessible(page)


def test_axe_reports_a_real_violation(page, db):
    """The check itself works: a page with an unlabelled input fails it."""
    visit(page, "/sign-in/")
    page.evaluate("document.querySelector('label[for=id_username]').remove()")
    assert any(v["id"] == "label" for v in axe_violations(page))


def test_sign_in_with_the_keyboard_alone(page, facilitator):
    visit(page, "/sign-in/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    # Tab through the page until the email field has focus.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_username":
            break
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.keyboard.type("fran@northbridge.example")
    page.keyboard.press("Tab")
    page.keyboard.type("a long enough password 1")
    page.keyboard.press("Enter")
    # The browser keeps the skip link's #main-content through the redirect.
    page.wait_for_url(re.compile(r"/partnerships/(#main-content)?$"))
    assert page.locator("h1").inner_text() == "Your partnerships"
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "You have signed out." in page.locator("main").inner_text()
    assert_accessible(page)


def test_pages_work_without_javascript(browser, live_server, framework_version):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    visit(page, "/framework/")
    page.get_by_role("link", name=framework_version.framework.themes[0].title.en).click()
    assert page.locator("h1").inner_text() == framework_version.framework.themes[0].title.en
    context.close()
