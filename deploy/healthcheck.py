"""The container's health check: asks this instance's /healthz and exits 0 only on "200 ok".

Standard library only, and no Django: it runs every 30 seconds, so it must start quickly. It asks
as the proxy would, so that the service's own checks pass: with the first of ALLOWED_HOSTS as the
host, and with the HTTPS header the proxy sets (SECURE_PROXY_SSL_HEADER), so that a service that
redirects plain HTTP to HTTPS answers rather than redirecting.
"""

from __future__ import annotations

import http.client
import os
import sys


def target(environ) -> tuple[str, int]:
    """The address gunicorn listens on (GUNICORN_BIND), seen from inside the container."""
    bind = environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")[0].strip()
    host, _, port = bind.rpartition(":")
    host = host.strip("[]")
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - listening everywhere: ask on loopback
        host = "127.0.0.1"
    return host, int(port or 8000)


def headers(environ) -> dict[str, str]:
    names = [name.strip() for name in environ.get("ALLOWED_HOSTS", "localhost").split(",") if name.strip()]
    host = next((name.lstrip(".") for name in names if name != "*"), "localhost")
    sent = {"Host": host}
    https_header = environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
    if https_header:
        sent[https_header] = "https"
    return sent


def main() -> int:
    host, port = target(os.environ)
    connection = http.client.HTTPConnection(host, port, timeout=5)
    try:
        connection.request("GET", "/healthz", headers=headers(os.environ))
        reply = connection.getresponse()
        body = reply.read(2000).decode("utf-8", "replace").strip()
    except OSError as error:
        print(f"healthcheck: {host}:{port} did not answer ({error})", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if reply.status == 200 and body == "ok":
        return 0
    print(f"healthcheck: /healthz answered {reply.status}: {body}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
