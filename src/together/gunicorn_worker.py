"""A gunicorn worker that keeps browsers' connections open and answers them on one thread.

gunicorn's ``gthread`` worker hands every request from its main thread, which watches the open
connections, to a pool thread, and hands the connection back when the answer is written: a queue,
a pipe and two changes of thread for each page. With one thread a worker, as this service runs
(see ``gunicorn_conf``), the pool never answers two requests at once, so that hand-over buys
nothing. This worker is ``gthread`` with the hand-over taken out: the main thread answers a
connection as soon as it has a request to read, then goes back to watching. In the load benchmark
that took about a fifth off gunicorn's own CPU time per request (bench/README.md).

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

    def accept(self, listener):
        if self.cfg.threads > 1:
            return super().accept(listener)
        try:
            client, address = listener.accept()
        except (BlockingIOError, InterruptedError, ConnectionAbortedError):
            return
        # A blocking read or write on this socket gives up after STALL_SECONDS (the kernel's own
        # timeouts, which stay set whatever gthread does with the socket's blocking mode).
        stall = struct.pack("ll", STALL_SECONDS, 0)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, stall)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, stall)
        self.nr_conns += 1
        conn = TConn(self.cfg, client, address, listener.getsockname())
        # Wait in the poller until the request starts to arrive, as a kept-alive connection does.
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))
