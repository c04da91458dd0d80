"""Settings are declared once, documented, validated, and safe for production."""

import os
import re
import subprocess
import sys
import time

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from tests.conftest import ROOT
from together import conf


def test_defaults():
    values = conf.read({"SECRET_KEY": "x" * 60})
    assert values["MIN_GROUP_SIZE"] == 5
    assert values["DEBUG"] is False
    assert values["DATABASE_URL"].startswith("sqlite:///")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "SECRET_KEY: is required when DEBUG is off"),
        ({"SECRET_KEY": "k", "DEBUG": "maybe"}, "DEBUG: must be true or false (got 'maybe')"),
        ({"SECRET_KEY": "k", "MIN_GROUP_SIZE": "2"}, "MIN_GROUP_SIZE: must be at least 3 (got '2')"),
        (
            {"SECRET_KEY": "k", "MIN_GROUP_SIZE": "five"},
            "MIN_GROUP_SIZE: must be a whole number (got 'five')",
        ),
    ],
)
def test_bad_settings_name_the_setting_and_the_reason(environ, message):
    with pytest.raises(ImproperlyConfigured) as raised:
        conf.read(environ)
    assert str(raised.value).startswith(message)


def test_debug_gets_a_development_key_only():
    assert conf.read({"DEBUG": "true"})["SECRET_KEY"].startswith("development-only")


def test_readme_documents_every_setting_and_no_other():
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("| Setting |") :]
    table = table[: table.index("\n\n")]
    documented = re.findall(r"^\| `([A-Z_]+)` \|", table, flags=re.MULTILINE)
    assert documented == [setting.name for setting in conf.SETTINGS]
    for setting in conf.SETTINGS:
        assert f"| `{setting.name}` | `{setting.shown_default}` |" in table or setting.default in (
            None,
            "",
            [],
        )


def test_production_settings_pass_the_deploy_check():
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "q8v-" + "Zk3_w9Lr2Tn7" * 5,
        "ALLOWED_HOSTS": "review.example.gov.uk",
        "DATABASE_URL": "sqlite:////tmp/together-deploy-check.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-m", "together.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (2 silenced)." in result.stdout


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings apply to SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1  # NORMAL
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert connection.settings_dict["CONN_MAX_AGE"] == 600


def test_postgresql_prepares_repeated_statements_unless_turned_off():
    from together.settings import _database

    url = "postgres://together:secret@db.example:5432/together"
    assert _database(url)["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 2}
    assert _database(url)["ENGINE"] == "together.postgresql"
    with_ssl = _database(url + "?sslmode=require")["OPTIONS"]
    assert with_ssl == {"sslmode": "require", "server_side_binding": True, "prepare_threshold": 2}
    assert "server_side_binding" not in _database(url, prepared_statements=False).get("OPTIONS", {})
    assert conf.read({"SECRET_KEY": "k"})["POSTGRES_PREPARED_STATEMENTS"] is True
    assert (
        conf.read({"SECRET_KEY": "k", "POSTGRES_PREPARED_STATEMENTS": "false"})["POSTGRES_PREPARED_STATEMENTS"] is False
    )


@pytest.mark.django_db
def test_postgresql_connection_prepares_a_statement_run_twice():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are a PostgreSQL setting")
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("SELECT count(*) FROM reviews_response WHERE state = %s", ["draft"])
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%reviews_response%"])
        assert cursor.fetchone()[0] >= 1


@pytest.mark.django_db(transaction=True)
def test_postgresql_health_check_notices_a_session_the_server_ended_without_a_query():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL connection check")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    assert connection.is_usable()

    before = _last_activity(pid)
    for _ in range(5):
        assert connection.is_usable()
    assert _last_activity(pid) == before  # looking sent the server nothing

    with _another_connection() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not connection.is_usable()

    # What Django does at the start of a request: the dead connection is dropped and the next
    # query opens a new one.
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1


def _another_connection():
    params = connection.get_connection_params()
    keep = ("dbname", "user", "password", "host", "port")
    return psycopg.connect(**{k: v for k, v in params.items() if k in keep}, autocommit=True)


def _last_activity(pid: int) -> tuple:
    """When that session last changed state, and its last statement, as the server records them."""
    with _another_connection() as other:
        return other.execute("SELECT state_change, query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
