"""CPU accounting from /proc (Linux): the server's processes, PostgreSQL, and everything else.

A shared 2-core machine gives a benchmark's processes whatever the rest leaves, so each benchmark
records what it, its server and the other processes used, and how fast a fixed loop ran.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcessCPU:
    pid: int
    name: str
    parent: int
    group: int
    seconds: float  # user + system CPU so far


def parse_process_stat(text: str, ticks_per_second: float) -> ProcessCPU:
    """One ``/proc/PID/stat`` line. The name is in brackets and may hold spaces and brackets itself,
    so the fields are counted from the last closing bracket."""
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 1 :].split()  # state, ppid, pgrp, ... utime (12th), stime (13th)
    return ProcessCPU(
        pid=int(text.split(" ", 1)[0]),
        name=name,
        parent=int(fields[1]),
        group=int(fields[2]),
        seconds=(int(fields[11]) + int(fields[12])) / ticks_per_second,
    )


def processes() -> list[ProcessCPU]:
    """Every process still there to be read."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            found.append(parse_process_stat(stat.read_text(), ticks))
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return found


def server_cpu_seconds(group: int | None, postmaster: int | None) -> dict[str, float]:
    """CPU seconds so far of a process group (gunicorn and its workers) and of a PostgreSQL server
    (the postmaster and its children)."""
    totals = {"gunicorn": 0.0, "postgres": 0.0}
    for process in processes():
        if group is not None and process.group == group:
            totals["gunicorn"] += process.seconds
        elif postmaster is not None and postmaster in (process.pid, process.parent):
            totals["postgres"] += process.seconds
    return totals


def parse_machine_stat(text: str) -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine from ``/proc/stat``'s first line: busy is user,
    nice, system, irq, softirq and steal; the total adds idle and iowait."""
    values = [int(v) for v in text.split("\n", 1)[0].split()[1:]]
    busy = sum(values[i] for i in (0, 1, 2, 5, 6, 7) if i < len(values))
    return busy, busy + values[3] + (values[4] if len(values) > 4 else 0)


def machine_ticks() -> tuple[int, int] | None:
    try:
        return parse_machine_stat(Path("/proc/stat").read_text())
    except (OSError, ValueError, IndexError):
        return None


def busy_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """The machine's busy share (0 to 1) between two ``machine_ticks()``."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


class OtherCPU:
    """CPU time used by every other process on the machine while a block runs.

    The benchmark runs in one process; whatever else the machine does competes with it for CPUs.
    PostgreSQL's server processes (named "postgres") are counted apart: on PostgreSQL they do the
    benchmark's own database work. ``result`` is empty if /proc could not be read.
    """

    @staticmethod
    def _postgres() -> dict[int, float]:
        return {p.pid: p.seconds for p in processes() if p.name == "postgres"}

    def __enter__(self) -> OtherCPU:
        self.postgres = self._postgres()
        self.busy, self.own, self.wall = machine_ticks(), time.process_time(), time.perf_counter()
        self.result: dict = {}
        return self

    def __exit__(self, *exc) -> None:
        busy, own, wall = machine_ticks(), time.process_time(), time.perf_counter()
        postgres_now = self._postgres()
        if busy is None or self.busy is None:
            return
        self.result = other_cpu(
            busy_seconds=(busy[0] - self.busy[0]) / os.sysconf("SC_CLK_TCK"),
            own_seconds=own - self.own,
            postgres_seconds=sum(cpu - self.postgres.get(pid, 0.0) for pid, cpu in postgres_now.items()),
            wall_seconds=wall - self.wall,
        )


def other_cpu(busy_seconds: float, own_seconds: float, postgres_seconds: float, wall_seconds: float) -> dict:
    """What the rest of the machine used: its busy CPU time less this process's and PostgreSQL's."""
    others = max(0.0, busy_seconds - own_seconds - postgres_seconds)
    return {
        "seconds": round(wall_seconds, 2),
        "this_process_cpu_s": round(own_seconds, 2),
        "postgres_server_cpu_s": round(postgres_seconds, 2),
        "other_processes_cpu_s": round(others, 2),
        "other_processes_cpus_busy": round(others / wall_seconds, 2),
        "cpu_count": os.cpu_count(),
    }


def contention_note(other: dict) -> str:
    """A line on what else used the machine during the timed runs, with a warning if it was much."""
    if not other:
        return "other processes' CPU use unknown"
    note = (
        f"other processes used {other['other_processes_cpus_busy']:.2f} CPUs on average during the timed runs "
        f"(of {other['cpu_count']})"
    )
    if other.get("postgres_server_cpu_s"):
        note += f", besides the PostgreSQL server's {other['postgres_server_cpu_s'] / other['seconds']:.2f}"
    if other["other_processes_cpus_busy"] > 0.25:
        note += " - WARNING: the machine was not quiet; these timings may be pessimistic"
    return note


def cpu_reference_ms() -> float:
    """A fixed pure-Python workload (best of 3), to compare the machine's speed between runs.

    On a shared virtual machine the CPU can be much slower at one time than another without
    anything showing in /proc; this figure makes that visible.
    """
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        sum(i * i for i in range(2_000_000))
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def reference_note(before: float, after: float) -> str:
    return (
        f"CPU reference (a fixed pure-Python loop, best of 3): {before:.0f} ms before and {after:.0f} ms after "
        "the timed runs; compare it between runs, as this machine's speed varies"
    )
