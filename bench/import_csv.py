"""CSV import benchmark: 100,000 answers (2,500 respondents x 40 statements) imported into a round.

For each database (SQLite by default, PostgreSQL with ``--database postgres``) this builds a fresh
database with ``together migrate`` and ``together framework load``, then, in a fresh Python process:

- creates a partnership with 100 partner organisations and the default respondent groups, and
  writes a CSV file into a temporary folder: one row per respondent, an ``organisation`` and a
  ``group`` column and one column per statement id; values are a mix of numbers and the scale's
  labels ("Mostly in place"), some "don't know" in its usual spellings, and blanks;
- imports it once into a warm-up round, then ``--repeats`` times, each into a new open round, with
  ``together.reviews.importer.import_file(open(path, "rb"), round)`` (every row checked, then all
  stored in one transaction), timing each import and, inside it, ``importer.parse`` and
  ``importer.store`` (the module's functions are wrapped with timers for the run, nothing else
  changes) and the time spent executing SQL (Django's execute wrapper), and checks what each
  round holds;
- keeps a cProfile of one more import, and times the command line once, as a subprocess, end to
  end: ``together import ROUND FILE --quiet`` (and ``together check`` for the fixed cost of
  starting Python and Django).

With ``--respondents N`` it then starts gunicorn on the same database (2 workers of 4 threads,
the production configuration otherwise) and N respondent threads answering an open round's
questionnaire back to back through it, as ``bench.questionnaire_load`` does, and records their
page latency and errors in four phases: quiet (``--quiet-seconds``), during the service's import
of the file (``together.imports.services.import_file``: checked first, then written in short
transactions), quiet again, and during the old way of storing it in one transaction
(``importer.import_file``), for comparison. The imports run in the benchmark process, as the
command line or another web process would.

It also records the CPU used by other processes during the timed runs and a fixed pure-Python
reference loop, as this shared machine's speed varies. It prints PASS/FAIL against the target
(median import under 5 s, every round holding what the file says) and exits 0 either way; the
figures go to ``bench/results/import_csv.json``. ``python -m bench.import_csv --help`` lists the
options.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gc
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from bench.harness import respondents as load
from bench.harness.cpu import OtherCPU, contention_note, cpu_reference_ms, reference_note
from bench.harness.database import database_url, database_version, durability, prepare_database
from bench.harness.measure import SQLTimer, latency_summary, peak_rss_mb, profile, summary
from bench.harness.process import BIN, RESULTS, install_sigterm, progress, run_worker, timed_command
from bench.harness.report import (
    add_common_arguments,
    argument_parser,
    for_each_database,
    machine_info,
    mark,
    now,
    relative,
    source_fingerprint,
    timestamps,
    write_json,
)
from bench.harness.server import Gunicorn, collect_static, scan_log, service_env, web_env
from bench.harness.synthetic import create_partnership_with_organisations, draft_round, new_round, synthetic_answers

DEFAULT_OUTPUT = RESULTS / "import_csv.json"
TARGET = {"import_median_seconds": 5.0}
SOURCES = ("src/together/reviews/importer.py", "src/together/reviews/models.py")
TIMEOUTS = {"setup": 300, "run": 1500, "command": 300}

# How a cell is written (shares of the cells that hold an answer).
BLANK_SHARE = 0.04  # cells left empty: the statement was not answered
LABEL_SHARE = 0.35  # ratings written as the scale's label rather than its number
DONT_KNOW_SPELLINGS = (("Don't know", 50), ("don't know", 15), ("Don’t know", 10), ("dk", 10), ("Not sure", 15))


# --------------------------------------------------------------------------------------------
# The file
# --------------------------------------------------------------------------------------------


def write_csv(path: Path, framework, organisations, groups, args: argparse.Namespace) -> dict:
    """The CSV an export from another survey tool might give; returns what it holds."""
    rng = random.Random(args.seed + 1)
    statements = [s.id for s in framework.statements][: args.statements]
    wanted = set(statements)
    by_theme = [(t.id, [s.id for s in t.statements if s.id in wanted]) for t in framework.themes]
    by_theme = [(theme, ids) for theme, ids in by_theme if ids]
    labels = {level.value: level.label.en for level in framework.scale.levels}
    spellings = [word for word, _w in DONT_KNOW_SPELLINGS]
    spelling_weights = [weight for _word, weight in DONT_KNOW_SPELLINGS]
    generated = synthetic_answers(
        by_theme,
        [(organisation.name, sector, weight) for organisation, sector, weight in organisations],
        [str(g.name) for g in groups],
        count=args.rows,
        seed=args.seed,
        points=len(labels),
    )
    kinds: Counter[str] = Counter()
    with path.open("w", encoding="utf-8-sig", newline="") as handle:  # as Excel saves "CSV UTF-8"
        writer = csv.writer(handle)
        writer.writerow(["organisation", "group", *statements])
        for organisation, group, _day, answers, _priorities, _comments in generated:
            cells = []
            for statement in statements:
                value = answers[statement]
                if rng.random() < BLANK_SHARE:
                    cells.append("")
                    kinds["blank"] += 1
                elif value is None:
                    cells.append(rng.choices(spellings, spelling_weights)[0])
                    kinds["dont_know"] += 1
                elif rng.random() < LABEL_SHARE:
                    label = labels[value]
                    cells.append(label if rng.random() < 0.8 else label.lower())
                    kinds["label"] += 1
                else:
                    cells.append(str(value) if rng.random() < 0.97 else f" {value} ")
                    kinds["number"] += 1
            if not any(cells):  # an empty row is skipped by the importer; keep every respondent
                cells[0] = "3"
                kinds["blank"] -= 1
                kinds["number"] += 1
            if organisation is not None and rng.random() < 0.05:
                organisation = organisation.upper()  # names are matched without regard to case
            writer.writerow([organisation or "", group or "", *cells])
    cells_total = sum(kinds.values())
    return {
        "rows": len(generated),
        "statement_columns": len(statements),
        "answer_cells": cells_total,
        "bytes": path.stat().st_size,
        "encoding": "UTF-8 with byte-order mark",
        "cells": dict(kinds),
        "shares": {kind: round(n / cells_total, 4) for kind, n in sorted(kinds.items())},
        "organisation_blank": sum(1 for row in generated if row[0] is None),
        "group_blank": sum(1 for row in generated if row[1] is None),
        "expected_answers_stored": cells_total - kinds["blank"],
        "expected_dont_know_stored": kinds["dont_know"],
    }


@contextlib.contextmanager
def split_timer(module, names: tuple[str, ...]):
    """Wrap ``module.name`` for each name with a timer for the duration; yields seconds spent in each."""
    spent = dict.fromkeys(names, 0.0)
    calls = dict.fromkeys(names, 0)
    originals = {name: getattr(module, name) for name in names}

    def wrap(name, function):
        def timed_call(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started
                calls[name] += 1

        return timed_call

    for name, function in originals.items():
        setattr(module, name, wrap(name, function))
    try:
        yield spent, calls
    finally:
        for name, function in originals.items():
            setattr(module, name, function)


# --------------------------------------------------------------------------------------------
# Inside the worker process: Django is set up against the benchmark database
# --------------------------------------------------------------------------------------------


def phase_run(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.db import connection

    from together.imports import services as imports
    from together.reviews import importer
    from together.reviews.models import Answer, Priority, Response

    vendor = connection.vendor
    name = "postgres" if vendor == "postgresql" else vendor
    user, partnership, organisations, groups = create_partnership_with_organisations(args.organisations, args.seed)
    rounds = []

    def fresh(label: str):
        round_ = new_round(partnership, user, label)
        rounds.append(round_)
        return round_

    first = fresh("Warm-up import")
    path = args.csv
    started = time.perf_counter()
    file = write_csv(path, first.framework, organisations, groups, args)
    progress(
        f"{name}: wrote {file['rows']:,} rows x {file['statement_columns']} statements = "
        f"{file['answer_cells']:,} answer cells, {file['bytes'] / 1e6:.1f} MB, in {time.perf_counter() - started:.1f} s"
    )

    def check(round_) -> dict:
        held = {
            "responses": Response.objects.filter(round=round_, state="submitted").count(),
            "answers": Answer.objects.filter(response__round=round_).count(),
            "dont_know": Answer.objects.filter(response__round=round_, value__isnull=True).count(),
            "priorities": Priority.objects.filter(response__round=round_).count(),
        }
        held["as_expected"] = (
            held["responses"] == file["rows"]
            and held["answers"] == file["expected_answers_stored"]
            and held["dont_know"] == file["expected_dont_know_stored"]
        )
        return held

    def import_once(round_) -> tuple[float, dict, int]:
        sql = SQLTimer()
        with split_timer(importer, ("parse", "store")) as (spent, calls), connection.execute_wrapper(sql):
            gc.collect()
            started = time.perf_counter()
            with open(path, "rb") as raw:
                stored = importer.import_file(raw, round_)
            seconds = time.perf_counter() - started
        if calls != {"parse": 1, "store": 1}:
            raise RuntimeError(f"import_file did not call parse and store once each: {calls}")
        return seconds, {**spent, "database": sql.seconds, "statements": sql.statements}, stored

    seconds, _spent, stored = import_once(first)
    progress(f"{name}: warm-up import of {stored:,} responses: {seconds:.2f} s")
    checks = [check(first)]
    totals, parses, stores, in_database = [], [], [], []
    reference_before = cpu_reference_ms()
    with OtherCPU() as other:
        for run in range(1, args.repeats + 1):
            round_ = fresh(f"Import {run}")
            seconds, spent, stored = import_once(round_)
            totals.append(seconds)
            parses.append(spent["parse"])
            stores.append(spent["store"])
            in_database.append(spent["database"])
            checks.append(check(round_))
            progress(
                f"{name}: run {run}/{args.repeats}: import_file {seconds:.2f} s "
                f"(parse {spent['parse']:.2f} s, store {spent['store']:.2f} s, of which in the database driver "
                f"{spent['database']:.2f} s in {spent['statements']} statements), {stored:,} responses"
            )

        # What the wizard and the command line run: the service's import, checked first and then
        # written in short transactions, into a round that has not opened. This is what is judged.
        service_totals = []
        for run in range(1, args.repeats + 1):
            service_round = draft_round(partnership, f"Service import {run}")
            rounds.append(service_round)
            gc.collect()
            started = time.perf_counter()
            with open(path, "rb") as raw:
                imports.import_file(raw, service_round, file_name=path.name, user=user)
            service_totals.append(time.perf_counter() - started)
            checks.append(check(service_round))
            progress(f"{name}: run {run}/{args.repeats}: the service's import {service_totals[-1]:.2f} s")

    reference_after = cpu_reference_ms()
    progress(f"{name}: profiling one more import")
    round_ = fresh("Profiled import")
    with open(path, "rb") as raw:
        profiled = profile(lambda: importer.import_file(raw, round_), focus=("together/", "django/db/"))
    checks.append(check(round_))

    # The service (and so the command line) imports only into a round that has not opened.
    command_round = draft_round(partnership, "Command-line import")
    rounds.append(command_round)
    connection.close()  # the command is another process; hold nothing open meanwhile
    env = dict(os.environ)
    command = [BIN / "together", "import", str(command_round.pk), str(path), "--quiet"]
    progress(f"{name}: together import {command_round.pk} FILE --quiet, as a subprocess")
    check_seconds, _ = timed_command([BIN / "together", "check"], env, TIMEOUTS["command"])
    command_seconds, output = timed_command(command, env, TIMEOUTS["command"])
    checks.append(check(command_round))
    said = output.strip().rsplit(": ", 1)[-1]
    progress(f"{name}: command line {command_seconds:.2f} s ({said}); together check {check_seconds:.2f} s")

    during = None
    if args.respondents:
        during = respondents_during_imports(args, partnership, user, path, file, name)

    with connection.cursor() as cursor:
        if vendor == "sqlite":
            size = Path(connection.settings_dict["NAME"]).stat().st_size
        else:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
    median = statistics.median(totals)
    return {
        "database": name,
        "database_version": database_version(connection),
        "durability": durability(connection),
        "file": file,
        "organisations": len(organisations),
        "respondent_groups": len(groups),
        "timings": {
            "warmup_runs": 1,
            "timed_runs": args.repeats,
            "service_import": summary(service_totals),
            "import_file": summary(totals),
            "parse": summary(parses),
            "store": summary(stores),
            "inside_database_driver": summary(in_database),
            "database_statements_per_import": spent["statements"],
            "rows_per_second_median": round(file["answer_cells"] / median),
            "respondents_per_second_median": round(file["rows"] / median),
            "parse_share_median": round(statistics.median(parses) / median, 3),
            "other_processes_during_timed_runs": other.result,
            "cpu_reference_ms": {"before_timed_runs": reference_before, "after_timed_runs": reference_after},
            "command_line": {
                "together_import_quiet_s": round(command_seconds, 3),
                "together_check_s": round(check_seconds, 3),
                "rows_per_second": round(file["answer_cells"] / command_seconds),
            },
        },
        "rounds_checked": [{"round": r.name, **c} for r, c in zip(rounds, checks, strict=True)],
        "all_rounds_as_expected": all(c["as_expected"] for c in checks),
        "database_bytes_after": size,
        "peak_rss_mb": peak_rss_mb(),
        "source": source_fingerprint(SOURCES),
        "profile": profiled,
        **({"respondents_during_import": during} if during else {}),
    }


PHASES = ("quiet", "service_import", "quiet_again", "single_transaction_import")
WARM_UP_SECONDS = 3.0  # respondents run this long before the quiet phase is measured


def respondents_during_imports(args, partnership, user, path: Path, file: dict, name: str) -> dict:
    """Respondents answering through gunicorn while the file is imported, phase by phase."""
    from django.db import connection

    from together.imports import services as imports
    from together.imports.models import ImportBatch
    from together.reviews import importer
    from together.reviews.models import Response

    collecting = new_round(partnership, user, "Answered during imports")  # open, with an open link
    service_round = draft_round(partnership, "Service import")
    single_round = draft_round(partnership, "One-transaction import")
    env = web_env(os.environ["DATABASE_URL"], Path(os.environ["BENCH_STATIC_ROOT"]), os.environ["SECRET_KEY"])
    log = args.csv.parent / "gunicorn.log"
    server = Gunicorn(env, workers=2, threads=4, log=log)
    phase = ["warm_up"]
    per_thread = [{p: load.Stats() for p in ("warm_up", *PHASES)} for _ in range(args.respondents)]
    stop = threading.Event()

    class PhasedBrowser(load.Browser):
        """A respondent's browser whose every request is counted in the phase it was sent in."""

        def __init__(self, mine, *rest):
            self._mine = mine
            super().__init__(*rest)

        @property
        def stats(self):
            return self._mine[phase[0]]

        @stats.setter
        def stats(self, _value):
            pass

    def respondent(index: int) -> None:
        rng = random.Random(args.seed * 7919 + index)
        mine = per_thread[index]
        while not stop.is_set():
            browser = PhasedBrowser(mine, server.base, None, 30.0, time.monotonic() + 3600)
            try:
                load.walk(browser, f"/r/{collecting.open_link_code}/", rng)
            except load.WalkFailed:
                mine[phase[0]].failed_walks += 1
            except Exception as problem:  # a bug in the benchmark itself: count it, keep going
                mine[phase[0]].errors[f"client: {type(problem).__name__}: {problem}"] += 1
                mine[phase[0]].failed_walks += 1
            else:
                mine[phase[0]].completed += 1
            finally:
                browser.close()

    connection.close()
    server.start()
    threads = [threading.Thread(target=respondent, args=(i,), daemon=True) for i in range(args.respondents)]
    imports_timed = {}
    try:
        for thread in threads:
            thread.start()
        time.sleep(WARM_UP_SECONDS)
        phase[0] = "quiet"
        progress(f"{name}: {args.respondents} respondents answering; quiet for {args.quiet_seconds:g} s")
        time.sleep(args.quiet_seconds)
        phase[0] = "service_import"
        started = time.perf_counter()
        with open(path, "rb") as raw:
            batch = imports.import_file(raw, service_round, file_name=path.name, user=user)
        imports_timed["service_import_s"] = round(time.perf_counter() - started, 3)
        progress(f"{name}: service import {imports_timed['service_import_s']:.2f} s while respondents answered")
        phase[0] = "quiet_again"
        time.sleep(args.quiet_seconds)
        phase[0] = "single_transaction_import"
        started = time.perf_counter()
        with open(path, "rb") as raw:
            importer.import_file(raw, single_round)
        imports_timed["single_transaction_import_s"] = round(time.perf_counter() - started, 3)
        progress(f"{name}: one-transaction import {imports_timed['single_transaction_import_s']:.2f} s")
        time.sleep(1.0)  # requests sent during it finish in its phase
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
        server.stop()
    phases = {}
    for label in PHASES:
        total = load.Stats()
        for mine in per_thread:
            total.merge(mine[label])
        overall, _pages = latency_summary(total.latencies)
        phases[label] = {
            **overall,
            "questionnaires_sent": total.completed,
            "failed_questionnaires": total.failed_walks,
            "errors": sum(total.errors.values()),
            "error_kinds": dict(total.errors.most_common(5)),
        }
    batches = ImportBatch.objects.filter(pk=batch.pk).count()
    per_chunk = max(1, imports.CHUNK_CELLS * file["rows"] // max(file["expected_answers_stored"], 1))
    return {
        "respondents": args.respondents,
        "gunicorn": {"workers": 2, "threads": 4},
        "quiet_seconds": args.quiet_seconds,
        "service_import": {
            "seconds": imports_timed["service_import_s"],
            "transactions": -(-file["rows"] // per_chunk) + 1,
            "answers_per_transaction": imports.CHUNK_CELLS,
            "pause_between_s": imports.PAUSE_SECONDS,
            "batch_complete": batches == 1,
            "responses_stored": Response.objects.filter(round=service_round).count(),
        },
        "single_transaction_import_s": imports_timed["single_transaction_import_s"],
        "phases": phases,
        "errors_during_service_import": phases["service_import"]["errors"],
        "server_log": scan_log(log),
        "respondents_sent": Response.objects.filter(round=collecting, state="submitted").count(),
    }


# --------------------------------------------------------------------------------------------
# The orchestration and the report
# --------------------------------------------------------------------------------------------


def worker_argv(args: argparse.Namespace) -> list[str]:
    return [
        "--rows",
        str(args.rows),
        "--statements",
        str(args.statements),
        "--organisations",
        str(args.organisations),
        "--repeats",
        str(args.repeats),
        "--seed",
        str(args.seed),
        "--respondents",
        str(args.respondents),
        "--quiet-seconds",
        str(args.quiet_seconds),
    ]


def run_database(database: str, args: argparse.Namespace) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"together-import-bench-{database}-"))
    try:
        env = service_env(database_url(database, work))
        if args.respondents:
            static_root = work / "static"
            collect_static(static_root, work, env["SECRET_KEY"])
            env["BENCH_STATIC_ROOT"] = str(static_root)
        progress(f"{database}: migrate and framework load into a fresh database")
        setup_seconds = prepare_database(env, TIMEOUTS["setup"])
        argv = [*worker_argv(args), "--csv", str(work / "responses.csv")]
        result = run_worker("bench.import_csv", argv, env, work, TIMEOUTS["run"])
        result["migrate_and_framework_seconds"] = setup_seconds
        median = result["timings"]["service_import"]["median_s"]
        checks = {
            "import_median_under_5_s": median < TARGET["import_median_seconds"],
            "every_round_holds_what_the_file_says": result["all_rounds_as_expected"],
        }
        during = result.get("respondents_during_import")
        if during:
            checks["no_respondent_errors_during_the_service_import"] = during["errors_during_service_import"] == 0
        result["target_verdict"] = {"pass": all(checks.values()), "checks": checks}
        return result
    except (RuntimeError, OSError, ValueError, KeyError, subprocess.SubprocessError) as problem:
        progress(f"{database}: FAILED: {problem}")
        return {"database": database, "failed": str(problem)}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def format_report(report: dict) -> str:
    results = report["results"]
    lines = ["", "CSV import benchmark", "=" * 20]
    first = next((r for r in results if "failed" not in r), None)
    if first:
        file, shares = first["file"], first["file"]["shares"]
        lines.append(
            f"File: {file['rows']:,} rows x {file['statement_columns']} statement columns = "
            f"{file['answer_cells']:,} answer cells, plus organisation and group ({first['organisations']} "
            f"organisations, {first['respondent_groups']} groups); {file['bytes'] / 1e6:.2f} MB, UTF-8 with BOM"
        )
        lines.append(
            f"Cells: {shares.get('number', 0):.0%} numbers, {shares.get('label', 0):.0%} scale labels, "
            f"{shares.get('dont_know', 0):.1%} don't know (5 spellings), {shares.get('blank', 0):.1%} blank; "
            f"{file['expected_answers_stored']:,} answers to store per import"
        )
    machine = report["machine"]
    lines.append(
        f"Machine: {machine['cpu_count']} CPUs, Python {machine['python']}, Django {machine['django']}; "
        f"1 warm-up + {report['repeats']} timed imports, each into a new round"
    )
    lines.append("")
    header = (
        f"{'database':<16} {'import_file s':>15} {'rows/s':>8} {'parse s':>15} {'store s':>15} "
        f"{'CLI s':>7} {'check s':>8}"
    )
    lines += [header, f"{'':<16} {'min / median':>15} {'median':>8} {'min / median':>15} {'min / median':>15}"]
    lines.append("-" * len(header))
    for result in results:
        name = f"{result['database']} {result.get('database_version') or ''}".strip()[:16]
        if "failed" in result:
            lines.append(f"{name:<16} FAILED: {result['failed'][:100]}")
            continue
        t = result["timings"]
        cells = [f"{t[k]['min_s']:>6.3f} / {t[k]['median_s']:<6.3f}" for k in ("import_file", "parse", "store")]
        cli = t["command_line"]
        lines.append(
            f"{name:<16} {cells[0]:>15} {t['rows_per_second_median']:>8,} {cells[1]:>15} {cells[2]:>15} "
            f"{cli['together_import_quiet_s']:>7.2f} {cli['together_check_s']:>8.2f}"
        )
    lines.append("-" * len(header))
    lines.append(
        "service: together.imports.services.import_file, as the wizard and the command line import (checked, "
        "then written in short transactions), judged against the target; "
        + ", ".join(
            f"{r['database']} min / median {r['timings']['service_import']['min_s']:.3f} / "
            f"{r['timings']['service_import']['median_s']:.3f} s"
            for r in results
            if "failed" not in r
        )
    )
    lines.append(
        "import_file: importer.import_file(open(path, 'rb'), round), checking then storing in one transaction; "
        "parse and store: the time inside each, in the same runs; rows: answer cells."
    )
    lines.append(
        "CLI: '.venv/bin/together import ROUND FILE --quiet' as a subprocess, once, end to end; check: "
        "'together check', the fixed cost of starting Python and Django."
    )
    lines.append("")
    lines.append(f"Target: import under {TARGET['import_median_seconds']:g} s (median), every round as expected")
    for result in results:
        judged = result.get("target_verdict")
        if judged:
            t = result["timings"]
            lines.append(
                f"  {result['database']}: {mark(judged['pass'])} (the service's import, median "
                f"{t['service_import']['median_s']:.3f} s "
                f"{mark(judged['checks']['import_median_under_5_s'])}; rounds as expected "
                f"{mark(judged['checks']['every_round_holds_what_the_file_says'])}; command line "
                f"{t['command_line']['together_import_quiet_s']:.2f} s)"
            )
    lines.append("")
    for result in results:
        if "failed" in result:
            continue
        prof = result["profile"]
        lines.append(
            f"{result['database']}: cProfile of one import_file ({prof['seconds_under_profiler']:.2f} s under the "
            f"profiler); parse is {result['timings']['parse_share_median']:.0%} of the median import"
        )
        t = result["timings"]
        copy_note = (
            "; PostgreSQL receives the rows by COPY, which Django's execute wrapper does not see, so that "
            "time is counted with Python here"
            if result["database"] == "postgres"
            else ""
        )
        statements = f"{t['database_statements_per_import']} statements"
        lines.append(
            f"  store, median {t['store']['median_s']:.3f} s: inside the database driver "
            f"{t['inside_database_driver']['median_s']:.3f} s ({statements}), the rest is Python "
            f"(converting the values and building the statements){copy_note}"
        )
        lines.append("  " + contention_note(t["other_processes_during_timed_runs"]))
        reference = t["cpu_reference_ms"]
        lines.append("  " + reference_note(reference["before_timed_runs"], reference["after_timed_runs"]))
        lines.append(
            "  most own time: " + ", ".join(f"{r['function']} {r['own_s']:.2f}" for r in prof["by_own_time"][:6])
        )
        notable = [r for r in prof["by_cumulative_time"] if r["function"].startswith(("together/", "django/db/"))]
        lines.append("  cumulative: " + ", ".join(f"{r['function']} {r['cumulative_s']:.2f}" for r in notable[:7]))
        lines.append(
            f"  database after {len(result['rounds_checked'])} imports: {result['database_bytes_after'] / 1e6:.0f} MB; "
            f"peak RSS of the benchmark process {result['peak_rss_mb']:.0f} MB"
        )
    for result in results:
        during = result.get("respondents_during_import")
        if not during:
            continue
        lines.append("")
        lines.append(
            f"{result['database']}: {during['respondents']} respondents answering through gunicorn "
            f"({during['gunicorn']['workers']} workers x {during['gunicorn']['threads']} threads) during imports"
        )
        lines.append(f"  {'phase':<28} {'pages':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}")
        labels = {
            "quiet": "quiet",
            "service_import": f"service import {during['service_import']['seconds']:.1f} s",
            "quiet_again": "quiet again",
            "single_transaction_import": f"one transaction {during['single_transaction_import_s']:.1f} s",
        }
        for key, label in labels.items():
            figures = during["phases"][key]
            lines.append(
                f"  {label:<28} {figures['requests']:>6} {_fmt(figures['p50_ms'])} {_fmt(figures['p99_ms'])} "
                f"{_fmt(figures['max_ms'])} {figures['errors']:>7}"
            )
        service = during["service_import"]
        lines.append(
            f"  service import: {service['transactions']} transactions of about {service['answers_per_transaction']} "
            f"answers, {service['pause_between_s'] * 1000:.0f} ms apart; complete: {mark(service['batch_complete'])}; "
            f"errors during it {mark(during['errors_during_service_import'] == 0)} "
            f"({during['errors_during_service_import']})"
        )
    lines.append("")
    lines.append(f"Results written to {report['output']}")
    return "\n".join(lines)


def _fmt(value) -> str:
    return f"{value:>8.1f}" if value is not None else f"{'-':>8}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argument_parser(
        "python -m bench.import_csv",
        "CSV import benchmark: 2,500 respondents x 40 statements imported with "
        "together.reviews.importer.import_file, and once with 'together import'.",
        database_default="sqlite",
    )
    parser.add_argument("--rows", type=int, default=2500, help="respondents (rows) in the file (default 2500)")
    parser.add_argument("--statements", type=int, default=40, help="statement columns, the framework's first N (40)")
    parser.add_argument("--organisations", type=int, default=100, help="partner organisations (default 100)")
    parser.add_argument("--repeats", type=int, default=3, help="timed imports after one warm-up (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the synthetic answers")
    parser.add_argument(
        "--respondents",
        type=int,
        default=0,
        help="respondents answering through gunicorn during an import (default 0: not measured)",
    )
    parser.add_argument(
        "--quiet-seconds", type=float, default=10.0, help="with --respondents: seconds of each quiet phase (10)"
    )
    add_common_arguments(parser, DEFAULT_OUTPUT, seed_help=None)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.respondents < 0 or args.quiet_seconds <= 0:
        parser.error("--respondents must be 0 or more and --quiet-seconds positive")
    if args.rows < 1 or args.repeats < 1 or not 1 <= args.statements <= 42 or not 1 <= args.organisations <= 400:
        parser.error("--rows and --repeats must be positive, --statements 1 to 42, --organisations 1 to 400")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    install_sigterm()
    if args.phase:  # the worker: Django against the benchmark database, set up by the environment
        args.json_out.write_text(json.dumps(phase_run(args)))
        return 0
    started = now()
    results = for_each_database(
        args,
        lambda database: run_database(database, args),
        module="bench.import_csv",
        argv=worker_argv(args),
        timeout=120 + TIMEOUTS["setup"] + TIMEOUTS["run"],
    )
    if results is None:  # the run inside scripts/with-postgres.sh, which has handed its result back
        return 0
    output = args.output.resolve()
    report = {
        "benchmark": "import_csv",
        **timestamps(started),
        "machine": machine_info(("psycopg",), load_average_at_end=round(os.getloadavg()[0], 2)),
        "rows": args.rows,
        "statements": args.statements,
        "organisations": args.organisations,
        "warmup": 1,
        "repeats": args.repeats,
        "seed": args.seed,
        "settings": {"DEBUG": "false"},
        "target": TARGET,
        "results": results,
        "output": relative(output),
    }
    write_json(report, output)
    print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
