"""Two instances of the service behind one address, sharing one database: a visitor's session,
the rate limits and the sign-in lockout hold whichever instance answers, and a task queued by
one instance is run by the worker.

Each test runs twice: with everything shared in the database (the default: sessions, rate-limit
windows, failed sign-ins, the task queue), and with REDIS_URL and TASK_QUEUE=redis (the cache,
the rate-limit counts, sessions read through Redis, tasks on RQ), against a throwaway
redis-server. No per-process state decides who may do what.
"""

import itertools
import json
import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.db import connection

from tests.conftest import ROOT
from tests.integration.helpers import wait_for_a_fresh_window
from tests.integration.servers import environment, free_port, gunicorn
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


_SET_UP = """
import json, django
django.setup()
from together.accounts.models import User
from tests.conftest import FRAMEWORK_FILE
from tests.integration.helpers import make_partnership, make_round
from together.frameworks import services
from together.reviews import keys
from together.reviews.models import Invitation

lead = User.objects.create_user(email="lead@council.example", password="right-password-1")
round_ = make_round(make_partnership(lead), services.load(FRAMEWORK_FILE).version)
for n in range(3):
    seed = keys.new_invitation_seed()
    Invitation.objects.create(
        round=round_, email=f"person{n}@example.org", seed=seed,
        token_digest=keys.token_digest(keys.invitation_token(seed)),
    )
print(json.dumps({"partnership": round_.partnership_id, "round": round_.pk}))
"""
SECRET = "two-instances-" + "k" * 50


def _set_up(database_url: str) -> dict:
    """The lead's account, with the production hashers (the instances check passwords), and an
    open round of theirs with three people invited."""
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "together.settings",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": database_url,
    }
    made = subprocess.run(
        [sys.executable, "-c", _SET_UP], env=environment, cwd=ROOT, check=True, timeout=120, capture_output=True
    )
    return json.loads(made.stdout.decode().strip().splitlines()[-1])


class Outbox:
    """A local SMTP server keeping what it is sent."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture(params=["database", "redis"])
def store(request):
    """What the instances share: {} (everything in the database) or the Redis settings."""
    if request.param == "database":
        return {}
    return {"REDIS_URL": request.getfixturevalue("redis_url"), "TASK_QUEUE": "redis"}


@pytest.fixture
def outbox():
    kept = Outbox()
    controller = Controller(kept, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield kept, controller.port
    controller.stop()


@pytest.fixture
def two_instances(migrated, settings, store, outbox):
    # The instances check passwords with the production hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    database_url = _database_url(migrated)
    made = _set_up(database_url)
    shared = {
        "DATABASE_URL": database_url,
        "TRUSTED_PROXIES": "127.0.0.1",
        "SIGN_IN_RATE_LIMIT": "5/minute",
        "SIGN_IN_LOCKOUT": "3/15minutes",
        "SECRET_KEY": SECRET,
        "MFA_REQUIRED": "false",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(outbox[1]),
        "EMAIL_USE_TLS": "false",
        **store,
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
        yield Instances(f"http://127.0.0.1:{proxy.server_address[1]}", answered, (first, second), shared, made)
        proxy.shutdown()


class Instances:
    def __init__(self, base, answered, ports, shared, made):
        self.base, self.answered, self.ports, self.shared, self.made = base, answered, ports, shared, made

    def __iter__(self):  # base, answered, (first, second)
        return iter((self.base, self.answered, self.ports))

    def redis(self) -> redis.Redis | None:
        return redis.Redis.from_url(self.shared["REDIS_URL"]) if "REDIS_URL" in self.shared else None


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
    if (kept := two_instances.redis()) is not None:
        # Read through Redis (cached_db), with the database holding the durable copy.
        assert kept.keys("together:*django.contrib.sessions.cached_db*"), "the session is in Redis"


def test_rate_limits_and_lockout_count_across_instances(two_instances):
    base, answered, (first, second) = two_instances
    wait_for_a_fresh_window()
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
    if (kept := two_instances.redis()) is not None:
        counts = [int(kept.get(key)) for key in kept.keys("together:*ratelimit:*")]
        assert 6 in counts, "the address's sign-in attempts, counted in Redis"
        assert all(b"127.0.0.1" not in key for key in kept.keys("*")), "only a keyed hash of the address"


def _csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]


def test_a_task_queued_by_one_instance_is_run_by_the_worker(two_instances, outbox):
    base, answered, (first, second) = two_instances
    kept = two_instances.redis()
    round_page = "/partnerships/{partnership}/rounds/{round}/".format(**two_instances.made)
    browser = Browser(base)
    assert browser.sign_in("lead@council.example", "right-password-1")[0] == 302
    status, page = browser.open(round_page)
    assert status == 200
    status, _page = browser.open(round_page + "invitations/send/", {"csrfmiddlewaretoken": _csrf(page)})
    assert status == 302
    assert not outbox[0].messages, "the request queued the emails and sent none"
    if kept is not None:
        assert kept.llen("rq:queue:default") == 1, "one task on RQ's queue in Redis"

    worker = subprocess.run(
        [sys.executable, "-m", "together.cli", "worker", "--batch", "--no-startup-delay"],
        env=environment(Path("unused"), **two_instances.shared),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr
    assert sorted(to for (to,) in outbox[0].messages) == [f"person{n}@example.org" for n in range(3)]
    if kept is not None:
        assert kept.llen("rq:queue:default") == 0
    for _ in range(2):  # either instance shows them sent
        status, page = browser.open(round_page)
        assert status == 200
        assert re.search(r">Sent</dt>\s*<dd[^>]*>3</dd>", page) and re.search(
            r">Waiting to be sent</dt>\s*<dd[^>]*>0</dd>", page
        )
    assert {first, second} <= set(answered)
