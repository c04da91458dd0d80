"""Behind a proxy every request comes from the proxy: limits must still be per client, and a wrong
password must lock the account tried, not everyone behind the same address.

Before: rate limits keyed on REMOTE_ADDR, so behind nginx all respondents shared one bucket
(100 of 200 got a 429 on "send"), and ten wrong passwords from anyone locked every facilitator out.
"""

import http.client
import re
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client, RequestFactory

from tests.integration.helpers import wait_for_a_fresh_window
from tests.integration.servers import gunicorn
from together.web.clients import client_address

pytestmark = pytest.mark.django_db


def address(remote, forwarded=None, trusted=()):
    from django.test import override_settings

    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    with override_settings(TRUSTED_PROXIES=list(trusted)):
        return client_address(RequestFactory().get("/", **meta))


def test_without_trusted_proxies_the_connection_is_the_client():
    assert address("203.0.113.9", "198.51.100.1") == "203.0.113.9"


def test_a_trusted_proxy_is_believed_and_the_nearest_untrusted_hop_is_the_client():
    assert address("10.0.0.5", "198.51.100.1", ["10.0.0.0/8"]) == "198.51.100.1"
    # Two proxies: the client wrote the leftmost entry itself, and it is not believed.
    assert address("10.0.0.5", "6.6.6.6, 198.51.100.1, 10.1.2.3", ["10.0.0.0/8"]) == "198.51.100.1"
    assert address("10.0.0.5", "198.51.100.1:51234", ["10.0.0.0/8"]) == "198.51.100.1"
    assert address("10.0.0.5", "[2001:db8::7]:443", ["10.0.0.0/8"]) == "2001:db8::7"
    assert address("::1", "2001:db8::7", ["::1"]) == "2001:db8::7"


def test_a_client_cannot_choose_its_address():
    # Not from a trusted proxy: the header is the client's own words.
    assert address("198.51.100.1", "10.9.9.9", ["10.0.0.0/8"]) == "198.51.100.1"
    # Rubbish in the header: the last address a trusted proxy vouched for is used.
    assert address("10.0.0.5", "not-an-address, 198.51.100.1", ["10.0.0.0/8"]) == "198.51.100.1"
    assert address("10.0.0.5", "198.51.100.1, garbage", ["10.0.0.0/8"]) == "10.0.0.5"
    assert address("10.0.0.5", "", ["10.0.0.0/8"]) == "10.0.0.5"


@pytest.fixture
def accounts(django_user_model):
    one = django_user_model.objects.create_user(email="one@council.example", password="right-password-1")
    two = django_user_model.objects.create_user(email="two@council.example", password="right-password-2")
    return one, two


def sign_in(email, password, forwarded):
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    return client.post("/sign-in/", {"username": email, "password": password})


def test_wrong_passwords_lock_the_account_tried_wherever_they_come_from(accounts, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in("one@council.example", "guess", f"198.51.100.{attempt}")
        assert response.status_code == 200 and "Enter a correct email address and password" in response.content.decode()
    assert sign_in("one@council.example", "guess", "198.51.100.200").status_code == 429  # the tenth
    # Locked, even with the right password and from an address never seen, and however typed.
    locked = sign_in("ONE@council.example", "right-password-1", "203.0.113.50")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "This account is locked for now" in page and "Try again in 15 minutes" in page
    # Everyone else, behind the same proxy and from the same addresses, signs in.
    other = sign_in("two@council.example", "right-password-2", "198.51.100.1")
    assert other.status_code == 302


def test_the_lock_lifts_after_the_cool_off(accounts, settings):
    from axes.models import AccessAttempt

    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in("one@council.example", "guess", f"198.51.100.{attempt}")
    assert sign_in("one@council.example", "right-password-1", "198.51.100.1").status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(hours=1))
    assert sign_in("one@council.example", "right-password-1", "198.51.100.1").status_code == 302


def test_address_throttling_is_per_client_behind_a_trusted_proxy(accounts, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.SIGN_IN_RATE_LIMIT = (3, 60)
    wait_for_a_fresh_window()
    for _ in range(3):
        assert sign_in("nobody@council.example", "x", "198.51.100.1").status_code == 200
    assert sign_in("nobody@council.example", "x", "198.51.100.1").status_code == 429
    assert sign_in("two@council.example", "right-password-2", "198.51.100.2").status_code == 302


# A real proxy in front of gunicorn ---------------------------------------------------------


class _Proxy(BaseHTTPRequestHandler):
    """A minimal reverse proxy that, like nginx's $proxy_add_x_forwarded_for, adds the address
    it received the request from."""

    upstream: int = 0
    upstreams = None  # an iterator of ports: each request goes to the next (round robin)
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "x-forwarded-for")}
        previous = self.headers.get("X-Forwarded-For")
        headers["X-Forwarded-For"] = f"{previous}, {self.client_address[0]}" if previous else self.client_address[0]
        port = next(self.upstreams) if self.upstreams is not None else self.upstream
        upstream = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        upstream.request(self.command, self.path, body=body, headers=headers)
        reply = upstream.getresponse()
        data = reply.read()
        self.send_response(reply.status)
        for key, value in reply.getheaders():
            if key.lower() not in ("connection", "content-length", "transfer-encoding"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    do_GET = do_POST = _forward


def _bound_opener(source: str):
    """An HTTP client whose connections come from ``source`` (any 127.x address is this host)."""
    import urllib.request

    class Bound(http.client.HTTPConnection):
        def connect(self):
            self.sock = socket.create_connection((self.host, self.port), self.timeout, (source, 0))

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(Bound, req)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    return urllib.request.build_opener(Handler, NoRedirect)


@pytest.fixture
def proxied(migrated):
    with gunicorn(migrated, TRUSTED_PROXIES="127.0.0.1", SIGN_IN_RATE_LIMIT="2/minute") as port:
        handler = type("Proxy", (_Proxy,), {"upstream": port})
        proxy = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        yield proxy.server_address[1]
        proxy.shutdown()


def _attempt(opener, port) -> int:
    """One wrong sign-in: the form, then its post (cookies carried by hand: they are Secure)."""
    import urllib.error
    import urllib.request

    base = f"http://127.0.0.1:{port}"
    with opener.open(base + "/sign-in/", timeout=30) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())[1]
        cookie = re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"])[1]
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "x@example.org", "password": "y"})
    request = urllib.request.Request(  # noqa: S310 - a fixed http:// address
        base + "/sign-in/", data=body.encode(), headers={"Cookie": f"csrftoken={cookie}"}
    )
    try:
        with opener.open(request, timeout=30) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def test_through_a_proxy_in_front_of_gunicorn_each_client_has_its_own_limit(proxied):
    first, second = _bound_opener("127.0.0.2"), _bound_opener("127.0.0.3")
    wait_for_a_fresh_window()
    assert [_attempt(first, proxied) for _ in range(3)] == [200, 200, 429]
    # Everyone arrives at gunicorn from the proxy, 127.0.0.1; the second client is still free.
    assert _attempt(second, proxied) == 200
