"""Results benchmark: a round's results computed from 1,000,000 answers, against the bare GROUP BY.

For each database (SQLite, PostgreSQL) this builds a fresh database with ``together migrate`` and
``together framework load``, loads one round of synthetic submitted responses with raw bulk inserts
(executemany on SQLite, COPY on PostgreSQL) in one transaction, runs ANALYZE, and then, each step
in a fresh Python process:

- times the histogram GROUP BY that ``round_results`` issues, run alone through a cursor and fully
  fetched ("raw"), and the whole ``together.results.queries.round_results`` ("full"), interleaved,
  after a warm-up; it also times the parts (the three GROUP BYs, ``inputs_for``, ``compute``) and
  keeps a cProfile of one full run;
- measures the peak resident memory of a process that computes the results once (the figure the
  memory target is judged on), and separately the tracemalloc peak of the Python allocations.

Run ``python -m bench.results_compute --help`` for the options.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.harness.database import database_url, database_version, durability, prepare_database, server_settings
from bench.harness.measure import profile as cprofile
from bench.harness.measure import summary
from bench.harness.process import RESULTS, install_sigterm, progress, run_worker
from bench.harness.report import (
    add_common_arguments,
    argument_parser,
    for_each_database,
    machine_info,
    mark,
    now,
    relative,
    timestamps,
    write_json,
)
from bench.harness.server import service_env

DEFAULT_OUTPUT = RESULTS / "results_compute.json"

TARGET = {
    "max_full_to_raw_ratio": 2.0,  # full computation at most twice the bare GROUP BY (medians)
    "sqlite_full_seconds": 1.0,  # full computation under one second on SQLite (median)
    "peak_memory_mb": 250.0,  # peak RSS of a fresh process computing the results once
}

# Seconds each step may take before it is stopped; the whole run is bounded by their sum.
TIMEOUTS = {"setup": 300, "load": 1800, "time": 1200, "rss": 600, "tracemalloc": 600}

# The synthetic partnership: twelve organisations across sectors, with relative sizes.
ORGANISATIONS = (
    ("Northbridge City Council", "local-authority", 18),
    ("Northbridge County Council", "local-authority", 10),
    ("Northbridge Hospitals NHS Trust", "nhs", 20),
    ("Northbridge Integrated Care Board", "nhs", 5),
    ("Northbridge Police", "police", 9),
    ("Northbridge Fire and Rescue", "fire", 4),
    ("Northbridge Homes", "housing", 6),
    ("Riverside Housing Association", "housing", 3),
    ("Northbridge College", "education", 5),
    ("Northbridge Voluntary Action", "voluntary", 4),
    ("Northbridge Carers' Centre", "voluntary", 2),
    ("Northbridge Chamber of Commerce", "business", 2),
)
ORGANISATION_NOT_GIVEN_WEIGHT = 4  # relative to the weights above (which sum to 88)
# The six default respondent groups in their order, then "not given": (weight, shift in scale points).
GROUP_PROFILE = ((6, 0.4), (2, 0.3), (22, 0.0), (45, -0.3), (12, -0.2), (8, 0.0))
GROUP_NOT_GIVEN = (5, -0.1)
SECTOR_SHIFT = {
    "fire": 0.2,
    "police": 0.1,
    "local-authority": 0.1,
    "housing": -0.1,
    "voluntary": -0.4,
    "business": -0.2,
}
DONT_KNOW_SHARE = 0.06
PRIORITY_COUNT_WEIGHTS = ((0, 10), (1, 20), (2, 30), (3, 40))  # how many themes a respondent picks
FIRST_DAY = datetime.date(2026, 3, 2)
CHUNK = 1000  # respondents per insert batch

RESPONSE_COLUMNS = (
    "id",
    "round_id",
    "state",
    "resume_digest",
    "organisation_id",
    "group_id",
    "about_done",
    "themes_done",
    "priorities_done",
    "updated_on",
    "submitted_on",
)
ANSWER_COLUMNS = ("id", "response_id", "round_id", "submitted", "organisation_id", "group_id", "statement_id", "value")
PRIORITY_COLUMNS = ("id", "response_id", "theme_id", "round_id", "submitted", "organisation_id", "group_id")


# --------------------------------------------------------------------------------------------
# Inside a worker process: Django is set up against the benchmark database
# --------------------------------------------------------------------------------------------


def _django():
    import django

    django.setup()


def _insert(cursor, vendor: str, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Bulk insert through Django's connection: COPY on PostgreSQL, executemany on SQLite."""
    names = ", ".join(f'"{c}"' for c in columns)
    if vendor == "postgresql":
        with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
    else:
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({placeholders})', rows)  # noqa: S608


def phase_load(args: argparse.Namespace) -> dict:
    """A partnership, a round, and ``respondents`` submitted responses written straight to the tables."""
    _django()
    from django.db import connection, transaction

    from together.accounts.models import User
    from together.frameworks.models import FrameworkVersion
    from together.partnerships.models import Organisation
    from together.partnerships.services import create_partnership
    from together.reviews import keys, lifecycle
    from together.reviews.models import Round

    vendor = connection.vendor
    user = User.objects.create_user("bench@example.invalid", keys.new_key())
    partnership = create_partnership(user, name="Northbridge Partnership", place="Northbridge")
    organisations = [
        Organisation.objects.create(partnership=partnership, name=name, sector=sector)
        for name, sector, _ in ORGANISATIONS
    ]
    groups = list(partnership.groups.order_by("position"))
    if len(groups) != len(GROUP_PROFILE):
        raise RuntimeError(f"expected {len(GROUP_PROFILE)} default respondent groups, found {len(groups)}")
    version = FrameworkVersion.objects.filter(framework_id="transforming-together").order_by("-number").first()
    round_ = Round.objects.create(
        partnership=partnership, name="Spring review", framework_version=version, open_link_code=keys.new_key()
    )
    lifecycle.apply(round_, "open", user)
    framework = version.framework
    all_statements = [s.id for s in framework.statements]
    statements = all_statements[: args.statements]
    themes = [t.id for t in framework.themes]
    points = len(framework.scale.levels)

    rng = random.Random(args.seed)
    base = {s: rng.uniform(2.7, 4.1) for s in statements}
    org_choices = [(o.pk, o.sector) for o in organisations] + [(None, None)]
    org_weights = [w for _, _, w in ORGANISATIONS] + [ORGANISATION_NOT_GIVEN_WEIGHT]
    group_choices = [(g.pk, shift) for g, (_, shift) in zip(groups, GROUP_PROFILE, strict=True)]
    group_choices.append((None, GROUP_NOT_GIVEN[1]))
    group_weights = [w for w, _ in GROUP_PROFILE] + [GROUP_NOT_GIVEN[0]]
    counts_of_priorities = [n for n, _ in PRIORITY_COUNT_WEIGHTS]
    priority_weights = [w for _, w in PRIORITY_COUNT_WEIGHTS]
    themes_done = json.dumps(themes)

    def key(value: uuid.UUID) -> str:  # how Django stores a UUIDField: char(32) hex on SQLite, uuid on PostgreSQL
        return str(value) if vendor == "postgresql" else value.hex

    tally = {"responses": 0, "answers": 0, "dont_know": 0, "priorities": 0, "value_sum": 0}
    generate_seconds = insert_seconds = 0.0
    if vendor == "sqlite":
        with connection.cursor() as cursor:  # this process only loads; the timed ones keep the default cache
            cursor.execute("PRAGMA cache_size = -1048576")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for first in range(0, args.respondents, CHUNK):
            t0 = time.perf_counter()
            responses, answers, priorities = [], [], []
            for _ in range(min(CHUNK, args.respondents - first)):
                response_id = key(uuid.uuid4())
                organisation, sector = rng.choices(org_choices, org_weights)[0]
                group, group_shift = rng.choices(group_choices, group_weights)[0]
                mood = SECTOR_SHIFT.get(sector, 0.0) + group_shift + rng.gauss(0.0, 0.5)
                day = (FIRST_DAY + datetime.timedelta(days=rng.randrange(28))).isoformat()
                responses.append(
                    (response_id, round_.pk, "submitted", None, organisation, group, True, themes_done, True, day, day)
                )
                for statement in statements:
                    if rng.random() < DONT_KNOW_SHARE:
                        value = None
                        tally["dont_know"] += 1
                    else:
                        value = min(points, max(1, round(base[statement] + mood + rng.gauss(0.0, 0.8))))
                        tally["value_sum"] += value
                    answers.append(
                        (key(uuid.uuid4()), response_id, round_.pk, True, organisation, group, statement, value)
                    )
                chosen = rng.sample(themes, rng.choices(counts_of_priorities, priority_weights)[0])
                priorities.extend(
                    (key(uuid.uuid4()), response_id, theme, round_.pk, True, organisation, group) for theme in chosen
                )
            t1 = time.perf_counter()
            _insert(cursor, vendor, "reviews_response", RESPONSE_COLUMNS, responses)
            _insert(cursor, vendor, "reviews_answer", ANSWER_COLUMNS, answers)
            _insert(cursor, vendor, "reviews_priority", PRIORITY_COLUMNS, priorities)
            insert_seconds += time.perf_counter() - t1
            generate_seconds += t1 - t0
            tally["responses"] += len(responses)
            tally["answers"] += len(answers)
            tally["priorities"] += len(priorities)
        commit_started = time.perf_counter()
    commit_seconds = time.perf_counter() - commit_started  # deferred foreign-key checks run here
    load_seconds = time.perf_counter() - started
    progress(f"{vendor}: {tally['answers']:,} answers loaded in {load_seconds:.1f} s; running ANALYZE")

    started = time.perf_counter()
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            # VACUUM as well, so autovacuum (which 1M fresh rows would wake) does not run during the timings.
            cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # as the auto-checkpoints of a live site would
    analyze_seconds = time.perf_counter() - started
    lifecycle.apply(round_, "close", user)
    lifecycle.apply(round_, "publish", user)

    with connection.cursor() as cursor:
        stored = {}
        for table in ("reviews_response", "reviews_answer", "reviews_priority"):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
            stored[table] = cursor.fetchone()[0]
        if vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
        else:
            size = Path(connection.settings_dict["NAME"]).stat().st_size
    answered = tally["answers"] - tally["dont_know"]
    return {
        "round_id": round_.pk,
        "framework": {
            "version": str(version),
            "themes": len(themes),
            "statements": len(all_statements),
            "statements_answered": statements,
            "scale_points": points,
        },
        "rows": {
            "responses_submitted": tally["responses"],
            "answers": tally["answers"],
            "answers_dont_know": tally["dont_know"],
            "dont_know_share": round(tally["dont_know"] / tally["answers"], 4) if tally["answers"] else None,
            "mean_rating": round(tally["value_sum"] / answered, 3) if answered else None,
            "priorities": tally["priorities"],
            "organisations": len(organisations),
            "respondent_groups": len(groups),
            "stored": stored,
        },
        "load": {
            "generate_seconds": round(generate_seconds, 2),
            "insert_seconds": round(insert_seconds, 2),
            "commit_seconds": round(commit_seconds, 2),
            "load_seconds": round(load_seconds, 2),
            "analyze_seconds": round(analyze_seconds, 2),
            "method": "COPY FROM STDIN" if vendor == "postgresql" else "executemany",
            "analyze": "VACUUM (ANALYZE)" if vendor == "postgresql" else "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE)",
            "database_bytes": size,
        },
    }


def _group_by_querysets(round_) -> dict:
    """The three GROUP BY queries of ``together.results.queries.inputs_for``, written the same way."""
    from django.db.models import Count

    from together.reviews.models import Answer, Priority, Response, ResponseState

    return {
        "histogram": Answer.objects.filter(round=round_, submitted=True)
        .values_list("statement_id", "organisation_id", "group_id", "value")
        .annotate(n=Count("*"))
        .order_by(),
        "respondents": Response.objects.filter(round=round_, state=ResponseState.SUBMITTED)
        .values_list("organisation_id", "group_id")
        .annotate(n=Count("*"))
        .order_by(),
        "priorities": Priority.objects.filter(round=round_, submitted=True)
        .values_list("theme_id", "organisation_id", "group_id")
        .annotate(n=Count("*"))
        .order_by(),
    }


def _raw(connection, sql: str, params) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


POSTGRES_SETTINGS = (
    "shared_buffers",
    "work_mem",
    "effective_cache_size",
    "jit",
    "max_parallel_workers_per_gather",
    "fsync",
    "synchronous_commit",
    "full_page_writes",
)
SQLITE_SETTINGS = ("journal_mode", "synchronous", "cache_size", "mmap_size", "temp_store")


def _database_info(connection) -> dict:
    names = POSTGRES_SETTINGS if connection.vendor == "postgresql" else SQLITE_SETTINGS
    return {
        "version": database_version(connection),
        "settings": server_settings(connection, names),
        "durability": durability(connection),
    }


def _sql_pattern(sql: str) -> re.Pattern:
    """The compiled SQL with each placeholder standing for any literal, to match Django's query log."""
    return re.compile(".+?".join(re.escape(part) for part in sql.split("%s")), re.DOTALL)


def phase_time(args: argparse.Namespace) -> dict:
    """Raw GROUP BY and full results, interleaved, in one process on one database; then the parts."""
    _django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from together.analysis.results import compute
    from together.results.queries import inputs_for, round_results
    from together.reviews.models import Round

    def fresh_round():  # as a page would: the round read from the database, not a warm instance
        return Round.objects.get(pk=args.round_id)

    compiled = {
        name: queryset.query.get_compiler(connection.alias).as_sql()
        for name, queryset in _group_by_querysets(fresh_round()).items()
    }
    sql, params = compiled["histogram"]

    # The raw query must be the one round_results sends: compare with Django's log of one call.
    with CaptureQueriesContext(connection) as captured:
        results = round_results(fresh_round())
    logged = [q["sql"] for q in captured.captured_queries]
    matches = {name: any(_sql_pattern(s).fullmatch(q) for q in logged) for name, (s, _) in compiled.items()}
    inputs = inputs_for(fresh_round())
    histogram_rows = _raw(connection, sql, params)
    sanity = {
        "respondents_in_results": results.respondents,
        "min_group_size": results.threshold,
        "answers_in_histograms": sum(h.responses for h in inputs.cells.values()),
        "dont_know_in_histograms": sum(h.dont_know for h in inputs.cells.values()),
        "histogram_cells": len(inputs.cells),
        "histogram_query_rows": len(histogram_rows),
        "statements_with_results": sum(1 for s in results.statements.values() if s.mean is not None),
        "gaps": len(results.gaps),
        "attention_items": len(results.attention),
    }
    del results, inputs, histogram_rows

    raw_times, full_times = [], []
    total = args.warmup + args.repeats
    for index in range(total):
        gc.collect()
        started = time.perf_counter()
        rows = _raw(connection, sql, params)
        raw_seconds = time.perf_counter() - started
        del rows
        round_ = fresh_round()
        gc.collect()
        started = time.perf_counter()
        results = round_results(round_)
        full_seconds = time.perf_counter() - started
        del results
        label = "warm-up" if index < args.warmup else f"run {index - args.warmup + 1}/{args.repeats}"
        progress(f"{connection.vendor}: {label}: raw GROUP BY {raw_seconds:.3f} s, full results {full_seconds:.3f} s")
        if index >= args.warmup:
            raw_times.append(raw_seconds)
            full_times.append(full_seconds)

    # The parts of the full computation, in a separate loop so the main timings are not disturbed.
    parts: dict[str, list[float]] = {
        "raw_histogram": [],
        "raw_respondents": [],
        "raw_priorities": [],
        "orm_histogram": [],
        "inputs_for": [],
        "compute": [],
    }
    histogram_queryset = _group_by_querysets(fresh_round())["histogram"]
    for index in range(total):
        for name in ("histogram", "respondents", "priorities"):
            gc.collect()
            started = time.perf_counter()
            _raw(connection, *compiled[name])
            parts[f"raw_{name}"].append(time.perf_counter() - started)
        gc.collect()
        started = time.perf_counter()
        rows = list(histogram_queryset.all())
        parts["orm_histogram"].append(time.perf_counter() - started)
        del rows
        round_ = fresh_round()
        gc.collect()
        started = time.perf_counter()
        inputs = inputs_for(round_)
        parts["inputs_for"].append(time.perf_counter() - started)
        gc.collect()
        started = time.perf_counter()
        compute(inputs)
        parts["compute"].append(time.perf_counter() - started)
        if index < args.warmup:
            for values in parts.values():
                values.pop()

    round_ = fresh_round()
    profile = cprofile(lambda: round_results(round_))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = [row[-1] for row in cursor.fetchall()]
    raw_median, full_median = statistics.median(raw_times), statistics.median(full_times)
    return {
        "database": _database_info(connection),
        "sql": {
            "histogram": sql,
            "params": [str(p) for p in params],
            "matches_round_results": matches,
            "round_results_queries": len(logged),
            "histogram_plan": plan,
        },
        "sanity": sanity,
        "timings": {
            "warmup_runs": args.warmup,
            "timed_runs": args.repeats,
            "raw_group_by": summary(raw_times),
            "full_results": summary(full_times),
            "ratio_median": round(full_median / raw_median, 3),
            "ratio_min": round(min(full_times) / min(raw_times), 3),
        },
        "parts_median_s": {name: round(statistics.median(values), 4) for name, values in parts.items()},
        "profile": profile,
    }


def _rss_now_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _status_kib(field: str) -> int | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return None


def phase_rss(args: argparse.Namespace) -> dict:
    """One results computation in a fresh process: its peak resident memory, whole and over the start."""
    _django()
    from together.results.queries import round_results
    from together.reviews.models import Round

    round_ = Round.objects.get(pk=args.round_id)  # connection open, models and the analysis code imported
    gc.collect()
    rss_before = _rss_now_kib()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    started = time.perf_counter()
    results = round_results(round_)
    seconds = time.perf_counter() - started
    peak_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_after = _rss_now_kib()
    hwm = _status_kib("VmHWM")
    assert results.respondents > 0
    return {
        "process_peak_rss_mb": round(peak_after / 1024, 1),
        "vm_hwm_mb": round(hwm / 1024, 1) if hwm else None,
        "rss_before_mb": round(rss_before / 1024, 1),
        "peak_before_mb": round(peak_before / 1024, 1),
        "increase_mb": round((peak_after - rss_before) / 1024, 1),
        "rss_after_mb": round(rss_after / 1024, 1),
        "first_run_seconds": round(seconds, 3),
    }


def phase_tracemalloc(args: argparse.Namespace) -> dict:
    """Python allocations during one results computation in a fresh process (C allocations not seen)."""
    import tracemalloc

    _django()
    from together.results.queries import round_results
    from together.reviews.models import Round

    round_ = Round.objects.get(pk=args.round_id)
    gc.collect()
    tracemalloc.start()
    results = round_results(round_)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert results.respondents > 0
    return {"peak_mb": round(peak / 1024 / 1024, 1), "retained_mb": round(current / 1024 / 1024, 1)}


PHASES = {"load": phase_load, "time": phase_time, "rss": phase_rss, "tracemalloc": phase_tracemalloc}


# --------------------------------------------------------------------------------------------
# The orchestration: fresh database, then each phase in a fresh process
# --------------------------------------------------------------------------------------------


def run_phase(phase: str, args: argparse.Namespace, env: dict, work: Path, round_id: int | None = None) -> dict:
    """Run one phase in a fresh Python process; its progress goes to stderr, its result to a JSON file."""
    argv = ["--respondents", str(args.respondents), "--statements", str(args.statements)]
    argv += ["--repeats", str(args.repeats), "--warmup", str(args.warmup), "--seed", str(args.seed)]
    if round_id is not None:
        argv += ["--round-id", str(round_id)]
    return run_worker("bench.results_compute", argv, env, work, TIMEOUTS[phase], phase=phase)


def run_database(database: str, args: argparse.Namespace) -> dict:
    """Everything for one database. On PostgreSQL, DATABASE_URL comes from scripts/with-postgres.sh."""
    work = Path(tempfile.mkdtemp(prefix=f"together-results-bench-{database}-"))
    try:
        env = service_env(database_url(database, work))
        progress(f"{database}: migrate and framework load into a fresh database")
        setup_seconds = prepare_database(env, TIMEOUTS["setup"])
        progress(f"{database}: loading {args.respondents:,} respondents x {args.statements} statements")
        loaded = run_phase("load", args, env, work)
        loaded["load"]["migrate_and_framework_seconds"] = setup_seconds
        round_id = loaded.pop("round_id")
        progress(f"{database}: timing raw GROUP BY and full results ({args.warmup} warm-up + {args.repeats})")
        timed = run_phase("time", args, env, work, round_id)
        progress(f"{database}: peak memory of one computation in a fresh process")
        rss = run_phase("rss", args, env, work, round_id)
        traced = run_phase("tracemalloc", args, env, work, round_id)
        result = {
            "database": database,
            "database_version": timed["database"]["version"],
            "database_settings": timed["database"]["settings"],
            "durability": timed["database"]["durability"],
            **loaded,
            "sql": timed["sql"],
            "sanity": timed["sanity"],
            "timings": timed["timings"],
            "parts_median_s": timed["parts_median_s"],
            "memory": {
                "judged_on": "process_peak_rss_mb: ru_maxrss of a fresh Python process (interpreter, Django, "
                "database driver and connection included) that computes the results once",
                "rss": rss,
                "tracemalloc": traced,
            },
            "profile": timed["profile"],
        }
        result["target_verdict"] = verdict(result)
        return result
    except (RuntimeError, OSError, ValueError, KeyError, subprocess.SubprocessError) as problem:
        progress(f"{database}: FAILED: {problem}")
        return {"database": database, "failed": str(problem)}
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------


def verdict(result: dict) -> dict | None:
    if "failed" in result:
        return None
    timings = result["timings"]
    checks = {
        "full_at_most_2x_raw": timings["ratio_median"] <= TARGET["max_full_to_raw_ratio"],
        "peak_memory_under_250_mb": result["memory"]["rss"]["process_peak_rss_mb"] < TARGET["peak_memory_mb"],
    }
    if result["database"] == "sqlite":
        checks["full_under_1_s"] = timings["full_results"]["median_s"] < TARGET["sqlite_full_seconds"]
    return {"pass": all(checks.values()), "checks": checks}


def format_report(report: dict) -> str:
    results = report["results"]
    machine = report["machine"]
    lines = ["", "Results computation benchmark", "=" * 29]
    first = next((r for r in results if "failed" not in r), None)
    if first:
        rows, framework = first["rows"], first["framework"]
        lines.append(
            f"Round: {rows['responses_submitted']:,} submitted respondents x {len(framework['statements_answered'])} "
            f"statements (of the framework's {framework['statements']}) = {rows['answers']:,} answers, "
            f"{rows['dont_know_share']:.1%} don't know; {rows['organisations']} organisations and "
            f"{rows['respondent_groups']} groups (each plus 'not given'); {rows['priorities']:,} priorities"
        )
    lines.append(
        f"Machine: {machine['cpu_count']} CPUs, Python {machine['python']}, Django {machine['django']}; "
        f"{report['warmup']} warm-up + {report['repeats']} timed runs of each, interleaved"
    )
    lines.append("")
    header = (
        f"{'database':<16} {'raw GROUP BY s':>15} {'full results s':>15} {'full/raw':>9} "
        f"{'peak RSS':>9} {'RSS +':>8} {'tracemalloc':>11} {'load s':>7}"
    )
    lines.append(header)
    lines.append(
        f"{'':<16} {'min / median':>15} {'min / median':>15} {'median':>9} {'process':>9} {'comp.':>8} {'peak':>11}"
    )
    lines.append("-" * len(header))
    for result in results:
        name = f"{result['database']} {result.get('database_version') or ''}".strip()[:16]
        if "failed" in result:
            lines.append(f"{name:<16} FAILED: {result['failed'][:100]}")
            continue
        timings, memory = result["timings"], result["memory"]
        raw, full = timings["raw_group_by"], timings["full_results"]
        lines.append(
            f"{name:<16} {raw['min_s']:>6.3f} / {raw['median_s']:<6.3f} "
            f"{full['min_s']:>6.3f} / {full['median_s']:<6.3f} "
            f"{timings['ratio_median']:>8.2f}x {memory['rss']['process_peak_rss_mb']:>6.1f} MB "
            f"{memory['rss']['increase_mb']:>5.1f} MB {memory['tracemalloc']['peak_mb']:>8.1f} MB "
            f"{result['load']['load_seconds']:>7.1f}"
        )
    lines.append("-" * len(header))
    lines.append(
        "raw: the histogram GROUP BY round_results sends, through a cursor, fully fetched. full: "
        "together.results.queries.round_results(round) (its queries + the analysis core)."
    )
    lines.append(
        "peak RSS: ru_maxrss of a fresh process computing the results once (interpreter, Django and driver "
        "included) - the memory target is judged on this; RSS +: its rise over the RSS just before the "
        "computation; tracemalloc: Python allocations only."
    )
    lines.append("")
    lines.append(
        f"Targets: full <= {TARGET['max_full_to_raw_ratio']:g}x raw (medians); full < "
        f"{TARGET['sqlite_full_seconds']:g} s on SQLite (median); peak memory < {TARGET['peak_memory_mb']:g} MB"
    )
    for result in results:
        judged = result.get("target_verdict")
        if not judged:
            continue
        checks = judged["checks"]
        timings = result["timings"]
        parts = [
            f"full/raw {timings['ratio_median']:.2f}x {mark(checks['full_at_most_2x_raw'])}",
            f"full {timings['full_results']['median_s']:.3f} s "
            + (mark(checks["full_under_1_s"]) if "full_under_1_s" in checks else "(1 s target is for SQLite)"),
            f"memory {result['memory']['rss']['process_peak_rss_mb']:.0f} MB "
            f"{mark(checks['peak_memory_under_250_mb'])}",
        ]
        lines.append(f"  {result['database']}: {'PASS' if judged['pass'] else 'FAIL'} ({'; '.join(parts)})")
    lines.append("")
    lines.append(
        "Where the time goes (medians, s): raw GROUP BYs | the histogram through the ORM | inputs_for | compute"
    )
    for result in results:
        if "failed" in result:
            continue
        p = result["parts_median_s"]
        load = result["load"]
        lines.append(
            f"  {result['database']}: histogram {p['raw_histogram']:.3f}, respondents {p['raw_respondents']:.3f}, "
            f"priorities {p['raw_priorities']:.3f} | {p['orm_histogram']:.3f} | {p['inputs_for']:.3f} | "
            f"{p['compute']:.3f}"
        )
        top = ", ".join(f"{row['function']} {row['own_s']:.3f}" for row in result["profile"]["by_own_time"][:4])
        lines.append(f"    cProfile, most own time: {top}")
        matched = result["sql"]["matches_round_results"]
        lines.append(
            f"    load: {load['load_seconds']:.1f} s ({load['method']}; generating {load['generate_seconds']:.1f} s, "
            f"inserting {load['insert_seconds']:.1f} s, commit {load['commit_seconds']:.1f} s), "
            f"{load['analyze']} {load['analyze_seconds']:.1f} s, database {load['database_bytes'] / 1e6:.0f} MB; "
            f"raw SQL identical to round_results' query: {'yes' if matched['histogram'] else 'NO'}"
        )
    lines.append("")
    lines.append(f"Results written to {report['output']}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argument_parser(
        "python -m bench.results_compute",
        "Results benchmark: round_results on a round of 1,000,000 answers, against its bare "
        "GROUP BY, on SQLite and PostgreSQL.",
        database_default="both",
    )
    parser.add_argument("--respondents", type=int, default=25_000, help="submitted responses (default 25000)")
    parser.add_argument(
        "--statements", type=int, default=40, help="statements each respondent answers, the framework's first N (40)"
    )
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each measurement (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    add_common_arguments(parser, DEFAULT_OUTPUT, phases=tuple(PHASES))
    parser.add_argument("--round-id", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.respondents < 1 or args.statements < 1 or args.repeats < 1 or args.warmup < 0:
        parser.error("--respondents, --statements and --repeats must be positive, --warmup not negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    install_sigterm()
    if args.phase:  # a worker: Django set up against the benchmark database by the environment
        result = PHASES[args.phase](args)
        args.json_out.write_text(json.dumps(result))
        return 0
    started = now()
    argv = ["--respondents", str(args.respondents), "--statements", str(args.statements)]
    argv += ["--repeats", str(args.repeats), "--warmup", str(args.warmup), "--seed", str(args.seed)]
    results = for_each_database(
        args,
        lambda database: run_database(database, args),
        module="bench.results_compute",
        argv=argv,
        timeout=120 + sum(TIMEOUTS.values()) + TIMEOUTS["setup"],
    )
    if results is None:  # the run inside scripts/with-postgres.sh, which has handed its result back
        return 0
    versions = {r["database"]: r.get("database_version") for r in results}
    output = args.output.resolve()
    report = {
        "benchmark": "results_compute",
        **timestamps(started),
        "machine": machine_info(
            ("psycopg",),
            sqlite=versions.get("sqlite") or sqlite3.sqlite_version,
            postgres=versions.get("postgres"),
            load_average=round(os.getloadavg()[0], 2),
        ),
        "respondents": args.respondents,
        "statements": args.statements,
        "warmup": args.warmup,
        "repeats": args.repeats,
        "seed": args.seed,
        "settings": {"DEBUG": "false", "MIN_GROUP_SIZE": "5 (default)"},
        "target": TARGET,
        "results": results,
        "output": relative(output),
    }
    write_json(report, output)
    print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
