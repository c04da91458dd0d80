"""Sign-up for a partnership lead: open domains confirm by email, others wait for an operator;
the answer never says whether an address has an account; limited per address; off when SIGNUP=off."""

import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from together.accounts.models import User
from together.messaging.worker import run_ready_tasks
from together.operator.models import AuditEvent, SignupRequest

pytestmark = pytest.mark.django_db

PASSWORD = "copper meadow violin 42"
OPEN = ["*.gov.uk", "*.nhs.uk", "*.nhs.net", "*.police.uk"]


def form(email, **changes):
    return {
        "name": "Lee Lead",
        "email": email,
        "organisation": "Northbridge Council",
        "reason": "To review the Northbridge Partnership.",
        **changes,
    }


def strip(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.fixture
def open_domains(settings):
    settings.SIGNUP_OPEN_DOMAINS = OPEN


def test_open_domain_confirms_by_email_then_chooses_a_password(client, open_domains, mailoutbox):
    response = client.post("/sign-up/", form("Lee@Northbridge.gov.uk"))
    assert response.status_code == 302 and response["Location"] == "/sign-up/sent/"
    assert "Open the link in it to confirm your address" in client.get("/sign-up/sent/").content.decode()
    assert mailoutbox == [], "the worker sends it, not the request"
    run_ready_tasks()
    # Kept only until the link had gone.
    assert not User.objects.exists() and not SignupRequest.objects.exists()
    link = re.search(r"http://testserver(/sign-up/confirm/\S+/)", mailoutbox[0].body)[1]
    browser = Client()
    opened = browser.get(link)
    assert opened.status_code == 302 and opened["Location"] == "/sign-up/confirm/"
    assert "lee@northbridge.gov.uk" in browser.get("/sign-up/confirm/").content.decode()
    mismatch = browser.post("/sign-up/confirm/", {"password1": PASSWORD, "password2": "other"})
    assert "The passwords do not match" in mismatch.content.decode()
    weak = browser.post("/sign-up/confirm/", {"password1": "12345678", "password2": "12345678"})
    assert "too short" in weak.content.decode()
    done = browser.post("/sign-up/confirm/", {"password1": PASSWORD, "password2": PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("partnership-create")
    user = User.objects.get()
    assert (user.email, user.name, user.check_password(PASSWORD)) == ("lee@northbridge.gov.uk", "Lee Lead", True)
    assert browser.get(reverse("partnership-create")).status_code == 200
    assert Client().get(link).status_code == 302  # the link still reads, but the account exists:
    again = Client()
    again.get(link)
    used = again.post("/sign-up/confirm/", {"password1": PASSWORD, "password2": PASSWORD})
    assert used["Location"] == reverse("sign-in") and User.objects.count() == 1
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["sign-up-requested", "sign-up-confirmed", "sign-in"]


def test_a_forged_or_expired_confirmation_link_does_not_work(client, open_domains, settings):
    assert client.get("/sign-up/confirm/forged/").status_code == 404
    token = signing.dumps({"email": "a@b.gov.uk", "name": "A", "organisation": "B"}, salt="wrong")
    assert "This link does not work" in client.get(f"/sign-up/confirm/{token}/").content.decode()
    settings.SIGNUP_LINK_TIMEOUT = -1
    token = signing.dumps(
        {"email": "a@b.gov.uk", "name": "A", "organisation": "B"}, salt="together.operator.signup", compress=True
    )
    assert client.get(f"/sign-up/confirm/{token}/").status_code == 404
    assert client.get("/sign-up/confirm/").status_code == 404


def test_other_domains_wait_for_approval_and_are_emailed(ops_client, open_domains, mailoutbox):
    ops, operator = ops_client
    Client().post("/sign-up/", form("lee@charity.example"))
    run_ready_tasks()
    waiting = SignupRequest.objects.get()
    assert (waiting.email, waiting.organisation) == ("lee@charity.example", "Northbridge Council")
    assert "will look at your request" in mailoutbox[0].body
    assert "Lee Lead" in ops.get("/operator/sign-ups/").content.decode()
    assert "To review the Northbridge Partnership." in ops.get(f"/operator/sign-ups/{waiting.pk}/").content.decode()
    response = ops.post(f"/operator/sign-ups/{waiting.pk}/", {"decision": "approve"})
    assert response.status_code == 302
    run_ready_tasks()
    user = User.objects.get(email="lee@charity.example")
    assert not user.has_usable_password() and not SignupRequest.objects.exists()
    assert "has been approved" in mailoutbox[1].body and "/account/set-password/" in mailoutbox[1].body
    assert AuditEvent.objects.filter(action="sign-up-approved", actor=operator, target=user).exists()


def test_an_operator_refuses_a_request_and_the_person_is_told(ops_client, mailoutbox):
    ops, operator = ops_client
    Client().post("/sign-up/", form("kim@example.org"))
    waiting = SignupRequest.objects.get()
    missing = ops.post(f"/operator/sign-ups/{waiting.pk}/", {})
    assert "Choose whether to approve or refuse" in missing.content.decode()
    ops.post(f"/operator/sign-ups/{waiting.pk}/", {"decision": "refuse", "note": "Ask your council's lead."})
    ops.get("/operator/sign-ups/")  # the message shown once
    assert "No sign-up requests are waiting" in ops.get("/operator/sign-ups/").content.decode()
    assert ops.get(f"/operator/sign-ups/{waiting.pk}/").status_code == 404
    run_ready_tasks()
    assert not SignupRequest.objects.exists() and not User.objects.filter(email="kim@example.org").exists()
    assert "has been refused" in mailoutbox[-1].body and "Ask your council's lead." in mailoutbox[-1].body
    event = AuditEvent.objects.get(action="sign-up-refused")
    assert (event.actor, event.target_email) == (operator, "kim@example.org")


def test_the_answer_never_says_whether_an_address_has_an_account(facilitator, open_domains, mailoutbox):
    User.objects.create_user("known@northbridge.gov.uk", PASSWORD)
    for known, unknown in [
        ("known@northbridge.gov.uk", "unknown@northbridge.gov.uk"),
        (facilitator.email, "unknown@charity.example"),
    ]:
        pages = []
        for email in (known, unknown):
            client = Client()
            response = client.post("/sign-up/", form(email))
            assert response.status_code == 302 and response["Location"] == "/sign-up/sent/"
            pages.append(strip(client.get("/sign-up/sent/").content.decode()))
        assert pages[0] == pages[1]
    run_ready_tasks()
    assert User.objects.count() == 2 and list(SignupRequest.objects.values_list("email", flat=True)) == [
        "unknown@charity.example"
    ]
    existing = [message for message in mailoutbox if message.to in (["known@northbridge.gov.uk"], [facilitator.email])]
    assert len(existing) == 2 and all("already has one" in message.body for message in existing)


def test_asking_twice_makes_one_request_and_one_email(client, mailoutbox):
    client.post("/sign-up/", form("kim@example.org"))
    Client().post("/sign-up/", form("KIM@example.org", reason="Again"))
    run_ready_tasks()
    assert SignupRequest.objects.count() == 1 and len(mailoutbox) == 1


def test_sign_up_is_limited_per_address(settings, mailoutbox):
    settings.SIGNUP_RATE_LIMIT = (2, 3600)
    client = Client()
    for number in range(2):
        assert client.post("/sign-up/", form(f"p{number}@example.org")).status_code == 302
    refused = client.post("/sign-up/", form("p9@example.org"))
    assert refused.status_code == 429 and "Too many requests" in refused.content.decode()
    assert SignupRequest.objects.count() == 2


def test_bad_input_is_named_and_changes_nothing(client, mailoutbox):
    response = client.post("/sign-up/", form("not-an-email", name="", organisation="", reason="x" * 1001))
    html = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Enter your full name",
        "Enter an email address in the correct format",
        "Enter the organisation you work for",
        "Why you need an account must be 1,000 characters or fewer",
    ):
        assert message in html
    assert not SignupRequest.objects.exists() and mailoutbox == []


def test_sign_up_off_removes_every_page_and_the_link(client, settings, open_domains):
    settings.SIGNUP = "off"
    assert 'href="/sign-up/"' not in client.get(reverse("sign-in")).content.decode()
    for url in ("/sign-up/", "/sign-up/sent/", "/sign-up/confirm/", "/sign-up/confirm/x/"):
        assert client.get(url).status_code == 404, url
    assert client.post("/sign-up/", form("lee@northbridge.gov.uk")).status_code == 404
    settings.SIGNUP = "on"
    assert 'href="/sign-up/"' in client.get(reverse("sign-in")).content.decode()


def test_open_domain_patterns(open_domains):
    from together.operator.signup import open_domain

    assert open_domain("a@northbridge.gov.uk") and open_domain("a@trust.NHS.net")
    assert not open_domain("a@gov.uk.example.com") and not open_domain("a@example.org")


@pytest.fixture
def ops_client(db):
    operator = User.objects.create_user("ops@service.example", PASSWORD, is_staff=True)
    client = Client()
    client.force_login(operator)
    return client, operator
