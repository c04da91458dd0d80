"""Simulated respondents: each a browser with its own cookies and kept-alive connection, answering
the whole questionnaire through HTTP as a person would, with no thinking time.

Used by the load benchmark (``bench.questionnaire_load``) and, while files are imported, by the
import benchmark (``bench.import_csv``). See bench/README.md ("What it measures").
"""

from __future__ import annotations

import collections
import datetime
import email.utils
import http.client
import http.cookies
import random
import re
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

RATING_VALUES = ("1", "2", "3", "4", "5", "dk")
COMMENTS = (
    "We agree on the direction but not yet on who does what.",
    "Better than a year ago; the frontline still hears about changes late.",
    "Councillors are supportive in private and cautious in public.",
    "Hard to say from where I sit.",
    "The shared budget pilot is the first real test of this.",
)
MAX_STEPS = 40  # pages in one walk before we give up; the questionnaire has 14
GRACE_SECONDS = 30.0  # after the run time, how long in-flight questionnaires may take to finish

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RATING_RE = re.compile(r'name="(rating-[^"]+)" type="radio"')
STEP_RE = re.compile(
    r"^/respond/(?P<public_id>[0-9a-f-]{36})/(?P<step>about|theme/[A-Za-z0-9_-]+|priorities|check|done)/$"
)


def _radio_values(html: str, name: str, kind: str = "radio") -> list[str]:
    return re.findall(rf'name="{re.escape(name)}" type="{kind}" value="([^"]*)"', html)


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
