"""Results by language of response, through the release layer: offered only where answers came in
both languages, shown only where each language's part is large enough, fixed at release like
every other figure, and the page accessible to those who may read the results."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.integration.helpers import close, complete_questionnaire, make_partnership, make_round
from together.releases import services as releases
from together.reviews.models import Response

pytestmark = pytest.mark.django_db


def answer(round_, count: int, prefix: str, value: str) -> None:
    for _ in range(count):
        complete_questionnaire(Client(), round_, f"{prefix}/r/{round_.open_link_code}/", value=value, prefix=prefix)


def page(client, round_) -> str:
    return client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results/languages/")


def test_welsh_and_english_answers_side_by_side_when_both_are_large_enough(client, facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    answer(round_, 5, "/cy", "4")
    answer(round_, 5, "", "2")
    assert set(Response.objects.filter(round=round_).values_list("language", flat=True)) == {"cy", "en"}
    close(round_, facilitator)
    client.force_login(facilitator)
    overview = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results/").content.decode()
    assert "By language" in overview
    html = page(client, round_).content.decode()
    assert "Theme scores by language of response" in html
    assert '<span lang="cy">Cymraeg</span>' in html and "5 people" in html
    assert ">4.0<" in html and ">2.0<" in html
    report = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/report/").content.decode()
    assert "Theme scores by language of response" in report and '<span lang="cy">Cymraeg</span> (5 people)' in report
    comparison = releases.obtain(round_, "owner", facilitator).languages
    assert comparison.shown and comparison.respondents == {"cy": 5, "en": 5}
    # Fixed at release: a later change to what is stored does not move the figures.
    Response.objects.filter(round=round_, language="cy").update(language="en")
    assert releases.obtain(round_, "owner", facilitator).languages.respondents == {"cy": 5, "en": 5}


def test_too_few_in_one_language_shows_neither(client, facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    answer(round_, 2, "/cy", "4")
    answer(round_, 6, "", "2")
    close(round_, facilitator)
    client.force_login(facilitator)
    html = page(client, round_).content.decode()
    assert "so the results are not shown by language" in html
    assert "Theme scores by language of response" not in html and "2 people" not in html
    report = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/report/").content.decode()
    assert "Theme scores by language of response" not in report


def test_answers_in_one_language_offer_no_comparison_and_keep_their_release_as_before(
    client, facilitator, framework_version
):
    round_ = make_round(make_partnership(facilitator), framework_version)
    answer(round_, 6, "", "3")
    close(round_, facilitator)
    client.force_login(facilitator)
    assert page(client, round_).status_code == 404
    released = releases.obtain(round_, "owner", facilitator)
    assert "by_language" not in released.release.inputs and released.languages is None
    overview = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results/").content.decode()
    assert "By language" not in overview


def test_only_members_who_may_read_results_see_it(client, facilitator, framework_version):
    from tests.integration.helpers import add_member
    from together.accounts.models import User
    from together.partnerships.models import Role

    round_ = make_round(make_partnership(facilitator), framework_version)
    answer(round_, 5, "/cy", "4")
    answer(round_, 5, "", "2")
    close(round_, facilitator)
    viewer = User.objects.create_user("viewer@example.org", "pw-for-tests-only-1")
    add_member(round_.partnership, viewer, Role.VIEWER)
    outsider = User.objects.create_user("outsider@example.org", "pw-for-tests-only-1")
    client.force_login(viewer)
    assert page(client, round_).status_code in (403, 404)  # viewers wait for publication
    client.force_login(outsider)
    assert page(client, round_).status_code in (403, 404)
