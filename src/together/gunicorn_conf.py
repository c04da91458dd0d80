"""gunicorn settings for production: ``gunicorn -c python:together.gunicorn_conf together.wsgi``.

Each setting can be changed with an environment variable (shown beside it) or on the command
line, which wins over this file.

Why these: a request here is mostly Python (templates, forms), so one worker process per core
keeps the cores busy. The worker keeps a browser's connection open between pages (keep-alive);
the plain ``sync`` worker closes it after every request, and opening and closing connections was
a fifth of the server's time in the load benchmark. More processes than cores did not answer more
pages there, and made the slowest pages slower: a kept-alive connection stays with one process,
which then shares a core with others.

The worker (``together.gunicorn_worker``) is gunicorn's ``gthread`` reading each request without
waiting on the client and answering it only once all of it has arrived, so slow clients hold no
thread: a request must arrive within ``GUNICORN_REQUEST_SECONDS`` (10) of its first byte (else
408), with headers of at most 32 KB (else 431). One thread a worker by default, answering on
the worker's main thread: measured on a quiet machine, two threads cost 59 ms of gunicorn CPU a
questionnaire against 49–53 with one, and the rate fell from 28–30 to 25 a second at 50
respondents (bench/README.md, "Slow clients"). ``GUNICORN_THREADS=2`` keeps one slow page (a
large PDF, an import's column page) from holding up the respondents whose connections are with
the same worker, at that cost; imports already run in ``together worker``, not here.
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

from together.reviews.keys import redact

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "together.gunicorn_worker.KeepAliveWorker"
threads = int(os.environ.get("GUNICORN_THREADS", 1))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))  # seconds an idle connection stays open
backlog = 2048
timeout = 60
# No access log by default: request lines with client addresses are not kept here (the proxy in
# front decides what it logs). Set GUNICORN_ACCESS_LOG to a file, or "-" for standard output.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# If it is on, it keeps when, what and how it went, never who: no client address, user agent or
# referrer, and the token of a respondent's link replaced by "…" (RedactingLogger, below).
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'


class RedactingLogger(Logger):
    """gunicorn's logger, with the secret part of respondent and joining links taken out of every
    value an access log line can show (request line, path, referrer, headers, environment)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: redact(value) if isinstance(value, str) else value for name, value in atoms.items()}


logger_class = RedactingLogger
# Requests are parsed by gunicorn-h1c, gunicorn's C parser, a dependency of the service; "auto"
# would fall back to the slower Python parser without a word if it were missing.
http_parser = os.environ.get("GUNICORN_HTTP_PARSER", "fast")
# Each worker tells the master it is alive by touching a file, many times a second under load;
# in memory (/dev/shm, where there is one) that costs no disk journal writes. gunicorn makes the
# file with mkstemp and unlinks it at once, so a shared folder is safe for it.
_SHARED_MEMORY = "/dev/shm"  # noqa: S108
_DEFAULT_TMP_DIR = _SHARED_MEMORY if os.path.isdir(_SHARED_MEMORY) else None
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or _DEFAULT_TMP_DIR
