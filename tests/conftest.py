import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK_FILE = ROOT / "frameworks" / "transforming-together.yaml"
MINIMAL_FILE = ROOT / "tests" / "data" / "minimal.yaml"


@pytest.fixture
def framework_version(db):
    from together.frameworks import services

    return services.load(FRAMEWORK_FILE).version


@pytest.fixture
def facilitator(db):
    from together.accounts.models import User

    return User.objects.create_user("fran@northbridge.example", "a long enough password 1", name="Fran Facilitator")


@pytest.fixture(autouse=True)
def _language_of_the_last_request_forgotten():
    # A request's language stays active in the thread that served it (Django never undoes it), so
    # a test that opened a Welsh page would leave reverse() giving "/cy/…" to the next test.
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing is deliberately slow; tests create many accounts and only need it to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _oidc_server():
    from tests.oidc_provider import Provider

    provider = Provider().start()
    yield provider
    provider.stop()


@pytest.fixture
def oidc_provider(_oidc_server, settings):
    """The test suite's own OpenID Connect provider, and the service configured to use it."""
    from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET
    from together.signin import oidc

    _oidc_server.refuse = False
    _oidc_server.audience = ""
    _oidc_server.forger = None
    _oidc_server.person = {}
    settings.OIDC_ISSUER = _oidc_server.issuer
    settings.OIDC_ENDPOINTS = dict.fromkeys(settings.OIDC_ENDPOINTS, "")
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    oidc.forget_discovery()
    yield _oidc_server
    oidc.forget_discovery()


@pytest.fixture
def security_events():
    """Every security event sent while the test runs, as (user, action, detail)."""
    from together.signin.signals import security_event

    seen = []

    def record(sender, user, action, detail, **kwargs):
        seen.append((user, action, detail))

    security_event.connect(record)
    yield seen
    security_event.disconnect(record)


@pytest.fixture(scope="session")
def _redis_server():
    from tests import redis_server

    binary = redis_server.find()
    if binary is None and os.environ.get("CI") == "true":
        pytest.fail("redis-server is missing: scripts/ensure-system-packages.sh installs it (make install)")
    if binary is None:
        pytest.skip("redis-server is not installed here (Debian's redis-server package; make test installs it)")
    server = redis_server.RedisServer(binary)
    yield server
    server.stop()


@pytest.fixture
def redis_url(_redis_server):
    """The address of the test session's own redis-server, emptied before each test."""
    import redis

    client = redis.Redis.from_url(_redis_server.url())
    client.flushall()
    client.close()
    return _redis_server.url()
