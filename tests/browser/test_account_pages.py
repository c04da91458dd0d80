"""Accounts in the browser, every page checked with axe: resetting and changing a password, an
operator inviting and disabling someone, and signing up with an open domain and with approval."""

import re

import pytest
from django.core import mail

from tests.browser.conftest import assert_accessible, visit
from together.accounts.models import User
from together.messaging.worker import run_ready_tasks

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long enough password 1"
NEW_PASSWORD = "brass kettle orchard lantern"


def sign_in(page, email, password):
    visit(page, "/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sent_link(live_server, path_start):
    """The link in the last email, once the worker has sent what the pages queued (none is sent
    inside a request)."""
    outbox = len(mail.outbox)
    assert run_ready_tasks() >= 1
    assert len(mail.outbox) > outbox
    return link_in(mail.outbox[-1], live_server, path_start)


def link_in(message, live_server, path_start):
    return re.search(rf"{re.escape(live_server.url)}({path_start}\S+/)", message.body)[1]


def set_password(page, password, button="Save password"):
    page.get_by_label("New password", exact=True).fill(password)
    page.get_by_label("Confirm your new password").fill(password)
    page.get_by_role("button", name=button).click()


def test_reset_a_forgotten_password(page, facilitator, live_server):
    visit(page, "/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    assert page.locator("h1").inner_text() == "Reset your password"
    assert_accessible(page)
    page.get_by_role("button", name="Send a reset link").click()
    assert "Enter your email address" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Email address").fill(facilitator.email)
    page.get_by_role("button", name="Send a reset link").click()
    assert page.locator("h1").inner_text() == "Check your email"
    assert_accessible(page)

    visit(page, sent_link(live_server, "/account/password-reset/"))
    assert page.locator("h1").inner_text() == "Choose a new password"
    assert "set-password" in page.url
    assert_accessible(page)
    set_password(page, "short")
    assert "too short" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    set_password(page, NEW_PASSWORD)
    assert "Your password has been reset" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    page.get_by_label("Email address").fill(facilitator.email)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/partnerships/")


def test_change_a_password_from_the_account_page(page, facilitator):
    sign_in(page, facilitator.email, PASSWORD)
    page.wait_for_url("**/partnerships/")
    page.get_by_role("link", name="Your account").click()
    assert page.locator("h1").inner_text() == "Your account"
    assert page.get_by_role("link", name="Manage your API token").get_attribute("href") == "/account/api/"
    assert_accessible(page)
    page.get_by_role("link", name="Change your password").click()
    assert_accessible(page)
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm your new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    assert "Your current password is not right" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm your new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    assert "Your password has been changed" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    facilitator.refresh_from_db()
    assert facilitator.check_password(NEW_PASSWORD)


def test_an_operator_invites_someone_then_disables_them(page, browser, live_server):
    User.objects.create_user("ops@service.example", PASSWORD, is_staff=True)
    sign_in(page, "ops@service.example", PASSWORD)
    page.wait_for_url("**/partnerships/")
    page.get_by_role("link", name="Operator").click()
    assert page.locator("h1").inner_text() == "Operator area"
    assert_accessible(page)
    page.get_by_role("link", name="Invite someone").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send invitation").click()
    assert "Enter an email address" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Email address").fill("nia@council.example")
    page.get_by_label("Full name").fill("Nia Lead")
    page.get_by_role("button", name="Send invitation").click()
    assert page.locator("h1").inner_text() == "nia@council.example"
    assert "Invited" in page.locator("main").inner_text()
    assert_accessible(page)

    theirs = browser.new_context(base_url=live_server.url).new_page()
    visit(theirs, sent_link(live_server, "/account/set-password/"))
    assert theirs.locator("h1").inner_text() == "Choose your password"
    assert_accessible(theirs)
    set_password(theirs, NEW_PASSWORD)
    theirs.wait_for_url("**/partnerships/")

    page.reload()
    page.get_by_role("button", name="Disable account").click()
    assert "is disabled and has been signed out everywhere" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    theirs.reload()
    assert "/sign-in/" in theirs.url  # their session has ended
    sign_in(theirs, "nia@council.example", NEW_PASSWORD)
    assert "Enter a correct email address and password" in theirs.locator(".govuk-error-summary").inner_text()
    theirs.context.close()

    page.get_by_role("link", name="Back to accounts").click()
    page.get_by_label("Search by email address").fill("nia")
    page.get_by_role("button", name="Search").click()
    assert "1 account matching" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Audit log").first.click()
    text = page.locator("main").inner_text()
    assert "Account disabled" in text and "Sign-in failed" in text and "Account invited" in text
    assert_accessible(page)
    page.get_by_label("Action").select_option("account-disabled")
    page.get_by_role("button", name="Filter").click()
    assert "1 record" in page.locator("main").inner_text()
    page.get_by_role("link", name="Partnerships").first.click()
    assert_accessible(page)


def test_sign_up_with_an_open_domain(page, settings, live_server):
    settings.SIGNUP_OPEN_DOMAINS = ["*.gov.uk"]
    visit(page, "/sign-in/")
    page.get_by_role("link", name="ask for an account").click()
    assert page.locator("h1").inner_text() == "Ask for an account"
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    assert "Enter your full name" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    fill_sign_up(page, "lee@northbridge.gov.uk")
    assert "Open the link in it" in page.locator("main").inner_text()
    assert_accessible(page)
    visit(page, sent_link(live_server, "/sign-up/confirm/"))
    assert page.locator("h1").inner_text() == "Choose your password"
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm your password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    assert "Your account is ready" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("h1").inner_text() == "Create a partnership"


def test_sign_up_with_approval(page, browser, live_server):
    User.objects.create_user("ops@service.example", PASSWORD, is_staff=True)
    visit(page, "/sign-up/")
    fill_sign_up(page, "kim@charity.example")
    assert "Someone who runs this service will look at it" in page.locator("main").inner_text()
    assert_accessible(page)

    ops = browser.new_context(base_url=live_server.url).new_page()
    sign_in(ops, "ops@service.example", PASSWORD)
    ops.wait_for_url("**/partnerships/")
    visit(ops, "/operator/sign-ups/")
    assert_accessible(ops)
    ops.get_by_role("link", name="Kim Lead").click()
    assert "Northbridge Voluntary Action" in ops.locator("main").inner_text()
    assert_accessible(ops)
    ops.get_by_role("button", name="Approve request").click()
    assert "Approved" in ops.locator(".govuk-notification-banner").inner_text()
    ops.context.close()

    visit(page, sent_link(live_server, "/account/set-password/"))
    set_password(page, NEW_PASSWORD)
    page.wait_for_url("**/partnerships/")
    assert "Your password is set" in page.locator(".govuk-notification-banner").inner_text()


def fill_sign_up(page, email):
    page.get_by_label("Full name").fill("Kim Lead" if "charity" in email else "Lee Lead")
    page.get_by_label("Work email address").fill(email)
    page.get_by_label("Organisation").fill("Northbridge Voluntary Action")
    page.get_by_label("Why do you need an account?").fill("To review our partnership.")
    page.get_by_role("button", name="Continue").click()


class Refusing:
    """A mail backend whose server refuses every address."""

    def __init__(self, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"5.1.1 User unknown")})


def test_an_operator_sees_a_failed_account_email_and_tries_it_again(page, facilitator, live_server, settings):
    User.objects.create_user("ops@service.example", PASSWORD, is_staff=True)
    settings.EMAIL_BACKEND = f"{__name__}.Refusing"
    visit(page, "/account/password-reset/")
    page.get_by_label("Email address").fill(facilitator.email)
    page.get_by_role("button", name="Send a reset link").click()
    assert page.locator("h1").inner_text() == "Check your email"
    run_ready_tasks()
    assert mail.outbox == []

    sign_in(page, "ops@service.example", PASSWORD)
    page.wait_for_url("**/partnerships/")
    visit(page, "/operator/accounts/")
    table = page.get_by_role("table", name="Account emails that could not be sent")
    assert facilitator.email in table.inner_text() and "5.1.1 User unknown" in table.inner_text()
    assert_accessible(page)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page.get_by_role("button", name="Try failed ones again").click()
    assert "1 failed email is being tried again" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    assert page.get_by_role("table", name="Account emails that could not be sent").count() == 0, "queued again"
    visit(page, sent_link(live_server, "/account/password-reset/"))
    assert page.locator("h1").inner_text() == "Choose a new password"
