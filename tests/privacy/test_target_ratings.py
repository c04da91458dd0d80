"""The second rating (where to be in a year) is stored in the answer's own row, with nothing else
about the respondent, and sealing a closed round moves it with its answer."""

import pytest
from django.test import Client

from tests.integration.helpers import close, complete_questionnaire, make_partnership, make_round
from tests.integration.test_custom_scale_round import HEALTH_CHECK_FILE
from together.frameworks import services
from together.reviews import reseal
from together.reviews.models import Answer, Response

pytestmark = pytest.mark.django_db


def test_sealing_keeps_each_target_with_its_answer(facilitator):
    version = services.load(HEALTH_CHECK_FILE).version
    round_ = make_round(make_partnership(facilitator), version)
    pairs = [("1", "2"), ("2", "4"), ("3", "3"), ("4", "4"), ("2", "3"), ("1", "4")]
    for value, target in pairs:
        complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/", value=value, target=target)
    before = sorted(Answer.objects.filter(round=round_).values_list("statement_id", "value", "target"))
    assert {(v, t) for _s, v, t in before} == {(int(v), int(t)) for v, t in pairs}
    ids_before = set(Answer.objects.filter(round=round_).values_list("id", flat=True))

    close(round_, facilitator)
    assert reseal.seal(round_) is True
    assert not Response.objects.filter(round=round_, sealed=False, state="submitted").exists()
    after = sorted(Answer.objects.filter(round=round_).values_list("statement_id", "value", "target"))
    assert after == before
    assert set(Answer.objects.filter(round=round_).values_list("id", flat=True)) == ids_before


def test_an_answer_holds_no_more_than_its_ratings_and_its_block():
    fields = {field.name for field in Answer._meta.concrete_fields}
    assert fields == {
        "id",
        "response",
        "round",
        "statement_id",
        "value",
        "target",
        "submitted",
        "organisation",
        "group",
    }
