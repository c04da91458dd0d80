"""The JSON API: token authentication, permissions per role, and a schemathesis run over its schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings

from tests.integration.helpers import add_member, make_partnership, make_round
from tests.integration.test_results import add_responses
from together.accounts.models import User
from together.actions.models import Action
from together.api import tokens as api_tokens
from together.partnerships.models import Organisation, Role
from together.reviews import lifecycle
from together.wsgi import application

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(facilitator, framework_version):
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, framework_version)
    add_responses(round_, Organisation.objects.filter(partnership=partnership).first(), None, 6, value=3)
    Action.objects.create(partnership=partnership, round=round_, title="Joint briefing", theme_id="political-support")
    viewer = User.objects.create_user("board@northbridge.example", "pw-for-tests-only-1")
    add_member(partnership, viewer, Role.VIEWER)
    outsider = User.objects.create_user("someone@elsewhere.example", "pw-for-tests-only-1")
    make_partnership(outsider, name="Elsewhere")
    tokens = {user: api_tokens.issue(user, "Tests")[1] for user in (facilitator, viewer, outsider)}
    return {"partnership": partnership, "round": round_, "viewer": viewer, "outsider": outsider, "tokens": tokens}


def get(client, url, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    return client.get(url, **headers)


def test_a_token_is_required(client, world):
    assert get(client, "/api/v1/partnerships/").status_code == 401
    assert get(client, "/api/v1/partnerships/", "not-a-token").status_code == 401


def test_members_see_their_partnerships_rounds_results_and_actions(client, world, facilitator):
    token = world["tokens"][facilitator]
    partnerships = get(client, "/api/v1/partnerships/", token).json()
    assert [(p["name"], p["role"]) for p in partnerships] == [("Northbridge Partnership", "owner")]
    pid, rid = world["partnership"].pk, world["round"].pk
    rounds = get(client, f"/api/v1/partnerships/{pid}/rounds/", token).json()
    assert rounds[0]["responses"] == 6 and rounds[0]["results_visible_to_you"] is False
    assert rounds[0]["kind"] == "full"
    # No results while the round runs, for anyone.
    refused = get(client, f"/api/v1/rounds/{rid}/results/", token)
    assert refused.status_code == 403 and "when the round closes" in refused.json()["detail"]
    lifecycle.apply(world["round"], "close", facilitator)
    assert get(client, f"/api/v1/partnerships/{pid}/rounds/", token).json()[0]["results_visible_to_you"] is True
    results = get(client, f"/api/v1/rounds/{rid}/results/", token).json()
    assert results["respondents"] == 6 and results["visible"] is True
    assert all(row["group"] != "Northbridge NHS" or row["shown"] == "yes" for row in results["rows"])
    actions = get(client, f"/api/v1/partnerships/{pid}/actions/", token).json()
    assert [a["title"] for a in actions] == ["Joint briefing"]


def test_viewers_get_results_only_when_published(client, world, facilitator):
    token = world["tokens"][world["viewer"]]
    url = f"/api/v1/rounds/{world['round'].pk}/results/"
    assert get(client, url, token).status_code == 403
    lifecycle.apply(world["round"], "close", facilitator)
    lifecycle.apply(world["round"], "publish", facilitator)
    assert get(client, url, token).status_code == 200


def test_other_partnerships_get_not_found(client, world):
    token = world["tokens"][world["outsider"]]
    pid, rid = world["partnership"].pk, world["round"].pk
    for url in (
        f"/api/v1/partnerships/{pid}/",
        f"/api/v1/partnerships/{pid}/rounds/",
        f"/api/v1/partnerships/{pid}/actions/",
        f"/api/v1/rounds/{rid}/results/",
    ):
        assert get(client, url, token).status_code == 404, url
    assert [p["name"] for p in get(client, "/api/v1/partnerships/", token).json()] == ["Elsewhere"]


schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture
def api_token(world, facilitator):
    # Requests go straight to the WSGI application, which closes database connections when a
    # request ends; Django's own test client stops that, so do the same inside the test's transaction.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    with override_settings(API_RATE_LIMIT=(10_000, 60)):  # schemathesis sends more than a person would
        yield world["tokens"][facilitator]
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_never_fails_with_a_server_error(case, api_token):
    case.call_and_validate(headers={"Authorization": f"Token {api_token}"})
