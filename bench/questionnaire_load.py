"""Load benchmark: simulated respondents walk the whole questionnaire against the production set-up.

For each database (SQLite, PostgreSQL) and each concurrency, this prepares a fresh database, runs
gunicorn on 127.0.0.1 with DEBUG off, and lets N respondents answer the questionnaire again and
again for a bounded time, each with its own cookie jar, reading the CSRF token from every page as
a browser would. It then counts the submitted responses in the database and checks that none was
lost. See bench/README.md.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime
import email.utils
import http.client
import http.cookies
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.report_pdf import cpu_reference_ms, reference_note

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / ".venv" / "bin"
FRAMEWORK_FILE = REPO / "frameworks" / "transforming-together.yaml"
WITH_POSTGRES = REPO / "scripts" / "with-postgres.sh"
GOVUK_ASSETS = REPO / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "assets"
DEFAULT_OUTPUT = REPO / "bench" / "results" / "questionnaire_load.json"
HOST = "127.0.0.1"
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

RATING_VALUES = ("1", "2", "3", "4", "5", "dk")
COMMENTS = (
    "We agree on the direction but not yet on who does what.",
    "Better than a year ago; the frontline still hears about changes late.",
    "Councillors are supportive in private and cautious in public.",
    "Hard to say from where I sit.",
    "The shared budget pilot is the first real test of this.",
)
MAX_STEPS = 40  # pages in one walk before we give up; the questionnaire has 14
SLOW_CLIENT_INTERVAL = 3.0  # seconds between the bytes a slow client sends
GRACE_SECONDS = 30.0  # after the run time, how long in-flight questionnaires may take to finish

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RATING_RE = re.compile(r'name="(rating-[^"]+)" type="radio"')
STEP_RE = re.compile(
    r"^/respond/(?P<public_id>[0-9a-f-]{36})/(?P<step>about|theme/[A-Za-z0-9_-]+|priorities|check|done)/$"
)


def _radio_values(html: str, name: str, kind: str = "radio") -> list[str]:
    return re.findall(rf'name="{re.escape(name)}" type="{kind}" value="([^"]*)"', html)


# --------------------------------------------------------------------------------------------
# The simulated respondent
# --------------------------------------------------------------------------------------------


class WalkFailed(Exception):
    """This questionnaire could not be completed; the reason was already counted as an error."""


class HardStop(Exception):
    """The run's hard deadline passed while this questionnaire was still going."""


@dataclass
class Stats:
    """What one respondent thread saw. Merged after the run, so no locks are needed."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    errors: collections.Counter = field(default_factory=collections.Counter)
    completed: int = 0
    completed_in_time: int = 0
    failed_walks: int = 0
    abandoned: int = 0
    pages_per_walk: set[int] = field(default_factory=set)
    themes_per_walk: set[int] = field(default_factory=set)

    def merge(self, other: Stats) -> None:
        for label, values in other.latencies.items():
            self.latencies[label].extend(values)
        self.errors.update(other.errors)
        self.completed += other.completed
        self.completed_in_time += other.completed_in_time
        self.failed_walks += other.failed_walks
        self.abandoned += other.abandoned
        self.pages_per_walk |= other.pages_per_walk
        self.themes_per_walk |= other.themes_per_walk


class Headers:
    """A reply's header fields, by lower-case name, in the order they came."""

    def __init__(self, fields: list[tuple[str, str]]):
        self.fields = fields

    def get(self, name: str, default: str | None = None) -> str | None:
        name = name.lower()
        return next((value for key, value in self.fields if key == name), default)

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def get_all(self, name: str) -> list[str]:
        name = name.lower()
        return [value for key, value in self.fields if key == name]


@dataclass
class Reply:
    status: int
    headers: Headers
    body: bytes
    will_close: bool

    def read(self) -> bytes:
        return self.body


class Connection:
    """HTTP/1.1 on one socket kept open between requests: only what the benchmark needs, bodies
    sized by Content-Length or sent in chunks.

    The benchmark's client shares the two cores with the server it measures, so its own cost
    lowers the figures: http.client spent about 175 µs of CPU on a request where this spends
    about 55 (measured on /healthz), some 3 ms of each questionnaire's 27 requests.
    """

    def __init__(self, host: str, port: int, timeout: float):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def close(self) -> None:
        self.sock.close()

    def request(self, method: str, path: str, body: bytes | None, headers: dict) -> Reply:
        lines = [f"{method} {path} HTTP/1.1", *(f"{name}: {value}" for name, value in headers.items())]
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b""))
        return self._reply(method)

    def _more(self, replying: bool) -> None:
        chunk = self.sock.recv(262144)
        if not chunk:
            if replying:
                raise http.client.IncompleteRead(self.buffer)
            raise http.client.RemoteDisconnected("the server closed the connection before replying")
        self.buffer += chunk

    def _take(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._more(replying=True)
        taken, self.buffer = self.buffer[:size], self.buffer[size:]
        return taken

    def _line(self) -> bytes:
        while (end := self.buffer.find(b"\r\n")) < 0:
            self._more(replying=True)
        line, self.buffer = self.buffer[:end], self.buffer[end + 2 :]
        return line

    def _reply(self, method: str) -> Reply:
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            self._more(replying=bool(self.buffer))
        head, self.buffer = self.buffer[:end].decode("latin-1").split("\r\n"), self.buffer[end + 4 :]
        try:
            version, code, *_ = head[0].split(" ", 2)
            status = int(code)
        except ValueError:
            raise http.client.BadStatusLine(head[0]) from None
        fields = []
        for line in head[1:]:
            name, colon, value = line.partition(":")
            if not colon:
                raise http.client.HTTPException(f"malformed header line {line!r}")
            fields.append((name.strip().lower(), value.strip()))
        headers = Headers(fields)
        will_close = (headers.get("connection") or "").lower() == "close" or version != "HTTP/1.1"
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            body = b""
        elif "chunked" in (headers.get("transfer-encoding") or "").lower():
            parts = []
            while size := int(self._line().split(b";")[0], 16):
                parts.append(self._take(size))
                self._take(2)
            while self._line():  # trailer fields, up to the empty line
                pass
            body = b"".join(parts)
        elif (length := headers.get("content-length")) is not None:
            body = self._take(int(length))
        else:  # the body runs to the end of the connection
            while chunk := self.sock.recv(262144):
                self.buffer += chunk
            body, self.buffer, will_close = self.buffer, b"", True
        return Reply(status, headers, body, will_close)


class Browser:
    """One respondent's browser: its own cookies and one kept-alive connection, redirects checked
    by hand.

    Like a browser, it keeps its connection open between pages (HTTP/1.1 keep-alive) when the
    server allows, and opens a new one when the server closes it. A request that fails on a
    kept-alive connection before any reply (the server had closed it meanwhile) is sent once
    more on a new connection, as browsers do.
    """

    def __init__(self, base: str, stats: Stats, timeout: float, hard_stop: float):
        self.base = base
        self.origin = base.rstrip("/")
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.stats = stats
        self.timeout = timeout
        self.hard_stop = hard_stop
        self.cookies: dict[str, str] = {}
        self.connection: Connection | None = None
        self.requests = 0

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def _fail(self, label: str, reason: str) -> WalkFailed:
        self.stats.errors[f"{label}: {reason}"] += 1
        return WalkFailed(reason)

    def local(self, location: str) -> str:
        """The path of a same-origin URL; anything pointing elsewhere is refused."""
        url = urllib.parse.urljoin(self.base, location)
        parts = urllib.parse.urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            raise WalkFailed(f"refused to leave {self.origin}: {url}")
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def _keep_cookies(self, reply: Reply) -> None:
        """Store what Set-Cookie says; a cookie set to expire now is forgotten."""
        for header in reply.headers.get_all("Set-Cookie") or ():
            jar = http.cookies.SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                expired = morsel["max-age"] in ("0", "-1") or (
                    morsel["expires"]
                    and email.utils.parsedate_to_datetime(morsel["expires"]) <= datetime.datetime.now(datetime.UTC)
                )
                if expired:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def _send(self, method: str, path: str, body: bytes | None, headers: dict, timeout: float):
        reused = self.connection is not None
        if self.connection is None:
            self.connection = Connection(self.host, self.port, timeout)
        elif self.connection.sock.gettimeout() != timeout:
            self.connection.sock.settimeout(timeout)
        try:
            reply = self.connection.request(method, path, body, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.close()
            if not reused:
                raise
            return self._send(method, path, body, headers, timeout)  # once, on a new connection
        return reply

    def request(self, method: str, path: str, label: str, form: dict | None = None, referer: str = ""):
        remaining = self.hard_stop - time.monotonic()
        if remaining <= 0:
            raise HardStop
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "together-bench/1", "Accept": "text/html"}
        body = None
        if method == "POST":
            body = urllib.parse.urlencode(form or {}, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
        if referer:
            headers["Referer"] = self.origin + referer
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        tag = f"{method} {label}"
        started = time.perf_counter()
        try:
            reply = self._send(method, path, body, headers, min(self.timeout, max(remaining, 1.0)))
            status, reply_headers, data = reply.status, reply.headers, reply.read()
            if reply.will_close:
                self.close()
        except TimeoutError:
            self.close()
            raise self._fail(tag, "timeout") from None
        except (OSError, http.client.HTTPException) as problem:
            self.close()
            raise self._fail(tag, f"{type(problem).__name__}: {problem}") from None
        elapsed = time.perf_counter() - started
        self._keep_cookies(reply)
        self.stats.latencies[tag].append(elapsed)
        self.requests += 1
        if not 200 <= status < 400:
            raise self._fail(tag, f"HTTP {status}")
        return status, reply_headers, data.decode("utf-8", "replace")

    def get(self, path: str, label: str) -> str:
        status, _, html = self.request("GET", path, label)
        if status != 200:
            raise self._fail(f"GET {label}", f"HTTP {status}, expected 200")
        return html

    def post(self, path: str, label: str, form: dict) -> str:
        """Send a form; return the path it redirects to (a 200 means the form was rejected)."""
        status, headers, html = self.request("POST", path, label, form=form, referer=path)
        if status == 200:
            problem = "form rejected" if "govuk-error-summary" in html else "no redirect after the form"
            raise self._fail(f"POST {label}", problem)
        if status not in (301, 302, 303) or not headers.get("Location"):
            raise self._fail(f"POST {label}", f"HTTP {status} without a redirect")
        try:
            return self.local(headers["Location"])
        except WalkFailed as refused:
            raise self._fail(f"POST {label}", str(refused)) from None


def _csrf(browser: Browser, html: str, label: str) -> str:
    match = CSRF_RE.search(html)
    if not match:
        raise browser._fail(f"GET {label}", "no CSRF token on the page")
    return match.group(1)


def _form_for(browser: Browser, step: str, html: str, rng: random.Random) -> dict:
    label = "theme" if step.startswith("theme/") else step
    form: dict[str, object] = {"csrfmiddlewaretoken": _csrf(browser, html, label)}
    if step == "about":
        organisations = _radio_values(html, "organisation")
        groups = _radio_values(html, "group")
        if not organisations or not groups:
            raise browser._fail("GET about", "no organisation or group choices on the page")
        form["organisation"] = rng.choice(organisations)
        form["group"] = rng.choice(groups)
    elif label == "theme":
        names = list(dict.fromkeys(RATING_RE.findall(html)))
        if not names:
            raise browser._fail("GET theme", "no statements on the page")
        for name in names:
            form[name] = rng.choice(RATING_VALUES)
        form["comment"] = rng.choice(COMMENTS)
    elif step == "priorities":
        themes = _radio_values(html, "themes", kind="checkbox")
        if not themes:
            raise browser._fail("GET priorities", "no themes to choose from")
        form["themes"] = rng.sample(themes, rng.randint(1, min(3, len(themes))))
    return form


def walk(browser: Browser, start_path: str, rng: random.Random) -> int:
    """Answer the whole questionnaire once, from the open link to the confirmation page.

    Returns the number of theme pages answered. Raises WalkFailed or HardStop.
    """
    html = browser.get(start_path, "start")
    location = browser.post(start_path, "start", {"csrfmiddlewaretoken": _csrf(browser, html, "start")})
    public_id = None
    expected = "about"
    themes = 0
    for _ in range(MAX_STEPS):
        match = STEP_RE.match(location)
        if not match:
            raise browser._fail("walk", f"redirected to an unexpected page {location}")
        step = match["step"]
        public_id = public_id or match["public_id"]
        if match["public_id"] != public_id:
            raise browser._fail("walk", "redirected to another round")
        kind = "theme" if step.startswith("theme/") else step
        if expected == "about" and kind != "about":
            raise browser._fail("walk", f"the open link led to {step}, not about")
        if expected == "done" and kind != "done":
            raise browser._fail("walk", f"sending the answers led to {step}, not done")
        html = browser.get(location, kind)
        if kind == "done":
            return themes
        form = _form_for(browser, step, html, rng)
        next_location = browser.post(location, kind, form)
        themes += kind == "theme"
        expected = "done" if kind == "check" else "any"
        location = next_location
    raise browser._fail("walk", f"no confirmation page after {MAX_STEPS} pages")


@dataclass
class LoadPlan:
    base: str
    start_path: str
    concurrency: int
    seconds: float
    request_timeout: float
    seed: int
    walks_per_thread: int | None = None  # a fixed number of questionnaires (warm-up) instead of a time


def run_load(plan: LoadPlan) -> dict:
    """N respondent threads, each answering questionnaires back to back until the time is up.

    A questionnaire under way when the time is up is finished (within a grace period), so what the
    clients saw and what the database holds can be compared exactly.
    """
    started = time.monotonic()
    deadline = started + plan.seconds
    hard_stop = deadline + max(GRACE_SECONDS, plan.request_timeout)
    all_stats = [Stats() for _ in range(plan.concurrency)]

    def respondent(index: int) -> None:
        stats = all_stats[index]
        rng = random.Random(plan.seed * 100_003 + index)
        walks = 0
        while time.monotonic() < deadline:
            if plan.walks_per_thread is not None and walks >= plan.walks_per_thread:
                return
            walks += 1
            browser = Browser(plan.base, stats, plan.request_timeout, hard_stop)
            try:
                themes = walk(browser, plan.start_path, rng)
            except WalkFailed:
                stats.failed_walks += 1
            except HardStop:
                stats.abandoned += 1
                return
            except Exception as problem:  # a bug in the benchmark itself: count it, keep going
                stats.errors[f"client: {type(problem).__name__}: {problem}"] += 1
                stats.failed_walks += 1
            else:
                stats.completed += 1
                stats.completed_in_time += time.monotonic() <= deadline
                stats.pages_per_walk.add(browser.requests)
                stats.themes_per_walk.add(themes)
            finally:
                browser.close()

    cpu_before = time.process_time()
    threads = [
        threading.Thread(target=respondent, args=(i,), name=f"respondent-{i}", daemon=True)
        for i in range(plan.concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, hard_stop + plan.request_timeout + 5 - time.monotonic()))
    elapsed = time.monotonic() - started
    stuck = sum(thread.is_alive() for thread in threads)
    total = Stats()
    for stats in all_stats:
        total.merge(stats)
    if stuck:
        total.errors[f"client: {stuck} respondent threads did not stop"] += stuck
    return {"stats": total, "elapsed": elapsed, "client_cpu_seconds": time.process_time() - cpu_before}


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 1)


def summarise_latency(stats: Stats) -> tuple[dict, dict]:
    everything = sorted(v for values in stats.latencies.values() for v in values)
    overall = {
        "requests": len(everything),
        "p50_ms": _ms(percentile(everything, 0.50)),
        "p90_ms": _ms(percentile(everything, 0.90)),
        "p99_ms": _ms(percentile(everything, 0.99)),
        "max_ms": _ms(everything[-1] if everything else None),
    }
    pages = {}
    for label, values in sorted(stats.latencies.items()):
        values = sorted(values)
        pages[label] = {
            "requests": len(values),
            "p50_ms": _ms(percentile(values, 0.50)),
            "p99_ms": _ms(percentile(values, 0.99)),
            "max_ms": _ms(values[-1]),
        }
    return overall, pages


# --------------------------------------------------------------------------------------------
# The service: database, static files, gunicorn
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
from together.reviews.models import Response, ResponseState

round_id = int(sys.argv[1])
responses = Response.objects.filter(round_id=round_id)
durability = {}
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        cursor.execute("SELECT current_setting('server_version')")
        version = cursor.fetchone()[0].split()[0]
        for name in ("fsync", "synchronous_commit", "full_page_writes"):
            cursor.execute("SELECT current_setting(%s)", [name])
            durability[name] = cursor.fetchone()[0]
    else:
        cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0].split()[0]
        cursor.execute("PRAGMA journal_mode")
        durability["journal_mode"] = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        durability["synchronous"] = {0: "off", 1: "normal", 2: "full", 3: "extra"}[cursor.fetchone()[0]]
print(json.dumps({
    "durability": durability,
    "submitted": responses.filter(state=ResponseState.SUBMITTED).count(),
    "drafts": responses.filter(state=ResponseState.DRAFT).count(),
    "vendor": connection.vendor,
    "version": version,
}))
"""

LOG_PATTERNS = {
    "database is locked": re.compile(r"database is locked", re.IGNORECASE),
    "tracebacks": re.compile(r"^Traceback \(most recent call last\)"),
    "internal server errors": re.compile(r"Internal Server Error"),
    "worker timeouts": re.compile(r"WORKER TIMEOUT"),
    "too many connections": re.compile(r"too many (clients|connections)", re.IGNORECASE),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def service_env(database_url: str, static_root: Path, secret_key: str) -> dict[str, str]:
    """The production configuration, from the environment the service reads."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("CSRF_TRUSTED_ORIGINS", "SECURE_PROXY_SSL_HEADER", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "together.settings",
            "DEBUG": "false",
            "SECRET_KEY": secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "RESPONSE_RATE_LIMIT": "1000000/hour",
            "STATIC_ROOT": str(static_root),
            "DATABASE_URL": database_url,
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def run_command(args: list, env: dict, log: Path, timeout: float = 600) -> str:
    """Run a set-up command, keep its output in the log, and fail loudly if it fails."""
    result = subprocess.run([str(a) for a in args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    with log.open("a") as out:
        out.write(f"$ {' '.join(str(a) for a in args)[:200]}\n{result.stdout}{result.stderr}\n")
    if result.returncode:
        raise RuntimeError(f"{Path(str(args[0])).name} {args[1] if len(args) > 1 else ''} failed:\n{result.stderr}")
    return result.stdout


def _python_json(script: str, env: dict, log: Path, *args) -> dict:
    out = run_command([BIN / "python", "-c", script, *args], env, log)
    return json.loads(out.strip().splitlines()[-1])


def _cpu_snapshot(pgid: int | None, postmaster: int | None) -> dict[str, float]:
    """CPU seconds used so far by gunicorn (its process group) and our PostgreSQL (Linux only)."""
    ticks = os.sysconf("SC_CLK_TCK")
    totals = {"gunicorn": 0.0, "postgres": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            tail = (entry / "stat").read_text().rpartition(")")[2]
        except OSError:
            continue
        fields = tail.split()
        seconds = (int(fields[11]) + int(fields[12])) / ticks
        if pgid is not None and int(fields[2]) == pgid:
            totals["gunicorn"] += seconds
        elif postmaster is not None and postmaster in (int(entry.name), int(fields[1])):
            totals["postgres"] += seconds
    return totals


def _machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU ticks of the whole machine, from /proc/stat."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return float(sum(values) - idle), float(sum(values))


class Gunicorn:
    """gunicorn in its own process group, so it and all its workers stop together."""

    def __init__(
        self, env: dict, workers: int, threads: int, log: Path, postmaster: int | None = None, worker_class: str = ""
    ):
        self.env = env
        self.postmaster = postmaster
        self.workers = workers
        self.threads = threads
        self.worker_class = worker_class
        self.log = log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def command(self) -> list[str]:
        # The production configuration (src/together/gunicorn_conf.py), as the deployment guide
        # runs it; only the address, the number of workers and threads, and the log level differ.
        return [
            str(BIN / "gunicorn"),
            "--config",
            "python:together.gunicorn_conf",
            "together.wsgi",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--log-level",
            "warning",
        ] + (["--worker-class", self.worker_class] if self.worker_class else [])

    def start(self, ready_timeout: float = 60.0) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command(),
                cwd=REPO,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + ready_timeout
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            try:
                with opener.open(f"{self.base}healthz", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz within {ready_timeout:.0f} s")

    def cpu_seconds(self) -> dict[str, float]:
        return _cpu_snapshot(self.process.pid if self.process else None, self.postmaster)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        # Workers that outlived the arbiter would still be in the group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def _scan_log(log: Path) -> dict:
    counts = dict.fromkeys(LOG_PATTERNS, 0)
    excerpt: list[str] = []
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return {"counts": counts, "excerpt": excerpt}
    for line in lines:
        hit = False
        for name, pattern in LOG_PATTERNS.items():
            if pattern.search(line):
                counts[name] += 1
                hit = True
        interesting = hit or re.search(r"(Error|Exception|error)\b", line)
        if interesting and line.strip() not in excerpt and len(excerpt) < 15:
            excerpt.append(line.strip()[:300])
    return {"counts": counts, "excerpt": excerpt}


def _postgres_database(admin_url: str, name: str) -> tuple[str, int | None]:
    """Create an empty database on the throwaway cluster; return its URL and the server's pid."""
    import psycopg

    parts = urllib.parse.urlsplit(admin_url)
    if parts.hostname != HOST:
        raise RuntimeError(f"refusing to use a PostgreSQL server that is not on {HOST}: {parts.hostname}")
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
        data_directory = connection.execute("SHOW data_directory").fetchone()[0]
    postmaster = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        postmaster = int((Path(data_directory) / "postmaster.pid").read_text().split()[0])
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), postmaster


COLLECTSTATIC_WITH_ASSETS = """
import sys
import together.settings as service_settings
service_settings.STATICFILES_DIRS = [*service_settings.STATICFILES_DIRS, ("build/assets", sys.argv[1])]
import django
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
"""


def collect_static(static_root: Path, work: Path, secret_key: str) -> dict:
    """Run collectstatic as a deployment would; say so loudly if the tree needs help to pass it.

    If the stylesheet refers to GOV.UK Frontend assets that the asset build did not copy,
    collectstatic fails. The questionnaire pages do not depend on those files, so rather than
    measure nothing we supply exactly the referenced files from node_modules for this temporary
    STATIC_ROOT only, and record that in the results.
    """
    env = service_env(f"sqlite:///{work / 'collectstatic.sqlite3'}", static_root, secret_key)
    log = work / "setup.log"
    try:
        run_command([BIN / "together", "collectstatic", "--noinput", "--verbosity", "0"], env, log)
        return {"status": "ok"}
    except RuntimeError as problem:
        lines = [line for line in str(problem).splitlines() if line.strip()]
        error = next((line for line in lines if "Error:" in line), lines[-1] if lines else str(problem))
    css_path = REPO / "src" / "together" / "static" / "build" / "app.css"
    css = css_path.read_text() if css_path.exists() else ""
    referenced = sorted(set(re.findall(r'url\("?/static/build/assets/([^")?#]+)', css)))
    supplied = [name for name in referenced if (GOVUK_ASSETS / name).is_file()]
    if not supplied:
        raise RuntimeError(f"collectstatic failed: {error}")
    _progress(f"WARNING: collectstatic fails on this tree ({error})")
    _progress(f"WARNING: supplying {', '.join(supplied)} from GOV.UK Frontend for this run only")
    shutil.rmtree(static_root, ignore_errors=True)
    extra = work / "govuk-assets"
    for name in supplied:
        (extra / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(GOVUK_ASSETS / name, extra / name)
    run_command([BIN / "python", "-c", COLLECTSTATIC_WITH_ASSETS, extra], env, log)
    return {"status": "failed as is; worked around", "error": error, "supplied": supplied}


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
        database_url = f"sqlite:///{run_dir / 'together.sqlite3'}"
    else:
        database_url, postmaster = _postgres_database(os.environ["DATABASE_URL"], f"bench_{concurrency}")
    env = service_env(database_url, static_root, secret_key)
    _progress(f"{database}, {concurrency} respondents: preparing a fresh database")
    run_command([BIN / "together", "migrate", "--noinput", "--verbosity", "0"], env, setup_log)
    run_command([BIN / "together", "framework", "load", FRAMEWORK_FILE], env, setup_log)
    setup = _python_json(SETUP_SCRIPT, env, setup_log)
    rounds = setup["rounds"]

    server = Gunicorn(env, args.workers, args.threads, run_dir / "gunicorn.log", postmaster, args.worker_class)
    try:
        server.start()
        _progress(f"{database}, {concurrency} respondents: gunicorn on {server.base} ({_gunicorn_text(args)})")
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
            log_lines = [line for line in _scan_log(server.log)["excerpt"] if "Error" in line][:3]
            raise RuntimeError(f"warm-up failed: {problem}; server log: {' | '.join(log_lines) or 'nothing'}")
        _progress(f"{database}, {concurrency} respondents: running for {args.seconds:g} s")
        cpu_server_before = server.cpu_seconds()
        busy_before, total_before = _machine_cpu()
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
        busy_after, total_after = _machine_cpu()
    finally:
        server.stop()
    stored = _python_json(COUNT_SCRIPT, env, setup_log, rounds["measured"]["id"])
    stored_warmup = _python_json(COUNT_SCRIPT, env, setup_log, rounds["warmup"]["id"])

    stats: Stats = load["stats"]
    elapsed = load["elapsed"]
    overall, pages = summarise_latency(stats)
    errors = sum(stats.errors.values())
    cpus = os.cpu_count() or 1
    machine_busy = (busy_after - busy_before) / (total_after - total_before) if total_after > total_before else None
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
        "server_log": _scan_log(server.log),
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
        _progress(f"{database}: collecting static files into {static_root}")
        try:
            static = collect_static(static_root, work, secrets.token_urlsafe(50))
        except (RuntimeError, OSError, subprocess.SubprocessError) as problem:
            _progress(f"{database}: FAILED: {problem}")
            return [{"database": database, "concurrency": c, "failed": str(problem)} for c in args.concurrency]
        for concurrency in args.concurrency:
            try:
                result = run_configuration(database, concurrency, args, work, static_root)
            except (RuntimeError, OSError, subprocess.SubprocessError, ValueError) as problem:
                _progress(f"{database}, {concurrency} respondents: FAILED: {problem}")
                result = {"database": database, "concurrency": concurrency, "failed": str(problem)}
            result["collectstatic"] = static
            results.append(result)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def run_postgres(args: argparse.Namespace) -> list[dict]:
    """Run this benchmark again inside scripts/with-postgres.sh, which owns the throwaway cluster."""
    work = Path(tempfile.mkdtemp(prefix="together-bench-pg-out-"))
    try:
        return _run_postgres(args, work / "postgres.json")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run_postgres(args: argparse.Namespace, out: Path) -> list[dict]:
    command = [
        str(WITH_POSTGRES),
        sys.executable,
        "-m",
        "bench",
        "--database",
        "postgres",
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
        "--inner-json",
        str(out),
    ]
    per_run = args.seconds + max(GRACE_SECONDS, args.request_timeout) + 180
    timeout = 120 + per_run * len(args.concurrency)
    _progress("postgres: starting a throwaway cluster with scripts/with-postgres.sh")
    process = subprocess.Popen(command, cwd=REPO, start_new_session=True, stdin=subprocess.DEVNULL)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _progress(f"postgres: no result after {timeout:.0f} s; stopping it")
    finally:
        if process.poll() is None:  # timed out, or we were interrupted: stop the whole group
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
    try:
        return json.loads(out.read_text())
    except (OSError, ValueError):
        reason = f"scripts/with-postgres.sh exited with {process.returncode} and no results"
        return [{"database": "postgres", "concurrency": c, "failed": reason} for c in args.concurrency]


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------


def _progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _gunicorn_text(args: argparse.Namespace) -> str:
    kind = args.worker_class or "together.gunicorn_worker"
    threads = f"{args.threads} threads each" if args.threads > 1 else "1 thread each"
    slow = f"; {args.slow_clients} slow clients held open" if args.slow_clients else ""
    return f"{args.workers} {kind} workers, {threads}, keep-alive{slow}"


def _version(module: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(module)
    except metadata.PackageNotFoundError:
        return None


def machine_info() -> dict:
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
        "django": _version("django"),
        "gunicorn_version": _version("gunicorn"),
    }


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


def write_json(report: dict, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_suffix(".tmp")
    temporary.write_text(json.dumps(report, indent=2) + "\n")
    temporary.replace(output)


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
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Load benchmark: simulated respondents answer the whole questionnaire against "
        "gunicorn on 127.0.0.1, on SQLite and PostgreSQL.",
    )
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
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
    parser.add_argument("--seed", type=int, default=1, help="random seed for the answers")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON")
    parser.add_argument("--inner-json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.concurrency = list(dict.fromkeys(args.concurrency))
    if args.seconds <= 0 or args.workers < 1 or args.threads < 1 or args.request_timeout <= 0:
        parser.error("--seconds, --workers, --threads and --request-timeout must be positive")
    if args.slow_clients < 0:
        parser.error("--slow-clients must be 0 or more")
    return args


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)  # so the finally blocks stop gunicorn and remove temp dirs

    if args.inner_json:  # inside scripts/with-postgres.sh: DATABASE_URL points at the throwaway cluster
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            print("--inner-json needs DATABASE_URL from scripts/with-postgres.sh", file=sys.stderr)
            return 2
        results = run_database("postgres", args)
        args.inner_json.write_text(json.dumps(results))
        return 0

    started = datetime.datetime.now(datetime.UTC)
    reference_before = cpu_reference_ms()
    results = []
    if args.database in ("sqlite", "both"):
        results += run_database("sqlite", args)
    if args.database in ("postgres", "both"):
        results += run_postgres(args)

    reference_after = cpu_reference_ms()
    output = args.output.resolve()
    report = {
        "benchmark": "questionnaire_load",
        # The same fixed pure-Python loop as the other benchmarks: this machine's speed varies
        # over time by a fifth or more, so compare runs only alongside it.
        "cpu_reference_ms": {"before": reference_before, "after": reference_after},
        "date": started.isoformat(timespec="seconds"),
        "finished": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
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
        "settings": {
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "RESPONSE_RATE_LIMIT": "1000000/hour",
        },
        "request_timeout_seconds": args.request_timeout,
        "reference": REFERENCE,
        "target": TARGET,
        "results": results,
        "output": str(output.relative_to(REPO) if output.is_relative_to(REPO) else output),
    }
    for result in results:
        result["target_verdict"] = verdict(result)
    write_json(report, output)
    print(format_report(report))
    return 0
