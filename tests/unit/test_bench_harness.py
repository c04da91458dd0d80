"""The benchmarks' shared harness: percentiles, summaries, CPU accounting from /proc, result files."""

import json
import os

import pytest

from bench.harness import cpu, measure, report
from bench.harness.process import REPO


def test_nearest_rank_percentiles():
    values = [float(n) for n in range(1, 101)]  # 1 .. 100
    assert measure.percentile(values, 0.50) == 50.0
    assert measure.percentile(values, 0.99) == 99.0
    assert measure.percentile(values, 1.0) == 100.0
    assert measure.percentile(values, 0.0) == 1.0  # never below the first value
    assert measure.percentile([7.0], 0.99) == 7.0
    assert measure.percentile([1.0, 2.0, 3.0], 0.5) == 2.0  # rank ceil(1.5) = 2
    assert measure.percentile([], 0.5) is None


def test_latency_summary_overall_and_by_label_in_milliseconds():
    overall, pages = measure.latency_summary({"GET a": [0.010, 0.030], "POST b": [0.020], "GET c": []})
    assert overall == {"requests": 3, "p50_ms": 20.0, "p90_ms": 30.0, "p99_ms": 30.0, "max_ms": 30.0}
    assert list(pages) == ["GET a", "GET c", "POST b"]
    assert pages["GET a"] == {"requests": 2, "p50_ms": 10.0, "p99_ms": 30.0, "max_ms": 30.0}
    assert pages["GET c"] == {"requests": 0, "p50_ms": None, "p99_ms": None, "max_ms": None}
    assert measure.latency_summary({}) == (
        {"requests": 0, "p50_ms": None, "p90_ms": None, "p99_ms": None, "max_ms": None},
        {},
    )


def test_summary_of_timed_runs():
    assert measure.summary([0.3, 0.123456, 0.2]) == {
        "runs_s": [0.3, 0.1235, 0.2],
        "min_s": 0.1235,
        "median_s": 0.2,
        "max_s": 0.3,
    }
    with pytest.raises(ValueError):
        measure.summary([])


def test_a_process_stat_line_is_read_past_a_name_with_spaces_and_brackets():
    # pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    line = "4242 (gunicorn: (worker) x) S 4200 4100 4100 0 -1 4194560 900 0 0 0 250 50 0 0 20 0 1 0 77 0 0\n"
    process = cpu.parse_process_stat(line, ticks_per_second=100)
    assert process == cpu.ProcessCPU(pid=4242, name="gunicorn: (worker) x", parent=4200, group=4100, seconds=3.0)


def test_this_process_reads_back_from_proc():
    if not os.path.exists("/proc/self/stat"):
        pytest.skip("no /proc here")
    mine = next(p for p in cpu.processes() if p.pid == os.getpid())
    assert mine.group == os.getpgrp()
    assert mine.parent == os.getppid()
    assert mine.seconds >= 0


def test_server_cpu_counts_a_process_group_and_a_postmaster_with_its_children(monkeypatch):
    table = [
        cpu.ProcessCPU(10, "gunicorn", 1, 10, 1.0),  # the arbiter leads its group
        cpu.ProcessCPU(11, "gunicorn", 10, 10, 2.5),  # a worker
        cpu.ProcessCPU(20, "postgres", 1, 20, 0.5),  # the postmaster
        cpu.ProcessCPU(21, "postgres", 20, 20, 1.5),  # a backend
        cpu.ProcessCPU(30, "postgres", 1, 30, 9.0),  # someone else's PostgreSQL
        cpu.ProcessCPU(40, "python", 1, 40, 7.0),
    ]
    monkeypatch.setattr(cpu, "processes", lambda: table)
    assert cpu.server_cpu_seconds(10, 20) == {"gunicorn": 3.5, "postgres": 2.0}
    assert cpu.server_cpu_seconds(10, None) == {"gunicorn": 3.5, "postgres": 0.0}
    assert cpu.server_cpu_seconds(None, None) == {"gunicorn": 0.0, "postgres": 0.0}


def test_machine_busy_and_total_ticks_from_proc_stat():
    # user nice system idle iowait irq softirq steal guest guest_nice
    text = "cpu  100 5 40 800 30 2 3 10 0 0\ncpu0 50 2 20 400 15 1 1 5 0 0\n"
    busy, total = cpu.parse_machine_stat(text)
    assert busy == 100 + 5 + 40 + 2 + 3 + 10
    assert total == busy + 800 + 30
    assert cpu.parse_machine_stat("cpu  1 2 3 4\n") == (6, 10)  # an old kernel's four columns
    assert cpu.busy_share((160, 1000), (260, 1200)) == 0.5
    assert cpu.busy_share((160, 1000), (160, 1000)) is None
    assert cpu.busy_share(None, (160, 1000)) is None


def test_other_processes_cpu_is_the_machine_less_this_process_and_postgres():
    other = cpu.other_cpu(busy_seconds=10.0, own_seconds=4.0, postgres_seconds=1.0, wall_seconds=5.0)
    assert other["other_processes_cpu_s"] == 5.0
    assert other["other_processes_cpus_busy"] == 1.0
    assert (other["this_process_cpu_s"], other["postgres_server_cpu_s"], other["seconds"]) == (4.0, 1.0, 5.0)
    assert "WARNING" in cpu.contention_note(other)
    quiet = cpu.other_cpu(busy_seconds=4.5, own_seconds=4.0, postgres_seconds=1.0, wall_seconds=5.0)
    assert quiet["other_processes_cpu_s"] == 0.0  # never below nothing
    assert "WARNING" not in cpu.contention_note(quiet)
    assert cpu.contention_note({}) == "other processes' CPU use unknown"


def test_other_cpu_measures_a_block():
    if not os.path.exists("/proc/stat"):
        pytest.skip("no /proc here")
    with cpu.OtherCPU() as other:
        sum(i * i for i in range(200_000))
    assert other.result["this_process_cpu_s"] >= 0
    assert other.result["cpu_count"] == os.cpu_count()


def test_result_file_is_written_whole_with_machine_details(tmp_path):
    output = tmp_path / "deeper" / "result.json"
    machine = report.machine_info(("pytest", "no-such-package-here"), load_average_at_end=1.5)
    for key in ("cpu_count", "memory_gib", "platform", "python", "django", "sqlite_library"):
        assert key in machine
    assert machine["pytest"] == pytest.__version__
    assert machine["no-such-package-here"] is None
    assert machine["load_average_at_end"] == 1.5
    written = {"benchmark": "example", "machine": machine, "place": "Ynys Môn", "results": [{"p99_ms": 12.5}]}
    report.write_json(written, output)
    assert json.loads(output.read_text(encoding="utf-8")) == written
    assert "Ynys Môn" in output.read_text(encoding="utf-8")  # written as it is, not escaped
    assert not output.with_suffix(".tmp").exists()
    report.write_json({"benchmark": "again"}, output)  # replaces the old file
    assert json.loads(output.read_text()) == {"benchmark": "again"}


def test_timestamps_paths_and_marks(tmp_path):
    started = report.now()
    stamps = report.timestamps(started)
    assert stamps["date"] == started.isoformat(timespec="seconds")
    assert stamps["finished"] >= stamps["date"]
    assert report.relative(REPO / "bench" / "results" / "x.json") == "bench/results/x.json"
    assert report.relative(tmp_path / "x.json") == str(tmp_path / "x.json")
    assert (report.mark(True), report.mark(False), report.mark(None)) == ("PASS", "FAIL", "-")


def test_the_shared_options(tmp_path):
    parser = report.argument_parser("python -m bench.example", "An example.", database_default="sqlite")
    report.add_common_arguments(parser, tmp_path / "default.json")
    args = parser.parse_args([])
    assert (args.database, args.seed, args.output, args.inner_json, args.phase) == (
        "sqlite",
        1,
        tmp_path / "default.json",
        None,
        None,
    )
    with pytest.raises(SystemExit):
        parser.parse_args(["--database", "oracle"])


def test_each_database_runs_here_or_under_postgres(monkeypatch, tmp_path):
    parser = report.argument_parser("python -m bench.example", "An example.", database_default="both")
    report.add_common_arguments(parser, tmp_path / "default.json")
    calls = []
    monkeypatch.setattr(report, "run_under_postgres", lambda module, argv, timeout: calls.append(module) or "pg")
    results = report.for_each_database(
        parser.parse_args([]), lambda name: name.upper(), module="bench.example", argv=[], timeout=1
    )
    assert (results, calls) == (["SQLITE", "pg"], ["bench.example"])

    def no_cluster(module, argv, timeout):
        raise RuntimeError("scripts/with-postgres.sh exited with 1 and no results")

    monkeypatch.setattr(report, "run_under_postgres", no_cluster)
    results = report.for_each_database(
        parser.parse_args(["--database", "postgres"]), str, module="bench.example", argv=[], timeout=1
    )
    assert results == [{"database": "postgres", "failed": "scripts/with-postgres.sh exited with 1 and no results"}]

    inner = tmp_path / "inner.json"  # the run inside scripts/with-postgres.sh hands its value back
    args = parser.parse_args(["--database", "postgres", "--inner-json", str(inner)])
    assert report.for_each_database(args, lambda name: {"database": name}, module="m", argv=[], timeout=1) is None
    assert json.loads(inner.read_text()) == {"database": "postgres"}
