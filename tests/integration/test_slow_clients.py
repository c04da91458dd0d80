"""Slow clients and slow pages cannot stall the production gunicorn set-up.

Everything here goes through a real gunicorn with the production configuration (one worker, as
few as a deployment can have), serving the service wrapped by ``tests/integration/slow_app.py``,
which adds a page that takes 1.5 s to answer.
"""

import socket
import threading
import time

from tests.integration.servers import gunicorn

APP = "tests.integration.slow_app:application"
PAGES = ["/", "/privacy/", "/accessibility/", "/sign-in/"]
RESPONDENTS = 4
SECONDS = 2.0  # each phase
ROUNDS = 3


def _get(path: str, extra: bytes = b"") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode() + extra + b"\r\n"


def _response(connection: socket.socket) -> tuple[int, bytes]:
    """One response's status and body (by its Content-Length), read off a kept-alive connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed after {data[:200]!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = next(int(line.split(b":", 1)[1]) for line in lines if line.lower().startswith(b"content-length:"))
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionError("closed part-way through a body")
        body += chunk
    return int(lines[0].split()[1]), body


def _everything(connection: socket.socket) -> bytes:
    data = b""
    while chunk := connection.recv(65536):
        data += chunk
    return data


def _p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[max(0, -(-len(ordered) * 99 // 100) - 1)]  # nearest rank


def _respondents(port: int, count: int, seconds: float) -> list[float]:
    """``count`` respondents, each on its own kept-alive connection, fetching pages one after
    another for ``seconds``; every page's time, from sending to the last byte of the answer."""
    latencies, failures = [], []
    stop = time.monotonic() + seconds

    def respondent(offset):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
                turn = offset
                while time.monotonic() < stop:
                    path = PAGES[turn % len(PAGES)]
                    turn += 1
                    started = time.perf_counter()
                    connection.sendall(_get(path))
                    status, _ = _response(connection)
                    latencies.append(time.perf_counter() - started)
                    if status != 200:
                        failures.append((path, status))
        except OSError as error:
            failures.append(("connection", repr(error)))

    threads = [threading.Thread(target=respondent, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    return latencies


class Background(threading.Thread):
    """Something a client keeps doing until the ``with`` block ends."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.port = port
        self.stopped = threading.Event()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.join(timeout=30)


class SlowLoris(Background):
    """``count`` connections each sending one byte of a request's headers every ``interval``
    seconds, and never finishing them."""

    HEADERS = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slowly: " + b"s" * 4000

    def __init__(self, port: int, count: int, interval: float):
        super().__init__(port)
        self.connections = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(count)]
        self.interval = interval
        self.cut_off = 0

    def run(self):
        sent = 0
        while not self.stopped.wait(self.interval if sent else 0):
            for connection in self.connections:
                connection.send(self.HEADERS[sent : sent + 1])
            sent += 1
        for connection in self.connections:
            connection.setblocking(False)
            try:
                if connection.recv(1) == b"":
                    self.cut_off += 1
            except BlockingIOError:
                pass  # still open, as it should be while it keeps sending
            connection.close()


class SlowPage(Background):
    """A facilitator asking for the 1.5 s page again and again on one kept-alive connection."""

    answered = 0

    def run(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as connection:
            while not self.stopped.is_set():
                connection.sendall(_get("/slow-for-tests/"))
                assert _response(connection) == (200, b"done\n")
                self.answered += 1


class HealthCheck(Background):
    """A load balancer asking for /healthz four times a second, each time on a new connection."""

    def __init__(self, port: int):
        super().__init__(port)
        self.answers = []

    def run(self):
        while not self.stopped.wait(0.25):
            started = time.monotonic()
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=3) as connection:
                    connection.sendall(_get("/healthz"))
                    status, _ = _response(connection)
            except OSError as error:
                status = repr(error)
            self.answers.append((status, time.monotonic() - started))


def test_slow_clients_and_a_slow_page_do_not_hold_up_respondents(migrated):
    quiet, loaded, slow_answered, cut_off, health = [], [], 0, 0, []
    # Requests may take 60 s to arrive here, so that the slow clients stay connected throughout.
    # Two threads, as docs/deploying.md advises where slow pages are served beside respondents.
    with gunicorn(
        migrated, app=APP, GUNICORN_REQUEST_SECONDS="60", GUNICORN_KEEPALIVE="20", GUNICORN_THREADS="2"
    ) as port:
        _respondents(port, 2, 1.0)  # the first requests set Django up: not part of the figures
        # Quiet and loaded in turn, as the speed of a shared machine drifts.
        for _ in range(ROUNDS):
            quiet += _respondents(port, RESPONDENTS, SECONDS)
            with SlowLoris(port, 100, interval=0.5) as loris, SlowPage(port) as slow, HealthCheck(port) as check:
                time.sleep(0.3)
                loaded += _respondents(port, RESPONDENTS, SECONDS)
            slow_answered += slow.answered
            cut_off += loris.cut_off
            health += check.answers
    quiet_p99, loaded_p99 = _p99(quiet), _p99(loaded)
    print(f"respondents' p99: quiet {quiet_p99 * 1000:.1f} ms, loaded {loaded_p99 * 1000:.1f} ms")
    assert slow_answered >= ROUNDS  # the slow page was being answered all along
    assert cut_off == 0  # and the slow clients were still connected
    assert len(health) >= 4 * ROUNDS
    assert all(status == 200 and seconds < 1 for status, seconds in health), health
    assert len(loaded) > len(quiet) / 3
    assert loaded_p99 <= 2 * quiet_p99, (quiet_p99, loaded_p99)


def _trickle(connection: socket.socket, data: bytes, interval: float, stopped: threading.Event):
    for index in range(len(data)):
        if stopped.wait(interval):
            return
        try:
            connection.send(data[index : index + 1])
        except OSError:
            return


def _refused_after(port: int, head: bytes, trickled: bytes) -> tuple[bytes, float]:
    """Send ``head`` at once and ``trickled`` a byte every 0.25 s; the answer and its time."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as first:
        first.sendall(_get("/healthz"))  # the worker's first request sets Django up: not timed
        assert _response(first) == (200, b"ok")
    stopped = threading.Event()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        started = time.monotonic()
        connection.sendall(head)
        sender = threading.Thread(target=_trickle, args=(connection, trickled, 0.25, stopped))
        sender.start()
        try:
            time.sleep(0.5)
            with socket.create_connection(("127.0.0.1", port), timeout=10) as other:
                asked = time.monotonic()
                other.sendall(_get("/healthz"))
                assert _response(other) == (200, b"ok")
                assert time.monotonic() - asked < 0.5  # the slow one holds no thread
            reply = _everything(connection)
            return reply, time.monotonic() - started
        finally:
            stopped.set()
            sender.join()


def test_headers_sent_slowly_get_408_when_the_time_is_up(migrated):
    with gunicorn(migrated, GUNICORN_REQUEST_SECONDS="2") as port:
        reply, seconds = _refused_after(port, b"GET / HTTP/1.1\r\n", b"Host: 127.0.0.1\r\nX-Slowly: " + b"s" * 100)
    assert reply.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), reply[:200]
    assert b"took longer than 2 seconds to arrive" in reply
    assert 1.9 < seconds < 3.5


def test_a_body_sent_slowly_gets_408_when_the_time_is_up(migrated):
    body = b"csrfmiddlewaretoken=x&username=someone&password=secret"
    head = (
        b"POST /sign-in/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    with gunicorn(migrated, GUNICORN_REQUEST_SECONDS="2") as port:
        reply, seconds = _refused_after(port, head, body)
    assert reply.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), reply[:200]
    assert 1.9 < seconds < 3.5


def test_headers_over_32_kb_get_431_and_smaller_ones_are_answered(migrated):
    with gunicorn(migrated) as port:
        fields = b"".join(f"X-Part-{n}: {'p' * 7000}\r\n".encode() for n in range(5))  # 35 KB
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(_get("/healthz", fields))
            reply = _everything(connection)
        assert reply.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"), reply[:200]
        assert b"larger than this service accepts (32 KB)" in reply
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(_get("/healthz", fields[: len(fields) * 3 // 5]))  # 21 KB
            assert _response(connection) == (200, b"ok")


def test_a_body_without_a_length_gets_411(migrated):
    with gunicorn(migrated) as port, socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            b"POST /sign-in/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
        )
        reply = _everything(connection)
    assert reply.startswith(b"HTTP/1.1 411 Length Required\r\n"), reply[:200]
    assert b"Content-Length" in reply


def test_a_large_body_arriving_in_parts_reaches_the_service_whole(migrated):
    body = b"username=someone&comment=" + b"c" * (2 * 1024 * 1024)  # over 1 MB: in a temporary file on the way
    head = (
        b"POST /sign-in/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    server = gunicorn(migrated, MAX_REQUEST_MB="4")
    with server as port, socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(head + body[:1000])
        time.sleep(0.3)
        connection.sendall(body[1000 : 1024 * 1024])
        time.sleep(0.3)
        connection.sendall(body[1024 * 1024 :])
        status, page = _response(connection)
        # The whole form reached Django, which refuses it for want of a CSRF cookie (a body cut
        # short would have been refused before Django, with 400).
        assert status == 403, page[:300]
        connection.sendall(_get("/healthz"))  # and the connection carries on
        assert _response(connection) == (200, b"ok")
