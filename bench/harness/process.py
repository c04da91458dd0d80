"""The checkout's paths, progress lines, subprocesses, and the re-run under scripts/with-postgres.sh."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
BIN = REPO / ".venv" / "bin"
FRAMEWORK_FILE = REPO / "frameworks" / "transforming-together.yaml"
WITH_POSTGRES = REPO / "scripts" / "with-postgres.sh"
RESULTS = REPO / "bench" / "results"
HOST = "127.0.0.1"  # benchmarks talk to nothing else


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def install_sigterm() -> None:
    """SIGTERM raises SystemExit, so finally blocks stop servers and remove temporary folders."""
    signal.signal(signal.SIGTERM, _terminate)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _name(command: Sequence) -> str:
    return " ".join([Path(str(command[0])).name, *(str(part) for part in command[1:2])])


def run_command(command: Sequence, env: dict, timeout: float = 600, log: Path | None = None) -> str:
    """Run a set-up command in the checkout; its stdout, or RuntimeError with the end of its stderr.

    With ``log``, the command and everything it printed are appended there."""
    try:
        result = subprocess.run(
            [str(part) for part in command],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{_name(command)} took longer than {timeout:g} s") from None
    if log is not None:
        with log.open("a") as out:
            out.write(f"$ {' '.join(str(part) for part in command)[:200]}\n{result.stdout}{result.stderr}\n")
    if result.returncode:
        raise RuntimeError(f"{_name(command)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def timed_command(command: Sequence, env: dict, timeout: float = 600) -> tuple[float, str]:
    """``run_command``, and the seconds it took end to end."""
    started = time.perf_counter()
    output = run_command(command, env, timeout)
    return time.perf_counter() - started, output


def stop_group(process: subprocess.Popen, grace: float = 30, sweep: bool = False) -> None:
    """Stop a process started with ``start_new_session`` and its group: SIGTERM, SIGKILL after
    ``grace`` seconds. With ``sweep``, SIGKILL what is left of the group once it has stopped."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    if sweep:  # children that outlived their parent would still be in the group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def run_worker(module: str, argv: Sequence[str], env: dict, work: Path, timeout: float, phase: str = "run") -> dict:
    """``python -m module --phase PHASE --json-out FILE ...`` in a fresh process and its own group; what
    it wrote. Its progress goes to our stderr; it is stopped if it takes longer than ``timeout``."""
    out = work / f"{phase}.json"
    command = [sys.executable, "-m", module, "--phase", phase, "--json-out", str(out), *argv]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"the {phase} step took longer than {timeout:g} s and was stopped") from None
    finally:
        stop_group(process)
    if process.returncode or not out.exists():
        raise RuntimeError(f"the {phase} step exited with {process.returncode}; see its output above")
    return json.loads(out.read_text())


def run_under_postgres(module: str, argv: Sequence[str], timeout: float):
    """Run ``python -m module ARGV --database postgres`` again inside scripts/with-postgres.sh, which
    owns a throwaway cluster, and return what that run wrote with ``--inner-json``.

    Raises RuntimeError if it wrote nothing (it failed, or ran out of ``timeout`` and was stopped)."""
    work = Path(tempfile.mkdtemp(prefix=f"together-{module.rsplit('.', 1)[-1]}-pg-out-"))
    out = work / "postgres.json"
    command = [str(WITH_POSTGRES), sys.executable, "-m", module, *argv, "--database", "postgres"]
    command += ["--inner-json", str(out)]
    progress("postgres: starting a throwaway cluster with scripts/with-postgres.sh")
    process = subprocess.Popen(command, cwd=REPO, start_new_session=True, stdin=subprocess.DEVNULL)
    try:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            progress(f"postgres: no result after {timeout:.0f} s; stopping it")
        finally:
            stop_group(process, grace=60)  # time for the cluster to shut down and be removed
        try:
            return json.loads(out.read_text())
        except (OSError, ValueError):
            raise RuntimeError(f"scripts/with-postgres.sh exited with {process.returncode} and no results") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
