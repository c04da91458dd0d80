"""What several instances share, as the settings choose it: the database by default (a database
cache made by migrate, database sessions, the database task queue), Redis with REDIS_URL."""

import json
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from tests.conftest import ROOT
from together import conf

pytestmark = pytest.mark.django_db

_SHOW = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "sessions": settings.SESSION_ENGINE,
    "rate_limits": settings.RATE_LIMIT_STORE,
    "tasks": settings.TASKS["default"]["BACKEND"],
    "rq": "django_tasks_rq" in settings.INSTALLED_APPS,
    "axes": getattr(settings, "AXES_HANDLER", "axes.handlers.database.AxesDatabaseHandler"),
}))
"""


def _settings_with(**environ) -> dict:
    shown = subprocess.run(
        [sys.executable, "-c", _SHOW],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "together.settings", "SECRET_KEY": "k" * 50, **environ},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(shown.stdout)


def test_without_redis_everything_shared_is_in_the_database():
    assert _settings_with() == {
        "cache": "django.core.cache.backends.db.DatabaseCache",
        "sessions": "django.contrib.sessions.backends.db",
        "rate_limits": "database",
        "tasks": "django_tasks_db.DatabaseBackend",
        "rq": False,
        "axes": "axes.handlers.database.AxesDatabaseHandler",
    }


def test_with_redis_the_cache_rate_limits_and_sessions_use_it_and_tasks_only_when_asked():
    with_redis = _settings_with(REDIS_URL="redis://127.0.0.1:6379/0")
    assert with_redis == {
        "cache": "django.core.cache.backends.redis.RedisCache",
        "sessions": "django.contrib.sessions.backends.cached_db",
        "rate_limits": "cache",
        "tasks": "django_tasks_db.DatabaseBackend",
        "rq": False,
        "axes": "axes.handlers.database.AxesDatabaseHandler",
    }
    on_rq = _settings_with(REDIS_URL="redis://127.0.0.1:6379/0", TASK_QUEUE="redis")
    assert on_rq["tasks"] == "django_tasks_rq.RQBackend" and on_rq["rq"]


def test_migrate_makes_the_database_cache_table_and_the_cache_works():
    assert "together_cache" in connection.introspection.table_names()
    cache.set("greeting", "hello", 60)
    assert cache.get("greeting") == "hello"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"TASK_QUEUE": "redis"}, "TASK_QUEUE: redis needs REDIS_URL"),
        ({"TASK_QUEUE": "rabbit"}, "TASK_QUEUE: must be one of database, redis"),
        ({"REDIS_URL": "http://user:secret@cache:6379"}, "REDIS_URL: must start with redis://"),
    ],
)
def test_bad_redis_settings_are_refused_with_the_reason(environ, message):
    with pytest.raises(ImproperlyConfigured) as raised:
        conf.read({"SECRET_KEY": "k" * 50, **environ})
    assert str(raised.value).startswith(message)
    assert "secret" not in str(raised.value), "a password in the address is never repeated"
