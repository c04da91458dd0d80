"""The respondent's journey: save and return, closed rounds, and bad input that changes nothing."""

import time

import pytest

from tests.integration.helpers import complete_questionnaire, make_partnership, make_round
from together.partnerships.models import Organisation
from together.reviews import lifecycle, ratelimit
from together.reviews.models import Answer, Comment, Response, ResponseState

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(facilitator, framework_version):
    return make_round(make_partnership(facilitator), framework_version)


def start(client, round_):
    response = client.post(f"/r/{round_.open_link_code}/")
    assert response["Location"] == f"/respond/{round_.public_id}/about/"
    return f"/respond/{round_.public_id}"


def theme_data(theme, value="4", **extra):
    data = {f"rating-{s.id}": value for s in theme.statements}
    data.update(extra)
    return data


def test_start_page_explains_time_and_anonymity(client, round_):
    html = client.get(f"/r/{round_.open_link_code}/").content.decode()
    # Worked out from the framework's length: 43 statements with their guidance.
    assert "It takes about 25 minutes." in html
    assert "never stored with your name, email address or internet address" in html
    assert "Start now" in html


def test_pages_save_a_draft_and_the_resume_link_restores_it(client, round_):
    from django.test import Client

    base = start(client, round_)
    theme = round_.framework.themes[0]
    client.post(f"{base}/about/", {})
    client.post(f"{base}/theme/{theme.id}/", theme_data(theme, "2", comment="Good start"))
    html = client.get(f"{base}/theme/{round_.framework.themes[1].id}/").content.decode()
    resume = html[html.index("/resume/") :].split('"')[0]
    other_device = Client()
    response = other_device.get(resume)
    # The link is exchanged for a cookie on the round's start page, which offers to carry on here.
    assert response.status_code == 303 and response["Location"] == f"{base}/"
    assert "Carry on" in other_device.get(f"{base}/").content.decode()
    response = other_device.post(f"{base}/")
    # The next page not yet answered.
    assert response["Location"] == f"{base}/theme/{round_.framework.themes[1].id}/"
    page = other_device.get(f"{base}/theme/{theme.id}/").content.decode()
    assert 'value="2" checked' in page
    assert "Good start" in page
    # The answers are now this device's alone, under a new link.
    assert client.get(f"{base}/theme/{theme.id}/").status_code == 403
    assert resume not in page and "/resume/" in page


def test_invitation_link_resumes_its_draft(client, round_):
    from together.reviews import invitations

    token = invitations.import_csv(round_, b"email\nsam@example.org\n")[0].token
    client.post(f"/i/{token}/")
    theme = round_.framework.themes[0]
    client.post(f"/respond/{round_.public_id}/about/", {})
    client.post(f"/respond/{round_.public_id}/theme/{theme.id}/", theme_data(theme))
    client.cookies.clear()
    assert "Carry on" in client.get(f"/i/{token}/", follow=True).content.decode()
    assert client.post(f"/respond/{round_.public_id}/")["Location"].endswith(f"/theme/{round_.framework.themes[1].id}/")
    # Posting to the link itself, as the start page's form once did, carries on too.
    assert client.post(f"/i/{token}/")["Location"].endswith(f"/theme/{round_.framework.themes[1].id}/")
    assert Response.objects.count() == 1


def test_a_closed_round_shows_a_clear_page_and_keeps_the_draft(client, round_, facilitator):
    base = start(client, round_)
    theme = round_.framework.themes[0]
    client.post(f"{base}/about/", {})
    client.post(f"{base}/theme/{theme.id}/", theme_data(theme))
    lifecycle.apply(round_, "close", facilitator)
    page = client.get(f"{base}/theme/{round_.framework.themes[1].id}/")
    assert "This review is closed" in page.content.decode()
    assert "Your unsent answers are kept" in page.content.decode()
    assert client.post(f"{base}/check/").status_code == 200
    assert Response.objects.get().state == ResponseState.DRAFT
    assert Answer.objects.count() == len(theme.statements)
    lifecycle.apply(round_, "reopen", facilitator)
    assert client.get(f"{base}/theme/{round_.framework.themes[1].id}/").status_code == 200


def test_the_open_link_can_be_closed(client, round_, facilitator):
    client.force_login(facilitator)
    client.post(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/open-link/", {"enable": "0"})
    client.logout()
    page = client.get(f"/r/{round_.open_link_code}/")
    assert "This link is no longer taking answers" in page.content.decode()
    client.post(f"/r/{round_.open_link_code}/")
    assert not Response.objects.exists()


def test_missing_ratings_show_an_error_summary_and_save_nothing(client, round_):
    base = start(client, round_)
    theme = round_.framework.themes[0]
    data = theme_data(theme)
    del data[f"rating-{theme.statements[0].id}"]
    page = client.post(f"{base}/theme/{theme.id}/", data).content.decode()
    assert "There is a problem" in page
    assert f'href="#id_rating-{theme.statements[0].id}_0">Select how far this describes your partnership' in page
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d, t: d.update({f"rating-{t.statements[0].id}": "9"}),
            "Select one of the options for this statement",
        ),
        (
            lambda d, t: d.update({f"rating-{t.statements[0].id}": "0"}),
            "Select one of the options for this statement",
        ),
        (lambda d, t: d.update({"rating-not-a-statement": "3"}), "not part of this page"),
        (lambda d, t: d.update({"rating-political-support-public": "3"}), "not part of this page"),
        (lambda d, t: d.update({"comment": "x" * 2001}), "2,000 characters or fewer"),
    ],
)
def test_bad_ratings_are_rejected_with_a_message_and_nothing_is_saved(client, round_, change, message):
    base = start(client, round_)
    theme = round_.framework.theme("shared-purpose")
    data = theme_data(theme, comment="fine")
    change(data, theme)
    response = client.post(f"{base}/theme/{theme.id}/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Answer.objects.exists() and not Comment.objects.exists()


def test_another_partnerships_organisation_is_rejected(client, round_, facilitator, framework_version):
    other = make_partnership(facilitator, name="Elsewhere", organisations=("Elsewhere Council",))
    base = start(client, round_)
    foreign = Organisation.objects.get(partnership=other)
    page = client.post(f"{base}/about/", {"organisation": foreign.pk}).content.decode()
    assert "Select a valid choice" in page
    assert Response.objects.get().organisation is None


def test_another_rounds_pages_cannot_be_used_with_this_rounds_key(client, round_, facilitator, framework_version):
    other = make_round(round_.partnership, framework_version)
    start(client, round_)
    response = client.get(f"/respond/{other.public_id}/about/")
    assert response.status_code == 403
    assert "We cannot find your answers" in response.content.decode()


def test_more_than_three_priorities_are_refused(client, round_):
    base = start(client, round_)
    themes = [t.id for t in round_.framework.themes[:4]]
    page = client.post(f"{base}/priorities/", {"themes": themes}).content.decode()
    assert "Choose no more than 3 themes" in page
    assert not Response.objects.get().priorities.exists()


def test_markup_in_comments_is_shown_as_text(client, round_):
    complete_questionnaire(client, round_, f"/r/{round_.open_link_code}/", submit=False)
    theme = round_.framework.themes[0]
    base = f"/respond/{round_.public_id}"
    client.post(f"{base}/theme/{theme.id}/", theme_data(theme, comment="<script>alert(1)</script> & <b>bold</b>"))
    page = client.get(f"{base}/check/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


def test_check_answers_lists_every_answer_with_change_links(client, round_):
    complete_questionnaire(client, round_, f"/r/{round_.open_link_code}/", submit=False)
    page = client.get(f"/respond/{round_.public_id}/check/").content.decode()
    assert page.count("3 – Partly in place") == len(round_.framework.statements)
    assert page.count("?return=check") >= len(round_.framework.statements)
    # Changing an answer from here returns to the check page.
    theme = round_.framework.themes[2]
    response = client.post(f"/respond/{round_.public_id}/theme/{theme.id}/?return=check", theme_data(theme, "dk"))
    assert response["Location"] == f"/respond/{round_.public_id}/check/"
    assert Answer.objects.filter(statement_id=theme.statements[0].id).get().value is None


def test_submissions_are_rate_limited_per_client(client, round_, settings):
    settings.RESPONSE_RATE_LIMIT = (2, 3600)
    assert client.post(f"/r/{round_.open_link_code}/").status_code == 302
    client.cookies.clear()
    assert client.post(f"/r/{round_.open_link_code}/").status_code == 302
    client.cookies.clear()
    limited = client.post(f"/r/{round_.open_link_code}/")
    assert limited.status_code == 429
    assert "Too many attempts from your network" in limited.content.decode()
    assert Response.objects.count() == 2
    # Another address is not affected.
    assert client.post(f"/r/{round_.open_link_code}/", REMOTE_ADDR="192.0.2.7").status_code == 302


def test_sign_in_is_rate_limited(client, facilitator, settings, monkeypatch):
    settings.SIGN_IN_RATE_LIMIT = (3, 60)
    # The limit counts in fixed minutes: keep all four tries inside one, however slow the machine.
    now = (time.time() // 60) * 60 + 1
    monkeypatch.setattr(ratelimit.time, "time", lambda: now)
    for _ in range(3):
        assert client.post("/sign-in/", {"username": facilitator.email, "password": "wrong"}).status_code == 200
    response = client.post("/sign-in/", {"username": facilitator.email, "password": "a long enough password 1"})
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated
