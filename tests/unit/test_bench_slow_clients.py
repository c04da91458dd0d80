"""The load benchmark's slow clients trickle their headers and come back when cut off."""

import socket
import time

from bench import questionnaire_load
from bench.questionnaire_load import SlowClients


def test_slow_clients_send_a_header_byte_at_a_time_and_reconnect_when_closed(monkeypatch):
    monkeypatch.setattr(questionnaire_load, "SLOW_CLIENT_INTERVAL", 0.05)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(5)
        with SlowClients(listener.getsockname()[1], 3) as slow:
            accepted = [listener.accept()[0] for _ in range(3)]
            time.sleep(0.4)
            trickled = accepted[0].recv(65536)
            # A few bytes of a request's headers, never the end of them.
            assert 2 <= len(trickled) < 20
            assert SlowClients.HEADERS.startswith(trickled)
            accepted[1].sendall(b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n")
            accepted[1].close()
            accepted.append(listener.accept()[0])  # opened again
            time.sleep(0.2)
            assert accepted[-1].recv(65536).startswith(b"G")
        for connection in accepted:
            connection.close()
    summary = slow.summary()
    assert summary["connections"] == 3
    assert summary["opened"] == 4
    assert summary["closed_by_server_and_reopened"] == 1
    assert summary["failed_connects"] == 0


def test_the_option_is_checked():
    assert questionnaire_load.parse_args(["--slow-clients", "100"]).slow_clients == 100
    assert questionnaire_load.parse_args([]).slow_clients == 0


def test_a_negative_number_of_slow_clients_is_refused(capsys):
    import pytest

    with pytest.raises(SystemExit):
        questionnaire_load.parse_args(["--slow-clients", "-1"])
    assert "--slow-clients must be 0 or more" in capsys.readouterr().err
