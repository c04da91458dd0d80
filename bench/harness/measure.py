"""Percentiles, timing summaries, and timers for calls, SQL and profiles."""

from __future__ import annotations

import cProfile
import gc
import math
import pstats
import re
import resource
import statistics
import time
from collections.abc import Callable, Iterable, Mapping, Sequence


def percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile of an already sorted list (None for an empty one)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def ms(seconds: float | None) -> float | None:
    """Seconds as milliseconds to one decimal place."""
    return None if seconds is None else round(seconds * 1000, 1)


def latency_summary(latencies: Mapping[str, Iterable[float]]) -> tuple[dict, dict]:
    """Request latencies in seconds, by label: (all requests' count, p50, p90, p99 and max in ms;
    the same by label, without p90)."""
    everything = sorted(v for values in latencies.values() for v in values)
    overall = {
        "requests": len(everything),
        "p50_ms": ms(percentile(everything, 0.50)),
        "p90_ms": ms(percentile(everything, 0.90)),
        "p99_ms": ms(percentile(everything, 0.99)),
        "max_ms": ms(everything[-1] if everything else None),
    }
    pages = {}
    for label, values in sorted(latencies.items()):
        values = sorted(values)
        pages[label] = {
            "requests": len(values),
            "p50_ms": ms(percentile(values, 0.50)),
            "p99_ms": ms(percentile(values, 0.99)),
            "max_ms": ms(values[-1] if values else None),
        }
    return overall, pages


def summary(values: Sequence[float]) -> dict:
    """Timed runs in seconds: each, the least, the median and the most."""
    return {
        "runs_s": [round(v, 4) for v in values],
        "min_s": round(min(values), 4),
        "median_s": round(statistics.median(values), 4),
        "max_s": round(max(values), 4),
    }


def timed(call: Callable[[], object]) -> tuple[float, float, object]:
    """Wall-clock and CPU seconds of this process for one call, after a garbage collection; and its value."""
    gc.collect()
    cpu = time.process_time()
    started = time.perf_counter()
    value = call()
    return time.perf_counter() - started, time.process_time() - cpu, value


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class SQLTimer:
    """Seconds and statements spent executing SQL, as a Django execute wrapper.

    Fetching rows is not included, so this suits writes (INSERT) better than reads.
    """

    def __init__(self):
        self.seconds = 0.0
        self.statements = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.statements += 1


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/src/", "/lib/python"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def profile(call: Callable[[], object], top: int = 15, focus: Sequence[str] = ("together/",)) -> dict:
    """One call under cProfile: the functions with the most own and cumulative time, overall and in ``focus``."""
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    call()
    profiler.disable()
    elapsed = time.perf_counter() - started
    rows = [
        {
            "function": f"{_short(filename)}:{line}({name})" if line else re.sub(r" at 0x[0-9a-f]+", "", name),
            "calls": calls,
            "own_s": round(own, 4),
            "cumulative_s": round(cumulative, 4),
        }
        for (filename, line, name), (_, calls, own, cumulative, _) in pstats.Stats(profiler).stats.items()
    ]
    by_cumulative = sorted(rows, key=lambda r: -r["cumulative_s"])
    return {
        "seconds_under_profiler": round(elapsed, 3),
        "by_own_time": sorted(rows, key=lambda r: -r["own_s"])[:top],
        "by_cumulative_time": by_cumulative[: top * 2],
        "focus": list(focus),
        "focus_by_cumulative_time": [r for r in by_cumulative if r["function"].startswith(tuple(focus))][:top],
    }
