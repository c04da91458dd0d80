"""Paper forms in the browser: the print page and printable form, keying a form in with the
keyboard, and double keying with a difference settled. Every page accessible."""

import pytest
from django.test import Client

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from tests.integration.helpers import add_member, make_partnership, make_round
from together.paper.models import EntryState, PaperEntry
from together.partnerships.models import Role
from together.reviews.models import Answer, Channel, Response

pytestmark = pytest.mark.django_db(transaction=True)


def key_form(page, framework, value: str, changed: dict | None = None) -> None:
    changed = changed or {}
    for statement in framework.statements:
        page.locator(f'input[name="r-{statement.id}"]').fill(changed.get(statement.id, value))
    page.locator(f'input[name="priorities"][value="{framework.themes[0].id}"]').check()


def test_print_key_and_settle_paper_forms(browser, live_server, page, facilitator, framework_version):
    from together.accounts.models import User

    round_ = make_round(make_partnership(facilitator), framework_version)
    framework = framework_version.framework
    base = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/paper/"
    sign_in(page, facilitator)
    visit(page, f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Paper forms: print the questionnaire and key in returned forms").click()
    assert page.locator("h1").inner_text() == "Paper forms"
    assert_accessible(page)
    page.get_by_label("Where should people send their completed form?").fill("Freepost NORTHBRIDGE REVIEW")
    page.get_by_label("Key each form twice").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save settings").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Open the form to print from your browser", exact=True).click()
    assert page.locator("h1").inner_text() == round_.name
    assert "Freepost NORTHBRIDGE REVIEW" in page.locator("main").inner_text()
    assert_accessible(page)

    # The first keying, by the keyboard: type a digit and Tab on.
    visit(page, base + "key/")
    assert page.locator("h1").inner_text() == "Key in a paper form"
    assert_accessible(page)
    page.locator('input[name="r-' + framework.statements[0].id + '"]').focus()
    for _ in framework.statements:
        page.keyboard.type("4")
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "TEXTAREA":
            page.keyboard.press("Tab")
    page.locator(f'input[name="priorities"][value="{framework.themes[0].id}"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save this form").click()
    assert "Form 1 keyed once" in page.locator(".govuk-notification-banner").inner_text()
    entry = PaperEntry.objects.get()
    assert entry.state == EntryState.AWAITING_CHECK
    assert all(v == "4" for v in entry.first["ratings"].values())

    # A colleague keys it again and misreads one box.
    colleague = User.objects.create_user("k@northbridge.example", "a long enough password 1", name="Kay")
    add_member(round_.partnership, colleague, role=Role.FACILITATOR)
    context = browser.new_context(base_url=live_server.url)
    other = context.new_page()
    sign_in(other, colleague)
    visit(other, base)
    with other.expect_navigation():
        other.get_by_role("link", name="Key form 1 again").click()
    assert other.locator("h1").inner_text() == "Key form 1 again"
    assert_accessible(other)
    misread = framework.statements[2]
    key_form(other, framework, "4", {misread.id: "3"})
    with other.expect_navigation():
        other.get_by_role("button", name="Check against the first keying").click()
    assert other.locator("h1").inner_text() == "Settle form 1"
    assert "differ in 1 place" in other.locator("main").inner_text()
    assert_accessible(other)
    other.get_by_role("button", name="Enter the form").click()
    assert "Choose which keying is right for: 1.3" in other.locator(".govuk-error-summary").inner_text()
    assert_accessible(other)
    other.get_by_label("First keying: 4").check()
    with other.expect_navigation():
        other.get_by_role("button", name="Enter the form").click()
    assert "Form 1 settled and entered" in other.locator(".govuk-notification-banner").inner_text()
    context.close()

    response = Response.objects.get()
    assert response.channel == Channel.PAPER
    assert Answer.objects.get(response=response, statement_id=misread.id).value == 4
    assert Client().get(base).status_code == 302  # signed out: to sign in
