"""Odd and hostile requests to every address get a 4xx, never a server error.

Every URL pattern is requested with odd values in each of its parts (NUL, invalid UTF-8, very
long, path tricks), with each method, as a stranger and as a facilitator of a partnership, and
with bodies in odd encodings; Hypothesis adds arbitrary text.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.helpers import make_partnership, make_round

pytestmark = pytest.mark.django_db

ODD = [
    "%00",
    "a%00b",
    "%ff%fe",
    "%c0%af",
    "%ed%a0%80",
    "..%2f..%2fetc",
    "x" * 3000,
    "0",
    "-1",
    "99999999999999999999",
    "%20",
    "%e2%80%ae",
    "%F0%9F%98%80",
]
METHODS = ["get", "post", "put", "patch", "delete", "options", "head"]


def patterns(resolver=None, prefix=""):
    """(route template, [part names]) for every URL pattern, with "<...>" where a value goes."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from patterns(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def fill(route: str, value: str) -> str:
    import re

    return "/" + re.sub(r"<[^>]+>", value, route).lstrip("^").rstrip("$")


@pytest.fixture
def member(facilitator, framework_version):
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, framework_version)
    client = Client()
    client.force_login(facilitator)
    return client, partnership, round_


def check(client, method, path, **kwargs):
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code < 500, (method, path, response.status_code)


def test_every_address_with_odd_parts_answers_without_a_server_error(member):
    signed_in, partnership, round_ = member
    stranger = Client()
    routes = sorted(set(patterns()))
    assert len(routes) > 60
    for route in routes:
        for value in ODD:
            path = fill(route, value)
            check(stranger, "get", path)
            check(signed_in, "get", path)
            check(signed_in, "post", path, data={"x": "\x00"})


def test_every_method_on_every_real_address(member):
    signed_in, partnership, round_ = member
    real = {"id": str(partnership.pk)}
    for route in sorted(set(patterns())):
        path = fill(route, real["id"])
        for method in METHODS:
            check(signed_in, method, path)
            check(Client(), method, path)


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded; charset=utf-16",
        "application/x-www-form-urlencoded; charset=utf-32",
        "application/x-www-form-urlencoded; charset=no-such-codec",
        "application/x-www-form-urlencoded; charset=",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=x",
        "application/json",
        "text/plain; charset=utf-16",
    ],
)
def test_odd_body_encodings_are_refused_plainly(member, content_type):
    signed_in, partnership, round_ = member
    body = "username=a&password=b&x=\u00e9".encode("utf-16")
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(partnership.memberships.first().user)
    for client in (Client(), signed_in, Client(enforce_csrf_checks=True), checked):
        for path in ("/sign-in/", f"/partnerships/{partnership.pk}/edit/", f"/r/{round_.open_link_code or 'x'}/"):
            response = client.generic("POST", path, data=body, content_type=content_type)
            assert response.status_code < 500, (path, content_type, response.status_code)


def test_a_nul_in_an_address_query_or_form_is_a_bad_request(framework_version):
    # PostgreSQL's text cannot hold NUL: looking the link up failed with a 500 there.
    client = Client()
    assert client.get("/r/%00/").status_code == 400
    assert client.get("/r/abc/", {"q": "a\x00b"}).status_code == 400
    assert client.post("/sign-in/", {"username": "a\x00", "password": "b"}).status_code == 400
    assert client.post("/sign-in/", {"username": "a", "password": "b"}).status_code == 200


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segment=st.text(min_size=1, max_size=40), query=st.text(max_size=40))
def test_arbitrary_text_in_a_public_address_never_errs(framework_version, segment, query):
    from urllib.parse import quote

    client = Client()
    for route in ("r/<code>/", "i/<token>/", "join/<token>/", "framework/<theme>/", "resume/<a>/<b>/"):
        path = fill(route, quote(segment, safe=""))
        response = client.get(path, {"q": query})
        assert response.status_code < 500, (path, response.status_code)
        response = client.post(path, {"q": query, "code": segment})
        assert response.status_code < 500, (path, response.status_code)


def test_a_form_in_another_encoding_with_a_good_csrf_token_is_a_bad_request_page():
    # Django's own 400 handler checks the CSRF token again, reading the body a second time: a 500.
    import re

    client = Client(enforce_csrf_checks=True)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get("/sign-in/").content.decode())[1]
    response = client.generic(
        "POST",
        "/sign-in/",
        data=f"csrfmiddlewaretoken={token}&username=a&password=b".encode(),
        content_type="application/x-www-form-urlencoded; charset=utf-16",
    )
    assert response.status_code == 400
    assert "could not read that request" in response.content.decode()
