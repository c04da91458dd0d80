"""The service with one more address, ``/slow-for-tests/``, that takes ``SLOW_VIEW_SECONDS`` to
answer, as a facilitator's large PDF or an import's column page can: gunicorn serves this module
(``tests.integration.slow_app:application``) in the slow-client tests, never in production."""

import os
import time

from together.wsgi import application as service

SLOW_SECONDS = float(os.environ.get("SLOW_VIEW_SECONDS", "1.5"))


def application(environ, start_response):
    if environ.get("PATH_INFO") != "/slow-for-tests/":
        return service(environ, start_response)
    time.sleep(SLOW_SECONDS)
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "5")])
    return [b"done\n"]
