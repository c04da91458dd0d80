"""A gunicorn worker that slow clients cannot stall.

It is gunicorn's ``gthread`` worker with one change of order: a request is handed to the
application only once all of it has arrived. The main thread, which watches every open
connection, reads whatever each one has sent without ever waiting for more, and keeps it until
the request's headers and its body (``Content-Length`` bytes, up to ``MAX_REQUEST_MB``) are in.
Only then is the request answered, from memory, so no thread that answers requests ever waits
for a client to finish sending. Then:

- a request that has not all arrived ``REQUEST_SECONDS`` (10, or ``GUNICORN_REQUEST_SECONDS``)
  after its first byte gets ``408 Request Timeout`` and the connection is closed: a client
  trickling its headers or its body a byte at a time holds nothing but a few bytes of memory;
- headers longer than ``HEADER_BYTES`` (32 KB) get ``431``, and a body sent without a length
  (``Transfer-Encoding``) gets ``411``: Django reads a body only by its ``Content-Length``;
- a body larger than ``MAX_REQUEST_MB`` is not read: the request goes to the application at once,
  which refuses it with 413 (``together.web.integrity``). Bodies over 1 MB wait in a temporary
  file rather than in memory.

Complete requests are answered by a pool of ``threads`` threads (``gunicorn_conf``), so one slow
page (a large PDF, an import's column page) does not hold up the other connections of the same
worker. With one thread the main thread answers itself, straight after reading, rather than
handing the request to a pool that could never answer two at once (that hand-over cost a fifth
of a worker's CPU for a bare request: bench/README.md).

What made this worker fast is kept: every waiting new connection is taken at once and first in
each round, and its request read straight away when it has already arrived. Keep-alive and its
timeout, closing idle connections, graceful shutdown and the arbiter's heartbeat are gthread's
own code. A client that does not read its answer is cut off after ``STALL_SECONDS`` (10, or
``GUNICORN_STALL_SECONDS``) without progress on a write.

This reads requests from the socket itself, so it serves plain HTTP, the service's set-up (TLS
ends at the proxy); with gunicorn's own TLS (``certfile``) it reads as gthread does.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import socket
import struct
import tempfile
import time
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker

REQUEST_SECONDS = float(os.environ.get("GUNICORN_REQUEST_SECONDS", 10))
STALL_SECONDS = int(os.environ.get("GUNICORN_STALL_SECONDS", 10))
HEADER_BYTES = 32 * 1024
IN_MEMORY = 1024 * 1024
READ_SIZE = 64 * 1024
ACCEPT_AT_ONCE = 64
SWEEP_SECONDS = 0.25


def _refusal(status: str, text: str) -> bytes:
    body = text.encode()
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


TOO_SLOW = _refusal(
    "408 Request Timeout",
    f"The request took longer than {REQUEST_SECONDS:g} seconds to arrive, so it was not read. Please try again.\n",
)
HEADERS_TOO_LARGE = _refusal(
    "431 Request Header Fields Too Large",
    f"The request's headers are larger than this service accepts ({HEADER_BYTES // 1024} KB).\n",
)
LENGTH_REQUIRED = _refusal(
    "411 Length Required",
    "Send the request's body with a Content-Length header, not in chunks.\n",
)


class Connection(TConn):
    """gthread's connection, with the part of the next request read so far."""

    def __init__(self, cfg, sock, client, server):
        super().__init__(cfg, sock, client, server)
        self.start_request()

    def start_request(self):
        self.received = bytearray()  # the request's bytes (its body too, unless spooled)
        self.head_end = None  # where its headers end, once they have arrived
        self.body_length = 0
        self.spool = None  # a large body, in a temporary file
        self.refusal = None  # the answer, if the request will not be read
        self.started = False  # whether its first byte has arrived
        self.deadline = None  # when it must have arrived, or (before its first byte) when to close

    def body_received(self) -> int:
        return self.spool.tell() if self.spool is not None else len(self.received) - self.head_end

    def take(self) -> bytes:
        """Everything read, for gunicorn's parser; the connection is ready for its next request."""
        data = bytes(self.received)
        if self.spool is not None:
            self.spool.seek(0)
            data += self.spool.read()
            self.spool.close()
        self.start_request()
        return data


class _Answered:
    """What gthread's ``finish_request`` expects of a finished future."""

    __slots__ = ("keep",)

    def __init__(self, keep):
        self.keep = keep

    def result(self):
        return self.keep

    def cancelled(self):
        return False


class _NoPool:
    def shutdown(self, wait=True, **kwargs):
        pass


class KeepAliveWorker(ThreadWorker):
    """gthread, answering a request only once it has all arrived."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.receiving: dict[Connection, None] = {}  # connections part-way through a request
        self.next_sweep = 0.0
        self.max_body = None
        self._answering: list | None = None

    def load_wsgi(self):
        super().load_wsgi()
        from django.conf import settings

        self.max_body = settings.MAX_REQUEST_BYTES

    def _pooled(self) -> bool:
        return self.cfg.threads > 1 or self.cfg.is_ssl

    def get_thread_pool(self):
        return super().get_thread_pool() if self._pooled() else _NoPool()

    # Every way a connection comes to have something to read (new, kept alive, or with bytes the
    # parser read ahead) arrives here, on the main thread.
    def enqueue_req(self, conn):
        if self.cfg.is_ssl:
            return super().enqueue_req(conn)  # gthread as it is
        return self._receive(conn)

    def _answer(self, conn):
        if self._pooled():
            return super().enqueue_req(conn)
        if self._answering is not None:
            # finish_request hands back a connection whose next request has already arrived
            # (pipelined): answer it in the loop below, not by calling down ever deeper.
            self._answering.append(conn)
            return None
        self._answering = [conn]
        try:
            while self._answering:
                conn = self._answering.pop()
                self.finish_request(conn, _Answered(self.handle(conn)))
        finally:
            self._answering = None
        return None

    def _receive(self, conn):
        """Read what conn has sent, without waiting; answer its request if it has all arrived."""
        if conn.parser is not None:
            # Bytes gunicorn's parser holds beyond the request it answered: pipelined requests.
            self._feed(conn, conn.parser.unreader.take_buffered())
        closed = False
        while conn.refusal is None:
            try:
                chunk = conn.sock.recv(READ_SIZE, socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                chunk = b""
            if not chunk:
                closed = True
                break
            self._feed(conn, chunk)
            if len(chunk) < READ_SIZE:
                break  # all there was, most likely: the next recv would only say so
        if conn.refusal is not None:
            return self._refuse(conn, conn.refusal)
        if conn.head_end is not None and (closed or conn.body_received() >= conn.body_length):
            # All there (or the client has stopped sending: the application then sees a body
            # that ends early, and refuses it).
            self.receiving.pop(conn, None)
            self._unwatch(conn)
            data = conn.take()
            conn.init()
            conn.parser.unreader.unread(data)
            return self._answer(conn)
        if closed:
            return self._close(conn)
        if conn.received and not conn.started:
            conn.started = True  # its first byte has just arrived: the clock starts
            conn.deadline = time.monotonic() + REQUEST_SECONDS
        elif conn.deadline is None:
            conn.deadline = time.monotonic() + self.cfg.keepalive  # nothing sent yet: idle
        self.receiving[conn] = None
        if not getattr(conn, "watched", False):
            conn.sock.setblocking(False)
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._readable, conn))
            conn.watched = True
        return None

    def _feed(self, conn, data: bytes):
        if not data:
            return
        if conn.spool is not None:
            conn.spool.write(data)
            return
        conn.received += data
        if conn.head_end is not None:
            return
        end = conn.received.find(b"\r\n\r\n", max(0, len(conn.received) - len(data) - 3))
        if end < 0:
            if len(conn.received) > HEADER_BYTES:
                conn.refusal = HEADERS_TOO_LARGE
            return
        if end + 4 > HEADER_BYTES:
            conn.refusal = HEADERS_TOO_LARGE
            return
        conn.head_end = end + 4
        conn.body_length = self._body_length(conn, bytes(conn.received[: conn.head_end]))
        if conn.body_length > IN_MEMORY:
            conn.spool = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 - closed in take()
            conn.spool.write(conn.received[conn.head_end :])
            del conn.received[conn.head_end :]

    def _body_length(self, conn, head: bytes) -> int:
        """How many bytes of body to wait for. gunicorn's parser checks the headers properly
        afterwards; anything unclear here is left to it (and waits for no body)."""
        lengths = []
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"transfer-encoding":
                conn.refusal = LENGTH_REQUIRED
                return 0
            if name == b"content-length":
                lengths.append(value.strip())
        if len(lengths) != 1 or not lengths[0].isdigit():
            return 0
        length = int(lengths[0])
        # Larger than the service takes: not read at all, the application refuses it at once.
        return 0 if self.max_body is not None and length > self.max_body else length

    def _readable(self, conn, _sock):
        self._receive(conn)

    def _unwatch(self, conn):
        if getattr(conn, "watched", False):
            conn.watched = False
            with contextlib.suppress(KeyError, ValueError, OSError):
                self.poller.unregister(conn.sock)

    def _refuse(self, conn, reply: bytes):
        with contextlib.suppress(OSError):  # a client that is gone is not told
            # What it has sent already is read (and dropped) first: closing a socket with unread
            # bytes resets the connection, and the client might lose the answer.
            for _ in range(16):
                if len(conn.sock.recv(READ_SIZE, socket.MSG_DONTWAIT)) < READ_SIZE:
                    break
        with contextlib.suppress(OSError):
            conn.sock.send(reply, socket.MSG_DONTWAIT)
        self._close(conn)

    def _close(self, conn):
        self.receiving.pop(conn, None)
        self._unwatch(conn)
        if conn.spool is not None:
            conn.spool.close()
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self):
        """gthread's sweep of connections waiting to start, and this worker's of requests that
        are taking too long to arrive (408) or connections that never sent one (closed)."""
        super().murder_pending()
        now = time.monotonic()
        if now < self.next_sweep:
            return
        self.next_sweep = now + SWEEP_SECONDS
        # A stopping worker closes connections that have not started a request at once.
        for conn in [conn for conn in self.receiving if conn.deadline <= now or not (self.alive or conn.started)]:
            if conn.started:
                self._refuse(conn, TOO_SLOW)
            else:
                self._close(conn)

    def wait_for_and_dispatch_events(self, timeout):
        try:
            events = self.poller.select(timeout)
        except InterruptedError:
            return None
        # New connections first: one that waited behind a round of kept-alive connections'
        # requests would wait for all of them.
        events.sort(key=lambda event: event[0].data != self.accept)
        for key, _ in events:
            key.data(key.fileobj)
        return None

    def accept(self, listener):
        # Take every connection waiting in the queue, not one a round: a round of answers takes
        # tens of milliseconds, and one connection a round left the last of a burst waiting for
        # several rounds before its first page.
        arrived = []
        for _ in range(ACCEPT_AT_ONCE):
            try:
                client, address = listener.accept()
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                break
            arrived.append(self._connection(listener, client, address))
        # A browser sends its request as soon as it has connected, so by the time the connection
        # is taken from the queue the request has usually arrived: it is answered straight away.
        for conn in arrived:
            self.enqueue_req(conn)
        return None

    def _connection(self, listener, client, address) -> Connection:
        # A blocking write (or, with gunicorn's TLS, read) on this socket gives up after
        # STALL_SECONDS without progress: the kernel's own timeouts, which stay set whatever
        # gthread does with the socket's blocking mode.
        stall = struct.pack("ll", STALL_SECONDS, 0)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, stall)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, stall)
        self.nr_conns += 1
        return Connection(self.cfg, client, address, listener.getsockname())
