"""The load benchmark's HTTP client reads replies as a browser would."""

import http.client
import socket
import threading

import pytest

from bench.questionnaire_load import Connection


def _server(replies: list[bytes], close_after: bool = False):
    """A one-connection server that answers each request with the next canned reply."""
    listener = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []

    def serve():
        client, _ = listener.accept()
        with client, listener:
            buffer = b""
            for reply in replies:
                while b"\r\n\r\n" not in buffer:
                    buffer += client.recv(65536)
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length")
                    ),
                    0,
                )
                while len(buffer) < length:
                    buffer += client.recv(65536)
                received.append(head + b"\r\n\r\n" + buffer[:length])
                buffer = buffer[length:]
                client.sendall(reply)
            if not close_after:
                client.recv(1)  # until the client closes

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return listener.getsockname()[1], received


def test_replies_by_length_and_in_chunks_on_one_connection():
    port, received = _server(
        [
            b"HTTP/1.1 302 Found\r\nLocation: /next/\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: 1\r\n\r\n",
        ]
    )
    connection = Connection("127.0.0.1", port, timeout=5)
    moved = connection.request("POST", "/form/", b"x=1", {"Host": "here"})
    assert (moved.status, moved.headers["Location"], moved.read()) == (302, "/next/", b"")
    assert moved.headers.get_all("set-cookie") == ["a=1", "b=2"]
    assert connection.request("GET", "/next/", None, {"Host": "here"}).read() == b"hello"
    chunked = connection.request("GET", "/more/", None, {"Host": "here"})
    assert (chunked.read(), chunked.will_close) == (b"abcde", False)
    connection.close()
    assert received[0] == b"POST /form/ HTTP/1.1\r\nHost: here\r\nContent-Length: 3\r\n\r\nx=1"


def test_a_connection_the_server_closed_says_so_before_and_during_a_reply():
    port, _ = _server([b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"], close_after=True)
    connection = Connection("127.0.0.1", port, timeout=5)
    reply = connection.request("GET", "/", None, {"Host": "here"})
    assert (reply.read(), reply.will_close) == (b"ok", True)
    # What the browser retries once on a new connection (the kernel may answer with a reset).
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)):
        connection.request("GET", "/", None, {"Host": "here"})

    port, _ = _server([b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"], close_after=True)
    with pytest.raises(http.client.IncompleteRead):
        Connection("127.0.0.1", port, timeout=5).request("GET", "/", None, {"Host": "here"})


def test_a_malformed_status_line_is_an_error():
    port, _ = _server([b"NONSENSE\r\n\r\n"], close_after=True)
    with pytest.raises(http.client.HTTPException):
        Connection("127.0.0.1", port, timeout=5).request("GET", "/", None, {"Host": "here"})
