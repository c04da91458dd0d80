"""Over time: no two views of a round, at any two moments, differ by fewer than the threshold.

The insider downloads every output, waits for one more person to respond (the invitations page
shows who), downloads again and subtracts. Against the service the second download must say
nothing new; against a weakened copy (results computed live while the round is open) the
subtraction must give exactly that person's answers, so the attack can fail.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from tests.integration.helpers import add_member, complete_questionnaire, make_partnership, make_round
from together.partnerships.models import Organisation, Role
from together.releases import services as releases
from together.releases.models import Release
from together.reviews import lifecycle
from together.reviews.lifecycle import TransitionRefused
from together.reviews.models import Round

pytestmark = pytest.mark.django_db
THRESHOLD = 5


def _outputs(round_: Round) -> list[str]:
    base = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}"
    pages = ["", "results/", "results/attention/", "results/differences/", "results/heatmap/"]
    pages += ["results/heatmap/?by=group", "results/change/", "report/", "report.pdf"]
    pages += [f"results/themes/{t.id}/" for t in round_.framework.themes]
    pages += [f"export/{name}" for name in ("results.csv", "results.json", "responses.csv", "data.xlsx")]
    return [f"{base}/{page}" for page in pages] + [f"/api/v1/rounds/{round_.pk}/results/"]


def _get(client: Client, url: str):
    """A page as a signed-in member, or the API with the member's token."""
    if url.startswith("/api/"):
        from together.api import tokens

        if not hasattr(client, "api_key"):
            client.api_key = tokens.issue(client.user, "Privacy tests")[1]
        return client.get(url, HTTP_AUTHORIZATION=f"Token {client.api_key}")
    return client.get(url)


def _readable(url: str, response) -> str:
    """What a reader gets from the output: an XLSX's cells and a PDF's text, not their dates."""
    from io import BytesIO

    if url.endswith(".xlsx"):
        from openpyxl import load_workbook

        book = load_workbook(BytesIO(response.content))
        return repr([[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets])
    if url.endswith(".pdf"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    return response.content.decode()


def _snapshot(client: Client, round_: Round) -> dict[str, tuple[int, str]]:
    taken = {}
    for url in _outputs(round_):
        response = _get(client, url)
        body = _readable(url, response) if response.status_code == 200 else response.get("Location", "")
        # The overall count of responses is the one figure allowed to move, and says only that
        # someone answered (the invitations page says who anyway).
        body = re.sub(r"\b\d+ (responses?|people|person)\b", "N \\1", body)
        body = re.sub(r'(<dd class="govuk-summary-list__value">)\d+(</dd>)', "\\1N\\2", body)
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
        taken[url] = (response.status_code, body)
    return taken


@pytest.fixture
def running(facilitator, framework_version):
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, framework_version, user=facilitator)
    for _ in range(THRESHOLD + 1):
        complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/", value="4")
    return round_


def _facilitator_client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def test_one_more_response_changes_no_output_while_the_round_is_open(running, facilitator):
    client = _facilitator_client(facilitator)
    before = _snapshot(client, running)
    complete_questionnaire(Client(), running, f"/r/{running.open_link_code}/", value="1")
    after = _snapshot(client, running)
    changed = [url for url in before if before[url] != after[url]]
    assert changed == []
    # And there were no results to subtract in the first place.
    assert json.loads(_get(client, f"/api/v1/rounds/{running.pk}/results/").content).get("rows") is None
    assert not Release.objects.exists()


def test_the_subtraction_works_on_a_weakened_copy_with_live_results(running, facilitator, monkeypatch):
    def live(round_, role, user=None):
        # The weakened copy: results computed from the live tables at every request.
        release = Release(
            round=round_, made_on=round_.created_at.date(), threshold=THRESHOLD, inputs=releases.freeze(round_)
        )
        release.pk = None
        releases._computed.clear()
        return releases.Released(round_, release, role)

    monkeypatch.setattr(releases, "obtain", live)
    monkeypatch.setattr(
        releases, "_results_of", lambda release: releases.compute(releases.thaw(release.inputs, THRESHOLD))
    )
    client = _facilitator_client(facilitator)
    url = f"/partnerships/{running.partnership_id}/rounds/{running.pk}/export/results.json"
    before = json.loads(client.get(url).content)
    complete_questionnaire(Client(), running, f"/r/{running.open_link_code}/", value="1")
    after = json.loads(client.get(url).content)

    def counts(payload):
        return {
            row["id"]: [round(row[f"share_{v}"] * row["answered"]) for v in range(1, 6)]
            for row in payload["rows"]
            if row["level"] == "statement" and row["breakdown"] == "all"
        }

    recovered = {
        statement: [a - b for a, b in zip(counts(after)[statement], counts(before)[statement], strict=True)]
        for statement in counts(after)
    }
    # Exactly the new person's answers: a 1 to every statement.
    assert recovered and all(difference == [1, 0, 0, 0, 0] for difference in recovered.values())


def test_viewers_see_no_count_below_the_threshold(facilitator, framework_version, django_user_model):
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, framework_version, user=facilitator)
    viewer = django_user_model.objects.create_user("viv@northbridge.example", "a long enough password 1", name="Viv")
    add_member(partnership, viewer, Role.VIEWER)
    complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/")
    client = _facilitator_client(viewer)
    page = client.get(f"/partnerships/{partnership.pk}/rounds/{round_.pk}/").content.decode()
    assert "Fewer than 5" in page
    api = json.loads(_get(client, f"/api/v1/partnerships/{partnership.pk}/rounds/").content)
    assert api[0]["responses"] is None
    # Facilitators see the exact overall count, and nothing by organisation or group.
    page = _facilitator_client(facilitator).get(f"/partnerships/{partnership.pk}/rounds/{round_.pk}/").content.decode()
    assert "Who responded" not in page and "By respondent group" not in page


def test_results_are_frozen_when_first_seen_and_the_round_then_takes_no_more(running, facilitator, settings):
    lifecycle.apply(running, "close", facilitator)
    client = _facilitator_client(facilitator)
    assert (
        "Nobody has seen the results yet"
        in client.get(f"/partnerships/{running.partnership_id}/rounds/{running.pk}/").content.decode()
    )
    client.get(f"/partnerships/{running.partnership_id}/rounds/{running.pk}/results/")
    assert Release.objects.filter(round=running).exists()
    first = _snapshot(client, running)
    # Nothing that changes later changes what was released: not an organisation moving sector,
    # not a new organisation, not the threshold setting.
    organisation = running.partnership.organisations.first()
    Organisation.objects.filter(pk=organisation.pk).update(sector="police")
    Organisation.objects.create(partnership=running.partnership, name="Northbridge Fire", sector="fire")
    settings.MIN_GROUP_SIZE = 3
    releases._computed.clear()
    assert _snapshot(client, running) == first
    with pytest.raises(TransitionRefused, match="results have been seen"):
        lifecycle.apply(running, "reopen", facilitator)
    assert "reopen" not in [t.name for t in lifecycle.available(running)]


def test_a_closed_round_nobody_has_looked_at_can_reopen(running, facilitator):
    lifecycle.apply(running, "close", facilitator)
    lifecycle.apply(running, "reopen", facilitator)
    assert Round.objects.get(pk=running.pk).state == "open"


def test_a_viewer_never_sees_an_unpublished_round_on_the_change_page(facilitator, framework_version, django_user_model):
    partnership = make_partnership(facilitator)
    earlier = make_round(partnership, framework_version, user=facilitator)
    for _ in range(THRESHOLD):
        complete_questionnaire(Client(), earlier, f"/r/{earlier.open_link_code}/", value="2")
    lifecycle.apply(earlier, "close", facilitator)
    Round.objects.filter(pk=earlier.pk).update(name="Autumn 2025 review")
    earlier.refresh_from_db()
    later = make_round(partnership, framework_version, user=facilitator)
    for _ in range(THRESHOLD):
        complete_questionnaire(Client(), later, f"/r/{later.open_link_code}/", value="4")
    for name in ("close", "publish"):
        lifecycle.apply(later, name, facilitator)
    viewer = django_user_model.objects.create_user("viv@northbridge.example", "a long enough password 1", name="Viv")
    add_member(partnership, viewer, Role.VIEWER)
    url = f"/partnerships/{partnership.pk}/rounds/{later.pk}/results/change/"
    page = _facilitator_client(viewer).get(url).content.decode()
    assert earlier.name not in page and "2.0" not in page
    # The facilitator, who may see the earlier round, gets the comparison.
    page = _facilitator_client(facilitator).get(url).content.decode()
    assert f"Compared with {earlier.name}" in page
