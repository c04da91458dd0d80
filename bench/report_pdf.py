"""PDF report benchmark: ``together.reports.build.pdf(round)`` for a large partnership's closed round.

For each database (SQLite by default, PostgreSQL with ``--database postgres``) this builds a fresh
database with ``together migrate`` and ``together framework load``, then, in a fresh Python process:

- creates a partnership with 100 partner organisations across every sector, the default respondent
  groups, a dozen actions, and a round that is opened, given ``--respondents`` synthetic submitted
  responses (every statement answered or "don't know", up to three priorities, about a fifth
  leaving a comment) with bulk inserts, and closed;
- builds the PDF once as a warm-up, then times ``build.pdf`` end to end (results, context, HTML,
  WeasyPrint) ``--repeats`` times, interleaved with its parts: ``round_results``, ``build.context``,
  the template alone, ``build.html``, and WeasyPrint alone on the finished HTML (layout, then
  ``write_pdf`` tagged as ``build.pdf`` writes it);
- counts the PDF's pages and bytes with pypdf, and keeps a cProfile of one more ``build.pdf``;
- records the CPU used by other processes during the timed runs and a fixed pure-Python reference
  loop before and after them, as this shared machine's speed varies from one run to the next.

It prints PASS/FAIL against the target (median under 3 s) and exits 0 either way; the figures go to
``bench/results/report_pdf.json``. ``python -m bench.report_pdf --help`` lists the options.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.harness.cpu import OtherCPU, contention_note, cpu_reference_ms, reference_note
from bench.harness.database import database_url, database_version, durability, prepare_database
from bench.harness.measure import peak_rss_mb, profile, summary, timed
from bench.harness.process import RESULTS, install_sigterm, progress, run_worker
from bench.harness.report import (
    add_common_arguments,
    argument_parser,
    for_each_database,
    machine_info,
    mark,
    now,
    relative,
    source_fingerprint,
    timestamps,
    write_json,
)
from bench.harness.server import service_env
from bench.harness.synthetic import (
    DAYS_OPEN,
    FIRST_DAY,
    add_actions,
    create_partnership_with_organisations,
    new_round,
    synthetic_answers,
)

DEFAULT_OUTPUT = RESULTS / "report_pdf.json"
TARGET = {"pdf_median_seconds": 3.0}
SOURCES = (
    "src/together/reports/build.py",
    "src/together/templates/reports/report.html",
    "src/together/results/queries.py",
    "src/together/results/charts.py",
    "src/together/analysis/results.py",
    "src/together/reviews/models.py",
    "src/together/web/demo.py",
)
TIMEOUTS = {"setup": 300, "run": 1500}  # seconds each step may take before it is stopped


# --------------------------------------------------------------------------------------------
# Inside the worker process: Django is set up against the benchmark database
# --------------------------------------------------------------------------------------------


def phase_run(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.template.loader import render_to_string

    from together.releases import services as releases
    from together.reports import build
    from together.reviews import lifecycle, reseal
    from together.reviews.models import Answer, Comment, Priority, Response, Round
    from together.web.demo import SyntheticResponse, store_responses

    vendor = connection.vendor
    progress(f"{vendor}: creating {args.organisations} organisations and {args.respondents:,} responses")
    started = time.perf_counter()
    with transaction.atomic():
        user, partnership, organisations, groups = create_partnership_with_organisations(args.organisations, args.seed)
        round_ = new_round(partnership, user, "Spring 2026 review")
        framework = round_.framework
        generated = synthetic_answers(
            [(t.id, [s.id for s in t.statements]) for t in framework.themes],
            organisations,
            groups,
            count=args.respondents,
            seed=args.seed,
            points=len(framework.scale.levels),
            theme_titles={t.id: t.title.en for t in framework.themes},
        )
        generate_seconds = time.perf_counter() - started
        synthetic = [
            SyntheticResponse(
                organisation=organisation,
                group=group,
                day=day,
                answers=answers,
                priorities=priorities,
                comments=comments,
            )
            for organisation, group, day, answers, priorities, comments in generated
        ]
        store_responses(round_, synthetic, FIRST_DAY + datetime.timedelta(days=DAYS_OPEN))
        actions = add_actions(partnership, round_, user, organisations)
    closing = time.perf_counter()
    # Closing seals for a while once committed; the rest is sealed here, as the command line would.
    lifecycle.apply(round_, "close", user)
    reseal.seal(round_)
    seal_seconds = time.perf_counter() - closing
    progress(f"{vendor}: closed and sealed in {seal_seconds:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    load_seconds = time.perf_counter() - started
    progress(f"{vendor}: loaded in {load_seconds:.1f} s")

    def fresh_round():
        """As a request would get it: the round read from the database and its release's results
        computed afresh (not from this process's cache of them)."""
        releases._computed.clear()
        return releases.obtain(Round.objects.get(pk=round_.pk), releases.OPERATOR)

    rows = {
        "organisations": partnership.organisations.count(),
        "sectors": partnership.organisations.values("sector").distinct().count(),
        "respondent_groups": len(groups),
        "responses_submitted": Response.objects.filter(round=round_, state="submitted").count(),
        "answers": Answer.objects.filter(response__round=round_).count(),
        "answers_dont_know": Answer.objects.filter(response__round=round_, value__isnull=True).count(),
        "statements": len(framework.statements),
        "themes": len(framework.themes),
        "priorities": Priority.objects.filter(response__round=round_).count(),
        "comments": Comment.objects.filter(response__round=round_).count(),
        "respondents_with_comments": Response.objects.filter(round=round_, comments__isnull=False).distinct().count(),
        "actions": actions,
    }
    results = fresh_round().results
    sanity = {
        "round_state": fresh_round().round.state,
        "results_visible": results.visible,
        "respondents_in_results": results.respondents,
        "min_group_size": results.threshold,
        "statements_with_results": sum(1 for s in results.statements.values() if s.mean is not None),
        "gaps_flagged": sum(1 for g in results.gaps if g.flagged),
    }
    del results

    from weasyprint import HTML

    def weasyprint_layout(html: str):  # parse the HTML and CSS and lay out the pages
        return HTML(string=html, base_url=None, url_fetcher=build._no_fetch).render()

    progress(f"{vendor}: warm-up build.pdf")
    warmup_seconds, _cpu, pdf = timed(lambda: build.pdf(fresh_round()))
    reference_before = cpu_reference_ms()
    load_before = round(os.getloadavg()[0], 2)
    progress(f"{vendor}: warm-up {warmup_seconds:.2f} s; then {args.repeats} timed runs")
    names = ("pdf", "html", "round_results", "context", "template", "weasyprint_layout", "weasyprint_write_pdf")
    times: dict[str, list[float]] = {name: [] for name in names}
    cpu_times: dict[str, list[float]] = {name: [] for name in names}

    def record(name: str, call: Callable[[], object]) -> object:
        seconds, cpu, value = timed(call)
        times[name].append(seconds)
        cpu_times[name].append(cpu)
        return value

    with OtherCPU() as other:
        for run in range(1, args.repeats + 1):
            pdf = record("pdf", lambda: build.pdf(fresh_round()))
            # The PDF's own HTML: it prints at most build.PDF_COMMENTS_PER_THEME comments a theme.
            html = record("html", lambda: build.html(fresh_round(), build.PDF_COMMENTS_PER_THEME, for_pdf=True))
            record("round_results", lambda: fresh_round().results)
            data = record("context", lambda: build.context(fresh_round(), build.PDF_COMMENTS_PER_THEME, for_pdf=True))
            record("template", lambda data=data: render_to_string("reports/report.html", data))
            document = record("weasyprint_layout", lambda html=html: weasyprint_layout(html))
            # Tagged as build.pdf writes it (build.PDF_VARIANT).
            record("weasyprint_write_pdf", lambda document=document: document.write_pdf(pdf_variant=build.PDF_VARIANT))
            del data, document
            progress(
                f"{vendor}: run {run}/{args.repeats}: pdf {times['pdf'][-1]:.2f} s (CPU {cpu_times['pdf'][-1]:.2f}), "
                f"html {times['html'][-1]:.2f} s (results {times['round_results'][-1]:.2f}, context "
                f"{times['context'][-1]:.2f}, template {times['template'][-1]:.2f}), WeasyPrint alone: layout "
                f"{times['weasyprint_layout'][-1]:.2f} s + write_pdf {times['weasyprint_write_pdf'][-1]:.2f} s"
            )
    load_after = round(os.getloadavg()[0], 2)
    reference_after = cpu_reference_ms()
    times["weasyprint"] = [
        a + b for a, b in zip(times["weasyprint_layout"], times["weasyprint_write_pdf"], strict=True)
    ]

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    document = {
        "pages": len(reader.pages),
        "bytes": len(pdf),
        "html_bytes": len(html.encode()),
        "svg_charts": html.count("<svg"),
        "pdf_variant": build.PDF_VARIANT,
        "tagged": "/StructTreeRoot" in reader.trailer["/Root"],
        "comment_blocks": html.count('class="comment"'),
        "comments_per_theme_limit": build.PDF_COMMENTS_PER_THEME,
    }
    if args.save_pdf:
        args.save_pdf.write_bytes(pdf)
    if args.save_html:
        args.save_html.write_text(html, encoding="utf-8")
    progress(f"{vendor}: {document['pages']} pages, {document['bytes']:,} bytes; profiling one more build.pdf")
    profiled = profile(lambda: build.pdf(fresh_round()))
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {
        "database": "postgres" if vendor == "postgresql" else vendor,
        "database_version": database_version(connection),
        "durability": durability(connection),
        "rows": rows,
        "load": {
            "generate_seconds": round(generate_seconds, 2),
            "close_and_seal_seconds": round(seal_seconds, 2),
            "load_seconds": round(load_seconds, 2),
        },
        "sanity": sanity,
        "document": document,
        "timings": {
            "warmup_runs": 1,
            "timed_runs": args.repeats,
            "warmup_pdf_s": round(warmup_seconds, 3),
            **{name: summary(values) for name, values in times.items()},
            "cpu_seconds_of_this_process": {name: summary(values) for name, values in cpu_times.items()},
            "load_average_1_min": {"before_timed_runs": load_before, "after_timed_runs": load_after},
            "other_processes_during_timed_runs": other.result,
            "cpu_reference_ms": {"before_timed_runs": reference_before, "after_timed_runs": reference_after},
        },
        "where_the_time_goes_median_s": {
            "round_results": round(medians["round_results"], 4),
            "rest_of_context": round(medians["context"] - medians["round_results"], 4),
            "template_render": round(medians["template"], 4),
            "weasyprint_html_to_pdf": round(medians["weasyprint"], 4),
            "weasyprint_layout": round(medians["weasyprint_layout"], 4),
            "weasyprint_write_pdf": round(medians["weasyprint_write_pdf"], 4),
            "pdf_minus_html": round(medians["pdf"] - medians["html"], 4),
        },
        "peak_rss_mb": peak_rss_mb(),
        "source": source_fingerprint(SOURCES),
        "profile": profiled,
    }


# --------------------------------------------------------------------------------------------
# The orchestration and the report
# --------------------------------------------------------------------------------------------


def worker_argv(args: argparse.Namespace) -> list[str]:
    argv = ["--respondents", str(args.respondents), "--organisations", str(args.organisations)]
    argv += ["--repeats", str(args.repeats), "--seed", str(args.seed)]
    if args.save_pdf:
        argv += ["--save-pdf", str(args.save_pdf.resolve())]
    if args.save_html:
        argv += ["--save-html", str(args.save_html.resolve())]
    return argv


def run_database(database: str, args: argparse.Namespace) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"together-report-bench-{database}-"))
    try:
        env = service_env(database_url(database, work))
        progress(f"{database}: migrate and framework load into a fresh database")
        setup_seconds = prepare_database(env, TIMEOUTS["setup"])
        result = run_worker("bench.report_pdf", worker_argv(args), env, work, TIMEOUTS["run"])
        result["load"]["migrate_and_framework_seconds"] = setup_seconds
        result["target_verdict"] = verdict(result)
        return result
    except (RuntimeError, OSError, ValueError, KeyError, subprocess.SubprocessError) as problem:
        progress(f"{database}: FAILED: {problem}")
        return {"database": database, "failed": str(problem)}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def verdict(result: dict) -> dict:
    median = result["timings"]["pdf"]["median_s"]
    checks = {"pdf_median_under_3_s": median < TARGET["pdf_median_seconds"]}
    return {"pass": all(checks.values()), "checks": checks}


def format_report(report: dict) -> str:
    results = report["results"]
    lines = ["", "PDF report benchmark", "=" * 20]
    first = next((r for r in results if "failed" not in r), None)
    if first:
        rows, document = first["rows"], first["document"]
        lines.append(
            f"Round (closed): {rows['responses_submitted']:,} respondents from {rows['organisations']} organisations "
            f"in {rows['sectors']} sectors and {rows['respondent_groups']} groups; {rows['statements']} statements, "
            f"{rows['answers']:,} answers ({rows['answers_dont_know'] / rows['answers']:.1%} don't know), "
            f"{rows['priorities']:,} priorities, {rows['comments']:,} comments from "
            f"{rows['respondents_with_comments']:,} respondents "
            f"({rows['respondents_with_comments'] / rows['responses_submitted']:.0%}), {rows['actions']} actions"
        )
        lines.append(
            f"Report: {document['pages']} pages, {document['bytes'] / 1e6:.2f} MB PDF, "
            f"{document['html_bytes'] / 1e6:.2f} MB HTML, {document['svg_charts']} SVG charts, "
            f"{document['comment_blocks']} comments printed (at most {document['comments_per_theme_limit']} a theme)"
        )
    machine = report["machine"]
    lines.append(
        f"Machine: {machine['cpu_count']} CPUs, Python {machine['python']}, Django {machine['django']}, "
        f"WeasyPrint {machine['weasyprint']}; 1 warm-up + {report['repeats']} timed runs, interleaved"
    )
    lines.append("")
    header = (
        f"{'database':<16} {'build.pdf s':>15} {'build.html s':>15} {'round_results':>15} "
        f"{'WeasyPrint':>15} {'pages':>6} {'PDF':>8}"
    )
    lines += [header, f"{'':<16} {'min / median':>15} {'min / median':>15} {'min / median':>15} {'alone':>15}"]
    lines.append("-" * len(header))
    for result in results:
        name = f"{result['database']} {result.get('database_version') or ''}".strip()[:16]
        if "failed" in result:
            lines.append(f"{name:<16} FAILED: {result['failed'][:100]}")
            continue
        t, document = result["timings"], result["document"]
        cells = [f"{t[k]['min_s']:>6.3f} / {t[k]['median_s']:<6.3f}" for k in ("pdf", "html", "round_results")]
        cells.append(f"{t['weasyprint']['min_s']:>6.3f} / {t['weasyprint']['median_s']:<6.3f}")
        lines.append(
            f"{name:<16} {' '.join(f'{c:>15}' for c in cells)} {document['pages']:>6} "
            f"{document['bytes'] / 1024:>5.0f} KB"
        )
    lines.append("-" * len(header))
    lines.append(
        "build.pdf: results, context, template and WeasyPrint, end to end; build.html: all but WeasyPrint; "
        "WeasyPrint alone: HTML(string=...).render() then .write_pdf() tagged as build.pdf writes it, on the finished "
        "HTML."
    )
    lines.append("")
    lines.append(f"Target: build.pdf under {TARGET['pdf_median_seconds']:g} s (median)")
    for result in results:
        judged = result.get("target_verdict")
        if judged:
            lines.append(
                f"  {result['database']}: {mark(judged['pass'])} (median {result['timings']['pdf']['median_s']:.3f} s, "
                f"min {result['timings']['pdf']['min_s']:.3f} s; warm-up {result['timings']['warmup_pdf_s']:.2f} s)"
            )
    lines.append("")
    lines.append(
        "Where the time goes (medians, s): round_results | rest of context | template | "
        "WeasyPrint layout (parse + render) | WeasyPrint write_pdf"
    )
    for result in results:
        if "failed" in result:
            continue
        p, t = result["where_the_time_goes_median_s"], result["timings"]
        lines.append(
            f"  {result['database']}: {p['round_results']:.3f} | {p['rest_of_context']:.3f} | "
            f"{p['template_render']:.3f} | {p['weasyprint_layout']:.3f} | {p['weasyprint_write_pdf']:.3f}   "
            f"(build.pdf - build.html = {p['pdf_minus_html']:.3f}; peak RSS {result['peak_rss_mb']:.0f} MB)"
        )
        cpu = t["cpu_seconds_of_this_process"]["pdf"]["median_s"]
        lines.append(
            f"    CPU of this process in build.pdf: median {cpu:.3f} s; "
            + contention_note(t["other_processes_during_timed_runs"])
        )
        reference = t["cpu_reference_ms"]
        lines.append(f"    {reference_note(reference['before_timed_runs'], reference['after_timed_runs'])}")
        prof = result["profile"]
        lines.append(f"    cProfile of one build.pdf ({prof['seconds_under_profiler']:.2f} s under the profiler):")
        lines.append(
            "      most own time: " + ", ".join(f"{r['function']} {r['own_s']:.2f}" for r in prof["by_own_time"][:6])
        )
        weasy = [r for r in prof["by_cumulative_time"] if r["function"].startswith("weasyprint/")][:6]
        lines.append("      WeasyPrint, cumulative: " + ", ".join(f"{_bare(r)} {r['cumulative_s']:.2f}" for r in weasy))
        ours = [r for r in prof["focus_by_cumulative_time"] if "build.py" not in r["function"]][:6]
        lines.append("      together, cumulative: " + ", ".join(f"{_bare(r)} {r['cumulative_s']:.2f}" for r in ours))
        setup = result["load"]
        lines.append(
            f"    setup: migrate + framework {setup['migrate_and_framework_seconds']:.1f} s, "
            f"responses generated and stored {setup['load_seconds']:.1f} s"
        )
    lines.append("")
    lines.append(f"Results written to {report['output']}")
    return "\n".join(lines)


def _bare(row: dict) -> str:
    """A profile row's function as file:function, without the line number."""
    return re.sub(r":\d+\(", ":", row["function"]).rstrip(")")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argument_parser(
        "python -m bench.report_pdf",
        "PDF report benchmark: together.reports.build.pdf for a closed round of a partnership "
        "with 100 organisations and 3,000 respondents.",
        database_default="sqlite",
    )
    parser.add_argument("--respondents", type=int, default=3000, help="submitted responses (default 3000)")
    parser.add_argument("--organisations", type=int, default=100, help="partner organisations (default 100)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs after one warm-up (default 5)")
    add_common_arguments(parser, DEFAULT_OUTPUT)
    parser.add_argument("--save-pdf", type=Path, help="also keep the last PDF built here")
    parser.add_argument("--save-html", type=Path, help="and the report's HTML here")
    args = parser.parse_args(argv)
    if args.respondents < 1 or args.repeats < 1 or not 1 <= args.organisations <= 400:
        parser.error("--respondents and --repeats must be positive, --organisations 1 to 400")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    install_sigterm()
    if args.phase:  # the worker: Django against the benchmark database, set up by the environment
        args.json_out.write_text(json.dumps(phase_run(args)))
        return 0
    started = now()
    results = for_each_database(
        args,
        lambda database: run_database(database, args),
        module="bench.report_pdf",
        argv=worker_argv(args),
        timeout=120 + TIMEOUTS["setup"] + TIMEOUTS["run"],
    )
    if results is None:  # the run inside scripts/with-postgres.sh, which has handed its result back
        return 0
    output = args.output.resolve()
    report = {
        "benchmark": "report_pdf",
        **timestamps(started),
        "machine": machine_info(("weasyprint", "pypdf", "psycopg"), load_average_at_end=round(os.getloadavg()[0], 2)),
        "respondents": args.respondents,
        "organisations": args.organisations,
        "warmup": 1,
        "repeats": args.repeats,
        "seed": args.seed,
        "settings": {"DEBUG": "false", "MIN_GROUP_SIZE": "5 (default)"},
        "target": TARGET,
        "results": results,
        "output": relative(output),
    }
    write_json(report, output)
    print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
