"""A gunicorn worker that keeps browsers' connections open and answers them on one thread.

gunicorn's ``gthread`` worker hands every request from its main thread, which watches the open
connections, to a pool thread, and hands the connection back when the answer is written: a queue,
a pipe and two changes of thread for each page. With one thread a worker, as this service runs
(see ``gunicorn_conf``), the pool never answers two requests at once, so that hand-over buys
nothing. This worker is ``gthread`` with the hand-over taken out: the main thread answers a
connection as soon as it has a request to read, then goes back to watching. A worker's CPU time
for a bare request (``/healthz``, 50 kept-alive connections) went from 545 to 436 µs
(bench/README.md).

Everything else is gthread's own code: keep-alive and its timeout, closing idle connections,
graceful shutdown, the arbiter's heartbeat. A connection is answered only once its request has
started to arrive, and a client that stalls part-way through sending or reading is cut off after
``STALL_SECONDS`` (10, or ``GUNICORN_STALL_SECONDS``), so one slow client cannot hold the worker
for long. In production a proxy (nginx or a load balancer) buffers requests anyway.
"""

from __future__ import annotations

import os
import selectors
import socket
import struct
import time
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker

STALL_SECONDS = int(os.environ.get("GUNICORN_STALL_SECONDS", 10))
ACCEPT_AT_ONCE = 64


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
    """gthread, answering on its main thread when it has one thread; with more, gthread as it is."""

    def get_thread_pool(self):
        return super().get_thread_pool() if self.cfg.threads > 1 else _NoPool()

    _answering: list | None = None

    def enqueue_req(self, conn):
        if self.cfg.threads > 1:
            return super().enqueue_req(conn)
        if self._answering is not None:
            # finish_request hands back a connection whose next request has already arrived
            # (pipelined): answer it in the loop below, not by calling down ever deeper.
            self._answering.append(conn)
            return None
        # Answer here and now, on the main thread, rather than on a pool thread.
        self._answering = [conn]
        try:
            while self._answering:
                conn = self._answering.pop()
                self.finish_request(conn, _Answered(self.handle(conn)))
        finally:
            self._answering = None
        return None

    def wait_for_and_dispatch_events(self, timeout):
        if self.cfg.threads > 1:
            return super().wait_for_and_dispatch_events(timeout)
        try:
            events = self.poller.select(timeout)
        except InterruptedError:
            return None
        # New connections first: each is answered in turn, so one that waited behind a round of
        # kept-alive connections' requests would wait for all of them.
        events.sort(key=lambda event: event[0].data != self.accept)
        for key, _ in events:
            key.data(key.fileobj)
        return None

    def accept(self, listener):
        if self.cfg.threads > 1:
            return super().accept(listener)
        # Take every connection waiting in the queue, not one a round: a round of answers takes
        # tens of milliseconds, and one connection a round left the last of a burst waiting for
        # several rounds before its first page.
        arrived = []
        for _ in range(ACCEPT_AT_ONCE):
            try:
                client, address = listener.accept()
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                break
            conn = self._connection(listener, client, address)
            if conn is not None:
                arrived.append(conn)
        for conn in arrived:
            self.enqueue_req(conn)
        return None

    def _connection(self, listener, client, address) -> TConn | None:
        """Set up an accepted connection; return it if its request has arrived already."""
        # A blocking read or write on this socket gives up after STALL_SECONDS (the kernel's own
        # timeouts, which stay set whatever gthread does with the socket's blocking mode).
        stall = struct.pack("ll", STALL_SECONDS, 0)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, stall)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, stall)
        self.nr_conns += 1
        conn = TConn(self.cfg, client, address, listener.getsockname())
        # A browser sends its request as soon as it has connected, so by the time the connection
        # is taken from the queue the request has usually arrived: it is answered straight away.
        try:
            waiting = client.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:
            waiting = None
        except OSError:
            waiting = b""
        if waiting:
            conn.data_ready = True
            return conn
        if waiting == b"":  # closed, or reset, before sending anything
            self.nr_conns -= 1
            conn.close()
            return None
        # Otherwise it waits in the poller until the request starts to arrive, as a kept-alive
        # connection does.
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))
        return None
