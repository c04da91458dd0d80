"""A person makes an API token in the browser, sees it once, uses it, and revokes it; the page is
accessible at every step, errors included."""

import re

import pytest
from django.test import Client

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from together.api.models import ApiToken

pytestmark = pytest.mark.django_db(transaction=True)


def test_make_copy_once_and_revoke_a_token(page, facilitator):
    sign_in(page, facilitator)
    page.get_by_role("link", name="API access for analysts").click()
    assert page.locator("h1").inner_text() == "API access"
    assert "You have no API tokens." in page.locator("main").inner_text()
    assert page.get_by_label("90 days").is_checked()
    assert_accessible(page)

    page.get_by_role("button", name="Create a token").click()
    assert "Enter a name for the token" in page.locator(".govuk-error-summary").inner_text()
    assert page.title().startswith("Error:")
    assert_accessible(page)
    assert not ApiToken.objects.exists()

    page.get_by_label("Name").fill("Power BI dashboard")
    page.get_by_label("30 days").check()
    page.get_by_role("button", name="Create a token").click()
    key = page.locator("#new-token").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert "Copy it now: it will not be shown again" in page.locator(".govuk-warning-text").inner_text()
    assert_accessible(page)
    row = page.locator("tbody tr", has_text="Power BI dashboard")
    assert "Not yet" in row.inner_text()

    assert Client().get("/api/v1/partnerships/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    visit(page, "/account/api/")
    assert page.locator("#new-token").count() == 0 and key not in page.content(), "shown once"
    assert "Not yet" not in page.locator("tbody").inner_text()
    assert_accessible(page)

    page.get_by_role("button", name="Revoke Power BI dashboard").click()
    assert "Token “Power BI dashboard” revoked" in page.locator(".govuk-notification-banner").inner_text()
    assert "You have no API tokens." in page.locator("main").inner_text()
    assert_accessible(page)
    assert Client().get("/api/v1/partnerships/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
