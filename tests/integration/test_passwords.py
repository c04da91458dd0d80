"""Forgotten and changed passwords: Django's token links, the same answer for every address,
limits per address and per account, and other sessions ended by a change."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from together.accounts.models import User
from together.messaging.models import OutgoingEmail
from together.messaging.worker import run_ready_tasks
from together.operator.audit import involving
from together.operator.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough password 1"
NEW_PASSWORD = "brass kettle orchard lantern"


def reset_link(message) -> str:
    return re.search(r"http://testserver(/account/password-reset/\S+/)", message.body)[1]


def ask_for_reset(client, email):
    return client.post(reverse("password-reset"), {"email": email})


def test_sign_in_page_links_to_password_reset(client):
    html = client.get(reverse("sign-in")).content.decode()
    assert 'href="/account/password-reset/"' in html and "Forgotten your password?" in html


def test_reset_sends_a_link_that_sets_a_new_password_once(client, facilitator, mailoutbox):
    response = ask_for_reset(client, "Fran@Northbridge.example")
    assert response.status_code == 302 and response["Location"] == reverse("password-reset-sent")
    # Queued in the request, sent by the worker.
    assert mailoutbox == [] and OutgoingEmail.objects.get().kind == "password-reset"
    assert run_ready_tasks() == 1
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["fran@northbridge.example"]
    link = reset_link(mailoutbox[0])
    form_page = client.get(link)
    assert form_page.status_code == 302 and "set-password" in form_page["Location"]  # the token leaves the address
    response = client.post(form_page["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("sign-in")
    facilitator.refresh_from_db()
    assert facilitator.check_password(NEW_PASSWORD)
    again = Client().get(link, follow=True)
    assert "This link does not work" in again.content.decode()
    assert list(involving(AuditEvent.objects.all(), facilitator).values_list("action", flat=True)) == [
        "password-reset",
        "password-reset-requested",
    ]


def test_same_answer_for_known_and_unknown_addresses(client, facilitator, mailoutbox):
    known = ask_for_reset(client, facilitator.email)
    unknown = ask_for_reset(Client(), "nobody@northbridge.example")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    sent_known = Client().get(known["Location"]).content.decode()
    sent_unknown = Client().get(unknown["Location"]).content.decode()
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    assert strip(sent_known) == strip(sent_unknown)
    assert "If the address you entered belongs to an account" in sent_known
    run_ready_tasks()
    assert [message.to for message in mailoutbox] == [[facilitator.email]]


def test_disabled_accounts_get_no_reset_email(client, facilitator, mailoutbox):
    User.objects.filter(pk=facilitator.pk).update(is_active=False)
    assert ask_for_reset(client, facilitator.email).status_code == 302
    run_ready_tasks()
    assert mailoutbox == [] and not OutgoingEmail.objects.exists()


def test_a_reset_link_expires(client, facilitator, mailoutbox, settings):
    ask_for_reset(client, facilitator.email)
    run_ready_tasks()
    link = reset_link(mailoutbox[0])
    later = mock.patch(
        "together.accounts.tokens.ResetTokens._now",
        return_value=__import__("datetime").datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60),
    )
    with later:
        page = client.get(link, follow=True).content.decode()
    assert "This link does not work" in page
    assert settings.PASSWORD_RESET_TIMEOUT == 3600  # PASSWORD_RESET_HOURS defaults to 1


def test_reset_is_limited_per_address(client, facilitator, settings, mailoutbox):
    settings.PASSWORD_RESET_RATE_LIMIT = (2, 3600)
    for _ in range(2):
        assert ask_for_reset(client, "someone@example.org").status_code == 302
    refused = ask_for_reset(client, facilitator.email)
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    run_ready_tasks()
    assert mailoutbox == []


def test_reset_is_limited_per_account_from_any_address(facilitator, settings, mailoutbox):
    settings.PASSWORD_RESET_ACCOUNT_LIMIT = (2, 3600)
    for number in range(4):
        client = Client(REMOTE_ADDR=f"198.51.100.{number}")
        response = ask_for_reset(client, facilitator.email)
        assert response.status_code == 302 and response["Location"] == reverse("password-reset-sent")
    run_ready_tasks()
    assert len(mailoutbox) == 2


def test_bad_reset_input_gets_a_clear_error(client):
    response = ask_for_reset(client, "not an email")
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in response.content.decode()


def test_change_password_keeps_this_session_and_ends_others(facilitator):
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        assert client.post(reverse("sign-in"), {"username": facilitator.email, "password": PASSWORD}).status_code == 302
    assert elsewhere.get(reverse("account")).status_code == 200
    wrong = here.post(
        reverse("password-change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "Your current password is not right" in wrong.content.decode()
    mismatch = here.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
    )
    assert "The passwords do not match" in mismatch.content.decode()
    facilitator.refresh_from_db()
    assert facilitator.check_password(PASSWORD)
    response = here.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Your password has been changed" in response.content.decode()
    assert here.get(reverse("account")).status_code == 200
    assert elsewhere.get(reverse("account")).status_code == 302  # signed out
    assert AuditEvent.objects.filter(action="password-changed", actor=facilitator).count() == 1


def test_account_page_links_to_password_change_and_api_access(client, facilitator):
    client.force_login(facilitator)
    html = client.get(reverse("account")).content.decode()
    assert reverse("password-change") in html and reverse("api-token") in html
    assert reverse("operator:home") not in html
    assert Client().get(reverse("account")).status_code == 302


def test_reset_and_sign_up_tokens_are_kept_out_of_logs():
    from together.reviews.keys import redact

    assert redact("GET /account/password-reset/MQ/abc123-def456/ 302") == "GET /account/password-reset/MQ/…/ 302"
    assert redact("GET /account/set-password/MQ/abc123-def456/ 302") == "GET /account/set-password/MQ/…/ 302"
    assert redact("GET /sign-up/confirm/eyJhbGc:1x:sig/ 302") == "GET /sign-up/confirm/…/ 302"
    assert redact("GET /account/password-reset/sent/ 200") == "GET /account/password-reset/sent/ 200"
