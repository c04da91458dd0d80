"""From a solo review to a partnership: "invite my partners to answer the same review"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.integration.helpers import add_member, complete_questionnaire, make_partnership
from tests.integration.test_solo import answer_all, start
from together.partnerships.models import Membership, Partnership, Role
from together.reviews.models import Answer, Response, Round, RoundState
from together.solo import cleanup
from together.solo.models import KeptReview, SoloReview

pytestmark = pytest.mark.django_db

FORM = {"name": "Afonvale Partnership", "place": "Afonvale", "round_name": "First partnership review"}


def sent_review(client: Client, framework_version, value="2") -> str:
    token = start(client)
    answer_all(client, framework_version.framework, value=value)
    assert client.post("/solo/review/send/")["Location"] == "/solo/review/report/"
    return token


def test_the_report_offers_it_and_asks_to_sign_in_first(client, framework_version):
    sent_review(client, framework_version)
    report = client.get("/solo/review/report/").content.decode()
    assert 'href="/solo/review/together/"' in report
    page = client.get("/solo/review/together/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your own answers are not carried into the round" in text
    assert 'href="/sign-in/?next=/solo/review/together/"' in text
    # Without an account nothing can be created.
    assert client.post("/solo/review/together/", FORM).status_code == 200
    assert not Partnership.objects.exists() and not KeptReview.objects.exists()


def test_a_draft_review_cannot_be_turned_into_a_partnership(client, framework_version, facilitator):
    start(client)
    client.force_login(facilitator)
    assert client.post("/solo/review/together/", FORM)["Location"] == "/solo/review/"
    assert not Partnership.objects.exists()


def test_signed_in_it_creates_the_partnership_and_a_draft_round_without_the_answers(
    client, framework_version, facilitator
):
    sent_review(client, framework_version, value="1")
    client.force_login(facilitator)
    response = client.post("/solo/review/together/", FORM)
    round_ = Round.objects.get()
    assert response["Location"] == f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/"
    assert round_.state == RoundState.DRAFT
    assert round_.framework_version == framework_version
    assert round_.name == "First partnership review"
    assert round_.partnership.name == "Afonvale Partnership" and round_.partnership.place == "Afonvale"
    assert Membership.objects.get(partnership=round_.partnership).user == facilitator
    assert Membership.objects.get(partnership=round_.partnership).role == Role.OWNER
    # The leader's answers are not in the round.
    assert not Response.objects.exists() and not Answer.objects.exists()
    kept = KeptReview.objects.get()
    assert (kept.user, kept.round) == (facilitator, round_)
    page = client.get(response["Location"]).content.decode()
    assert "Your own answers are not part of the round" in page
    assert f'href="/solo/then/{round_.pk}/"' in page
    # Asking again does not make a second partnership.
    again = client.post("/solo/review/together/", FORM)
    assert "You have already started a partnership from this review" in again.content.decode()
    assert Partnership.objects.count() == 1


def test_bad_input_is_named_and_changes_nothing(client, framework_version, facilitator):
    sent_review(client, framework_version)
    client.force_login(facilitator)
    page = client.post("/solo/review/together/", {"name": "", "place": "x" * 121, "round_name": ""})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Enter the partnership&#x27;s name" in text or "Enter the partnership's name" in text
    assert "The place must be 120 characters or fewer" in text
    assert "Enter a name for the round" in text
    assert not Partnership.objects.exists()


def test_how_i_saw_it_then_is_for_its_leader_alone(client, framework_version, facilitator):
    from together.accounts.models import User

    sent_review(client, framework_version, value="1")
    client.force_login(facilitator)
    client.post("/solo/review/together/", FORM)
    round_ = Round.objects.get()
    mine = client.get(f"/solo/then/{round_.pk}/")
    assert mine.status_code == 200
    text = mine.content.decode()
    assert "How I saw it then" in text and "it is not part of the round" in text
    pdf = client.get(f"/solo/then/{round_.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # A colleague in the same partnership, with the highest role, sees nothing of it.
    colleague = User.objects.create_user("colleague@afonvale.example", "a long enough password 1", name="Col")
    add_member(round_.partnership, colleague, role=Role.OWNER)
    other = Client()
    other.force_login(colleague)
    assert other.get(f"/solo/then/{round_.pk}/").status_code == 404
    assert other.get(f"/solo/then/{round_.pk}/report.pdf").status_code == 404
    assert "/solo/then/" not in other.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/").content.decode()
    # Nobody signed out sees it either.
    assert Client().get(f"/solo/then/{round_.pk}/")["Location"].startswith("/sign-in/")


def test_the_kept_review_is_never_in_the_round_s_results(client, framework_version, facilitator):
    from tests.integration.helpers import close, released

    sent_review(client, framework_version, value="1")
    client.force_login(facilitator)
    client.post("/solo/review/together/", FORM)
    round_ = Round.objects.get()
    partnership = round_.partnership
    partnership.organisations.create(name="Afonvale Council", sector="local-authority")
    from together.reviews import lifecycle

    lifecycle.apply(round_, "open", facilitator)
    for _ in range(5):
        complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/", value="4")
    results = released(close(round_)).results
    assert results.respondents == 5
    assert all(results.statements[s.id].mean == 4.0 for s in framework_version.framework.statements)
    overview = client.get(f"/partnerships/{partnership.pk}/rounds/{round_.pk}/results/").content.decode()
    assert f'href="/solo/then/{round_.pk}/"' in overview


def test_deleting_the_review_or_its_expiry_removes_what_was_kept(client, framework_version, facilitator, settings):
    sent_review(client, framework_version)
    client.force_login(facilitator)
    client.post("/solo/review/together/", FORM)
    round_ = Round.objects.get()
    assert client.post("/solo/review/delete/").status_code == 302
    assert not KeptReview.objects.exists() and Round.objects.filter(pk=round_.pk).exists()
    assert client.get(f"/solo/then/{round_.pk}/").status_code == 404
    # A second leader's review expires on schedule, kept or not.
    second = Client()
    sent_review(second, framework_version)
    second.force_login(facilitator)
    second.post("/solo/review/together/", {**FORM, "name": "Second Partnership"})
    SoloReview.objects.update(expires_on=timezone.localdate() - timedelta(days=1))
    assert cleanup.remove_expired() == 1
    assert not KeptReview.objects.exists()


def test_another_partnership_s_member_cannot_reach_it(client, framework_version, facilitator):
    from together.accounts.models import User

    sent_review(client, framework_version)
    client.force_login(facilitator)
    client.post("/solo/review/together/", FORM)
    round_ = Round.objects.get()
    stranger = User.objects.create_user("s@elsewhere.example", "a long enough password 1", name="S")
    make_partnership(stranger, name="Elsewhere")
    other = Client()
    other.force_login(stranger)
    assert other.get(f"/solo/then/{round_.pk}/").status_code == 404
