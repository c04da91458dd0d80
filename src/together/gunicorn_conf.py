"""gunicorn settings for production: ``gunicorn -c python:together.gunicorn_conf together.wsgi``.

Each setting can be changed with an environment variable (shown beside it) or on the command
line, which wins over this file.

Why these: a request here is mostly Python (templates, forms), so one process per core and one
more keeps both cores busy, where threads would mostly wait for each other on the interpreter
lock. The ``gthread`` worker, even with one thread, keeps a browser's connection open between
pages (keep-alive); the plain ``sync`` worker closes it after every request, and opening and
closing connections was a fifth of the server's time in the load benchmark.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 1))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))  # seconds an idle connection stays open
backlog = 2048
timeout = 60
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
