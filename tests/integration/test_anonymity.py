"""Anonymity is a property of the schema: no path leads from a response to a person."""

import math
import re

import pytest
from django.db import models

from tests.integration.helpers import complete_questionnaire, make_partnership, make_round
from together.reviews import keys, questionnaire
from together.reviews.models import (
    Answer,
    Comment,
    Invitation,
    Priority,
    RateLimitWindow,
    Response,
    ResponseState,
    UsedKey,
)

pytestmark = pytest.mark.django_db

IDENTIFYING = re.compile(r"user|name|email|token|ip|address|invitation|agent|session|created_at|time", re.I)


# A draft is found by keyed hashes of its browser's key and, for a personal invitation, of the
# invitation's token; both are erased when it is sent (see the tests below and tests/privacy).
ERASED_ON_SENDING = {"resume_digest", "invitation_digest", "used_digest"}


@pytest.mark.parametrize("model", [Response, Answer, Comment, Priority])
def test_answer_tables_hold_nothing_that_identifies_a_person(model):
    for field in model._meta.get_fields():
        allowed = {"theme_id"} | (ERASED_ON_SENDING if model is Response else set())
        assert not IDENTIFYING.search(field.name) or field.name in allowed, f"{model.__name__}.{field.name}"
        if isinstance(field, models.DateTimeField):
            pytest.fail(f"{model.__name__}.{field.name} keeps a time of day; only dates are allowed")
    assert isinstance(model._meta.pk, models.UUIDField), "random keys: ordering must not reveal submission order"


def test_no_relation_leads_from_a_response_to_an_invitation_or_a_person():
    from together.accounts.models import User

    def related_models(model):
        return {f.related_model for f in model._meta.get_fields() if f.is_relation and f.related_model}

    # Walk every relation reachable from a response, in both directions.
    seen, queue = set(), [Response]
    while queue:
        model = queue.pop()
        if model in seen:
            continue
        seen.add(model)
        for related in related_models(model):
            # Organisations and groups are shared labels; going on from them leads to the whole partnership.
            if related.__name__ in {"Organisation", "RespondentGroup", "Round"}:
                continue
            # A moderation record names the facilitator who hid a comment, not its author.
            if related.__name__ == "CommentModeration":
                continue
            # An imported response came from a file, not from someone answering here; its batch
            # names the facilitator who imported the file (the round's log says so anyway).
            if related.__name__ == "ImportedResponse":
                continue
            queue.append(related)
    assert Invitation not in seen
    assert User not in seen
    assert UsedKey not in seen and RateLimitWindow not in seen


def test_tokens_are_unguessable_and_stored_only_as_hashes(client, facilitator, framework_version):
    from together.reviews import invitations

    round_ = make_round(make_partnership(facilitator), framework_version)
    created = invitations.import_csv(round_, b"email\na@example.org\nb@example.org\n")
    tokens = [i.token for i in created]
    assert len(set(tokens)) == 2
    for invitation, token in zip(created, tokens, strict=True):
        # base64url: 6 bits a character; at least 128 bits of entropy.
        assert len(token) * 6 >= 128 and re.fullmatch(r"[A-Za-z0-9_-]+", token)
        stored = Invitation.objects.filter(pk=invitation.pk).values().get()
        assert token not in {str(v) for v in stored.values()}
        assert stored["token_digest"] == keys.token_digest(token)
    assert math.log2(64) * len(keys.new_key()) >= 128


def test_an_invitation_submits_once_and_leaves_no_trace_on_the_response(client, facilitator, framework_version):
    from together.reviews import invitations

    round_ = make_round(make_partnership(facilitator), framework_version)
    invitation = invitations.import_csv(round_, b"name,email\nSam Patel,sam@example.org\n")[0]
    token = invitation.token
    complete_questionnaire(client, round_, f"/i/{token}/")
    assert invitations.has_responded(invitation, invitations.used_digests(round_))
    response = Response.objects.get()
    assert response.state == ResponseState.SUBMITTED
    assert (response.resume_digest, response.invitation_digest, response.used_digest) == (None, None, None)
    values = {str(v) for v in Response.objects.filter(pk=response.pk).values().get().values()}
    secrets = (token, keys.token_digest(token), keys.draft_digest(token), keys.invitation_draft_digest(token))
    for secret in (*secrets, keys.used_digest(token), "sam@example.org", "Sam Patel"):
        assert secret not in values
    assert questionnaire.find_draft(round_, token) is None
    assert not questionnaire.has_invitation_draft(round_, token)
    # The link now says it has been used, and cannot start a second response.
    page = client.get(f"/i/{token}/", follow=True)
    assert "You have already sent your answers" in page.content.decode()
    assert client.post(f"/i/{token}/").status_code == 200
    assert Response.objects.count() == 1


def test_double_submission_gives_one_response(client, facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    complete_questionnaire(client, round_, f"/r/{round_.open_link_code}/", submit=False)
    draft = Response.objects.get()
    key = client.cookies[f"respond-{round_.public_id.hex}"].value
    assert key
    first = client.post(f"/respond/{round_.public_id}/check/")
    # The browser sends the same form again (a double click) with the same cookie.
    client.cookies[f"respond-{round_.public_id.hex}"] = key
    second = client.post(f"/respond/{round_.public_id}/check/")
    assert first.status_code == 302 and second.status_code == 302
    assert first["Location"] == second["Location"] == f"/respond/{round_.public_id}/done/"
    assert Response.objects.filter(state=ResponseState.SUBMITTED).count() == 1
    assert Response.objects.get().pk == draft.pk
    assert Answer.objects.count() == len(framework_version.framework.statements)


def test_submission_is_refused_until_every_statement_is_answered(client, facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    client.post(f"/r/{round_.open_link_code}/")
    response = client.post(f"/respond/{round_.public_id}/check/")
    assert response.status_code == 200
    assert "Answer every statement before you send your answers." in response.content.decode()
    assert Response.objects.get().state == ResponseState.DRAFT


def test_dates_are_coarse(client, facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    complete_questionnaire(client, round_, f"/r/{round_.open_link_code}/")
    response = Response.objects.values("submitted_on", "updated_on").get()
    assert all(type(value).__name__ == "date" for value in response.values())
