"""The production gunicorn set-up keeps connections open, and no client can hold a worker long."""

import socket
import time

import pytest

from tests.integration.servers import gunicorn

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


@pytest.fixture
def server(migrated):
    with gunicorn(migrated) as port:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as first:
            first.sendall(REQUEST)  # the worker's first request sets Django up: not part of any test
            _answer(first)
        yield port


def _answer(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\nok" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed after {data!r}")
        data += chunk
    return data


def test_one_connection_carries_many_requests(server):
    with socket.create_connection(("127.0.0.1", server), timeout=10) as connection:
        for _ in range(3):
            connection.sendall(REQUEST)
            assert _answer(connection).startswith(b"HTTP/1.1 200 OK")


def test_a_silent_connection_does_not_hold_up_the_others(server):
    with socket.create_connection(("127.0.0.1", server), timeout=10) as silent:
        time.sleep(0.2)  # accepted, and nothing sent
        with socket.create_connection(("127.0.0.1", server), timeout=10) as other:
            started = time.monotonic()
            other.sendall(REQUEST)
            assert _answer(other).startswith(b"HTTP/1.1 200 OK")
            # gthread's own worker would first wait up to 5 s for the silent connection's request.
            assert time.monotonic() - started < 3
        assert silent.fileno() != -1


def test_a_client_that_stalls_part_way_is_cut_off(server):
    with socket.create_connection(("127.0.0.1", server), timeout=10) as stalled:
        stalled.sendall(REQUEST[:20])  # the start of a request, then nothing
        began = time.monotonic()
        time.sleep(0.2)
        with socket.create_connection(("127.0.0.1", server), timeout=10) as other:
            other.sendall(REQUEST)
            started = time.monotonic()
            assert _answer(other).startswith(b"HTTP/1.1 200 OK")
            assert time.monotonic() - started < 0.5  # the stalled request never held the worker
        stalled.settimeout(5)
        # It is told so after GUNICORN_REQUEST_SECONDS (1 s here), and its connection closed.
        assert _reply(stalled).startswith(b"HTTP/1.1 408 Request Timeout")
        assert 0.9 < time.monotonic() - began < 3


def test_many_pipelined_requests_are_all_answered(server):
    count = 600
    with socket.create_connection(("127.0.0.1", server), timeout=30) as connection:
        connection.sendall(REQUEST * count)
        data = b""
        while data.count(b"HTTP/1.1 200 OK") < count or not data.endswith(b"ok"):
            chunk = connection.recv(1 << 20)
            if not chunk:
                break
            data += chunk
        assert data.count(b"HTTP/1.1 200 OK") == count
        connection.sendall(REQUEST)  # the worker is still there, on the same connection
        assert _answer(connection).startswith(b"HTTP/1.1 200 OK")


def test_connections_closed_before_a_request_leave_the_worker_serving(server):
    for _ in range(20):
        socket.create_connection(("127.0.0.1", server), timeout=10).close()
    time.sleep(0.2)
    for _ in range(3):  # new connections, each sending at once as a browser does
        with socket.create_connection(("127.0.0.1", server), timeout=10) as connection:
            connection.sendall(REQUEST)
            assert _answer(connection).startswith(b"HTTP/1.1 200 OK")


def test_a_burst_of_new_connections_is_answered_whether_or_not_each_has_sent_yet(server):
    connections = [socket.create_connection(("127.0.0.1", server), timeout=10) for _ in range(30)]
    try:
        for connection in connections[::2]:  # half send at once, half after the others
            connection.sendall(REQUEST)
        time.sleep(0.2)
        for connection in connections[1::2]:
            connection.sendall(REQUEST)
        for connection in connections:
            assert _answer(connection).startswith(b"HTTP/1.1 200 OK")
    finally:
        for connection in connections:
            connection.close()


def _reply(connection: socket.socket) -> bytes:
    data = b""
    while True:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk


def test_a_body_that_ends_before_its_length_is_refused(server):
    body = b"csrfmiddlewaretoken=x&username=someone&password=secret"
    head = (
        b"POST /sign-in/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: " + str(len(body) + 40).encode() + b"\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server), timeout=10) as connection:
        connection.sendall(head + body)
        connection.shutdown(socket.SHUT_WR)  # and nothing more
        reply = _reply(connection)
    assert reply.startswith(b"HTTP/1.1 400 "), reply[:200]
    assert b"ended before all of it arrived" in reply
    # The same body, whole, reaches the service (which refuses it for want of a CSRF cookie).
    with socket.create_connection(("127.0.0.1", server), timeout=10) as connection:
        connection.sendall(head.replace(str(len(body) + 40).encode(), str(len(body)).encode()) + body)
        connection.shutdown(socket.SHUT_WR)
        assert _reply(connection).startswith(b"HTTP/1.1 403 ")


def test_a_body_larger_than_the_limit_is_refused_unread(server):
    head = (
        b"POST /sign-in/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server), timeout=10) as connection:
        connection.sendall(head)
        assert _reply(connection).startswith(b"HTTP/1.1 413 ")
