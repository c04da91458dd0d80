"""Setting up an authenticator app, signing in with a code and with a recovery code, and single
sign-on through the test suite's OpenID Connect provider, in the browser; every page accessible."""

from base64 import b32decode
from binascii import hexlify

import pytest
from django_otp.oath import totp

from tests.browser.conftest import assert_accessible, visit
from tests.integration.helpers import make_partnership

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long enough password 1"


def code_for(secret_hex: str, steps_ahead: int = 0) -> str:
    return f"{totp(bytes.fromhex(secret_hex), drift=steps_ahead):06d}"


def sign_in_with_password(page, email):
    visit(page, "/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")


def test_set_up_an_app_then_sign_in_with_a_code_and_with_a_recovery_code(page, facilitator, settings):
    settings.MFA_REQUIRED = True
    make_partnership(facilitator)  # an owner, so the app is required

    sign_in_with_password(page, facilitator.email)
    page.wait_for_url("**/account/security/set-up/")
    assert "set up an authenticator app before you carry on" in page.locator("main").inner_text()
    assert page.get_by_role("img", name="QR code to add this service to your authenticator app").is_visible()
    assert_accessible(page)
    shown = page.locator("[data-secret]").inner_text()
    secret = hexlify(b32decode(shown.replace(" ", ""))).decode()

    page.get_by_label("Code from your authenticator app").fill("12345")
    page.get_by_role("button", name="Confirm").click()
    assert "Enter the code as 6 digits, like 123456" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app").fill(code_for(secret))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/account/security/recovery-codes/")
    assert_accessible(page)
    codes = page.locator("[data-recovery-code]").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("button", name="I have saved my codes").click()
    page.wait_for_url("**/account/security/")
    assert "9 left" not in page.locator("main").inner_text() and "10 left" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Make new recovery codes").click()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("button", name="Remove the authenticator app").click()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    sign_out(page)

    # With a code from the app.
    sign_in_with_password(page, facilitator.email)
    page.wait_for_url("**/sign-in/code/")
    assert_accessible(page)
    page.get_by_label("Code").fill("999")
    page.get_by_role("button", name="Continue").click()
    assert "or a recovery code of 8 letters and numbers" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Code").fill(code_for(secret, 1))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/partnerships/")
    sign_out(page)

    # With a recovery code.
    sign_in_with_password(page, facilitator.email)
    page.wait_for_url("**/sign-in/code/")
    page.get_by_text("I cannot use my authenticator app").click()
    assert_accessible(page)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/partnerships/")
    assert "You have 9 left" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)


def test_sign_in_through_the_identity_provider(page, facilitator, oidc_provider, settings, live_server):
    oidc_provider.sign_in_as(facilitator.email)
    visit(page, "/sign-in/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in with Microsoft").click()
    page.wait_for_url(f"{live_server.url}/partnerships/")
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert_accessible(page)
    sign_out(page)

    oidc_provider.sign_in_as("stranger@elsewhere.example")
    visit(page, "/sign-in/")
    page.get_by_role("button", name="Sign in with Microsoft").click()
    page.wait_for_url("**/sign-in/sso/callback/**")
    assert "There is no account for stranger@elsewhere.example" in page.locator("main").inner_text()
    assert_accessible(page)
