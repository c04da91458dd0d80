"""The CSRF cookie is sent when it is new or changes, not again on every page; protection holds."""

import re

import pytest
from django.conf import settings
from django.test import Client

from tests.integration.helpers import make_partnership, make_round

pytestmark = pytest.mark.django_db


def _token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def test_the_cookie_is_set_once_and_forms_still_need_the_token(facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    browser = Client(enforce_csrf_checks=True)
    start = f"/r/{round_.open_link_code}/"

    first = browser.get(start)
    assert settings.CSRF_COOKIE_NAME in first.cookies  # a first visit gets the cookie
    cookie = browser.cookies[settings.CSRF_COOKIE_NAME].value
    again = browser.get(start)
    assert settings.CSRF_COOKIE_NAME not in again.cookies  # the browser has it already
    assert browser.cookies[settings.CSRF_COOKIE_NAME].value == cookie

    assert browser.post(start).status_code == 403  # no token: refused, as before
    assert browser.post(start, {"csrfmiddlewaretoken": "x" * 64}).status_code == 403
    sent = browser.post(start, {"csrfmiddlewaretoken": _token(again)})
    assert sent.status_code == 302


def test_a_new_token_at_sign_in_is_sent(facilitator):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/sign-in/")
    before = browser.cookies[settings.CSRF_COOKIE_NAME].value
    signed_in = browser.post(
        "/sign-in/",
        {"username": facilitator.email, "password": "a long enough password 1", "csrfmiddlewaretoken": _token(page)},
    )
    assert signed_in.status_code == 302
    assert settings.CSRF_COOKIE_NAME in signed_in.cookies
    assert signed_in.cookies[settings.CSRF_COOKIE_NAME].value != before
