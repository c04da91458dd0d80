"""PDF report benchmark: ``together.reports.build.pdf(round)`` for a large partnership's closed round.

For each database (SQLite by default, PostgreSQL with ``--database postgres``) this builds a fresh
database with ``together migrate`` and ``together framework load``, then, in a fresh Python process:

- creates a partnership with 100 partner organisations across every sector, the default respondent
  groups, a dozen actions, and a round that is opened, given ``--respondents`` synthetic submitted
  responses (every statement answered or "don't know", up to three priorities, about a fifth
  leaving a comment) with bulk inserts, and closed;
- builds the PDF once as a warm-up, then times ``build.pdf`` end to end (results, context, HTML,
  WeasyPrint) ``--repeats`` times, interleaved with its parts: ``round_results``, ``build.context``,
  the template alone, ``build.html``, and WeasyPrint alone on the finished HTML (layout, then
  ``write_pdf`` tagged as ``build.pdf`` writes it);
- counts the PDF's pages and bytes with pypdf, and keeps a cProfile of one more ``build.pdf``;
- records the CPU used by other processes during the timed runs and a fixed pure-Python reference
  loop before and after them, as this shared machine's speed varies from one run to the next.

It prints PASS/FAIL against the target (median under 3 s) and exits 0 either way; the figures go to
``bench/results/report_pdf.json``. ``python -m bench.report_pdf --help`` lists the options.

The helpers at the top (organisations, synthetic answers, processes, reporting) are shared with
``bench.import_csv``.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime
import gc
import io
import json
import os
import platform
import pstats
import random
import re
import resource
import secrets
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / ".venv" / "bin"
FRAMEWORK_FILE = REPO / "frameworks" / "transforming-together.yaml"
WITH_POSTGRES = REPO / "scripts" / "with-postgres.sh"
DEFAULT_OUTPUT = REPO / "bench" / "results" / "report_pdf.json"
HOST = "127.0.0.1"

TARGET = {"pdf_median_seconds": 3.0}
SOURCES = (
    "src/together/reports/build.py",
    "src/together/templates/reports/report.html",
    "src/together/results/queries.py",
    "src/together/results/charts.py",
    "src/together/analysis/results.py",
    "src/together/reviews/models.py",
    "src/together/web/demo.py",
)
TIMEOUTS = {"setup": 300, "run": 1500}  # seconds each step may take before it is stopped

# --------------------------------------------------------------------------------------------
# Shared: the synthetic partnership and its answers (plain Python, no Django)
# --------------------------------------------------------------------------------------------

PLACES = (
    "Ashbourne",
    "Brackenfield",
    "Calder Vale",
    "Dunmere",
    "Eastwick",
    "Fairholme",
    "Glenbury",
    "Harwood",
    "Ilsington",
    "Kettleby",
    "Longmarsh",
    "Marlow Cross",
    "Netherby",
    "Oakhampton",
    "Pennington",
    "Queensbury",
    "Redmire",
    "Stanbridge",
    "Thornley",
    "Upperton",
)
# Sector, how many of the 100 organisations it has, the kinds of organisation (each with a
# relative number of respondents it sends), and a shift of its respondents' ratings in scale points.
SECTORS = (
    (
        "local-authority",
        12,
        (("County Council", 60), ("City Council", 45), ("Borough Council", 30), ("Town Council", 6)),
        0.1,
    ),
    (
        "nhs",
        14,
        (("Hospitals NHS Foundation Trust", 55), ("Integrated Care Board", 15), ("Community Health Services", 20)),
        0.0,
    ),
    ("police", 4, (("Police", 35), ("Office of the Police and Crime Commissioner", 5)), 0.1),
    ("fire", 3, (("Fire and Rescue Service", 15),), 0.2),
    ("housing", 12, (("Homes", 12), ("Housing Association", 8), ("Housing Trust", 6)), -0.1),
    ("education", 10, (("College", 10), ("Academy Trust", 8), ("University", 20)), 0.0),
    (
        "voluntary",
        30,
        (
            ("Council for Voluntary Service", 5),
            ("Carers' Centre", 3),
            ("Citizens Advice", 4),
            ("Youth Trust", 3),
            ("Food Bank", 2),
            ("Age Concern", 3),
            ("Mind", 3),
            ("Community Transport", 2),
            ("Women's Aid", 2),
            ("Gwasanaeth Gofalwyr Tân", 2),
        ),
        -0.4,
    ),
    (
        "business",
        10,
        (("Chamber of Commerce", 3), ("Business Improvement District", 2), ("Enterprise Partnership", 3)),
        -0.2,
    ),
    ("other", 5, (("Parish Forum", 2), ("Faith Network", 2), ("Healthwatch, Advice and Advocacy", 3)), -0.1),
)
# The six default respondent groups in their order: (relative number of respondents, shift).
GROUP_PROFILE = ((6, 0.4), (2, 0.3), (22, 0.0), (45, -0.3), (12, -0.2), (8, 0.0))
NOT_GIVEN = 0.05  # share leaving their organisation (and, separately, their group) blank
DONT_KNOW_SHARE = 0.06
PRIORITY_COUNT_WEIGHTS = ((0, 10), (1, 20), (2, 30), (3, 40))
COMMENT_SHARE = 0.2  # share of respondents leaving a comment (on one theme, some on two)
FIRST_DAY = datetime.date(2026, 3, 2)
DAYS_OPEN = 28

OPENINGS = (
    "Honestly,",
    "From where I sit on the front line,",
    "In my experience over the last year,",
    "Speaking for my team,",
    "I think",
    "It feels as though",
    "As a small organisation,",
    "Compared with two years ago,",
    "Most of the time",
    "When it matters,",
)
POSITIVE = (
    "partners genuinely pull together on {theme}, and the joint work on hospital discharge shows it",
    "the progress on {theme} is real: people know who to call and they pick up the phone",
    "{theme} is one of the things this partnership does best, and new staff notice it quickly",
    "leaders talk openly about {theme} and back it up with time and money",
    "we have got much better at {theme}; the shared training days made a big difference",
)
CRITICAL = (
    "{theme} is talked about at board level but rarely reaches the people doing the work",
    "smaller partners are not really listened to on {theme}, and decisions arrive already made",
    "{theme} depends on a few committed individuals and would fall apart if they moved on",
    "we keep starting again on {theme} whenever the funding or the chief executive changes",
    "there is a gap between what is said about {theme} in meetings and what happens on the ground",
)
CLOSINGS = (
    "",
    "It would help to hear back about what changes after this review.",
    "Please keep the voluntary sector at the table, not just invited at the end.",
    "Residents notice the difference when we get this right.",
    "More joint time for frontline staff would make the biggest difference.",
    "I hope the action plan is honest about this.",
    "We need to measure this properly rather than rely on anecdotes.",
)


def organisation_plan(count: int = 100, seed: int = 7) -> list[tuple[str, str, float]]:
    """``count`` (name, sector, weight) organisations across every sector, with unique names."""
    rng = random.Random(seed)
    total = sum(n for _s, n, _k, _x in SECTORS)
    plan: list[tuple[str, str, float]] = []
    names: set[str] = set()
    place = 0
    for sector, share, kinds, _shift in SECTORS:
        wanted = max(1, round(count * share / total))
        for index in range(wanted):
            kind, weight = kinds[index % len(kinds)]
            for _attempt in range(len(PLACES)):  # the next place without an organisation of this kind
                name = f"{PLACES[place % len(PLACES)]} {kind}"
                place += 1
                if name not in names:
                    break
            else:
                raise ValueError(f"too many organisations: more than {len(PLACES)} of the kind {kind!r}")
            names.add(name)
            plan.append((name, sector, weight * rng.uniform(0.6, 1.4)))
    return plan[:count]


def sector_shift(sector: str | None) -> float:
    return next((shift for name, _n, _k, shift in SECTORS if name == sector), 0.0)


def synthetic_answers(
    statements_by_theme: Sequence[tuple[str, Sequence[str]]],
    organisations: Sequence[tuple[object, str, float]],
    groups: Sequence[object],
    *,
    count: int,
    seed: int,
    points: int = 5,
    theme_titles: dict[str, str] | None = None,
) -> list[tuple]:
    """``count`` respondents as (organisation or None, group or None, day, {statement: value or None},
    [priority themes], {theme: comment}); organisations are (key, sector, weight), groups any keys."""
    rng = random.Random(seed)
    theme_titles = theme_titles or {}
    base = {s: rng.uniform(2.6, 4.0) for _t, statements in statements_by_theme for s in statements}
    org_weights = [weight for _key, _sector, weight in organisations]
    group_weights = [weight for weight, _shift in GROUP_PROFILE][: len(groups)]
    group_shifts = [shift for _weight, shift in GROUP_PROFILE][: len(groups)]
    counts = [n for n, _w in PRIORITY_COUNT_WEIGHTS]
    count_weights = [w for _n, w in PRIORITY_COUNT_WEIGHTS]
    rows = []
    for _ in range(count):
        org_index = rng.choices(range(len(organisations)), org_weights)[0]
        group_index = rng.choices(range(len(groups)), group_weights)[0]
        key, sector, _weight = organisations[org_index]
        mood = sector_shift(sector) + group_shifts[group_index] + rng.gauss(0.0, 0.5)
        answers: dict[str, int | None] = {}
        theme_means: dict[str, float] = {}
        for theme, statements in statements_by_theme:
            lean = mood + rng.gauss(0.0, 0.4)
            rated = []
            for statement in statements:
                if rng.random() < DONT_KNOW_SHARE:
                    answers[statement] = None
                else:
                    value = min(points, max(1, round(base[statement] + lean + rng.gauss(0.0, 0.8))))
                    answers[statement] = value
                    rated.append(value)
            theme_means[theme] = sum(rated) / len(rated) if rated else (points + 1) / 2
        themes = list(theme_means)
        chosen: list[str] = []
        for _pick in range(rng.choices(counts, count_weights)[0]):
            pool = [t for t in themes if t not in chosen]
            chosen.append(rng.choices(pool, [(points + 0.5 - theme_means[t]) ** 2 + 0.2 for t in pool])[0])
        comments = {}
        if rng.random() < COMMENT_SHARE:
            for theme in rng.sample(themes, 1 if rng.random() < 0.75 else 2):
                comments[theme] = _comment(rng, theme_titles.get(theme, theme), theme_means[theme] > 3.2)
        day = FIRST_DAY + datetime.timedelta(days=round(rng.triangular(0, DAYS_OPEN - 1, 0)))
        rows.append(
            (
                None if rng.random() < NOT_GIVEN else key,
                None if rng.random() < NOT_GIVEN else groups[group_index],
                day,
                answers,
                chosen,
                comments,
            )
        )
    return rows


def _comment(rng: random.Random, title: str, positive: bool) -> str:
    body = rng.choice(POSITIVE if positive else CRITICAL).format(theme=title.lower())
    sentence = f"{rng.choice(OPENINGS)} {body}."
    extra = [rng.choice(CLOSINGS) for _ in range(rng.choice((0, 1, 1, 2)))]
    return " ".join([sentence, *(e for e in dict.fromkeys(extra) if e)])


# --------------------------------------------------------------------------------------------
# Shared: processes, timing and reporting
# --------------------------------------------------------------------------------------------


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def service_env(database_url: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "together.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": database_url,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def database_url(database: str, work: Path) -> str:
    if database == "sqlite":
        return f"sqlite:///{work / 'bench.sqlite3'}"
    url = os.environ.get("DATABASE_URL", "")
    host = urllib.parse.urlsplit(url).hostname
    if not url.startswith(("postgres://", "postgresql://")) or host != HOST:
        raise RuntimeError(f"refusing a PostgreSQL server that is not a throwaway one on {HOST}: {host}")
    return url


def run_command(command: Sequence, env: dict, timeout: float) -> str:
    try:
        result = subprocess.run(
            [str(part) for part in command],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{' '.join(str(p) for p in command[:3])} took longer than {timeout} s") from None
    if result.returncode:
        raise RuntimeError(f"{' '.join(str(p) for p in command[:3])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def prepare_database(env: dict, timeout: float) -> float:
    """``together migrate`` and ``together framework load`` into the database of ``env``; seconds taken."""
    started = time.perf_counter()
    run_command([BIN / "together", "migrate", "--noinput", "--verbosity", "0"], env, timeout)
    run_command([BIN / "together", "framework", "load", FRAMEWORK_FILE], env, timeout)
    return round(time.perf_counter() - started, 2)


def run_worker(module: str, argv: list[str], env: dict, work: Path, timeout: float) -> dict:
    """``python -m module --phase run ...`` in a fresh process (its own group, stopped on timeout)."""
    out = work / "worker.json"
    command = [sys.executable, "-m", module, "--phase", "run", "--json-out", str(out), *argv]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"the benchmark took longer than {timeout} s and was stopped") from None
    finally:
        stop_group(process)
    if process.returncode or not out.exists():
        raise RuntimeError(f"the benchmark process exited with {process.returncode}; see its output above")
    return json.loads(out.read_text())


def stop_group(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def run_under_postgres(module: str, argv: list[str], timeout: float) -> dict:
    """Run ``module`` again inside scripts/with-postgres.sh, which owns a throwaway cluster."""
    work = Path(tempfile.mkdtemp(prefix=f"together-{module.rsplit('.', 1)[-1]}-pg-out-"))
    out = work / "postgres.json"
    command = [str(WITH_POSTGRES), sys.executable, "-m", module, *argv, "--database", "postgres"]
    command += ["--inner-json", str(out)]
    progress("postgres: starting a throwaway cluster with scripts/with-postgres.sh")
    process = subprocess.Popen(command, cwd=REPO, start_new_session=True, stdin=subprocess.DEVNULL)
    try:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            progress(f"postgres: no result after {timeout} s; stopping it")
        finally:
            stop_group(process)
        try:
            return json.loads(out.read_text())
        except (OSError, ValueError):
            return {"database": "postgres", "failed": f"scripts/with-postgres.sh exited with {process.returncode}"}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def summary(values: Sequence[float]) -> dict:
    return {
        "runs_s": [round(v, 4) for v in values],
        "min_s": round(min(values), 4),
        "median_s": round(statistics.median(values), 4),
        "max_s": round(max(values), 4),
    }


def timed(call: Callable[[], object]) -> tuple[float, float, object]:
    """Wall-clock and CPU seconds of this process for one call, after a garbage collection."""
    gc.collect()
    cpu = time.process_time()
    started = time.perf_counter()
    value = call()
    return time.perf_counter() - started, time.process_time() - cpu, value


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/src/", "/lib/python"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def profile(call: Callable[[], object], top: int = 15, focus: Sequence[str] = ("together/",)) -> dict:
    """One call under cProfile: the functions with the most own and cumulative time, overall and in ``focus``."""
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    call()
    profiler.disable()
    elapsed = time.perf_counter() - started
    rows = [
        {
            "function": f"{_short(filename)}:{line}({name})" if line else re.sub(r" at 0x[0-9a-f]+", "", name),
            "calls": calls,
            "own_s": round(own, 4),
            "cumulative_s": round(cumulative, 4),
        }
        for (filename, line, name), (_, calls, own, cumulative, _) in pstats.Stats(profiler).stats.items()
    ]
    by_cumulative = sorted(rows, key=lambda r: -r["cumulative_s"])
    return {
        "seconds_under_profiler": round(elapsed, 3),
        "by_own_time": sorted(rows, key=lambda r: -r["own_s"])[:top],
        "by_cumulative_time": by_cumulative[: top * 2],
        "focus": list(focus),
        "focus_by_cumulative_time": [r for r in by_cumulative if r["function"].startswith(tuple(focus))][:top],
    }


def database_version(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0].split()[0]
        cursor.execute("SELECT sqlite_version()")
        return cursor.fetchone()[0]


class OtherCPU:
    """CPU time used by every other process on the machine while a block runs (from /proc).

    The benchmark runs in one process; whatever else the machine does competes with it for CPUs.
    PostgreSQL's server processes (named "postgres") are counted apart: on PostgreSQL they do the
    benchmark's own database work.
    """

    BUSY_FIELDS = (0, 1, 2, 5, 6, 7)  # user, nice, system, irq, softirq, steal

    @classmethod
    def _machine_busy(cls) -> float | None:
        try:
            fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
            return sum(int(fields[i]) for i in cls.BUSY_FIELDS) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    @staticmethod
    def _postgres_cpu() -> dict[int, float]:
        """CPU seconds so far of each process named "postgres"."""
        ticks = os.sysconf("SC_CLK_TCK")
        found = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                text = stat.read_text()
                if text[text.index("(") + 1 : text.rindex(")")] == "postgres":
                    fields = text[text.rindex(")") + 2 :].split()
                    found[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / ticks
        return found

    def __enter__(self) -> OtherCPU:
        self.postgres = self._postgres_cpu()
        self.busy, self.own, self.wall = self._machine_busy(), time.process_time(), time.perf_counter()
        self.result: dict = {}
        return self

    def __exit__(self, *exc) -> None:
        busy, own, wall = self._machine_busy(), time.process_time(), time.perf_counter()
        postgres_now = self._postgres_cpu()
        if busy is None or self.busy is None:
            return
        postgres = sum(cpu - self.postgres.get(pid, 0.0) for pid, cpu in postgres_now.items())
        others = max(0.0, (busy - self.busy) - (own - self.own) - postgres)
        seconds = wall - self.wall
        self.result = {
            "seconds": round(seconds, 2),
            "this_process_cpu_s": round(own - self.own, 2),
            "postgres_server_cpu_s": round(postgres, 2),
            "other_processes_cpu_s": round(others, 2),
            "other_processes_cpus_busy": round(others / seconds, 2),
            "cpu_count": os.cpu_count(),
        }


def contention_note(other: dict) -> str:
    """A line on what else used the machine during the timed runs, with a warning if it was much."""
    if not other:
        return "other processes' CPU use unknown"
    note = (
        f"other processes used {other['other_processes_cpus_busy']:.2f} CPUs on average during the timed runs "
        f"(of {other['cpu_count']})"
    )
    if other.get("postgres_server_cpu_s"):
        note += f", besides the PostgreSQL server's {other['postgres_server_cpu_s'] / other['seconds']:.2f}"
    if other["other_processes_cpus_busy"] > 0.25:
        note += " - WARNING: the machine was not quiet; these timings may be pessimistic"
    return note


def cpu_reference_ms() -> float:
    """A fixed pure-Python workload (best of 3), to compare the machine's speed between runs.

    On a shared virtual machine the CPU can be much slower at one time than another without
    anything showing in /proc; this figure makes that visible.
    """
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        sum(i * i for i in range(2_000_000))
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def reference_note(before: float, after: float) -> str:
    return (
        f"CPU reference (a fixed pure-Python loop, best of 3): {before:.0f} ms before and {after:.0f} ms after "
        "the timed runs; compare it between runs, as this machine's speed varies"
    )


class SQLTimer:
    """Seconds and statements spent executing SQL, through Django's execute wrapper.

    Fetching rows is not included, so this suits writes (INSERT) better than reads.
    """

    def __init__(self):
        self.seconds = 0.0
        self.statements = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.statements += 1


def source_fingerprint(paths: Sequence[str]) -> dict[str, str | None]:
    """A short SHA-256 of each source file the benchmark exercises, to tell runs of different code apart."""
    import hashlib

    fingerprint: dict[str, str | None] = {}
    for path in paths:
        try:
            fingerprint[path] = hashlib.sha256((REPO / path).read_bytes()).hexdigest()[:12]
        except OSError:
            fingerprint[path] = None
    migrations = sorted(p.name for p in (REPO / "src/together/reviews/migrations").glob("0*.py"))
    fingerprint["reviews migrations"] = ", ".join(migrations)
    return fingerprint


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def version_of(module: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(module)
    except metadata.PackageNotFoundError:
        return None


def machine_info(extra_packages: Sequence[str] = ()) -> dict:
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
        **{name: version_of(name) for name in extra_packages},
        "load_average_at_end": round(os.getloadavg()[0], 2),
    }


def write_json(report: dict, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_suffix(".tmp")
    temporary.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    temporary.replace(output)


def relative(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(REPO) if path.is_relative_to(REPO) else path)


def mark(ok: bool | None) -> str:
    return "-" if ok is None else ("PASS" if ok else "FAIL")


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def install_sigterm() -> None:
    signal.signal(signal.SIGTERM, _terminate)  # so finally blocks remove the temporary folders


# --------------------------------------------------------------------------------------------
# Inside the worker process: Django is set up against the benchmark database
# --------------------------------------------------------------------------------------------


def create_partnership_with_organisations(organisation_count: int, seed: int):
    """A user, a partnership with its default groups and ``organisation_count`` organisations."""
    from together.accounts.models import User
    from together.partnerships.models import Organisation
    from together.partnerships.services import create_partnership
    from together.reviews import keys

    user = User.objects.create_user("bench@example.invalid", keys.new_key())
    partnership = create_partnership(
        user,
        name="Riverlands Partnership",
        place="Riverlands",
        description="A large partnership of councils, the NHS, police, fire, housing, colleges, "
        "voluntary groups and businesses.",
        vision="By 2040 everyone in Riverlands can live a healthy, safe and independent life.",
        vision_horizon_year=2040,
    )
    plan = organisation_plan(organisation_count, seed)
    Organisation.objects.bulk_create(
        Organisation(partnership=partnership, name=name, sector=sector) for name, sector, _w in plan
    )
    by_name = {o.name: o for o in partnership.organisations.all()}
    organisations = [(by_name[name], sector, weight) for name, sector, weight in plan]
    groups = list(partnership.groups.order_by("position", "pk"))
    return user, partnership, organisations, groups


def new_round(partnership, user, name: str):
    """An open round on the latest stored version of the Transforming Together Framework."""
    from together.frameworks.models import FrameworkVersion
    from together.reviews import keys, lifecycle
    from together.reviews.models import Round

    version = FrameworkVersion.objects.filter(framework_id="transforming-together").order_by("-number").first()
    if version is None:
        raise RuntimeError("the framework is not loaded")
    round_ = Round.objects.create(
        partnership=partnership, name=name, framework_version=version, open_link_code=keys.new_key()
    )
    lifecycle.apply(round_, "open", user)
    return round_


ACTION_TITLES = (
    "Frontline listening sessions in every partner",
    "Residents' panel for the health and wellbeing strategy",
    "One-page shared outcomes agreed by every board",
    "Joint induction for new managers across partners",
    "Pooled budget pilot for hospital discharge",
    "Tell regulators about shared barriers",
    "Neighbourhood door-knocking month",
    "Shared data dashboard for early help",
    "Quarterly partnership learning review",
    "Voluntary sector seat on every programme board",
    "Councillor briefings on the joint programme",
    "Secondments between the council and the NHS",
)


def add_actions(partnership, round_, user, organisations) -> int:
    from together.actions.models import Action, ActionState

    themes = [t.id for t in round_.framework.themes]
    states = [ActionState.PROPOSED, ActionState.AGREED, ActionState.IN_PROGRESS, ActionState.DONE]
    for index, title in enumerate(ACTION_TITLES):
        action = Action.objects.create(
            partnership=partnership,
            round=round_,
            title=title,
            description="What we will do, who is involved and by when.",
            theme_id=themes[index % len(themes)],
            lead_organisation=organisations[(index * 7) % len(organisations)][0],
            due_date=FIRST_DAY + datetime.timedelta(days=60 + 30 * index),
            success_measure="A clear change in the next review's scores on this theme.",
            created_by=user,
        )
        Action.objects.filter(pk=action.pk).update(state=states[index % len(states)])
    return len(ACTION_TITLES)


def phase_run(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.template.loader import render_to_string

    from together.releases import services as releases
    from together.reports import build
    from together.reviews import lifecycle, reseal
    from together.reviews.models import Answer, Comment, Priority, Response, Round
    from together.web.demo import SyntheticResponse, store_responses

    vendor = connection.vendor
    progress(f"{vendor}: creating {args.organisations} organisations and {args.respondents:,} responses")
    started = time.perf_counter()
    with transaction.atomic():
        user, partnership, organisations, groups = create_partnership_with_organisations(args.organisations, args.seed)
        round_ = new_round(partnership, user, "Spring 2026 review")
        framework = round_.framework
        generated = synthetic_answers(
            [(t.id, [s.id for s in t.statements]) for t in framework.themes],
            organisations,
            groups,
            count=args.respondents,
            seed=args.seed,
            points=len(framework.scale.levels),
            theme_titles={t.id: t.title.en for t in framework.themes},
        )
        generate_seconds = time.perf_counter() - started
        synthetic = [
            SyntheticResponse(
                organisation=organisation,
                group=group,
                day=day,
                answers=answers,
                priorities=priorities,
                comments=comments,
            )
            for organisation, group, day, answers, priorities, comments in generated
        ]
        store_responses(round_, synthetic, FIRST_DAY + datetime.timedelta(days=DAYS_OPEN))
        actions = add_actions(partnership, round_, user, organisations)
    closing = time.perf_counter()
    # Closing seals for a while once committed; the rest is sealed here, as the command line would.
    lifecycle.apply(round_, "close", user)
    reseal.seal(round_)
    seal_seconds = time.perf_counter() - closing
    progress(f"{vendor}: closed and sealed in {seal_seconds:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    load_seconds = time.perf_counter() - started
    progress(f"{vendor}: loaded in {load_seconds:.1f} s")

    def fresh_round():
        """As a request would get it: the round read from the database and its release's results
        computed afresh (not from this process's cache of them)."""
        releases._computed.clear()
        return releases.obtain(Round.objects.get(pk=round_.pk), releases.OPERATOR)

    rows = {
        "organisations": partnership.organisations.count(),
        "sectors": partnership.organisations.values("sector").distinct().count(),
        "respondent_groups": len(groups),
        "responses_submitted": Response.objects.filter(round=round_, state="submitted").count(),
        "answers": Answer.objects.filter(response__round=round_).count(),
        "answers_dont_know": Answer.objects.filter(response__round=round_, value__isnull=True).count(),
        "statements": len(framework.statements),
        "themes": len(framework.themes),
        "priorities": Priority.objects.filter(response__round=round_).count(),
        "comments": Comment.objects.filter(response__round=round_).count(),
        "respondents_with_comments": Response.objects.filter(round=round_, comments__isnull=False).distinct().count(),
        "actions": actions,
    }
    results = fresh_round().results
    sanity = {
        "round_state": fresh_round().round.state,
        "results_visible": results.visible,
        "respondents_in_results": results.respondents,
        "min_group_size": results.threshold,
        "statements_with_results": sum(1 for s in results.statements.values() if s.mean is not None),
        "gaps_flagged": sum(1 for g in results.gaps if g.flagged),
    }
    del results

    from weasyprint import HTML

    def weasyprint_layout(html: str):  # parse the HTML and CSS and lay out the pages
        return HTML(string=html, base_url=None, url_fetcher=build._no_fetch).render()

    progress(f"{vendor}: warm-up build.pdf")
    warmup_seconds, _cpu, pdf = timed(lambda: build.pdf(fresh_round()))
    reference_before = cpu_reference_ms()
    load_before = round(os.getloadavg()[0], 2)
    progress(f"{vendor}: warm-up {warmup_seconds:.2f} s; then {args.repeats} timed runs")
    names = ("pdf", "html", "round_results", "context", "template", "weasyprint_layout", "weasyprint_write_pdf")
    times: dict[str, list[float]] = {name: [] for name in names}
    cpu_times: dict[str, list[float]] = {name: [] for name in names}

    def record(name: str, call: Callable[[], object]) -> object:
        seconds, cpu, value = timed(call)
        times[name].append(seconds)
        cpu_times[name].append(cpu)
        return value

    with OtherCPU() as other:
        for run in range(1, args.repeats + 1):
            pdf = record("pdf", lambda: build.pdf(fresh_round()))
            # The PDF's own HTML: it prints at most build.PDF_COMMENTS_PER_THEME comments a theme.
            html = record("html", lambda: build.html(fresh_round(), build.PDF_COMMENTS_PER_THEME, for_pdf=True))
            record("round_results", lambda: fresh_round().results)
            data = record("context", lambda: build.context(fresh_round(), build.PDF_COMMENTS_PER_THEME, for_pdf=True))
            record("template", lambda data=data: render_to_string("reports/report.html", data))
            document = record("weasyprint_layout", lambda html=html: weasyprint_layout(html))
            # Tagged as build.pdf writes it (build.PDF_VARIANT).
            record("weasyprint_write_pdf", lambda document=document: document.write_pdf(pdf_variant=build.PDF_VARIANT))
            del data, document
            progress(
                f"{vendor}: run {run}/{args.repeats}: pdf {times['pdf'][-1]:.2f} s (CPU {cpu_times['pdf'][-1]:.2f}), "
                f"html {times['html'][-1]:.2f} s (results {times['round_results'][-1]:.2f}, context "
                f"{times['context'][-1]:.2f}, template {times['template'][-1]:.2f}), WeasyPrint alone: layout "
                f"{times['weasyprint_layout'][-1]:.2f} s + write_pdf {times['weasyprint_write_pdf'][-1]:.2f} s"
            )
    load_after = round(os.getloadavg()[0], 2)
    reference_after = cpu_reference_ms()
    times["weasyprint"] = [
        a + b for a, b in zip(times["weasyprint_layout"], times["weasyprint_write_pdf"], strict=True)
    ]

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    document = {
        "pages": len(reader.pages),
        "bytes": len(pdf),
        "html_bytes": len(html.encode()),
        "svg_charts": html.count("<svg"),
        "pdf_variant": build.PDF_VARIANT,
        "tagged": "/StructTreeRoot" in reader.trailer["/Root"],
        "comment_blocks": html.count('class="comment"'),
        "comments_per_theme_limit": build.PDF_COMMENTS_PER_THEME,
    }
    if args.save_pdf:
        args.save_pdf.write_bytes(pdf)
    if args.save_html:
        args.save_html.write_text(html, encoding="utf-8")
    progress(f"{vendor}: {document['pages']} pages, {document['bytes']:,} bytes; profiling one more build.pdf")
    profiled = profile(lambda: build.pdf(fresh_round()))
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {
        "database": "postgres" if vendor == "postgresql" else vendor,
        "database_version": database_version(connection),
        "rows": rows,
        "load": {
            "generate_seconds": round(generate_seconds, 2),
            "close_and_seal_seconds": round(seal_seconds, 2),
            "load_seconds": round(load_seconds, 2),
        },
        "sanity": sanity,
        "document": document,
        "timings": {
            "warmup_runs": 1,
            "timed_runs": args.repeats,
            "warmup_pdf_s": round(warmup_seconds, 3),
            **{name: summary(values) for name, values in times.items()},
            "cpu_seconds_of_this_process": {name: summary(values) for name, values in cpu_times.items()},
            "load_average_1_min": {"before_timed_runs": load_before, "after_timed_runs": load_after},
            "other_processes_during_timed_runs": other.result,
            "cpu_reference_ms": {"before_timed_runs": reference_before, "after_timed_runs": reference_after},
        },
        "where_the_time_goes_median_s": {
            "round_results": round(medians["round_results"], 4),
            "rest_of_context": round(medians["context"] - medians["round_results"], 4),
            "template_render": round(medians["template"], 4),
            "weasyprint_html_to_pdf": round(medians["weasyprint"], 4),
            "weasyprint_layout": round(medians["weasyprint_layout"], 4),
            "weasyprint_write_pdf": round(medians["weasyprint_write_pdf"], 4),
            "pdf_minus_html": round(medians["pdf"] - medians["html"], 4),
        },
        "peak_rss_mb": peak_rss_mb(),
        "source": source_fingerprint(SOURCES),
        "profile": profiled,
    }


# --------------------------------------------------------------------------------------------
# The orchestration and the report
# --------------------------------------------------------------------------------------------


def worker_argv(args: argparse.Namespace) -> list[str]:
    argv = ["--respondents", str(args.respondents), "--organisations", str(args.organisations)]
    argv += ["--repeats", str(args.repeats), "--seed", str(args.seed)]
    if args.save_pdf:
        argv += ["--save-pdf", str(args.save_pdf.resolve())]
    if args.save_html:
        argv += ["--save-html", str(args.save_html.resolve())]
    return argv


def run_database(database: str, args: argparse.Namespace) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"together-report-bench-{database}-"))
    try:
        env = service_env(database_url(database, work))
        progress(f"{database}: migrate and framework load into a fresh database")
        setup_seconds = prepare_database(env, TIMEOUTS["setup"])
        result = run_worker("bench.report_pdf", worker_argv(args), env, work, TIMEOUTS["run"])
        result["load"]["migrate_and_framework_seconds"] = setup_seconds
        result["target_verdict"] = verdict(result)
        return result
    except (RuntimeError, OSError, ValueError, KeyError, subprocess.SubprocessError) as problem:
        progress(f"{database}: FAILED: {problem}")
        return {"database": database, "failed": str(problem)}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def verdict(result: dict) -> dict:
    median = result["timings"]["pdf"]["median_s"]
    checks = {"pdf_median_under_3_s": median < TARGET["pdf_median_seconds"]}
    return {"pass": all(checks.values()), "checks": checks}


def format_report(report: dict) -> str:
    results = report["results"]
    lines = ["", "PDF report benchmark", "=" * 20]
    first = next((r for r in results if "failed" not in r), None)
    if first:
        rows, document = first["rows"], first["document"]
        lines.append(
            f"Round (closed): {rows['responses_submitted']:,} respondents from {rows['organisations']} organisations "
            f"in {rows['sectors']} sectors and {rows['respondent_groups']} groups; {rows['statements']} statements, "
            f"{rows['answers']:,} answers ({rows['answers_dont_know'] / rows['answers']:.1%} don't know), "
            f"{rows['priorities']:,} priorities, {rows['comments']:,} comments from "
            f"{rows['respondents_with_comments']:,} respondents "
            f"({rows['respondents_with_comments'] / rows['responses_submitted']:.0%}), {rows['actions']} actions"
        )
        lines.append(
            f"Report: {document['pages']} pages, {document['bytes'] / 1e6:.2f} MB PDF, "
            f"{document['html_bytes'] / 1e6:.2f} MB HTML, {document['svg_charts']} SVG charts, "
            f"{document['comment_blocks']} comments printed (at most {document['comments_per_theme_limit']} a theme)"
        )
    machine = report["machine"]
    lines.append(
        f"Machine: {machine['cpu_count']} CPUs, Python {machine['python']}, Django {machine['django']}, "
        f"WeasyPrint {machine['weasyprint']}; 1 warm-up + {report['repeats']} timed runs, interleaved"
    )
    lines.append("")
    header = (
        f"{'database':<16} {'build.pdf s':>15} {'build.html s':>15} {'round_results':>15} "
        f"{'WeasyPrint':>15} {'pages':>6} {'PDF':>8}"
    )
    lines += [header, f"{'':<16} {'min / median':>15} {'min / median':>15} {'min / median':>15} {'alone':>15}"]
    lines.append("-" * len(header))
    for result in results:
        name = f"{result['database']} {result.get('database_version') or ''}".strip()[:16]
        if "failed" in result:
            lines.append(f"{name:<16} FAILED: {result['failed'][:100]}")
            continue
        t, document = result["timings"], result["document"]
        cells = [f"{t[k]['min_s']:>6.3f} / {t[k]['median_s']:<6.3f}" for k in ("pdf", "html", "round_results")]
        cells.append(f"{t['weasyprint']['min_s']:>6.3f} / {t['weasyprint']['median_s']:<6.3f}")
        lines.append(
            f"{name:<16} {' '.join(f'{c:>15}' for c in cells)} {document['pages']:>6} "
            f"{document['bytes'] / 1024:>5.0f} KB"
        )
    lines.append("-" * len(header))
    lines.append(
        "build.pdf: results, context, template and WeasyPrint, end to end; build.html: all but WeasyPrint; "
        "WeasyPrint alone: HTML(string=...).render() then .write_pdf() tagged as build.pdf writes it, on the finished "
        "HTML."
    )
    lines.append("")
    lines.append(f"Target: build.pdf under {TARGET['pdf_median_seconds']:g} s (median)")
    for result in results:
        judged = result.get("target_verdict")
        if judged:
            lines.append(
                f"  {result['database']}: {mark(judged['pass'])} (median {result['timings']['pdf']['median_s']:.3f} s, "
                f"min {result['timings']['pdf']['min_s']:.3f} s; warm-up {result['timings']['warmup_pdf_s']:.2f} s)"
            )
    lines.append("")
    lines.append(
        "Where the time goes (medians, s): round_results | rest of context | template | "
        "WeasyPrint layout (parse + render) | WeasyPrint write_pdf"
    )
    for result in results:
        if "failed" in result:
            continue
        p, t = result["where_the_time_goes_median_s"], result["timings"]
        lines.append(
            f"  {result['database']}: {p['round_results']:.3f} | {p['rest_of_context']:.3f} | "
            f"{p['template_render']:.3f} | {p['weasyprint_layout']:.3f} | {p['weasyprint_write_pdf']:.3f}   "
            f"(build.pdf - build.html = {p['pdf_minus_html']:.3f}; peak RSS {result['peak_rss_mb']:.0f} MB)"
        )
        cpu = t["cpu_seconds_of_this_process"]["pdf"]["median_s"]
        lines.append(
            f"    CPU of this process in build.pdf: median {cpu:.3f} s; "
            + contention_note(t["other_processes_during_timed_runs"])
        )
        reference = t["cpu_reference_ms"]
        lines.append(f"    {reference_note(reference['before_timed_runs'], reference['after_timed_runs'])}")
        prof = result["profile"]
        lines.append(f"    cProfile of one build.pdf ({prof['seconds_under_profiler']:.2f} s under the profiler):")
        lines.append(
            "      most own time: " + ", ".join(f"{r['function']} {r['own_s']:.2f}" for r in prof["by_own_time"][:6])
        )
        weasy = [r for r in prof["by_cumulative_time"] if r["function"].startswith("weasyprint/")][:6]
        lines.append("      WeasyPrint, cumulative: " + ", ".join(f"{_bare(r)} {r['cumulative_s']:.2f}" for r in weasy))
        ours = [r for r in prof["focus_by_cumulative_time"] if "build.py" not in r["function"]][:6]
        lines.append("      together, cumulative: " + ", ".join(f"{_bare(r)} {r['cumulative_s']:.2f}" for r in ours))
        setup = result["load"]
        lines.append(
            f"    setup: migrate + framework {setup['migrate_and_framework_seconds']:.1f} s, "
            f"responses generated and stored {setup['load_seconds']:.1f} s"
        )
    lines.append("")
    lines.append(f"Results written to {report['output']}")
    return "\n".join(lines)


def _bare(row: dict) -> str:
    """A profile row's function as file:function, without the line number."""
    return re.sub(r":\d+\(", ":", row["function"]).rstrip(")")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.report_pdf",
        description="PDF report benchmark: together.reports.build.pdf for a closed round of a partnership "
        "with 100 organisations and 3,000 respondents.",
    )
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--respondents", type=int, default=3000, help="submitted responses (default 3000)")
    parser.add_argument("--organisations", type=int, default=100, help="partner organisations (default 100)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs after one warm-up (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the synthetic answers")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON")
    parser.add_argument("--save-pdf", type=Path, help="also keep the last PDF built here")
    parser.add_argument("--save-html", type=Path, help="and the report's HTML here")
    parser.add_argument("--inner-json", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--phase", choices=("run",), help=argparse.SUPPRESS)
    parser.add_argument("--json-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.respondents < 1 or args.repeats < 1 or not 1 <= args.organisations <= 400:
        parser.error("--respondents and --repeats must be positive, --organisations 1 to 400")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    install_sigterm()
    if args.phase:  # the worker: Django against the benchmark database, set up by the environment
        args.json_out.write_text(json.dumps(phase_run(args)))
        return 0
    if args.inner_json:  # inside scripts/with-postgres.sh
        args.inner_json.write_text(json.dumps(run_database("postgres", args)))
        return 0
    started = datetime.datetime.now(datetime.UTC)
    results = []
    if args.database in ("sqlite", "both"):
        results.append(run_database("sqlite", args))
    if args.database in ("postgres", "both"):
        results.append(
            run_under_postgres("bench.report_pdf", worker_argv(args), 120 + TIMEOUTS["setup"] + TIMEOUTS["run"])
        )
    output = args.output.resolve()
    report = {
        "benchmark": "report_pdf",
        "date": started.isoformat(timespec="seconds"),
        "finished": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine_info(("weasyprint", "pypdf", "psycopg")),
        "respondents": args.respondents,
        "organisations": args.organisations,
        "warmup": 1,
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
