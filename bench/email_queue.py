"""Email queue benchmark: 10,000 invitations queued in one request, then sent by the worker.

On a fresh SQLite database (``together migrate`` and ``together framework load``), in this
process:

- creates a partnership and an open round with ``--invitations`` invitations (10,000 by
  default, written in bulk: making them is not what is measured);
- opens the round page once (as the facilitator would before pressing the button), then
  posts "Email 10000 invitations" once through Django's test client, as a signed-in
  facilitator, and times the request (target: under 2 s). It queues one row per message and
  one task per 50 and returns without touching the network;
- starts a local SMTP sink (aiosmtpd) and ``together worker`` in its own process, pointed at
  the sink, and times from the worker's start until every message is marked sent, checking
  the sink received each one once (target: at least 50 messages a second);
- stops the worker with SIGTERM and checks it exits cleanly (status 0).

It prints the figures and PASS or FAIL for each target, exits 0 either way, and writes
``bench/results/email_queue.json``. ``--help`` lists the options.
"""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

from bench.harness.database import durability, prepare_database, sqlite_url
from bench.harness.process import BIN, REPO, RESULTS, free_port
from bench.harness.report import machine_info, mark, relative, write_json
from bench.harness.server import service_env

DEFAULT_OUTPUT = RESULTS / "email_queue.json"
TARGET = {"queue_request_seconds": 2.0, "delivered_per_second": 50.0}
SITE = "https://review.example"


class Sink:
    """Counts what an SMTP server is given, by recipient."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received: dict[str, int] = {}

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.received[recipient] = self.received.get(recipient, 0) + 1
        return "250 Message accepted for delivery"


def make_round(count: int):
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from together.frameworks import services as frameworks
    from together.partnerships import services as partnerships
    from together.partnerships.models import Organisation, Sector
    from together.reviews import keys, lifecycle
    from together.reviews.models import Invitation, Round
    from together.signin import mfa

    user = get_user_model().objects.create_user("bench@example.org", secrets.token_urlsafe(16), name="Bench")
    # A facilitator has an authenticator app set up (MFA_REQUIRED, on by default, sends anyone
    # without one to set it up first).
    TOTPDevice.objects.create(user=user, name="Authenticator app", key=mfa.new_secret(), confirmed=True)
    partnership = partnerships.create_partnership(user, name="Benchmark Partnership", place="Northbridge")
    Organisation.objects.create(partnership=partnership, name="Northbridge Council", sector=Sector.LOCAL_AUTHORITY)
    round_ = Round.objects.create(
        partnership=partnership, name="Benchmark", framework_version=frameworks.current(), open_link_code=keys.new_key()
    )
    lifecycle.apply(round_, "open", user)
    seeds = [keys.new_invitation_seed() for _ in range(count)]
    Invitation.objects.bulk_create(
        [
            Invitation(
                round=round_,
                email=f"person{n}@example.org",
                name=f"Person {n}",
                seed=seed,
                token_digest=keys.token_digest(keys.invitation_token(seed)),
            )
            for n, seed in enumerate(seeds)
        ],
        batch_size=1000,
    )
    return user, round_


def status_counts(round_) -> dict[str, int]:
    from django.db.models import Count

    from together.messaging.models import OutgoingEmail

    rows = OutgoingEmail.objects.filter(invitation__round=round_).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def run(args: argparse.Namespace) -> dict:
    work = Path(tempfile.mkdtemp(prefix="together-email-bench-"))
    atexit.register(shutil.rmtree, work, True)  # the database, once this process is done with it
    env = service_env(sqlite_url(work))
    env.update({"ALLOWED_HOSTS": "testserver,127.0.0.1", "SECURE_SSL_REDIRECT": "false"})
    print("preparing the database ...", flush=True)
    prepare_seconds = prepare_database(env, timeout=600)
    os.environ.update(env)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from together.messaging.delivery import BATCH

    user, round_ = make_round(args.invitations)
    client = Client()
    client.force_login(user)
    page = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/"
    url = f"{page}invitations/send/"
    # The facilitator is on the round page before pressing the button: that first request
    # loads the code and templates, which is not the queueing's cost.
    started = time.perf_counter()
    shown = client.get(page)
    if shown.status_code != 200:
        raise RuntimeError(f"the round page answered {shown.status_code} {shown.headers.get('Location') or ''}")
    round_page_seconds = time.perf_counter() - started
    print(f"posting {args.invitations} invitations ...", flush=True)
    started = time.perf_counter()
    response = client.post(url)
    queue_seconds = time.perf_counter() - started
    queued = status_counts(round_)
    if response.status_code != 302 or queued.get("queued") != args.invitations:
        raise RuntimeError(f"the request answered {response.status_code} and queued {queued}")

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's line-by-line log
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    worker_env = {
        **env,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(controller.port),
        "EMAIL_USE_TLS": "false",
    }
    print("sending through the worker ...", flush=True)
    started = time.perf_counter()
    worker = subprocess.Popen(
        [BIN / "together", "worker", "--interval", "0.1", "--no-startup-delay", "--verbosity", "0"],
        env=worker_env,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            counts = status_counts(round_)
            if counts.get("sent", 0) + counts.get("failed", 0) >= args.invitations:
                break
            time.sleep(0.2)
        deliver_seconds = time.perf_counter() - started
        counts = status_counts(round_)
        worker.send_signal(signal.SIGTERM)
        try:
            exit_code = worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            exit_code = None
    finally:
        if worker.poll() is None:
            worker.kill()
        controller.stop()
    received = sink.received
    sent = counts.get("sent", 0)
    rate = sent / deliver_seconds if deliver_seconds else 0.0
    return {
        "invitations": args.invitations,
        "tasks": -(-args.invitations // BATCH),
        "batch_size": BATCH,
        "prepare_seconds": prepare_seconds,
        "round_page_first_get_seconds": round(round_page_seconds, 3),
        "queue_request_seconds": round(queue_seconds, 3),
        "deliver_seconds": round(deliver_seconds, 2),
        "delivered_per_second": round(rate, 1),
        "statuses": counts,
        "sink_received": sum(received.values()),
        "sink_received_twice": sum(1 for n in received.values() if n > 1),
        "worker_exit_code_after_sigterm": exit_code,
        "database": "sqlite",
        "durability": durability(connection),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invitations", type=int, default=10_000, help="invitations to queue (default 10000)")
    parser.add_argument("--timeout", type=float, default=900, help="most seconds to wait for delivery")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    result = run(args)
    checks = {
        "queue_request_seconds": result["queue_request_seconds"] < TARGET["queue_request_seconds"],
        "delivered_per_second": result["delivered_per_second"] >= TARGET["delivered_per_second"],
        "all_sent_once": result["statuses"].get("sent") == args.invitations
        and result["sink_received"] == args.invitations
        and result["sink_received_twice"] == 0,
        "worker_stopped_cleanly": result["worker_exit_code_after_sigterm"] == 0,
    }
    machine = machine_info(["django-tasks-db"], load_average_at_end=round(os.getloadavg()[0], 2))
    report = {"result": result, "target": TARGET, "checks": checks, "machine": machine}
    write_json(report, args.output)
    print(
        f"Email queue ({result['invitations']} invitations, SQLite, {result['tasks']} tasks of {result['batch_size']})"
    )
    print(
        f"  queueing request: {result['queue_request_seconds']:.3f} s  "
        f"(target < {TARGET['queue_request_seconds']:.0f} s)  {mark(checks['queue_request_seconds'])}"
    )
    print(
        f"  delivery: {result['statuses'].get('sent', 0)} sent in {result['deliver_seconds']:.2f} s = "
        f"{result['delivered_per_second']:.1f} a second  (target >= {TARGET['delivered_per_second']:.0f})  "
        f"{mark(checks['delivered_per_second'])}"
    )
    print(
        f"  sink received {result['sink_received']}, {result['sink_received_twice']} twice  "
        f"{mark(checks['all_sent_once'])}"
    )
    print(
        f"  worker exit after SIGTERM: {result['worker_exit_code_after_sigterm']}  "
        f"{mark(checks['worker_stopped_cleanly'])}"
    )
    print(f"  written to {relative(args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
