"""Sealing a closed round a batch at a time: results wait for it, every reader carries it on, a
reopened round stops it, and closing again seals everything afresh."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from tests.integration.helpers import make_partnership, make_round
from together.imports import services as imports
from together.releases import services as releases
from together.reviews import lifecycle, reseal
from together.reviews.models import Response, ResponseState

from .conftest import build_round


def _sent(round_) -> int:
    return Response.objects.filter(round=round_, state=ResponseState.SUBMITTED).count()


@pytest.fixture
def slow_sealing(monkeypatch):
    """Batches of 4 responses and no time to seal anything beyond the first batch."""
    monkeypatch.setattr(reseal, "BATCH", 4)
    monkeypatch.setattr(reseal, "CLOSE_SECONDS", 0.0)
    monkeypatch.setattr(reseal, "VIEW_SECONDS", 0.0)


def test_a_large_round_is_sealed_over_several_looks_and_results_wait_for_it(
    facilitator, framework_version, slow_sealing
):
    round_ = build_round(facilitator, framework_version, {(0, 0): 6, (1, 0): 7})
    assert reseal.waiting(round_) == 13
    # Each look moves one batch and, while some are left, says the results are being prepared.
    for left in (9, 5, 1):
        with pytest.raises(releases.NotAvailable) as refused:
            releases.obtain(round_, "facilitator", facilitator)
        assert refused.value.code == "sealing"
        assert reseal.waiting(round_) == left
        assert not releases.is_released(round_)
    released = releases.obtain(round_, "facilitator", facilitator)
    assert reseal.waiting(round_) == 0 and reseal.is_sealed(round_)
    assert released.results.respondents == 13


def test_the_command_line_seals_to_the_end(facilitator, framework_version, slow_sealing):
    round_ = build_round(facilitator, framework_version, {(0, 0): 6, (1, 0): 7})
    released = releases.obtain(round_, releases.OPERATOR)
    assert reseal.is_sealed(round_) and released.results.respondents == 13


def test_results_pages_say_the_results_are_being_prepared_and_the_api_says_when_to_come_back(
    client, facilitator, framework_version, slow_sealing
):
    from together.api import tokens

    round_ = build_round(facilitator, framework_version, {(0, 0): 6, (1, 0): 7})
    client.force_login(facilitator)
    page = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "The results are being prepared" in text and "Check again" in text
    # Nothing of the results, and no count of responses either.
    assert "responses so far" not in text
    report = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/report/")
    assert report.status_code == 302
    _api_token, token = tokens.issue(facilitator, "Sealing test")
    api = Client().get(f"/api/v1/rounds/{round_.pk}/results/", HTTP_AUTHORIZATION=f"Token {token}")
    assert api.status_code == 503 and api["Retry-After"] == "30"
    assert "being prepared" in api.json()["detail"]


def test_reopening_stops_sealing_and_closing_again_seals_every_response_afresh(
    facilitator, framework_version, slow_sealing, django_capture_on_commit_callbacks
):
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, framework_version)
    from tests.integration.helpers import complete_questionnaire

    for _ in range(6):
        complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/")
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.apply(round_, "close", facilitator)
    assert reseal.waiting(round_) == 2
    lifecycle.apply(round_, "reopen", facilitator)
    assert reseal.seal(round_) is False  # an open round is not sealed: answers still arrive
    complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/")
    lifecycle.apply(round_, "close", facilitator)
    # The four sealed before the reopening are sealed again with the rest, so that they do not
    # sit apart from those that came later.
    assert reseal.waiting(round_) == 7 == _sent(round_)
    assert reseal.seal(round_) is True and reseal.is_sealed(round_)


def test_an_imported_round_is_sealed_too(facilitator, framework_version, slow_sealing):
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, framework_version, open_=False)
    statements = [s.id for s in framework_version.framework.statements]
    data = (
        ",".join(["organisation", *statements])
        + "\n"
        + "".join(",".join(["Northbridge Council", *["4"] * len(statements)]) + "\n" for _ in range(5))
    )
    imports.import_file(io.BytesIO(data.encode()), round_, file_name="last-year.csv", user=facilitator)
    lifecycle.apply(round_, "close", facilitator)
    assert reseal.waiting(round_) == 5
    assert releases.obtain(round_, releases.OPERATOR).results.respondents == 5
    assert reseal.is_sealed(round_)
