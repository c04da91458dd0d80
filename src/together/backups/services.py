"""Backups that are safe while people answer, and restoring them.

- **SQLite**: SQLite's online backup copies the database page by page from one read transaction,
  so the copy is the database as it was at one moment, answers still in the write-ahead log
  included. Copying the file (with or without its ``-wal``) while the service runs is not: it
  loses answers or gives a malformed database.
- **PostgreSQL**: ``pg_dump -Fc`` reads everything in one snapshot; ``pg_restore`` puts it back.

A backup is written beside its destination and renamed into place only when complete, so a
failed or interrupted backup never leaves a half file under the name given.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import Installation

SQLITE_MAGIC = b"SQLite format 3\x00"
POSTGRES_MAGIC = b"PGDMP"


class BackupError(Exception):
    """Why a backup or restore cannot go ahead, in words for the operator."""


@dataclass(frozen=True)
class Summary:
    path: Path
    kind: str
    size: int
    responses: int


def fingerprint(secret_key: str) -> str:
    return hmac.new(secret_key.encode(), b"which key a backup was kept under", hashlib.sha256).hexdigest()[:32]


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def kind_of(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            start = handle.read(16)
    except OSError as error:
        raise BackupError(f"{path}: cannot be read ({error.strerror})") from error
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.startswith(POSTGRES_MAGIC):
        return "postgresql"
    raise BackupError(f"{path}: not a backup made by 'together backup' (neither SQLite nor a pg_dump archive)")


def backup(destination: Path) -> Summary:
    destination = Path(destination)
    if destination.is_dir():
        raise BackupError(f"{destination}: is a folder; give the backup's file name")
    if not destination.parent.is_dir():
        raise BackupError(f"{destination.parent}: no such folder")
    kind = engine()
    with transaction.atomic():
        Installation.objects.update_or_create(
            id=1, defaults={"key_fingerprint": fingerprint(settings.SECRET_KEY), "backed_up_at": timezone.now()}
        )
    from together.reviews.models import Response

    handle, partial = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".partial", dir=destination.parent)
    os.close(handle)
    try:
        if kind == "sqlite":
            _sqlite_backup(Path(partial))
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"])
        os.replace(partial, destination)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return Summary(destination, kind, destination.stat().st_size, Response.objects.count())


def _sqlite_backup(target: Path) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"the copy failed its integrity check: {result}")
        # A backup is one file: no write-ahead log beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()


def _postgres_environment() -> dict[str, str]:
    database = connection.settings_dict
    environment = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGDATABASE", "NAME")):
        if database.get(key):
            environment[variable] = str(database[key])
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    return environment


def _run(command: list[str]) -> str:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed: install PostgreSQL's client programs (postgresql-client)")
    result = subprocess.run(command, env=_postgres_environment(), capture_output=True, text=True)  # noqa: S603
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.returncode}")
    return result.stdout


def held_data() -> tuple[int, int]:
    """Partnerships and responses the database holds now (none when it has no tables yet)."""
    from together.partnerships.models import Partnership
    from together.reviews.models import Response

    if "partnerships_partnership" not in connection.introspection.table_names():
        return 0, 0
    return Partnership.objects.count(), Response.objects.count()


def backup_fingerprint(path: Path, kind: str) -> str | None:
    if kind == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            check = source.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"{path}: the backup is damaged ({check})")
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "django_migrations" not in tables:
                raise BackupError(f"{path}: an SQLite database, but not one of this service")
            if "backups_installation" not in tables:
                return None
            row = source.execute("SELECT key_fingerprint FROM backups_installation WHERE id = 1").fetchone()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path}: cannot be read as a database ({error})") from error
        finally:
            source.close()
        return row[0] if row else None
    listing = _run(["pg_restore", "--data-only", "--table=backups_installation", "--file=-", str(path)])
    lines = listing.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("COPY ") and "backups_installation" in line and index + 1 < len(lines):
            columns = line[line.index("(") + 1 : line.index(")")].split(", ")
            values = lines[index + 1].split("\t")
            if len(values) == len(columns):
                return dict(zip(columns, values, strict=True)).get("key_fingerprint")
    return None


def restore(path: Path, replace: bool = False, other_key: bool = False) -> Summary:
    """Put a backup back in place of the database, then bring its tables up to this version."""
    from django.core.management import call_command

    path = Path(path)
    kind = kind_of(path)
    current = engine()
    if kind != current:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(
            f"{path}: a {names[kind]} backup, but this installation's DATABASE_URL is {names[current]}; "
            f"restore it into a {names[kind]} database"
        )
    kept_under = backup_fingerprint(path, kind)
    if kept_under is not None and kept_under != fingerprint(settings.SECRET_KEY) and not other_key:
        raise BackupError(
            "the backup was made with another SECRET_KEY: set SECRET_KEY to the one in use then, or "
            "unsent answers saved to come back to can never be opened again. To restore anyway, add "
            "--other-key"
        )
    partnerships, responses = held_data()
    if (partnerships or responses) and not replace:
        raise BackupError(
            f"the database already holds {partnerships} partnerships and {responses} responses; restoring "
            "replaces all of it. Stop the service, then add --replace to go ahead"
        )
    if kind == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        connection.ensure_connection()
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
    else:
        connection.close()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              f"--dbname={connection.settings_dict['NAME']}", str(path)])  # fmt: skip
    call_command("migrate", verbosity=0)
    from together.reviews.models import Response

    return Summary(path, kind, path.stat().st_size, Response.objects.count())
