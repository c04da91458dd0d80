"""Residents' answers beside the partners', attacked as a determined reader would.

A facilitator reads the residents' page looking for a statement only one or two residents rated;
a viewer takes the response count on the round page and the people counted in the published
results, and subtracts. Each attack runs against the service, where it must find nothing, and
against a weakened copy of the rule, where it must find something: so the tests can fail.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

import together.analysis.audiences as audiences
from tests.integration.helpers import close, complete_questionnaire, make_partnership, make_round
from tests.integration.test_residents import add_residents, answer_as_resident
from together.partnerships.models import Membership, Role
from together.releases import services as releases
from together.reviews import lifecycle
from together.reviews.models import Answer

pytestmark = pytest.mark.django_db

LONE = "residents-honest"  # the statement only one resident rates


@pytest.fixture
def mixed(facilitator, framework_version, client):
    round_ = make_round(make_partnership(facilitator), framework_version)
    client.force_login(facilitator)
    link = add_residents(client, round_)
    for _ in range(5):
        complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/", value="3")
    for _ in range(5):
        answer_as_resident(round_, link, value="1")
    return round_


def _lone_rating(round_) -> None:
    """Four of the five residents said "don't know" to LONE; one rated it 5."""
    answers = list(Answer.objects.filter(round=round_, statement_id=LONE).order_by("pk"))
    Answer.objects.filter(pk=answers[0].pk).update(value=5)
    Answer.objects.filter(pk__in=[a.pk for a in answers[1:]]).update(value=None)


def read_lone_figure(client, round_) -> str | None:
    """The residents' figure the page gives for LONE, if any."""
    page = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results/views/residents/")
    html = page.content.decode()
    row = re.search(r"Services are honest with us about what works and what does not\.</td>(.*?)</tr>", html, re.S)
    assert row is not None
    cell = re.search(r'<td class="govuk-table__cell govuk-table__cell--numeric">(.*?)</td>', row[1], re.S)[1]
    figure = re.match(r"\s*(\d\.\d)", cell)
    return figure[1] if figure else None


def test_a_statement_one_resident_rated_shows_nothing(facilitator, mixed, client):
    _lone_rating(mixed)
    close(mixed, facilitator)
    assert read_lone_figure(client, mixed) is None


def test_the_attack_reads_the_lone_rating_against_a_weakened_rule(facilitator, mixed, client, monkeypatch):
    _lone_rating(mixed)
    close(mixed, facilitator)
    original = audiences.compare_audience

    def weakened(*args, **kwargs):
        found = original(*args, **kwargs)
        # No per-statement threshold: any rating shows.
        for index, pair in enumerate(found.pairs):
            if pair.audience.hidden:
                found.pairs[index] = audiences.Pair(
                    pair.theme, pair.statement, pair.mirror, pair.partners, audiences.Side(1, 5.0), None, pair.large
                )
        return found

    monkeypatch.setattr(audiences, "compare_audience", weakened)
    assert read_lone_figure(client, mixed) == "5.0"


def _viewer(round_, django_user_model) -> Client:
    viewer = django_user_model.objects.create_user(email="viewer@council.example", password="x-password-1")
    Membership.objects.create(partnership=round_.partnership, user=viewer, role=Role.VIEWER)
    client = Client()
    client.force_login(viewer)
    return client


def residents_by_subtraction(client, round_) -> int:
    """The round page's response count less the people the published results count."""
    page = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/").content.decode()
    shown = int(re.search(r"Responses</dt>\s*<dd[^>]*>(\d+)</dd>", page)[1])
    results = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results/").content.decode()
    counted = int(re.search(r"(\d+) (?:people|person) responded", results)[1])
    return shown - counted


@pytest.fixture
def few_residents(facilitator, framework_version, client):
    round_ = make_round(make_partnership(facilitator), framework_version)
    client.force_login(facilitator)
    link = add_residents(client, round_)
    for _ in range(6):
        complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/", value="3")
    for _ in range(2):
        answer_as_resident(round_, link, value="1")
    close(round_, facilitator)
    lifecycle.apply(round_, "publish", facilitator)
    return round_


def test_a_viewer_cannot_count_two_residents_by_subtraction(few_residents, django_user_model):
    client = _viewer(few_residents, django_user_model)
    assert residents_by_subtraction(client, few_residents) == 0
    page = client.get(f"/partnerships/{few_residents.partnership_id}/rounds/{few_residents.pk}/").content.decode()
    assert "Residents' and young people's responses" in page
    assert "Fewer than 5" in page


def test_the_subtraction_counts_them_against_a_weakened_count(few_residents, django_user_model, monkeypatch):
    from django.db.models import Count

    from together.reviews.models import Response

    def weakened(round_, role):
        # Everyone in one count, as before residents were counted apart.
        everyone = Response.objects.filter(round=round_, state="submitted").aggregate(n=Count("*"))["n"]
        return {"responses": everyone, "fewer_than": 5}

    monkeypatch.setattr(releases, "live_counts", weakened)
    client = _viewer(few_residents, django_user_model)
    assert residents_by_subtraction(client, few_residents) == 2
