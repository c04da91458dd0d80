"""gunicorn as production runs it, on a throwaway SQLite database, for tests that need a real
HTTP server (keep-alive, bodies cut short, a proxy in front)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(database: Path, **extra: str) -> dict:
    return {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "worker-test-" + "k" * 50,
        "DATABASE_URL": f"sqlite:///{database}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "GUNICORN_STALL_SECONDS": "1",
        "GUNICORN_REQUEST_SECONDS": "1",
        "GUNICORN_KEEPALIVE": "5",
        "MAX_REQUEST_MB": "1",
        **extra,
    }


def migrate(database: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "together.cli", "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env=environment(database),
        check=True,
    )
    return database


@contextmanager
def gunicorn(database: Path, app: str = "together.wsgi", **extra: str):
    """A one-worker gunicorn serving ``app`` on a free port; yields the port once it accepts
    connections."""
    port = free_port()
    process = subprocess.Popen(
        [Path(sys.executable).with_name("gunicorn"), "-c", "python:together.gunicorn_conf", app]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=environment(database, **extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    raise RuntimeError("gunicorn did not start: " + process.stderr.read().decode()) from None
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker that cannot stop is stopped all the same
            process.kill()
            process.wait()
