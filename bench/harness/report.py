"""The command line every benchmark shares, the machine it ran on, and the result file."""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import json
import os
import platform
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.harness.process import REPO, progress, run_under_postgres

DATABASES = ("sqlite", "postgres", "both")


def argument_parser(prog: str, description: str, database_default: str | None = None) -> argparse.ArgumentParser:
    """A benchmark's parser; with ``database_default``, its ``--database sqlite|postgres|both``."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    if database_default:
        parser.add_argument("--database", choices=DATABASES, default=database_default)
    return parser


def add_common_arguments(
    parser: argparse.ArgumentParser,
    output: Path,
    *,
    seed_help: str | None = "random seed for the synthetic answers",
    phases: Sequence[str] = ("run",),
) -> None:
    """``--seed`` (unless ``seed_help`` is None), ``--output``, and the options the harness passes to
    the benchmark's own processes: ``--inner-json`` (a run inside scripts/with-postgres.sh) and, with
    ``phases``, ``--phase`` and ``--json-out`` (a step run in a fresh process, ``run_worker``)."""
    if seed_help:
        parser.add_argument("--seed", type=int, default=1, help=seed_help)
    parser.add_argument("--output", type=Path, default=output, help="where to write the JSON")
    parser.add_argument("--inner-json", type=Path, help=argparse.SUPPRESS)
    if phases:
        parser.add_argument("--phase", choices=tuple(phases), help=argparse.SUPPRESS)
        parser.add_argument("--json-out", type=Path, help=argparse.SUPPRESS)


def failed_postgres(reason: str) -> dict:
    return {"database": "postgres", "failed": reason}


def for_each_database(
    args: argparse.Namespace,
    run_database: Callable[[str], object],
    *,
    module: str,
    argv: Sequence[str],
    timeout: float,
    failed: Callable[[str], object] = failed_postgres,
) -> list | None:
    """``run_database(name)`` for each database ``args.database`` names, in a list.

    SQLite runs here; PostgreSQL in a run of ``python -m module ARGV`` inside
    scripts/with-postgres.sh, which calls ``run_database("postgres")`` and hands its value back
    (``failed(reason)`` stands for it if that run gives nothing back). In that inner run this writes
    the value to ``--inner-json`` and returns None.
    """
    if args.inner_json:
        args.inner_json.write_text(json.dumps(run_database("postgres")))
        return None
    results = []
    if args.database in ("sqlite", "both"):
        results.append(run_database("sqlite"))
    if args.database in ("postgres", "both"):
        try:
            results.append(run_under_postgres(module, argv, timeout))
        except RuntimeError as problem:
            progress(f"postgres: FAILED: {problem}")
            results.append(failed(str(problem)))
    return results


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def timestamps(started: datetime.datetime) -> dict:
    """When a benchmark started and finished, for its result file."""
    return {"date": started.isoformat(timespec="seconds"), "finished": now().isoformat(timespec="seconds")}


def version_of(package: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def machine_info(packages: Sequence[str] = (), **extra) -> dict:
    """CPUs, memory, platform, Python, Django and SQLite library versions, then each of ``packages``'
    version, then ``extra``."""
    model = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        memory = round(int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024, 1)
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": version_of("django"),
        "sqlite_library": sqlite3.sqlite_version,
        **{name: version_of(name) for name in packages},
        **extra,
    }


def source_fingerprint(paths: Sequence[str]) -> dict[str, str | None]:
    """A short SHA-256 of each source file the benchmark exercises, to tell runs of different code apart."""
    fingerprint: dict[str, str | None] = {}
    for path in paths:
        try:
            fingerprint[path] = hashlib.sha256((REPO / path).read_bytes()).hexdigest()[:12]
        except OSError:
            fingerprint[path] = None
    migrations = sorted(p.name for p in (REPO / "src/together/reviews/migrations").glob("0*.py"))
    fingerprint["reviews migrations"] = ", ".join(migrations)
    return fingerprint


def relative(path: Path) -> str:
    """A path inside the checkout as written from its top; any other as it is."""
    path = path.resolve()
    return str(path.relative_to(REPO) if path.is_relative_to(REPO) else path)


def write_json(report: dict, output: Path) -> None:
    """The result file, whole or not at all (written aside, then renamed over the old one)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_suffix(".tmp")
    temporary.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    temporary.replace(output)


def mark(ok: bool | None) -> str:
    return "-" if ok is None else ("PASS" if ok else "FAIL")
