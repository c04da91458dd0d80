"""Requests whose body did not all arrive are refused before Django sees them.

A client that announces ``Content-Length: 900``, sends 400 bytes and closes its side leaves
gunicorn handing Django a body that simply ends early, and Django parses what it got: a
respondent's comment would be saved cut short, as if it were whole. :class:`WholeBodies` reads
the body first and answers 400 when it ends before its length, 413 when it is longer than
``MAX_REQUEST_BYTES``, and otherwise hands Django the complete body (in memory up to 1 MB, in a
temporary file beyond).
"""

from __future__ import annotations

import io
import tempfile

IN_MEMORY = 1024 * 1024
CHUNK = 64 * 1024


def _plain(start_response, status: str, text: str):
    body = text.encode()
    start_response(
        status,
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
            ("Connection", "close"),
        ],
    )
    return [body]


class WholeBodies:
    def __init__(self, application, max_bytes: int):
        self.application = application
        self.max_bytes = max_bytes

    def __call__(self, environ, start_response):
        declared = environ.get("CONTENT_LENGTH")
        if declared:
            try:
                length = int(declared)
                if length < 0:
                    raise ValueError
            except ValueError:
                return _plain(start_response, "400 Bad Request", "The request's Content-Length is not a length.\n")
            if length > self.max_bytes:
                return _plain(
                    start_response,
                    "413 Content Too Large",
                    f"The request is larger than this service accepts ({self.max_bytes // (1024 * 1024)} MB).\n",
                )
            if length:
                body = self._read(environ["wsgi.input"], length)
                if body is None:
                    return _plain(
                        start_response,
                        "400 Bad Request",
                        "The request ended before all of it arrived, so nothing was saved. Please try again.\n",
                    )
                environ["wsgi.input"] = body
        return self.application(environ, start_response)

    @staticmethod
    def _read(stream, length: int):
        """The whole body as a file positioned at its start, or None if it ends early."""
        if length <= IN_MEMORY:
            data = stream.read(length)
            while len(data) < length:
                more = stream.read(length - len(data))
                if not more:
                    return None
                data += more
            return io.BytesIO(data)
        spooled = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 - handed on to Django
        remaining = length
        while remaining:
            chunk = stream.read(min(remaining, CHUNK))
            if not chunk:
                spooled.close()
                return None
            spooled.write(chunk)
            remaining -= len(chunk)
        spooled.seek(0)
        return spooled
