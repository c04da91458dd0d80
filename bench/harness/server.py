"""The service as production runs it: its environment, its static files, and gunicorn."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

from bench.harness.cpu import server_cpu_seconds
from bench.harness.process import BIN, HOST, REPO, free_port, progress, run_command, stop_group

GOVUK_ASSETS = REPO / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "assets"

# What a web benchmark sets besides the database and secret key: production (DEBUG off) on
# 127.0.0.1 without TLS, and no rate limit, since every simulated respondent has the same address.
WEB_SETTINGS = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "RESPONSE_RATE_LIMIT": "1000000/hour",
}

LOG_PATTERNS = {
    "database is locked": re.compile(r"database is locked", re.IGNORECASE),
    "tracebacks": re.compile(r"^Traceback \(most recent call last\)"),
    "internal server errors": re.compile(r"Internal Server Error"),
    "worker timeouts": re.compile(r"WORKER TIMEOUT"),
    "too many connections": re.compile(r"too many (clients|connections)", re.IGNORECASE),
}


def service_env(database_url: str, secret_key: str | None = None) -> dict[str, str]:
    """This process's environment with the service's settings: DEBUG off, a random secret key."""
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "together.settings",
            "DEBUG": "false",
            "SECRET_KEY": secret_key or secrets.token_urlsafe(50),
            "DATABASE_URL": database_url,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def web_env(database_url: str, static_root: Path, secret_key: str | None = None) -> dict[str, str]:
    """``service_env`` for serving pages on 127.0.0.1 (``WEB_SETTINGS``), with no proxy settings
    inherited, e-mail kept in memory, and static files in ``static_root``."""
    env = service_env(database_url, secret_key)
    for name in ("CSRF_TRUSTED_ORIGINS", "SECURE_PROXY_SSL_HEADER"):
        env.pop(name, None)
    env.update(WEB_SETTINGS)
    env.update({"STATIC_ROOT": str(static_root), "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"})
    return env


COLLECTSTATIC_WITH_ASSETS = """
import sys
import together.settings as service_settings
service_settings.STATICFILES_DIRS = [*service_settings.STATICFILES_DIRS, ("build/assets", sys.argv[1])]
import django
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
"""


def collect_static(static_root: Path, work: Path, secret_key: str | None = None) -> dict:
    """Run collectstatic as a deployment would; say so loudly if the tree needs help to pass it.

    If the stylesheet refers to GOV.UK Frontend assets that the asset build did not copy,
    collectstatic fails. The questionnaire pages do not depend on those files, so rather than
    measure nothing we supply exactly the referenced files from node_modules for this temporary
    STATIC_ROOT only, and say so in what this returns (recorded with the results).
    """
    env = web_env(f"sqlite:///{work / 'collectstatic.sqlite3'}", static_root, secret_key)
    log = work / "setup.log"
    try:
        run_command([BIN / "together", "collectstatic", "--noinput", "--verbosity", "0"], env, log=log)
        return {"status": "ok"}
    except RuntimeError as problem:
        lines = [line for line in str(problem).splitlines() if line.strip()]
        error = next((line for line in lines if "Error:" in line), lines[-1] if lines else str(problem))
    css_path = REPO / "src" / "together" / "static" / "build" / "app.css"
    css = css_path.read_text() if css_path.exists() else ""
    referenced = sorted(set(re.findall(r'url\("?/static/build/assets/([^")?#]+)', css)))
    supplied = [name for name in referenced if (GOVUK_ASSETS / name).is_file()]
    if not supplied:
        raise RuntimeError(f"collectstatic failed: {error}")
    progress(f"WARNING: collectstatic fails on this tree ({error})")
    progress(f"WARNING: supplying {', '.join(supplied)} from GOV.UK Frontend for this run only")
    shutil.rmtree(static_root, ignore_errors=True)
    extra = work / "govuk-assets"
    for name in supplied:
        (extra / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(GOVUK_ASSETS / name, extra / name)
    run_command([BIN / "python", "-c", COLLECTSTATIC_WITH_ASSETS, extra], env, log=log)
    return {"status": "failed as is; worked around", "error": error, "supplied": supplied}


class Gunicorn:
    """gunicorn with the production configuration on 127.0.0.1 and a free port, in its own process
    group, so it and all its workers are accounted and stopped together."""

    def __init__(
        self, env: dict, workers: int, threads: int, log: Path, postmaster: int | None = None, worker_class: str = ""
    ):
        self.env = env
        self.postmaster = postmaster
        self.workers = workers
        self.threads = threads
        self.worker_class = worker_class
        self.log = log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def command(self) -> list[str]:
        # The production configuration (src/together/gunicorn_conf.py), as the deployment guide
        # runs it; only the address, the number of workers and threads, and the log level differ.
        return [
            str(BIN / "gunicorn"),
            "--config",
            "python:together.gunicorn_conf",
            "together.wsgi",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--log-level",
            "warning",
        ] + (["--worker-class", self.worker_class] if self.worker_class else [])

    def start(self, ready_timeout: float = 60.0) -> None:
        """Start it and wait until ``/healthz`` answers 200."""
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command(),
                cwd=REPO,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + ready_timeout
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            try:
                with opener.open(f"{self.base}healthz", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz within {ready_timeout:.0f} s")

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds so far of gunicorn (its whole group) and of the PostgreSQL server given."""
        return server_cpu_seconds(self.process.pid if self.process else None, self.postmaster)

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process, grace=15, sweep=True)

    def scan_log(self) -> dict:
        return scan_log(self.log)


def scan_log(log: Path) -> dict:
    """Counts of the lines in a server log that match ``LOG_PATTERNS``, and a few telling lines."""
    counts = dict.fromkeys(LOG_PATTERNS, 0)
    excerpt: list[str] = []
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return {"counts": counts, "excerpt": excerpt}
    for line in lines:
        hit = False
        for name, pattern in LOG_PATTERNS.items():
            if pattern.search(line):
                counts[name] += 1
                hit = True
        interesting = hit or re.search(r"(Error|Exception|error)\b", line)
        if interesting and line.strip() not in excerpt and len(excerpt) < 15:
            excerpt.append(line.strip()[:300])
    return {"counts": counts, "excerpt": excerpt}
