"""The round's state machine: only the listed changes, each guarded and logged."""

import pytest

from tests.integration.helpers import complete_questionnaire, make_partnership, make_round
from together.partnerships.models import Organisation
from together.reviews import lifecycle
from together.reviews.lifecycle import TransitionRefused
from together.reviews.models import Round, RoundEvent, RoundState

pytestmark = pytest.mark.django_db


def test_the_whole_lifecycle_is_logged(client, facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version, open_=False)
    lifecycle.apply(round_, "open", facilitator)
    complete_questionnaire(client, round_, f"/r/{round_.open_link_code}/")
    for name in ("close", "reopen", "close", "publish", "archive"):
        lifecycle.apply(round_, name, facilitator)
    assert Round.objects.get(pk=round_.pk).state == RoundState.ARCHIVED
    assert [(e.from_state, e.to_state) for e in RoundEvent.objects.filter(round=round_)] == [
        ("draft", "open"),
        ("open", "closed"),
        ("closed", "open"),
        ("open", "closed"),
        ("closed", "published"),
        ("published", "archived"),
    ]
    assert all(e.user == facilitator for e in RoundEvent.objects.all())


@pytest.mark.parametrize(
    ("state", "name"),
    [
        ("draft", "close"),
        ("draft", "publish"),
        ("open", "publish"),
        ("open", "open"),
        ("closed", "archive"),
        ("published", "reopen"),
        ("archived", "open"),
        ("archived", "reopen"),
        ("draft", "no-such-change"),
    ],
)
def test_changes_not_in_the_machine_are_refused_and_change_nothing(facilitator, framework_version, state, name):
    round_ = make_round(make_partnership(facilitator), framework_version, open_=False)
    Round.objects.filter(pk=round_.pk).update(state=state)
    round_.refresh_from_db()
    with pytest.raises(TransitionRefused):
        lifecycle.apply(round_, name, facilitator)
    assert Round.objects.get(pk=round_.pk).state == state
    assert not RoundEvent.objects.exists()


def test_a_round_cannot_open_without_organisations(facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator, organisations=()), framework_version, open_=False)
    with pytest.raises(TransitionRefused, match="Add at least one partner organisation"):
        lifecycle.apply(round_, "open", facilitator)
    Organisation.objects.create(partnership=round_.partnership, name="Northbridge Council", sector="local-authority")
    lifecycle.apply(round_, "open", facilitator)
    assert round_.state == RoundState.OPEN


def test_a_round_without_responses_cannot_be_published(facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    lifecycle.apply(round_, "close", facilitator)
    with pytest.raises(TransitionRefused, match="no responses"):
        lifecycle.apply(round_, "publish", facilitator)


def test_questions_cannot_change_once_open(facilitator, framework_version, tmp_path):
    from tests.conftest import MINIMAL_FILE
    from together.frameworks import services

    other = services.load(MINIMAL_FILE).version
    draft = make_round(make_partnership(facilitator), framework_version, open_=False)
    draft.framework_version = other
    draft.save()  # a draft may still change its questions
    draft.framework_version = framework_version
    draft.save()
    lifecycle.apply(draft, "open", facilitator)
    draft.framework_version = other
    with pytest.raises(ValueError, match="cannot change once it has opened"):
        draft.save()
    assert Round.objects.get(pk=draft.pk).framework_version == framework_version


def test_state_is_not_editable_through_forms():
    assert not Round._meta.get_field("state").editable


def test_transitions_through_the_web_page(client, facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version, open_=False)
    client.force_login(facilitator)
    url = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/state/"
    response = client.post(url, {"transition": "open"}, follow=True)
    assert "The round is now open." in response.content.decode()
    response = client.post(url, {"transition": "publish"}, follow=True)
    assert "This round is open, so it cannot be changed that way." in response.content.decode()
    assert Round.objects.get(pk=round_.pk).state == RoundState.OPEN


def test_archiving_forgets_who_was_invited(client, facilitator, framework_version):
    from together.reviews import invitations
    from together.reviews.models import Invitation, Response

    round_ = make_round(make_partnership(facilitator), framework_version)
    token = invitations.import_csv(round_, b"email\nsam@example.org\nali@example.org\n")[0].token
    complete_questionnaire(client, round_, f"/i/{token}/")
    for name in ("close", "publish"):
        lifecycle.apply(round_, name, facilitator)
    assert Invitation.objects.filter(round=round_).count() == 2
    lifecycle.apply(round_, "archive", facilitator)
    assert not Invitation.objects.filter(round=round_).exists()
    assert Response.objects.filter(round=round_, state="submitted").count() == 1
