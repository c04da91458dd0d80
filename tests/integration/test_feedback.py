""" "You said, we did" and a respondent's own copy of what they sent."""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import Client

from tests.integration.helpers import add_member, close, complete_questionnaire, make_partnership, make_round
from together.actions.models import Action, ActionState
from together.feedback import copy
from together.feedback.models import Summary
from together.partnerships.models import Role
from together.reviews import lifecycle
from together.reviews.models import Response

pytestmark = pytest.mark.django_db


def answered_round(facilitator, framework_version, n=6, value="3"):
    round_ = make_round(make_partnership(facilitator), framework_version)
    for _ in range(n):
        complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/", value=value)
    return round_


def edit_url(round_):
    return f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/you-said-we-did/"


def public_url(round_):
    return f"/respond/{round_.public_id}/you-said-we-did/"


def test_written_after_closing_and_read_by_respondents_once_published(client, framework_version, facilitator):
    round_ = answered_round(facilitator, framework_version)
    client.force_login(facilitator)
    # Not while the round is open.
    assert client.get(edit_url(round_))["Location"].endswith(f"/rounds/{round_.pk}/")
    close(round_)
    page = client.get(edit_url(round_))
    assert page.status_code == 200
    text = page.content.decode()
    first = framework_version.framework.themes[0]
    assert "You said, we did" in text and f'name="theme-{first.id}"' in text
    response = client.post(
        edit_url(round_), {"introduction": "Thank you, all 6 of you.", f"theme-{first.id}": "We set up a joint board."}
    )
    assert response.status_code == 302
    summary = Summary.objects.get(round=round_)
    assert summary.items.get(theme_id=first.id).text == "We set up a joint board."
    # Closed but not published: respondents' links show nothing of it.
    assert Client().get(public_url(round_)).status_code == 404
    closed_page = Client().get(f"/r/{round_.open_link_code}/").content.decode()
    assert public_url(round_) not in closed_page
    lifecycle.apply(round_, "publish", facilitator)
    closed_page = Client().get(f"/r/{round_.open_link_code}/").content.decode()
    assert f'href="{public_url(round_)}"' in closed_page
    shown = Client().get(public_url(round_))
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "Thank you, all 6 of you." in text and "We set up a joint board." in text
    assert "6 people answered the review" in text
    # Figures are everyone together only: no organisation or group breakdown on the page.
    for organisation in round_.partnership.organisations.all():
        assert organisation.name not in text


def test_agreed_actions_are_listed_and_proposed_ones_are_not(client, framework_version, facilitator):
    round_ = close(answered_round(facilitator, framework_version))
    theme = framework_version.framework.themes[1]
    Action.objects.create(
        partnership=round_.partnership, round=round_, title="Agreed joint plan", theme_id=theme.id, state="agreed"
    )
    Action.objects.create(
        partnership=round_.partnership,
        round=round_,
        title="Only an idea",
        theme_id=theme.id,
        state=ActionState.PROPOSED,
    )
    client.force_login(facilitator)
    client.post(edit_url(round_), {"introduction": "Thanks."})
    lifecycle.apply(round_, "publish", facilitator)
    text = Client().get(public_url(round_)).content.decode()
    assert "Agreed joint plan" in text and "Only an idea" not in text


def test_too_few_responses_show_no_figures(client, framework_version, facilitator, settings):
    round_ = close(answered_round(facilitator, framework_version, n=2, value="5"))
    client.force_login(facilitator)
    first = framework_version.framework.themes[0]
    client.post(edit_url(round_), {"introduction": "Thanks.", f"theme-{first.id}": "We heard you."})
    lifecycle.apply(round_, "publish", facilitator)
    text = Client().get(public_url(round_)).content.decode()
    assert "We heard you." in text
    assert "Scored" not in text and "people answered the review" not in text


def test_only_members_who_run_it_may_write_it_and_bad_input_changes_nothing(client, framework_version, facilitator):
    from together.accounts.models import User

    round_ = close(answered_round(facilitator, framework_version))
    viewer = User.objects.create_user("v@northbridge.example", "a long enough password 1", name="V")
    add_member(round_.partnership, viewer, role=Role.VIEWER)
    stranger = User.objects.create_user("s@elsewhere.example", "a long enough password 1", name="S")
    for user in (viewer, stranger):
        other = Client()
        other.force_login(user)
        assert other.get(edit_url(round_)).status_code in (403, 404)
        assert other.post(edit_url(round_), {"introduction": "Mine now"}).status_code in (403, 404)
    client.force_login(facilitator)
    first = framework_version.framework.themes[0]
    page = client.post(edit_url(round_), {"introduction": "x" * 2001, f"theme-{first.id}": "fine"})
    assert page.status_code == 200
    assert "The introduction must be 2000 characters or fewer" in page.content.decode()
    assert not Summary.objects.exists()


def test_a_draft_or_unknown_round_has_no_summary_page(client, framework_version, facilitator):
    round_ = make_round(make_partnership(facilitator), framework_version, open_=False)
    assert Client().get(public_url(round_)).status_code == 404
    assert Client().get("/respond/00000000-0000-0000-0000-000000000000/you-said-we-did/").status_code == 404


def test_a_copy_of_my_answers_only_when_asked_and_only_in_my_browser(framework_version, facilitator):
    round_ = make_round(make_partnership(facilitator), framework_version)
    done = f"/respond/{round_.public_id}/done/"
    # Not asked: the confirmation page shows no answers and no copy cookie is set.
    plain = Client()
    page = complete_questionnaire(plain, round_, f"/r/{round_.open_link_code}/", value="2")
    assert "Your answers have been sent" in page and "Forget this copy" not in page
    assert copy.cookie_name(round_) not in plain.cookies

    asked = Client()
    complete_questionnaire(asked, round_, f"/r/{round_.open_link_code}/", value="4", submit=False)
    response = asked.post(f"/respond/{round_.public_id}/check/", {"copy": "yes"})
    assert response.status_code == 302 and response["Location"] == done
    cookie = response.cookies[copy.cookie_name(round_)]
    assert cookie["path"] == done and cookie["httponly"] and cookie["max-age"] == 30 * 60
    page = asked.get(done).content.decode()
    framework = framework_version.framework
    assert "Your answers" in page and "Forget this copy" in page
    assert framework.statements[0].text.en in page
    assert f"4 – {framework.scale.level(4).label.en}" in page
    assert framework.themes[0].title.en in page
    # Nothing of it is on the server: the response holds no more than before.
    assert Response.objects.filter(state="submitted").count() == 2
    # Another browser sees nothing; a forged cookie is ignored.
    assert "Forget this copy" not in Client().get(done).content.decode()
    forged = Client()
    forged.cookies[copy.cookie_name(round_)] = signing.dumps({"v": []}, salt="another")
    assert "Forget this copy" not in forged.get(done).content.decode()
    # "Forget this copy" removes it at once.
    forgotten = asked.post(done)
    assert forgotten.status_code == 302
    assert forgotten.cookies[copy.cookie_name(round_)]["max-age"] == 0
    assert "Forget this copy" not in asked.get(done).content.decode()
