"""The respondent pages' plain SQL gives what the ORM would, on SQLite and on PostgreSQL."""

import pytest
from django.db import transaction

from tests.integration.helpers import make_partnership, make_round
from together.partnerships.models import Organisation, RespondentGroup
from together.reviews import keys, questionnaire, sql
from together.reviews.models import Answer, Comment, Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    key = keys.new_key()
    return questionnaire.start(round_, key), key


def test_the_draft_and_its_round_come_back_as_the_orm_gives_them(draft):
    response, key = draft
    organisation = Organisation.objects.filter(partnership=response.round.partnership).first()
    questionnaire.save_about(response, organisation, None)
    theme = response.round.framework.themes[0]
    questionnaire.save_theme(response, response.round.framework, theme.id, {s.id: 4 for s in theme.statements}, "Good")

    found = sql.find_draft(keys.draft_digest(key))
    expected = Response.objects.select_related("round__framework_version").get(pk=response.pk)
    for field in Response._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    for field in type(expected.round)._meta.concrete_fields:
        assert getattr(found.round, field.attname) == getattr(expected.round, field.attname), field.name
    assert found.themes_done == [theme.id]
    assert found.round.framework_version.content_hash == expected.round.framework_version.content_hash
    # The framework's text is not read with every page, yet the framework is there when asked for.
    assert "content" in found.round.framework_version.get_deferred_fields()
    assert found.round.framework.themes[0].id == theme.id
    assert sql.find_draft(keys.draft_digest(keys.new_key())) is None


def test_answers_and_comments_are_replaced_not_added(draft):
    response, _key = draft
    framework = response.round.framework
    theme = framework.themes[0]
    ids = [s.id for s in theme.statements]
    questionnaire.save_theme(response, framework, theme.id, dict.fromkeys(ids, 2), "First thoughts")
    questionnaire.save_theme(response, framework, theme.id, {**dict.fromkeys(ids, 5), ids[0]: None}, "Second")

    answers, comment, targets = sql.saved_answers(response, theme.id)
    assert answers == {**dict.fromkeys(ids, 5), ids[0]: None}
    assert targets == dict.fromkeys(ids)  # this framework asks one question
    assert comment == "Second"
    assert Answer.objects.filter(response=response).count() == len(ids)
    assert list(Comment.objects.filter(response=response).values_list("text", flat=True)) == ["Second"]

    questionnaire.save_theme(response, framework, theme.id, dict.fromkeys(ids, 3), "")
    assert sql.saved_answers(response, theme.id)[1] == ""
    assert not Comment.objects.filter(response=response).exists()


def test_a_theme_page_reads_its_draft_and_answers_in_one_statement(draft):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response, key = draft
    framework = response.round.framework
    first, second = framework.themes[0], framework.themes[1]
    digest = keys.draft_digest(key)

    found, answers, comment, targets = sql.find_draft_and_answers(digest, first.id)
    assert (found.pk, found.round.pk, answers, comment, targets) == (response.pk, response.round.pk, {}, "", {})

    questionnaire.save_theme(response, framework, first.id, {s.id: 2 for s in first.statements}, "On the first")
    questionnaire.save_theme(response, framework, second.id, {s.id: None for s in second.statements}, "")
    for theme in (first, second):
        with CaptureQueriesContext(connection) as queries:
            found, answers, comment, targets = sql.find_draft_and_answers(digest, theme.id)
        assert len(queries) == 1
        assert (answers, comment, targets) == sql.saved_answers(response, theme.id)
        expected = sql.find_draft(digest)
        for field in Response._meta.concrete_fields:
            assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
        assert found.round.framework.themes[0].id == first.id
    assert sql.find_draft_and_answers(keys.draft_digest(keys.new_key()), first.id) == (None, {}, "", {})


def test_a_sent_response_cannot_be_touched(draft):
    response, key = draft
    Response.objects.filter(pk=response.pk).update(state="submitted", resume_digest=None)
    with transaction.atomic():
        assert sql.touch(response, {"about_done": True}) is False
    assert Response.objects.get(pk=response.pk).about_done is False


def test_pages_of_a_sent_response_change_nothing(draft):
    response, _key = draft
    framework = response.round.framework
    theme, other = framework.themes[0], framework.themes[1]
    questionnaire.save_theme(response, framework, theme.id, {s.id: 2 for s in theme.statements}, "")
    questionnaire.save_priorities(response, framework, [theme.id])
    Response.objects.filter(pk=response.pk).update(state="submitted", resume_digest=None)

    for theme_id, comment in ((theme.id, "Changed my mind"), (other.id, "A new comment")):
        ratings = {s.id: 5 for s in framework.theme(theme_id).statements}
        with pytest.raises(questionnaire.QuestionnaireError, match="already been sent"):
            questionnaire.save_theme(response, framework, theme_id, ratings, comment)
    with pytest.raises(questionnaire.QuestionnaireError, match="already been sent"):
        questionnaire.save_priorities(response, framework, [other.id])

    assert set(Answer.objects.filter(response=response).values_list("value", flat=True)) == {2}
    assert Answer.objects.filter(response=response).count() == len(theme.statements)
    assert not Comment.objects.filter(response=response).exists()
    assert sql.saved_priorities(response) == [theme.id]
    assert Response.objects.get(pk=response.pk).themes_done == [theme.id]


def test_sending_labels_every_answer_and_choice_or_changes_nothing(draft):
    from together.reviews.models import Priority, UsedKey

    response, key = draft
    round_ = response.round
    framework = round_.framework
    organisation = Organisation.objects.filter(partnership=round_.partnership).first()
    group = RespondentGroup.objects.filter(partnership=round_.partnership).first()
    questionnaire.save_about(response, organisation, group)
    for theme in framework.themes[:-1]:
        questionnaire.save_theme(response, framework, theme.id, {s.id: 3 for s in theme.statements}, "")
    questionnaire.save_priorities(response, framework, [framework.themes[0].id])
    ids = [s.id for theme in framework.themes for s in theme.statements]
    send = (round_.pk, keys.draft_digest(key), ids, keys.used_digest(key), response.updated_on)

    assert sql.send_draft(*send) == sql.INCOMPLETE  # the last theme is not answered
    assert Response.objects.get(pk=response.pk).state == "draft"
    assert not Answer.objects.filter(response=response, submitted=True).exists()
    assert not UsedKey.objects.exists()

    last = framework.themes[-1]
    questionnaire.save_theme(response, framework, last.id, {s.id: None for s in last.statements}, "")
    assert sql.send_draft(*send) == sql.SENT
    sent = Response.objects.get(pk=response.pk)
    assert (sent.state, sent.resume_digest, sent.submitted_on) == ("submitted", None, response.updated_on)
    for model in (Answer, Priority):
        labels = set(model.objects.filter(response=response).values_list("submitted", "organisation", "group"))
        assert labels == {(True, organisation.pk, group.pk)}, model
    assert Answer.objects.filter(response=response).count() == len(ids)
    assert UsedKey.objects.filter(digest=keys.used_digest(key), round=round_).exists()
    assert sql.send_draft(*send) == sql.NO_DRAFT  # once only


def test_chosen_themes_are_replaced_not_added(draft):
    response, _key = draft
    framework = response.round.framework
    first, second, third = (t.id for t in framework.themes[:3])
    questionnaire.save_priorities(response, framework, [first, second])
    questionnaire.save_priorities(response, framework, [second, third])
    assert sorted(sql.saved_priorities(response)) == sorted([second, third])
    questionnaire.save_priorities(response, framework, [])
    assert sql.saved_priorities(response) == []
    assert Response.objects.get(pk=response.pk).priorities_done is True


def test_starting_twice_with_one_key_gives_one_draft(draft):
    response, key = draft
    again = questionnaire.start(response.round, key)
    assert again.pk == response.pk
    assert Response.objects.filter(round=response.round).count() == 1
    assert again.state == "draft" and again.themes_done == [] and again.updated_on == response.updated_on


def test_rounds_and_the_check_page_read_as_the_orm_gives_them(draft):
    response, _key = draft
    round_ = response.round
    framework = round_.framework
    organisation = Organisation.objects.filter(partnership=round_.partnership).first()
    questionnaire.save_about(response, organisation, None)
    theme = framework.themes[1]
    questionnaire.save_theme(response, framework, theme.id, {s.id: 3 for s in theme.statements}, "A note")
    questionnaire.save_priorities(response, framework, [framework.themes[2].id, framework.themes[0].id])

    for found in (sql.find_round(open_link_code=round_.open_link_code), sql.find_round(public_id=round_.public_id)):
        assert found.pk == round_.pk and found.state == round_.state and found.public_id == round_.public_id
        assert found.partnership.name == round_.partnership.name
        assert found.framework.themes[0].id == framework.themes[0].id
    assert sql.find_round(open_link_code="no-such-code") is None

    answers, comments, chosen, organisation_name, group_name, targets = sql.everything_saved(response)
    assert targets == {s.id: None for s in theme.statements}
    assert answers == {s.id: 3 for s in theme.statements}
    assert comments == {theme.id: "A note"}
    assert chosen == {framework.themes[2].id, framework.themes[0].id}
    assert sorted(sql.saved_priorities(response)) == sorted(chosen)
    assert (organisation_name, group_name) == (organisation.name, None)


def test_the_about_page_choices_come_in_the_orms_order(facilitator):
    partnership = make_partnership(facilitator)
    # Names chosen so that creation order, id order and the models' own order all differ.
    Organisation.objects.create(partnership=partnership, name="Aardvark Housing", sector="housing")
    groups = list(RespondentGroup.objects.filter(partnership=partnership))
    for group in groups:  # the last group moves to the front
        group.position += 1
    groups[-1].position = 0
    RespondentGroup.objects.bulk_update(groups, ["position"])

    organisations, found_groups = sql.about_choices(partnership.pk)

    expected_organisations = list(Organisation.objects.filter(partnership=partnership))
    expected_groups = list(RespondentGroup.objects.filter(partnership=partnership))
    assert [o.pk for o in organisations] == [o.pk for o in expected_organisations]
    assert organisations[0].name == "Aardvark Housing"
    assert [g.pk for g in found_groups] == [g.pk for g in expected_groups]
    assert found_groups[0].pk == groups[-1].pk
    for found, expected in zip(organisations + found_groups, expected_organisations + expected_groups, strict=True):
        for field in type(expected)._meta.concrete_fields:
            assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert sql.about_choices(partnership.pk + 1000) == ([], [])


def test_instances_go_through_model_init_when_something_listens_for_it(draft):
    from django.db.models.signals import post_init

    response, key = draft
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(listener, sender=Response)
    try:
        found = sql.find_draft(keys.draft_digest(key))
    finally:
        post_init.disconnect(listener, sender=Response)
    assert seen == [found]
    assert found.pk == response.pk and not found._state.adding
    quiet = sql.find_draft(keys.draft_digest(key))
    assert len(seen) == 1 and quiet.pk == response.pk and quiet._state.db == "default"
