"""Fifty people press "Send answers" at the same moment against the live server."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from tests.integration.browserless import HttpRespondent
from tests.integration.helpers import make_partnership, make_round
from together.reviews.models import Answer, Response, ResponseState

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 50


class _BusyServer(ThreadedWSGIServer):
    # Django's test server queues only a handful of connections; fifty at once need more,
    # as gunicorn in production has (its backlog is 2048).
    request_queue_size = 256


class _BusyServerThread(LiveServerThread):
    server_class = _BusyServer


@pytest.fixture
def busy_live_server(transactional_db):
    thread = _BusyServerThread("127.0.0.1", _StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


@pytest.fixture
def plain_http_cookies(settings):
    # The live test server speaks plain HTTP; Python's cookie jar, unlike a browser on
    # localhost, will not send cookies marked Secure over it.
    settings.CSRF_COOKIE_SECURE = False
    settings.SESSION_COOKIE_SECURE = False


def test_fifty_simultaneous_submissions_store_exactly_fifty_responses(
    busy_live_server, plain_http_cookies, facilitator, framework_version
):
    round_ = make_round(make_partnership(facilitator), framework_version)
    framework = framework_version.framework
    barrier = threading.Barrier(PEOPLE, timeout=120)

    def respondent(_):
        person = HttpRespondent(busy_live_server)
        check = person.fill_in(round_, framework)
        assert "Check your answers before sending them" in check
        barrier.wait()  # everyone sends at once
        done = person.submit(round_, check)
        return person.url, done

    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        results = list(pool.map(respondent, range(PEOPLE)))

    assert all(url.endswith(f"/respond/{round_.public_id}/done/") for url, _ in results)
    assert all("Your answers have been sent" in page for _, page in results)
    assert Response.objects.filter(round=round_, state=ResponseState.SUBMITTED).count() == PEOPLE
    assert not Response.objects.filter(state=ResponseState.DRAFT).exists()
    assert Answer.objects.count() == PEOPLE * len(framework.statements)
