"""Reading an uploaded framework file, by its kind, and doing it inside time and memory bounds.

:func:`parse_upload` turns a file's name and bytes into a checked :class:`Framework`, or raises
:class:`FrameworkInvalid` listing every problem. It is plain Python, with no Django import, so
that :func:`check_bounded` can run it in a separate process whose memory and processor time the
operating system limits: a hostile file can exhaust only that process, never the web worker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import PurePath

from together.framework import Framework, FrameworkInvalid, Problem, parse_framework
from together.framework.yamlsafe import MAX_BYTES

SUFFIXES = (".yaml", ".yml", ".xlsx")
MEMORY_BYTES = 512 * 1024 * 1024  # address space for the checking process; it needs about 100 MB
CPU_SECONDS = 10
WALL_SECONDS = 20
PARALLEL = 2  # checks at once in one web process; more wait their turn

_slots = threading.BoundedSemaphore(PARALLEL)


def parse_upload(name: str, data: bytes) -> Framework:
    """Check an uploaded file named ``name`` holding ``data``, by its suffix."""
    file = PurePath(name).name or "upload"
    suffix = PurePath(file).suffix.lower()
    if len(data) > MAX_BYTES:
        raise FrameworkInvalid([Problem(file, 1, "(file)", f"is larger than {MAX_BYTES // 1_000_000} MB")])
    if suffix in (".yaml", ".yml"):
        return _yaml(file, data)
    if suffix == ".xlsx":
        from together.framework.xlsx import read_xlsx

        return read_xlsx(data, file)
    raise FrameworkInvalid(
        [Problem(file, 1, "(file)", "is not a framework file: upload a YAML file (.yaml, .yml) or a workbook (.xlsx)")]
    )


def _yaml(file: str, data: bytes) -> Framework:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FrameworkInvalid(
            [Problem(file, line, "(file)", "is not UTF-8 text: save the file with UTF-8 encoding")]
        ) from None
    return parse_framework(text, file)


@dataclass(frozen=True)
class Found:
    """A problem as the upload page lists it: a YAML line, or a workbook's cell (``Statements!C7``)."""

    file: str
    line: int
    field: str
    message: str
    cell: str = ""


@dataclass(frozen=True)
class Checked:
    """What a bounded check found: the framework, or the problems; and how long it took."""

    framework: Framework | None
    problems: list[Found]
    seconds: float


class CheckFailed(Exception):
    """The checking process ran out of time or memory, or died: the file is refused."""


def check_bounded(name: str, data: bytes) -> Checked:
    """Run :func:`parse_upload` in a child process limited to ``MEMORY_BYTES`` and ``CPU_SECONDS``.

    Raises :class:`CheckFailed` when the child exceeds a bound or fails in any other way.
    """
    started = time.perf_counter()
    with _slots:
        try:
            child = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
                [sys.executable, "-I", "-m", "together.frameworks.sandbox", name],
                input=data,
                capture_output=True,
                timeout=WALL_SECONDS,
                check=False,
                env=_child_env(),
            )
        except subprocess.TimeoutExpired:
            raise CheckFailed(f"checking the file took longer than {WALL_SECONDS} seconds") from None
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise CheckFailed(_reason(child.returncode, child.stderr))
    try:
        answer = json.loads(child.stdout)
    except ValueError:
        raise CheckFailed("the checking process gave no answer") from None
    if answer.get("problems"):
        return Checked(None, [Found(*p) for p in answer["problems"]], seconds)
    return Checked(Framework.model_validate(answer["framework"]), [], seconds)


def _child_env() -> dict[str, str]:
    # No secrets or settings reach the child; ``-I`` has it find the installed package only.
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}


def _reason(returncode: int, stderr: bytes) -> str:
    if returncode < 0:
        return "checking the file used more processor time than allowed"
    if b"MemoryError" in stderr:
        return "checking the file needed more memory than allowed"
    return "the file could not be checked"
