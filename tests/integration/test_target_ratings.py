"""A framework that asks two questions of each statement (now, and in a year): the questionnaire
asks both and saves both in one statement, the check page shows both, and an import reads a
``statement-id:target`` column."""

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from tests.integration.helpers import make_partnership, make_round
from tests.integration.test_custom_scale_round import HEALTH_CHECK_FILE
from together.frameworks import services
from together.reviews import importer
from together.reviews.models import Answer, Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def health_version(db):
    return services.load(HEALTH_CHECK_FILE).version


def started(round_) -> tuple[Client, str]:
    client = Client()
    client.post(f"/r/{round_.open_link_code}/")
    base = f"/respond/{round_.public_id}"
    client.post(f"{base}/about/", {})
    return client, base


def test_a_theme_page_asks_both_questions_of_every_statement(facilitator, health_version):
    round_ = make_round(make_partnership(facilitator), health_version)
    client, base = started(round_)
    theme = round_.framework.themes[0]
    page = client.get(f"{base}/theme/{theme.id}/").content.decode()
    for statement in theme.statements:
        assert page.count(f'name="rating-{statement.id}"') == 4
        assert page.count(f'name="target-{statement.id}"') == 4
        # Each group's legend names the statement (hidden on screen) and its question.
        hidden = f'<span class="govuk-visually-hidden">{escape(statement.text.en)} – </span>'
        assert f"{hidden}Where are we now?</legend>" in page
        assert f"{hidden}Where do we want to be in a year?</legend>" in page
    assert "Choose the stage you think the partnership should reach twelve months from now." in page


def test_a_missing_target_is_an_error_for_its_group_and_nothing_is_saved(facilitator, health_version):
    round_ = make_round(make_partnership(facilitator), health_version)
    client, base = started(round_)
    theme = round_.framework.themes[0]
    first = theme.statements[0]
    data = {f"rating-{s.id}": "2" for s in theme.statements} | {f"target-{s.id}": "3" for s in theme.statements}
    del data[f"target-{first.id}"]
    response = client.post(f"{base}/theme/{theme.id}/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        f'<a href="#id_target-{first.id}_0">Answer “Where do we want to be in a year?” for this statement</a>' in page
    )
    assert f'id="id_target-{first.id}-error"' in page
    assert f'id="id_rating-{first.id}-error"' not in page
    # What was chosen stays chosen.
    assert f'name="rating-{first.id}" type="radio" value="2" checked' in page
    data[f"target-{first.id}"] = "9"
    page = client.post(f"{base}/theme/{theme.id}/", data).content.decode()
    assert "Select one of the options for “Where do we want to be in a year?”" in page
    assert not Answer.objects.exists()


def test_both_ratings_are_saved_in_one_statement_and_shown_again(facilitator, health_version):
    round_ = make_round(make_partnership(facilitator), health_version)
    client, base = started(round_)
    theme = round_.framework.themes[0]
    data = {f"rating-{s.id}": "1" for s in theme.statements} | {f"target-{s.id}": "4" for s in theme.statements}
    data["comment"] = ""
    with CaptureQueriesContext(connection) as queries:
        assert client.post(f"{base}/theme/{theme.id}/", data).status_code == 302
    writes = [q["sql"] for q in queries if "INSERT INTO" in q["sql"] and "reviews_answer" in q["sql"]]
    assert len(writes) == 1  # every answer of the page, both ratings, in one statement
    saved = set(Answer.objects.values_list("statement_id", "value", "target"))
    assert saved == {(s.id, 1, 4) for s in theme.statements}

    page = client.get(f"{base}/theme/{theme.id}/").content.decode()
    first = theme.statements[0]
    assert f'name="rating-{first.id}" type="radio" value="1" checked' in page
    assert f'name="target-{first.id}" type="radio" value="4" checked' in page

    # Changing the target alone replaces it.
    data[f"target-{first.id}"] = "2"
    assert client.post(f"{base}/theme/{theme.id}/", data).status_code == 302
    assert Answer.objects.get(statement_id=first.id).target == 2
    assert Answer.objects.count() == len(theme.statements)

    check = client.get(f"{base}/check/").content.decode()
    assert "Where are we now? 1 – Not started<br>Where do we want to be in a year? 2 – Developing" in check


def test_a_one_question_framework_refuses_target_fields(facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    client, base = started(round_)
    theme = round_.framework.themes[0]
    data = {f"rating-{s.id}": "3" for s in theme.statements}
    data[f"target-{theme.statements[0].id}"] = "4"
    page = client.post(f"{base}/theme/{theme.id}/", data).content.decode()
    assert "The form included a statement that is not part of this page. Nothing was saved" in page
    assert 'name="target-' not in page
    assert not Answer.objects.exists()


def test_an_import_reads_target_columns_and_checks_them(facilitator, health_version, framework_version):
    round_ = make_round(make_partnership(facilitator), health_version, open_=False)
    data = (
        b"direction-priorities,direction-priorities:target,direction-plans,direction-plans:target\n"
        b"2,4,1,\n"
        b"Developing,Leading,3,3\n"
    )
    assert importer.import_file(io.BytesIO(data), round_) == 2
    assert sorted(Answer.objects.filter(round=round_).values_list("statement_id", "value", "target")) == sorted(
        [
            ("direction-priorities", 2, 4),
            ("direction-plans", 1, None),
            ("direction-priorities", 2, 4),
            ("direction-plans", 3, 3),
        ]
    )

    again = make_round(make_partnership(facilitator, name="Another"), health_version, open_=False)
    bad = b"direction-priorities,direction-priorities:target,direction-plans:target\n2,5,3\n"
    with pytest.raises(importer.ImportInvalid) as raised:
        importer.import_file(io.BytesIO(bad), again)
    assert [str(p) for p in raised.value.problems] == [
        "row 2, column 'direction-priorities:target': '5' is not on the scale: use 1 to 4 or a label such as 'Leading'",
        "row 2, column 'direction-plans:target': a target needs the statement's rating for now in the same row",
    ]
    assert not Response.objects.filter(round=again).exists()

    # A framework that asks one question has no target columns.
    shipped = make_round(make_partnership(facilitator, name="Third"), framework_version, open_=False)
    statement = framework_version.framework.statements[0].id
    header = f"{statement},{statement}:target\n3,4\n".encode()
    mapping = {statement: statement, f"{statement}:target": f"{statement}:target"}
    with pytest.raises(importer.ImportInvalid) as raised:
        importer.import_file(io.BytesIO(header), shipped, mapping=mapping)
    assert [str(p) for p in raised.value.problems] == [
        f"row 1, column '{statement}:target': this round's framework asks one rating per statement, with no target"
    ]
