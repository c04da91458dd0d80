"""Load benchmark: simulated respondents walk the whole questionnaire against the production set-up.

For each database (SQLite, PostgreSQL) and each concurrency, this prepares a fresh database, runs
gunicorn on 127.0.0.1 with DEBUG off, and lets N respondents answer the questionnaire again and
again for a bounded time, each with its own cookie jar, reading the CSRF token from every page as
a browser would. It then counts the submitted responses in the database and checks that none was
lost. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from bench.harness.cpu import busy_share, cpu_reference_ms, machine_ticks, reference_note
from bench.harness.database import fresh_postgres_database, prepare_database, sqlite_url
from bench.harness.measure import latency_summary
from bench.harness.process import BIN, HOST, RESULTS, install_sigterm, progress, run_command
from bench.harness.report import (
    add_common_arguments,
    argument_parser,
    for_each_database,
    machine_info,
    now,
    relative,
    timestamps,
    version_of,
    write_json,
)
from bench.harness.respondents import GRACE_SECONDS, LoadPlan, Stats, run_load
from bench.harness.respondents import Connection as Connection  # noqa: F401  (tests/unit/test_bench_client.py)
from bench.harness.server import WEB_SETTINGS, Gunicorn, collect_static, scan_log, web_env

DEFAULT_OUTPUT = RESULTS / "questionnaire_load.json"
PRODUCTION_THREADS = 1  # src/together/gunicorn_conf.py

REFERENCE = {
    "name": "LimeSurvey 6",
    "concurrency": 50,
    "completes_per_second": 2.8,
    "page_p99_ms": 2400.0,
    "questionnaire": "40 ratings on 10 pages",
    "machine": "2 cores",
}
TARGET = {"concurrency": 50, "completes_per_second": 28.0, "page_p99_ms": 250.0, "nothing_lost": True}

SLOW_CLIENT_INTERVAL = 3.0  # seconds between the bytes a slow client sends


# --------------------------------------------------------------------------------------------
# The round to answer, and what the database holds after
# --------------------------------------------------------------------------------------------

SETUP_SCRIPT = """
import json
import django
django.setup()
from together.accounts.models import User
from together.frameworks.models import FrameworkVersion
from together.partnerships.models import Organisation, Sector
from together.partnerships.services import create_partnership
from together.reviews import keys, lifecycle
from together.reviews.models import Round

user = User.objects.create_user("bench@example.invalid", keys.new_key())
partnership = create_partnership(user, name="Benchmark Partnership", place="Benchville")
for name, sector in [
    ("Benchville Council", Sector.LOCAL_AUTHORITY),
    ("Benchville NHS Trust", Sector.NHS),
    ("Benchville Police", Sector.POLICE),
    ("Benchville Fire and Rescue", Sector.FIRE),
    ("Benchville Voluntary Action", Sector.VOLUNTARY),
]:
    Organisation.objects.create(partnership=partnership, name=name, sector=sector)
version = FrameworkVersion.objects.filter(framework_id="transforming-together").order_by("-number").first()
rounds = {}
for purpose in ("warmup", "measured"):
    round_ = Round.objects.create(
        partnership=partnership,
        name=f"Benchmark {purpose}",
        framework_version=version,
        open_link_code=keys.new_key(),
        open_link_enabled=True,
    )
    lifecycle.apply(round_, "open", user)
    rounds[purpose] = {"id": round_.pk, "code": round_.open_link_code, "public_id": str(round_.public_id)}
framework = version.framework
print(json.dumps({
    "rounds": rounds,
    "themes": len(framework.themes),
    "statements": sum(len(t.statements) for t in framework.themes),
}))
"""

COUNT_SCRIPT = """
import json, sys
import django
django.setup()
from django.db import connection
from bench.harness.database import database_version, durability
from together.reviews.models import Response, ResponseState

responses = Response.objects.filter(round_id=int(sys.argv[1]))
print(json.dumps({
    "durability": durability(connection),
    "submitted": responses.filter(state=ResponseState.SUBMITTED).count(),
    "drafts": responses.filter(state=ResponseState.DRAFT).count(),
    "vendor": connection.vendor,
    "version": database_version(connection),
}))
"""


def _python_json(script: str, env: dict, log: Path, *args) -> dict:
    out = run_command([BIN / "python", "-c", script, *args], env, log=log)
    return json.loads(out.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------
# Slow clients, and one run
# --------------------------------------------------------------------------------------------


class SlowClients(threading.Thread):
    """``count`` connections that each send one byte of a request's headers every
    ``SLOW_CLIENT_INTERVAL`` seconds and never finish them (a "slow loris"), held open through the
    measured run. One the server closes is opened again at once, as an attacker would."""

    HEADERS = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\nX-Slowly: " + b"s" * 100_000

    def __init__(self, port: int, count: int):
        super().__init__(name="slow-clients", daemon=True)
        self.port = port
        self.count = count
        self.stopped = threading.Event()
        self.connections: list[tuple[socket.socket, int]] = []
        self.opened = 0
        self.cut_off = 0  # closed by the server (after a 408, say) and opened again
        self.failed_connects = 0

    def _open(self) -> tuple[socket.socket, int] | None:
        try:
            connection = socket.create_connection((HOST, self.port), timeout=5)
        except OSError:
            self.failed_connects += 1
            return None
        connection.setblocking(False)
        self.opened += 1
        return connection, 0

    def __enter__(self) -> SlowClients:
        self.connections = [c for c in (self._open() for _ in range(self.count)) if c]
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.join(timeout=30)
        for connection, _ in self.connections:
            connection.close()

    def _still_open(self, connection: socket.socket) -> bool:
        try:
            connection.recv(65536)
        except BlockingIOError:
            return True  # nothing from the server: still waiting for the rest of the request
        except OSError:
            return False
        return False  # an answer (a 408) or the end: the server has closed it

    def run(self) -> None:
        while not self.stopped.wait(SLOW_CLIENT_INTERVAL):
            kept = []
            for connection, sent in self.connections:
                if self._still_open(connection):
                    try:
                        connection.send(self.HEADERS[sent : sent + 1])
                        kept.append((connection, sent + 1))
                        continue
                    except OSError:
                        pass
                connection.close()
                self.cut_off += 1
                fresh = self._open()
                if fresh:
                    kept.append(fresh)
            self.connections = kept

    def summary(self) -> dict:
        return {
            "connections": self.count,
            "byte_every_seconds": SLOW_CLIENT_INTERVAL,
            "opened": self.opened,
            "closed_by_server_and_reopened": self.cut_off,
            "failed_connects": self.failed_connects,
        }


def run_configuration(database: str, concurrency: int, args: argparse.Namespace, work: Path, static_root: Path) -> dict:
    """One database, one concurrency: fresh database, gunicorn, warm-up, measured run, count."""
    run_dir = work / f"{database}-{concurrency}"
    run_dir.mkdir()
    setup_log = run_dir / "setup.log"
    secret_key = secrets.token_urlsafe(50)
    postmaster = None
    if database == "sqlite":
        database_url = sqlite_url(run_dir, "together.sqlite3")
    else:
        database_url, postmaster = fresh_postgres_database(f"bench_{concurrency}")
    env = web_env(database_url, static_root, secret_key)
    progress(f"{database}, {concurrency} respondents: preparing a fresh database")
    prepare_database(env, log=setup_log)
    setup = _python_json(SETUP_SCRIPT, env, setup_log)
    rounds = setup["rounds"]

    server = Gunicorn(env, args.workers, args.threads, run_dir / "gunicorn.log", postmaster, args.worker_class)
    try:
        server.start()
        progress(f"{database}, {concurrency} respondents: gunicorn on {server.base} ({_gunicorn_text(args)})")
        warm_concurrency = min(concurrency, args.workers * args.threads * 2)
        warmup = run_load(
            LoadPlan(
                base=server.base,
                start_path=f"/r/{rounds['warmup']['code']}/",
                concurrency=warm_concurrency,
                seconds=60,
                request_timeout=args.request_timeout,
                seed=args.seed + 1,
                walks_per_thread=1,
            )
        )
        warm_stats: Stats = warmup["stats"]
        if not warm_stats.completed:  # nothing works: say why instead of measuring errors for the run
            problem = next(iter(warm_stats.errors.most_common(1)), ("no questionnaire completed", 0))[0]
            log_lines = [line for line in scan_log(server.log)["excerpt"] if "Error" in line][:3]
            raise RuntimeError(f"warm-up failed: {problem}; server log: {' | '.join(log_lines) or 'nothing'}")
        progress(f"{database}, {concurrency} respondents: running for {args.seconds:g} s")
        cpu_server_before = server.cpu_seconds()
        machine_before = machine_ticks()
        load_average = os.getloadavg()[0]
        with contextlib.ExitStack() as held:
            slow = held.enter_context(SlowClients(server.port, args.slow_clients)) if args.slow_clients else None
            load = run_load(
                LoadPlan(
                    base=server.base,
                    start_path=f"/r/{rounds['measured']['code']}/",
                    concurrency=concurrency,
                    seconds=args.seconds,
                    request_timeout=args.request_timeout,
                    seed=args.seed,
                )
            )
        cpu_server_after = server.cpu_seconds()
        machine_after = machine_ticks()
    finally:
        server.stop()
    stored = _python_json(COUNT_SCRIPT, env, setup_log, rounds["measured"]["id"])
    stored_warmup = _python_json(COUNT_SCRIPT, env, setup_log, rounds["warmup"]["id"])

    stats: Stats = load["stats"]
    elapsed = load["elapsed"]
    overall, pages = latency_summary(stats.latencies)
    errors = sum(stats.errors.values())
    cpus = os.cpu_count() or 1
    machine_busy = busy_share(machine_before, machine_after)
    share = {  # percent of the whole machine over the run
        name: round(100 * (cpu_server_after[name] - cpu_server_before[name]) / elapsed / cpus, 1)
        for name in cpu_server_before
    }
    share["client"] = round(100 * load["client_cpu_seconds"] / elapsed / cpus, 1)
    if machine_busy is not None:
        share["machine_busy"] = round(100 * machine_busy, 1)
        share["other"] = round(
            max(0.0, share["machine_busy"] - share["gunicorn"] - share["postgres"] - share["client"]), 1
        )
    # CPU seconds per complete questionnaire, in milliseconds: what each part costs, whatever the
    # rate (it shows a change in the code even when the machine's speed varies between runs).
    cpu_per_questionnaire = {
        name: round(1000 * seconds / stats.completed, 1) if stats.completed else None
        for name, seconds in (
            *((name, cpu_server_after[name] - cpu_server_before[name]) for name in cpu_server_before),
            ("client", load["client_cpu_seconds"]),
        )
    }
    return {
        "database": database,
        "database_version": stored["version"],
        # As the server reported it after the run (PostgreSQL: fsync, synchronous_commit and
        # full_page_writes; SQLite: the journal mode and synchronous level of the service's connection).
        "durability": stored["durability"],
        "concurrency": concurrency,
        "seconds": args.seconds,
        "elapsed_seconds": round(elapsed, 2),
        "completed": stats.completed,
        "completed_within_seconds": stats.completed_in_time,
        "completes_per_second": round(stats.completed / elapsed, 2) if elapsed else 0.0,
        "requests_per_second": round(overall["requests"] / elapsed, 1) if elapsed else 0.0,
        "latency": overall,
        "pages": pages,
        "errors": errors,
        "errors_by_kind": dict(stats.errors.most_common()),
        "failed_questionnaires": stats.failed_walks,
        "abandoned_at_hard_stop": stats.abandoned,
        "requests_per_questionnaire": sorted(stats.pages_per_walk),
        "theme_pages_per_questionnaire": sorted(stats.themes_per_walk),
        "stored_submitted": stored["submitted"],
        "stored_drafts": stored["drafts"],
        "nothing_lost": stored["submitted"] == stats.completed and errors == 0 and stats.abandoned == 0,
        "cpu_percent_of_machine": share,
        "cpu_ms_per_questionnaire": cpu_per_questionnaire,
        "load_average_before": round(load_average, 2),
        "slow_clients": slow.summary() if slow else None,
        "server_log": scan_log(server.log),
        "warmup": {
            "respondents": warm_concurrency,
            "completed": warm_stats.completed,
            "errors": sum(warm_stats.errors.values()),
            "errors_by_kind": dict(warm_stats.errors.most_common()),
            "stored_submitted": stored_warmup["submitted"],
        },
        "framework": {"themes": setup["themes"], "statements": setup["statements"]},
    }


def run_database(database: str, args: argparse.Namespace) -> list[dict]:
    """Every requested concurrency on one database, each in a fresh database; temp files removed."""
    work = Path(tempfile.mkdtemp(prefix=f"together-bench-{database}-"))
    results = []
    try:
        static_root = work / "static"
        progress(f"{database}: collecting static files into {static_root}")
        try:
            static = collect_static(static_root, work)
        except (RuntimeError, OSError, subprocess.SubprocessError) as problem:
            progress(f"{database}: FAILED: {problem}")
            return [{"database": database, "concurrency": c, "failed": str(problem)} for c in args.concurrency]
        for concurrency in args.concurrency:
            try:
                result = run_configuration(database, concurrency, args, work, static_root)
            except (RuntimeError, OSError, subprocess.SubprocessError, ValueError) as problem:
                progress(f"{database}, {concurrency} respondents: FAILED: {problem}")
                result = {"database": database, "concurrency": concurrency, "failed": str(problem)}
            result["collectstatic"] = static
            results.append(result)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def worker_argv(args: argparse.Namespace) -> list[str]:
    """This run's options, for the run of it inside scripts/with-postgres.sh."""
    return [
        "--concurrency",
        ",".join(str(c) for c in args.concurrency),
        "--seconds",
        str(args.seconds),
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--slow-clients",
        str(args.slow_clients),
        "--worker-class",
        args.worker_class,
        "--request-timeout",
        str(args.request_timeout),
        "--seed",
        str(args.seed),
    ]


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------


def _gunicorn_text(args: argparse.Namespace) -> str:
    kind = args.worker_class or "together.gunicorn_worker"
    threads = f"{args.threads} threads each" if args.threads > 1 else "1 thread each"
    slow = f"; {args.slow_clients} slow clients held open" if args.slow_clients else ""
    return f"{args.workers} {kind} workers, {threads}, keep-alive{slow}"


def verdict(result: dict) -> dict | None:
    """PASS/FAIL against the target; only runs at the target's concurrency are judged."""
    if "failed" in result or result["concurrency"] != TARGET["concurrency"]:
        return None
    checks = {
        "completes_per_second": result["completes_per_second"] >= TARGET["completes_per_second"],
        "page_p99_ms": result["latency"]["p99_ms"] is not None and result["latency"]["p99_ms"] < TARGET["page_p99_ms"],
        "nothing_lost": result["nothing_lost"],
    }
    return {"pass": all(checks.values()), "checks": checks}


def _fmt(value, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def format_report(report: dict) -> str:
    lines = []
    settings = report["gunicorn"]
    results = report["results"]
    first = next((r for r in results if "failed" not in r), None)
    lines.append("")
    lines.append("Questionnaire load benchmark")
    lines.append("=" * 28)
    if first:
        per = first["requests_per_questionnaire"]
        lines.append(
            f"Questionnaire: {first['framework']['statements']} ratings on {first['framework']['themes']} "
            f"theme pages; {'/'.join(str(p) for p in per) or '?'} requests per complete questionnaire "
            "(start, about, themes, priorities, check: GET+POST each; done: GET)"
        )
    lines.append(
        f"Server: gunicorn {settings['description']} on 127.0.0.1, DEBUG off; "
        f"{report['seconds']:g} s per run; machine: {report['machine']['cpu_count']} CPUs, "
        f"Python {report['machine']['python']}"
    )
    lines.append("")
    header = (
        f"{'database':<16} {'resp.':>5} {'complete/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} "
        f"{'completed':>9} {'stored':>7} {'lost':>5}  {'target':<6}"
    )
    lines.append(header)
    lines.append("-" * len(header))
    for result in results:
        if "failed" in result:
            lines.append(f"{result['database']:<16} {result['concurrency']:>5}  FAILED: {result['failed'][:80]}")
            continue
        judged = verdict(result)
        mark = "-" if judged is None else ("PASS" if judged["pass"] else "FAIL")
        lost = "no" if result["nothing_lost"] else "YES"
        database = f"{result['database']} {result['database_version']}"[:16]
        lines.append(
            f"{database:<16} {result['concurrency']:>5} {result['completes_per_second']:>10.2f} "
            f"{_fmt(result['latency']['p50_ms']):>8} {_fmt(result['latency']['p99_ms']):>8} "
            f"{result['errors']:>6} {result['completed']:>9} {result['stored_submitted']:>7} "
            f"{lost:>5}  {mark:<6}"
        )
    lines.append("-" * len(header))
    ref = report["reference"]
    target = report["target"]
    lines.append(
        f"Reference: {ref['name']}: {ref['completes_per_second']} complete/s, page p99 "
        f"{ref['page_p99_ms']:.0f} ms at {ref['concurrency']} respondents "
        f"({ref['questionnaire']}, {ref['machine']})"
    )
    if "cpu_reference_ms" in report:
        lines.append(reference_note(report["cpu_reference_ms"]["before"], report["cpu_reference_ms"]["after"]))
    lines.append(
        f"Target:    >= {target['completes_per_second']:g} complete/s and page p99 "
        f"< {target['page_p99_ms']:.0f} ms "
        f"at {target['concurrency']} respondents, nothing lost (stored = completed, no errors)"
    )
    judged_any = False
    for result in results:
        judged = verdict(result)
        if judged is None:
            continue
        judged_any = True
        checks = judged["checks"]
        lines.append(
            f"  {result['database']} at {result['concurrency']}: {'PASS' if judged['pass'] else 'FAIL'} "
            f"(rate {'ok' if checks['completes_per_second'] else 'too low'}, "
            f"p99 {'ok' if checks['page_p99_ms'] else 'too high'}, "
            f"{'nothing lost' if checks['nothing_lost'] else 'answers lost or errors'}; "
            f"{result['completes_per_second'] / ref['completes_per_second']:.1f}x the reference rate)"
        )
    if not judged_any:
        lines.append(f"  (not judged: no run at {target['concurrency']} respondents)")
    lines.append("")
    lines.append("Per run: slowest pages by p99, CPU, errors and server log")
    for result in results:
        if "failed" in result:
            continue
        lines.append(
            f"  {result['database']} {result['concurrency']}: {result['requests_per_second']} requests/s, "
            f"{result['completed']} completed in {result['elapsed_seconds']} s "
            f"({result['completed_within_seconds']} within {result['seconds']:g} s)"
        )
        durability = ", ".join(f"{name} {value}" for name, value in result.get("durability", {}).items())
        lines.append(f"    database durability as the server reported it: {durability or 'not read'}")
        cpu = result["cpu_percent_of_machine"]
        lines.append(
            f"    CPU (% of the machine): gunicorn {_fmt(cpu.get('gunicorn'), 0)}, "
            f"postgres {_fmt(cpu.get('postgres'), 0)}, benchmark client {_fmt(cpu.get('client'), 0)}, "
            f"other processes {_fmt(cpu.get('other'), 0)}; machine busy {_fmt(cpu.get('machine_busy'), 0)} "
            f"(load average {result['load_average_before']} before the run)"
        )
        per = result.get("cpu_ms_per_questionnaire") or {}
        lines.append(
            f"    CPU ms per questionnaire: gunicorn {_fmt(per.get('gunicorn'))}, "
            f"postgres {_fmt(per.get('postgres'))}, benchmark client {_fmt(per.get('client'))}"
        )
        if result.get("slow_clients"):
            slow = result["slow_clients"]
            lines.append(
                f"    slow clients: {slow['connections']} held open (a header byte every "
                f"{slow['byte_every_seconds']:g} s); {slow['closed_by_server_and_reopened']} closed by the "
                f"server and opened again, {slow['failed_connects']} could not connect"
            )
        if (cpu.get("other") or 0) > 15:
            lines.append("    WARNING: other processes used much of the machine; figures are pessimistic")
        slowest = sorted(result["pages"].items(), key=lambda item: -(item[1]["p99_ms"] or 0))[:4]
        lines.append(
            "    slowest: "
            + ", ".join(f"{label} p50 {page['p50_ms']} / p99 {page['p99_ms']} ms" for label, page in slowest)
        )
        for kind, count in list(result["errors_by_kind"].items())[:6]:
            lines.append(f"    error x{count}: {kind}")
        if result["abandoned_at_hard_stop"]:
            lines.append(f"    {result['abandoned_at_hard_stop']} questionnaires abandoned at the hard stop")
        if result["stored_submitted"] != result["completed"]:
            lines.append(
                f"    MISMATCH: clients completed {result['completed']}, database holds "
                f"{result['stored_submitted']} submitted responses"
            )
        log_counts = {k: v for k, v in result["server_log"]["counts"].items() if v}
        if log_counts:
            lines.append("    server log: " + ", ".join(f"{k}: {v}" for k, v in log_counts.items()))
    lines.append("")
    lines.append(f"Results written to {report['output']}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def _concurrency_list(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("a comma-separated list of whole numbers, like 10,50") from None
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError("a comma-separated list of whole numbers, like 10,50")
    return values


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    cpus = os.cpu_count() or 1
    parser = argument_parser(
        "python -m bench",
        "Load benchmark: simulated respondents answer the whole questionnaire against "
        "gunicorn on 127.0.0.1, on SQLite and PostgreSQL.",
        database_default="both",
    )
    parser.add_argument(
        "--concurrency", type=_concurrency_list, default=[10, 50], help="respondents at once (default 10,50)"
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each run (default 30)")
    parser.add_argument(
        "--workers",
        type=int,
        default=cpus,
        help=f"gunicorn worker processes (default, as in production: one per CPU = {cpus})",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=PRODUCTION_THREADS,
        help=f"threads per worker (default {PRODUCTION_THREADS}, as in production)",
    )
    parser.add_argument(
        "--worker-class",
        default="",
        help="gunicorn worker class (default the production one, together.gunicorn_worker.KeepAliveWorker)",
    )
    parser.add_argument(
        "--slow-clients",
        type=int,
        default=0,
        metavar="N",
        help=f"hold N slow-loris connections open during the run, each sending a header byte every "
        f"{SLOW_CLIENT_INTERVAL:g} s (default 0)",
    )
    parser.add_argument("--request-timeout", type=float, default=30.0, help="seconds per request (default 30)")
    add_common_arguments(parser, DEFAULT_OUTPUT, seed_help="random seed for the answers", phases=())
    args = parser.parse_args(argv)
    args.concurrency = list(dict.fromkeys(args.concurrency))
    if args.seconds <= 0 or args.workers < 1 or args.threads < 1 or args.request_timeout <= 0:
        parser.error("--seconds, --workers, --threads and --request-timeout must be positive")
    if args.slow_clients < 0:
        parser.error("--slow-clients must be 0 or more")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    install_sigterm()  # so the finally blocks stop gunicorn and remove temp dirs
    started = now()
    reference_before = None if args.inner_json else cpu_reference_ms()
    per_database = for_each_database(
        args,
        lambda database: run_database(database, args),
        module="bench.questionnaire_load",
        argv=worker_argv(args),
        timeout=120 + (args.seconds + max(GRACE_SECONDS, args.request_timeout) + 180) * len(args.concurrency),
        failed=lambda reason: [{"database": "postgres", "concurrency": c, "failed": reason} for c in args.concurrency],
    )
    if per_database is None:  # the run inside scripts/with-postgres.sh, which has handed its results back
        return 0
    results = [result for runs in per_database for result in runs]
    reference_after = cpu_reference_ms()
    output = args.output.resolve()
    report = {
        "benchmark": "questionnaire_load",
        # The same fixed pure-Python loop as the other benchmarks: this machine's speed varies
        # over time by a fifth or more, so compare runs only alongside it.
        "cpu_reference_ms": {"before": reference_before, "after": reference_after},
        **timestamps(started),
        "machine": machine_info(gunicorn_version=version_of("gunicorn")),
        "seconds": args.seconds,
        "gunicorn": {
            "description": _gunicorn_text(args),
            "workers": args.workers,
            "threads": args.threads,
            "worker_class": args.worker_class or "together.gunicorn_worker.KeepAliveWorker",
            "slow_clients": args.slow_clients,
            "config": "src/together/gunicorn_conf.py",
            "timeout": 60,
            "backlog": 2048,
            "keepalive_seconds": 5,
            "why": "the production configuration: one process per CPU, as requests are mostly Python; "
            "gthread workers keep connections alive between pages, which the sync worker cannot",
        },
        "settings": WEB_SETTINGS,
        "request_timeout_seconds": args.request_timeout,
        "reference": REFERENCE,
        "target": TARGET,
        "results": results,
        "output": relative(output),
    }
    for result in results:
        result["target_verdict"] = verdict(result)
    write_json(report, output)
    print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
