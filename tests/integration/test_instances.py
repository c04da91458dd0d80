"""Two instances of the service behind one address, sharing one database: a visitor's session,
the rate limits and the sign-in lockout hold whichever instance answers.

Everything an instance must share lives in the database (sessions, rate-limit windows, failed
sign-ins); no per-process state decides who may do what.
"""

import itertools
import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import ThreadingHTTPServer

import pytest
from django.db import connection

from tests.integration.servers import gunicorn
from tests.integration.test_proxies import _Proxy

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url(migrated) -> str:
    """PostgreSQL: the tests' own database. SQLite: a file of its own (a copy of the migrated
    template), so that no server process writes to the file this test process has open."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{migrated}"
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
    return f"postgres://{credentials}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


_CREATE_LEAD = """
import django
django.setup()
from together.accounts.models import User
User.objects.create_user(email="lead@council.example", password="right-password-1")
"""


def _create_lead(database_url: str, django_user_model) -> None:
    if database_url.startswith("sqlite:"):
        # With the production hashers, as the instances check passwords.
        environment = {
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "together.settings",
            "SECRET_KEY": "two-instances-" + "k" * 50,
            "DATABASE_URL": database_url,
        }
        subprocess.run([sys.executable, "-c", _CREATE_LEAD], env=environment, check=True, timeout=60)
    else:
        django_user_model.objects.create_user(email="lead@council.example", password="right-password-1")


@pytest.fixture
def two_instances(migrated, django_user_model, settings):
    # The instances check passwords with the production hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    database_url = _database_url(migrated)
    _create_lead(database_url, django_user_model)
    shared = {
        "DATABASE_URL": database_url,
        "TRUSTED_PROXIES": "127.0.0.1",
        "SIGN_IN_RATE_LIMIT": "5/minute",
        "SIGN_IN_LOCKOUT": "3/15minutes",
        "SECRET_KEY": "two-instances-" + "k" * 50,
    }
    with gunicorn(migrated, **shared) as first, gunicorn(migrated, **shared) as second:
        answered = []

        def ports():
            for port in itertools.cycle((first, second)):
                answered.append(port)
                yield port

        handler = type("RoundRobin", (_Proxy,), {"upstreams": ports()})
        proxy = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{proxy.server_address[1]}", answered, (first, second)
        proxy.shutdown()


class Browser:
    """Keeps cookies by hand (they are Secure, and the test speaks plain HTTP), never redirects."""

    def __init__(self, base):
        self.base, self.cookies = base, {}

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(NoRedirect)

    def open(self, path, fields=None):
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(self.base + path, data=data, headers={"Cookie": cookie})  # noqa: S310
        try:
            reply = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            reply = error
        for header in reply.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return reply.status if hasattr(reply, "status") else reply.code, reply.read().decode()

    def sign_in(self, email, password):
        _status, page = self.open("/sign-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        return self.open("/sign-in/", {"csrfmiddlewaretoken": token, "username": email, "password": password})


def test_a_session_started_on_one_instance_holds_on_the_other(two_instances):
    base, answered, (first, second) = two_instances
    browser = Browser(base)
    status, _page = browser.sign_in("lead@council.example", "right-password-1")
    assert status == 302
    for _ in range(2):  # whichever instance answers
        status, page = browser.open("/partnerships/")
        assert status == 200 and "Sign out" in page
    assert {first, second} <= set(answered)


def test_rate_limits_and_lockout_count_across_instances(two_instances):
    base, answered, (first, second) = two_instances
    # Three wrong passwords, spread over both instances, lock the account on both.
    statuses = [Browser(base).sign_in("lead@council.example", "guess")[0] for _ in range(3)]
    assert statuses == [200, 200, 429]
    for _ in range(2):
        status, page = Browser(base).sign_in("lead@council.example", "right-password-1")
        assert status == 429 and "This account is locked for now" in page
    assert {first, second} <= set(answered)
    # The same client address has now tried 5 times in the minute: a sixth is over the limit.
    status, page = Browser(base).sign_in("someone@council.example", "guess")
    assert status == 429 and "Too many sign-in attempts" in page
