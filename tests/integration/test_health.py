"""/healthz tells a load balancer the truth, and a full disk is a clear 503, not a 500."""

import pytest
from django.db import OperationalError

from together.web import views
from together.web.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_health_is_ok_when_the_database_takes_a_write(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
    assert Heartbeat.objects.get(id=1).at is not None
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_health_fails_when_the_disk_is_nearly_full(client, settings):
    settings.HEALTH_MIN_FREE_BYTES = 2**62
    response = client.get("/healthz")
    assert response.status_code == 503
    assert b"temporary files:" in response.content and b"MB free, below" in response.content


def test_health_fails_when_the_database_refuses_writes(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(Heartbeat.objects, "update_or_create", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content.startswith(b"database: does not take writes")


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("database or disk is full"),
        OSError(28, "No space left on device"),
    ],
)
def test_a_full_disk_is_shown_as_unavailable_not_as_a_fault(client, monkeypatch, framework_version, error):
    def full(*args, **kwargs):
        raise error

    monkeypatch.setattr(views.services, "current", full)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert "Sorry, the service is unavailable" in html and "has not been saved" in html


def test_a_postgresql_disk_full_error_is_recognised():
    from together.web.middleware import is_out_of_room

    class DiskFull(Exception):
        sqlstate = "53100"

    error = OperationalError("could not extend file")
    error.__cause__ = DiskFull()
    assert is_out_of_room(error)
    assert not is_out_of_room(OperationalError("syntax error at or near"))
    assert not is_out_of_room(ValueError("database or disk is full"))


def test_other_faults_are_still_server_errors(client, monkeypatch, framework_version):
    def broken(*args, **kwargs):
        raise RuntimeError("a fault")

    monkeypatch.setattr(views.services, "current", broken)
    client.raise_request_exception = False
    assert client.get("/").status_code == 500
