"""A fresh database for each run, migrated and with the framework loaded, and what its server reports.

SQLite: a new file in the run's temporary folder. PostgreSQL: the throwaway cluster that
scripts/with-postgres.sh started (it exports ``DATABASE_URL``), with production durability unless
``PG_FAST=1``; the durability the server actually has is read back and recorded with the results.
"""

from __future__ import annotations

import contextlib
import os
import time
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

from bench.harness.process import BIN, FRAMEWORK_FILE, HOST, run_command

POSTGRES_DURABILITY = ("fsync", "synchronous_commit", "full_page_writes")
SQLITE_SYNCHRONOUS = {0: "off", 1: "normal", 2: "full", 3: "extra"}


def sqlite_url(work: Path, name: str = "bench.sqlite3") -> str:
    return f"sqlite:///{work / name}"


def postgres_url() -> str:
    """The throwaway cluster's URL, from scripts/with-postgres.sh; refuses any other server."""

    url = os.environ.get("DATABASE_URL", "")
    host = urllib.parse.urlsplit(url).hostname
    if not url.startswith(("postgres://", "postgresql://")) or host != HOST:
        raise RuntimeError(
            f"refusing a PostgreSQL server that is not a throwaway one on {HOST} (scripts/with-postgres.sh): {host}"
        )
    return url


def database_url(database: str, work: Path) -> str:
    """``sqlite``: a new file in ``work``; ``postgres``: the throwaway cluster's database."""
    return sqlite_url(work) if database == "sqlite" else postgres_url()


def fresh_postgres_database(name: str) -> tuple[str, int | None]:
    """A new, empty database on the throwaway cluster: its URL and the server's process id."""
    import psycopg

    admin_url = postgres_url()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
        data_directory = connection.execute("SHOW data_directory").fetchone()[0]
    postmaster = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        postmaster = int((Path(data_directory) / "postmaster.pid").read_text().split()[0])
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), postmaster


def prepare_database(env: dict, timeout: float = 600, log: Path | None = None) -> float:
    """``together migrate`` and ``together framework load`` into the database of ``env``; seconds taken."""
    started = time.perf_counter()
    run_command([BIN / "together", "migrate", "--noinput", "--verbosity", "0"], env, timeout, log)
    run_command([BIN / "together", "framework", "load", FRAMEWORK_FILE], env, timeout, log)
    return round(time.perf_counter() - started, 2)


# Inside a process with Django set up: what the database server says about itself.


def database_version(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0].split()[0]
        cursor.execute("SELECT sqlite_version()")
        return cursor.fetchone()[0]


def server_settings(connection, names: Sequence[str]) -> dict:
    """Each setting as the server reports it: ``SHOW name`` on PostgreSQL, ``PRAGMA name`` on SQLite."""
    settings = {}
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"SHOW {name}" if connection.vendor == "postgresql" else f"PRAGMA {name}")
            settings[name] = cursor.fetchone()[0]
    return settings


def durability(connection) -> dict:
    """What an acknowledged write survives, as the server reports it: PostgreSQL's ``fsync``,
    ``synchronous_commit`` and ``full_page_writes``; SQLite's journal mode and synchronous level."""
    if connection.vendor == "postgresql":
        return server_settings(connection, POSTGRES_DURABILITY)
    settings = server_settings(connection, ("journal_mode", "synchronous"))
    settings["synchronous"] = SQLITE_SYNCHRONOUS.get(settings["synchronous"], settings["synchronous"])
    return settings
