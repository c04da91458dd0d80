"""Every page and file: a strict Content-Security-Policy, nothing inline for it to allow, and no
copy kept by a browser or a proxy (Cache-Control: no-store).

Every URL pattern is requested with real values (a closed round with results, its themes, an
action, a member, an organisation), as its owner, as a stranger and as a respondent.
"""

import re

import pytest
from django.test import Client

from tests.integration.helpers import add_member, close, make_partnership, make_round
from tests.integration.test_bad_requests import patterns
from tests.integration.test_results import add_responses
from together.actions.models import Action
from together.api import tokens
from together.partnerships.models import Role
from together.reviews.models import Comment

pytestmark = pytest.mark.django_db

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline script"),
    (re.compile(r"<style\b", re.I), "a style element"),
    (re.compile(r"\sstyle=\"", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+=\"", re.I), "an event-handler attribute"),
]


@pytest.fixture
def everything(facilitator, framework_version, django_user_model):
    partnership = make_partnership(facilitator, organisations=("Northbridge Council", "Northbridge NHS"))
    viewer = django_user_model.objects.create_user(email="viewer@example.org", password="x")
    membership = add_member(partnership, viewer, Role.VIEWER)
    organisation, other = partnership.organisations.all()[:2]
    round_ = make_round(partnership, framework_version)
    add_responses(round_, organisation, None, 8, value=4, comment="Clearer roles this year")
    add_responses(round_, other, None, 9, value=2)
    close(round_)
    action = Action.objects.create(partnership=partnership, round=round_, title="Joint briefing")
    theme = framework_version.framework.themes[0]
    values = {
        "partnership_id": partnership.pk,
        "round_id": round_.pk,
        "theme_id": theme.id,
        "organisation_id": organisation.pk,
        "group_id": partnership.groups.first().pk if partnership.groups.exists() else 1,
        "membership_id": membership.pk,
        "action_id": action.pk,
        "step": 1,
        "batch_id": 1,
        "code": round_.open_link_code,
        "fmt": "pdf",
        "name": "results.csv",
        "token": "x",
        "key": "x",
        "comment_id": Comment.objects.filter(response__round=round_).first().pk,
        "public_id": round_.public_id,
        "token_id": tokens.issue(facilitator, "Headers test")[0].pk,
    }
    return values


def addresses(values):
    for route in sorted(set(patterns())):
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m[1], "x")), route).lstrip("^")
        if path.startswith("/api/"):
            continue  # the API answers JSON; checked below
        yield path


def check_headers(response, path):
    policy = response.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, (path, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "no-store" in response.get("Cache-Control", ""), (path, response.get("Cache-Control"))
    if response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        for pattern, what in INLINE:
            found = pattern.search(html)
            assert found is None, f"{path} has {what}: {html[max(0, found.start() - 80) : found.end() + 80]}"


def test_every_page_and_file_has_the_policy_and_no_store(everything, facilitator):
    owner = Client()
    owner.force_login(facilitator)
    seen = 0
    for path in addresses(everything):
        for client in (owner, Client()):
            response = client.get(path)
            check_headers(response, path)
            seen += response.status_code == 200
    assert seen > 30  # most addresses answered with their page, not an error


def test_the_report_page_links_its_styles_and_the_pdf_and_saved_file_carry_them(everything, facilitator):
    from tests.integration.helpers import released
    from together.reports import build
    from together.reviews.models import Round

    owner = Client()
    owner.force_login(facilitator)
    page = owner.get(f"/partnerships/{everything['partnership_id']}/rounds/{everything['round_id']}/report/")
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'<link rel="stylesheet" href="/static/css/report[^"]*\.css">', html)
    saved = build.html(released(Round.objects.get(pk=everything["round_id"])))
    assert "<style>" in saved and "@page" in saved


def test_the_page_showing_a_new_api_token_is_never_stored(facilitator):
    owner = Client()
    owner.force_login(facilitator)
    response = owner.post("/account/api/", {"name": "Dashboard", "days": "90"})
    assert response.status_code == 200 and 'id="new-token"' in response.content.decode()
    check_headers(response, "/account/api/")


def test_the_questionnaire_and_the_api_carry_them_too(everything, facilitator):
    respondent = Client()
    start = respondent.get(f"/r/{everything['code']}/")
    check_headers(start, "/r/…/")
    api = Client().get("/api/v1/partnerships/")
    assert api.status_code in (401, 403)
    assert "no-store" in api["Cache-Control"] and "default-src 'self'" in api["Content-Security-Policy"]


def test_the_session_lasts_as_the_privacy_notice_says(client, settings):
    hours = settings.SESSION_COOKIE_AGE // 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert hours == 12  # the default, SESSION_HOURS
    page = client.get("/privacy/").content.decode()
    assert f"stops working after {hours} hours in any case" in page
