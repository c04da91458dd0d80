"""In-process timing of each questionnaire page (Django's test client, no HTTP): where server time goes.

It answers the demo's open round again and again through the open link, as the load benchmark
does, and prints the median time and the number of SQL queries of each kind of request, and the
server time of one whole questionnaire. Run it against a database that holds the demo
partnership (``make demo`` once, or ``together demo`` on any database), for example::

    .venv/bin/python -m bench.profile_questionnaire
    DATABASE_URL=sqlite:////tmp/perf.sqlite3 .venv/bin/python -m bench.profile_questionnaire --rounds 50
    .venv/bin/python -m bench.profile_questionnaire --cprofile 30   # also the 30 costliest functions

Each run adds its (synthetic) submitted responses to the demo's open round.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import os
import pstats
import statistics
import time

ROUND_NAME = "Autumn 2026 review"


def _configure() -> None:
    os.environ.setdefault("DATABASE_URL", "sqlite:///var/demo.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "together.settings")
    os.environ.setdefault("SECRET_KEY", "profile-" + "x" * 50)
    os.environ.update(ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="false", RESPONSE_RATE_LIMIT="1000000/hour")

    import django

    django.setup()

    from django.conf import settings

    # The test client speaks plain HTTP, so cookies must not be Secure-only.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


class Recorder:
    """Times each request and counts its SQL queries, by the name of the page."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = collections.defaultdict(list)
        self.cpu: dict[str, list[float]] = collections.defaultdict(list)
        self.queries: dict[str, list[int]] = collections.defaultdict(list)

    def __call__(self, name: str, method, path: str, *args, expect: int | None = None, **kwargs):
        from django.db import connection

        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = method(path, *args, **kwargs)
            elapsed = (time.perf_counter() - started) * 1000
            elapsed_cpu = (time.process_time() - started_cpu) * 1000
        if expect is not None and response.status_code != expect:
            raise SystemExit(f"{name} {path}: expected {expect}, got {response.status_code}")
        self.times[name].append(elapsed)
        self.cpu[name].append(elapsed_cpu)
        self.queries[name].append(count)
        return response


def answer_once(client, record: Recorder, round_, framework) -> None:
    """One complete questionnaire through the open link, every page read and sent."""
    record("GET start", client.get, f"/r/{round_.open_link_code}/", expect=200)
    record("POST start", client.post, f"/r/{round_.open_link_code}/", expect=302)
    base = f"/respond/{round_.public_id}"
    record("GET about", client.get, f"{base}/about/", expect=200)
    record("POST about", client.post, f"{base}/about/", {}, expect=302)
    for theme in framework.themes:
        record("GET theme", client.get, f"{base}/theme/{theme.id}/", expect=200)
        ratings = {f"rating-{statement.id}": "3" for statement in theme.statements}
        record("POST theme", client.post, f"{base}/theme/{theme.id}/", ratings, expect=302)
    record("GET priorities", client.get, f"{base}/priorities/", expect=200)
    record("POST priorities", client.post, f"{base}/priorities/", {"themes": [framework.themes[0].id]}, expect=302)
    record("GET check", client.get, f"{base}/check/", expect=200)
    record("POST check", client.post, f"{base}/check/", expect=302)
    record("GET done", client.get, f"{base}/done/", expect=200)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30, help="questionnaires to answer (default 30)")
    parser.add_argument("--warm-up", type=int, default=2, help="questionnaires answered first, not counted")
    parser.add_argument(
        "--cprofile", type=int, default=0, metavar="N", help="also profile the run and print the N costliest functions"
    )
    options = parser.parse_args(argv)

    _configure()
    from django.test import Client

    from together.reviews.models import Round

    round_ = Round.objects.select_related("framework_version").get(name=ROUND_NAME)
    framework = round_.framework

    for _ in range(options.warm_up):
        answer_once(Client(), Recorder(), round_, framework)

    record = Recorder()
    profiler = cProfile.Profile() if options.cprofile else None
    if profiler:
        profiler.enable()
    for _ in range(options.rounds):
        answer_once(Client(), record, round_, framework)
    if profiler:
        profiler.disable()

    # CPU time is what this process spent (SQLite runs in it too); wall time also counts waiting
    # for the machine. On a busy machine both grow: the fastest tenth ("p10") is the steadier guide.
    total = total_cpu = total_p10 = 0.0
    print(f"{'request':16} {'wall':>9} {'cpu':>9} {'cpu p10':>9} {'queries':>8} {'per questionnaire':>18}")
    for name, values in record.times.items():
        per_questionnaire = len(values) // options.rounds
        median = statistics.median(values)
        median_cpu = statistics.median(record.cpu[name])
        p10 = statistics.quantiles(record.cpu[name], n=10)[0]
        queries = statistics.median(record.queries[name])
        total += median * per_questionnaire
        total_cpu += median_cpu * per_questionnaire
        total_p10 += p10 * per_questionnaire
        print(
            f"{name:16} {median:6.2f} ms {median_cpu:6.2f} ms {p10:6.2f} ms {queries:8g} "
            f"{'x' + str(per_questionnaire):>18}"
        )
    print(f"per questionnaire: {total:.1f} ms wall, {total_cpu:.1f} ms cpu, {total_p10:.1f} ms cpu p10 (sums)")

    if profiler:
        pstats.Stats(profiler).strip_dirs().sort_stats("cumulative").print_stats(options.cprofile)
        pstats.Stats(profiler).strip_dirs().sort_stats("tottime").print_stats(options.cprofile)


if __name__ == "__main__":
    main()
