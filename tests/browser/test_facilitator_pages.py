"""A facilitator sets up a partnership and a round in the browser; every page is accessible."""

import pytest

from tests.browser.conftest import assert_accessible, visit
from together.partnerships.models import Partnership
from together.reviews.models import Invitation, Round

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, user):
    visit(page, "/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("a long enough password 1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/partnerships/")


def test_set_up_a_partnership_and_run_a_round(page, facilitator, framework_version, tmp_path):
    sign_in(page, facilitator)
    assert_accessible(page)

    page.get_by_role("link", name="Create a partnership").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    assert "Enter the partnership's name" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Northbridge Partnership")
    page.get_by_label("Place").fill("Northbridge")
    page.get_by_label("Shared long-term vision").fill("Every resident lives a healthy, safe and fulfilling life.")
    page.get_by_label("Year the vision looks ahead to").fill("2040")
    page.get_by_role("button", name="Save").click()
    assert page.locator("h1").inner_text() == "Northbridge Partnership"
    assert "Our shared vision for 2040" in page.locator("main").inner_text()
    assert_accessible(page)
    partnership = Partnership.objects.get()

    page.get_by_role("link", name="Add a partner organisation").click()
    assert_accessible(page)
    page.get_by_label("Organisation name").fill("Northbridge Council")
    page.get_by_label("Local authority").check()
    page.get_by_role("button", name="Save").click()
    assert "Northbridge Council saved." in page.locator(".govuk-notification-banner").inner_text()

    page.get_by_role("link", name="Members and roles").click()
    assert_accessible(page)
    page.get_by_role("link", name="Invite a colleague").click()
    assert_accessible(page)
    page.get_by_label("Email address").fill("viewer@northbridge.example")
    page.get_by_label("Viewer").check()
    page.get_by_role("button", name="Save").click()
    assert "An invitation is on its way to viewer@northbridge.example." in page.locator("main").inner_text()

    visit(page, f"/partnerships/{partnership.pk}/")
    page.get_by_role("link", name="Start a review round").click()
    assert_accessible(page)
    page.get_by_label("Round name").fill("Spring 2027 review")
    page.get_by_role("button", name="Create round").click()
    assert page.locator("h1").inner_text().startswith("Spring 2027 review")
    assert_accessible(page)
    page.get_by_role("button", name="Open the round").click()
    assert "The round is now open." in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    round_ = Round.objects.get()
    assert round_.state == "open"

    page.get_by_role("link", name="Add invitations from a CSV file").click()
    assert_accessible(page)
    bad = tmp_path / "people.csv"
    bad.write_text("email,organisation\nnot-an-email,Northbridge Council\n")
    page.get_by_label("Upload a CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and check").click()
    assert "Row 2, column email: 'not-an-email' is not an email address" in page.locator("#row-errors").inner_text()
    assert_accessible(page)
    good = tmp_path / "good.csv"
    good.write_text("name,email,organisation\nSam Patel,sam@northbridge.example,Northbridge Council\n")
    page.get_by_label("Upload a CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Upload and check").click()
    assert Invitation.objects.count() == 1
    page.get_by_role("button", name="Email 1 invitation").click()
    assert "1 invitation is being sent." in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)


def test_round_page_with_failed_emails(page, facilitator, framework_version):
    from tests.integration.helpers import make_partnership, make_round
    from together.messaging.models import Kind, OutgoingEmail, Status
    from together.reviews import invitations

    round_ = make_round(make_partnership(facilitator), framework_version)
    invitations.import_csv(round_, b"email\nsam@example.org\nali@example.org\njo@example.org\n")
    invitations.send_invitations(round_, "https://review.example")
    emails = {e.invitation.email: e for e in OutgoingEmail.objects.select_related("invitation")}
    OutgoingEmail.objects.filter(pk=emails["sam@example.org"].pk).update(
        status=Status.FAILED, attempts=1, reason="The mail server refused this address (550: 5.1.1 User unknown)"
    )
    OutgoingEmail.objects.filter(pk=emails["ali@example.org"].pk).update(status=Status.SENT, attempts=1)
    assert OutgoingEmail.objects.filter(kind=Kind.INVITATION, status=Status.QUEUED).count() == 1

    sign_in(page, facilitator)
    visit(page, f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/")
    text = page.locator("main").inner_text()
    assert "Emails that could not be sent" in text and "sam@example.org" in text
    assert "The mail server refused this address (550: 5.1.1 User unknown)" in text
    assert_accessible(page)
    page.get_by_role("button", name="Try failed ones again").click()
    assert "1 failed email is being tried again." in page.locator(".govuk-notification-banner").inner_text()
    assert "Emails that could not be sent" not in page.locator("main").inner_text()
    assert_accessible(page)
