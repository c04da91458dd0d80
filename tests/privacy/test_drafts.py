"""Attacks on drafts and links: who can reach a draft, and where a token can be read.

Each attack runs against the service as built, where it must fail, and against a copy with the
protection taken out (the ``weakened`` cases), where it must succeed, so the test can fail.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from gunicorn.config import Config
from gunicorn.glogging import Logger

from tests.integration.helpers import complete_questionnaire, make_partnership, make_round
from together import gunicorn_conf
from together.reviews import invitations, keys, questionnaire, respond, sql
from together.reviews.models import Response, ResponseState, UsedKey

pytestmark = pytest.mark.django_db

AS_BUILT, WEAKENED = "as built", "weakened"


@pytest.fixture
def round_(facilitator, framework_version):
    return make_round(make_partnership(facilitator), framework_version)


def _one_key_for_everyone(monkeypatch):
    """The weakening: a draft keeps one key whichever browser opens its link (no new key, so the
    earlier browser's cookie and the old link keep reaching it), as when the key was the token."""
    monkeypatch.setattr(keys, "new_key", lambda: "the-same-key-for-every-browser")


def _answer_theme(client, round_, theme, value, comment):
    data = {f"rating-{s.id}": value for s in theme.statements}
    data["comment"] = comment
    response = client.post(f"/respond/{round_.public_id}/theme/{theme.id}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def _resume_link(page: str) -> str:
    start = page.index("/resume/")
    return page[start : page.index('"', start)]


@pytest.mark.parametrize("protection", [AS_BUILT, WEAKENED])
def test_a_resume_link_given_to_someone_else_leaves_the_giver_nothing(client, round_, monkeypatch, protection):
    if protection == WEAKENED:
        _one_key_for_everyone(monkeypatch)
    base = f"/respond/{round_.public_id}"
    themes = round_.framework.themes
    # The attacker starts a draft and passes its "come back later" link to the victim.
    attacker = client
    attacker.post(f"/r/{round_.open_link_code}/")
    attacker.post(f"{base}/about/", {})
    link = _resume_link(attacker.get(f"{base}/theme/{themes[0].id}/").content.decode())

    victim = Client()
    opened = victim.get(link)
    assert opened.status_code == 303 and opened["Location"] == f"{base}/"
    assert "Carry on" in victim.get(f"{base}/").content.decode()
    assert victim.post(f"{base}/").status_code == 302
    secret = "The victim thinks the council listens"
    _answer_theme(victim, round_, themes[0], "1", secret)
    victim_page = victim.get(f"{base}/theme/{themes[0].id}/").content.decode()
    assert secret in victim_page

    # What the attacker can still reach: their own cookie, the old link, and the victim's new link
    # if it were the same as theirs.
    seen = [attacker.get(f"{base}/theme/{themes[0].id}/"), attacker.get(f"{base}/check/")]
    snooper = Client()
    seen.append(snooper.get(link, follow=True))
    seen.append(snooper.post(f"{base}/"))
    if seen[-1].status_code == 302:
        seen.append(snooper.get(f"{base}/check/"))
    reached = any(secret in page.content.decode() for page in seen)
    if protection == AS_BUILT:
        assert not reached
        assert seen[0].status_code == 403 and "We cannot find your answers" in seen[0].content.decode()
        assert "This link has already been used" in seen[2].content.decode()
        assert _resume_link(victim_page) != link  # the victim was given a new link of their own
        assert victim.get(f"{base}/theme/{themes[0].id}/").status_code == 200  # and keeps the draft
    else:
        assert reached, "the weakened copy must let the attacker read the victim's answers"


@pytest.mark.parametrize("protection", [AS_BUILT, WEAKENED])
def test_an_invitation_link_moves_its_draft_to_the_browser_that_opens_it(round_, monkeypatch, protection):
    if protection == WEAKENED:
        _one_key_for_everyone(monkeypatch)
    (invitation,) = invitations.import_csv(round_, b"email\nsam@example.org\n")
    base = f"/respond/{round_.public_id}"
    theme = round_.framework.themes[0]
    laptop = Client()
    laptop.get(f"/i/{invitation.token}/")
    assert laptop.post(f"{base}/").status_code == 302
    laptop.post(f"{base}/about/", {})
    _answer_theme(laptop, round_, theme, "2", "Written on the laptop")

    phone = Client()
    assert phone.get(f"/i/{invitation.token}/", follow=True).content.decode().count("Carry on") >= 1
    assert phone.post(f"{base}/")["Location"] == f"{base}/theme/{round_.framework.themes[1].id}/"
    assert "Written on the laptop" in phone.get(f"{base}/theme/{theme.id}/").content.decode()

    left_behind = laptop.get(f"{base}/theme/{theme.id}/")
    if protection == AS_BUILT:
        assert left_behind.status_code == 403
        assert "Written on the laptop" not in left_behind.content.decode()
    else:
        assert "Written on the laptop" in left_behind.content.decode(), "the weakened copy must share the draft"
        return
    # The invitation link keeps working for the invitee, and there is still one draft.
    laptop.get(f"/i/{invitation.token}/")
    assert laptop.post(f"{base}/").status_code == 302
    assert "Written on the laptop" in laptop.get(f"{base}/theme/{theme.id}/").content.decode()
    assert phone.get(f"{base}/theme/{theme.id}/").status_code == 403
    assert Response.objects.filter(round=round_).count() == 1


def test_an_invitation_sent_twice_stores_one_response_and_confirms_both(round_):
    (invitation,) = invitations.import_csv(round_, b"email\nsam@example.org\n")
    client = Client()
    complete_questionnaire(client, round_, f"/i/{invitation.token}/", submit=False)
    name = f"respond-{round_.public_id.hex}"
    cookie = client.cookies[name].value
    first = client.post(f"/respond/{round_.public_id}/check/")
    client.cookies[name] = cookie  # a double click sends the same form with the same cookie
    second = client.post(f"/respond/{round_.public_id}/check/")
    assert first["Location"] == second["Location"] == f"/respond/{round_.public_id}/done/"
    assert Response.objects.filter(round=round_, state=ResponseState.SUBMITTED).count() == 1
    assert UsedKey.objects.filter(round=round_, digest=keys.used_digest(invitation.token)).count() == 1
    # Another browser with the same link is told it has been used, and starts nothing.
    other = Client()
    assert "You have already sent your answers" in other.get(f"/i/{invitation.token}/", follow=True).content.decode()
    assert other.post(f"/i/{invitation.token}/").status_code == 200
    assert Response.objects.filter(round=round_).count() == 1


def _render_at_the_token_address(monkeypatch):
    """The weakening: a link with a token answers with the start page at its own address, its
    form posting back there, as the service did before tokens were exchanged for a cookie."""

    def exchange(request, round_, kind, secret):
        found = sql.find_round(public_id=round_.public_id)
        return respond._start_page(request, found, kind=kind, action=request.path)

    monkeypatch.setattr(respond, "_exchange", exchange)


@pytest.mark.parametrize("protection", [AS_BUILT, WEAKENED])
def test_no_address_a_respondent_sees_holds_their_token(round_, monkeypatch, protection):
    if protection == WEAKENED:
        _render_at_the_token_address(monkeypatch)
    (invitation,) = invitations.import_csv(round_, b"email\nsam@example.org\n")
    token = invitation.token
    client = Client()
    addresses = []

    def visit(response):
        addresses.extend(url for url, _status in getattr(response, "redirect_chain", []))
        addresses.append(response.request["PATH_INFO"])
        return response

    page = visit(client.get(f"/i/{token}/", follow=True))
    form_action = page.content.decode().split('method="post" action="', 1)[1].split('"', 1)[0]
    addresses.append(form_action)
    visit(client.post(form_action, follow=True))
    complete_questionnaire(client, round_, form_action, submit=False)
    check = visit(client.get(f"/respond/{round_.public_id}/check/"))
    resume_key = keys.new_key()
    visit(Client().get(f"/resume/{round_.public_id}/{resume_key}/", follow=True))
    visit(client.post(f"/respond/{round_.public_id}/check/", follow=True))
    shown = [address for address in addresses if token in address or resume_key in address]
    if protection == AS_BUILT:
        assert shown == []
        assert page.redirect_chain == [(f"/respond/{round_.public_id}/", 303)]
        assert token not in check.content.decode()
    else:
        assert shown, "the weakened copy must show a page at an address with the token"


def _without_the_filter(monkeypatch):
    """The weakening: the loggers and handlers without the filter that takes tokens out."""
    for name in ("django.request", "django.server", ""):
        logger = logging.getLogger(name)
        for holder in (logger, *logger.handlers):
            kept = [f for f in holder.filters if not isinstance(f, keys.RedactTokens)]
            monkeypatch.setattr(holder, "filters", kept)


@pytest.mark.parametrize("protection", [AS_BUILT, WEAKENED])
def test_the_service_logs_no_token(client, round_, caplog, monkeypatch, protection):
    if protection == WEAKENED:
        _without_the_filter(monkeypatch)
    token, key, code = keys.new_key(), keys.new_key(), keys.new_key()
    links = [f"/i/{token}/", f"/resume/{uuid.uuid4()}/{key}/", f"/r/{code}/", f"/join/{token}/"]
    with caplog.at_level(logging.INFO):
        for link in links:
            assert client.get(link).status_code == 404
        # The development server's request lines go to the django.server logger.
        logging.getLogger("django.server").addHandler(caplog.handler)
        try:
            logging.getLogger("django.server").info('"%s" %s %s', f"GET /i/{token}/ HTTP/1.1", "404", "10")
        finally:
            logging.getLogger("django.server").removeHandler(caplog.handler)
    messages = [record.getMessage() for record in caplog.records]
    assert len([m for m in messages if m.startswith("Not Found:")]) == len(links)
    leaked = [m for m in messages if token in m or key in m or code in m]
    if protection == AS_BUILT:
        assert leaked == []
        assert "Not Found: /i/…/" in messages and '"GET /i/…/ HTTP/1.1" 404 10' in messages
        assert any(m.startswith("Not Found: /resume/") and m.endswith("/…/") for m in messages)
    else:
        assert len(leaked) == len(links) + 1, "the weakened copy must log the tokens"


@pytest.mark.parametrize("protection", [AS_BUILT, WEAKENED])
def test_gunicorns_access_log_holds_no_token_or_address(protection):
    token = keys.new_key()
    logger_class = gunicorn_conf.logger_class if protection == AS_BUILT else Logger
    logger = logger_class(Config())

    class Reply:
        status, sent, headers = "404 Not Found", 10, []

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/i/{token}/",
        "PATH_INFO": f"/i/{token}/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.10",
        "HTTP_REFERER": f"https://review.example/resume/{uuid.uuid4()}/{token}/",
    }
    line = gunicorn_conf.access_log_format % logger.atoms(Reply(), {}, environ, timedelta(milliseconds=3))
    everything = str(logger.atoms(Reply(), {}, environ, timedelta(milliseconds=3)))
    if protection == AS_BUILT:
        assert token not in everything
        assert '"GET /i/…/ HTTP/1.1" 404 10' in line and "192.0.2.10" not in line
    else:
        assert token in line and token in everything, "gunicorn's own logger must show the token"


def _send_whatever_the_link(monkeypatch):
    """The weakening: the open link's state is not checked on the pages or in the send."""
    monkeypatch.setattr(questionnaire, "may_send", lambda draft: True)
    monkeypatch.setattr(sql, "_MAY_SEND", "(1 = 1)")
    monkeypatch.setattr(sql, "_statements", {})


@pytest.mark.parametrize("protection", [AS_BUILT, WEAKENED])
def test_closing_the_open_link_stops_its_drafts_but_not_invitations(
    client, round_, facilitator, monkeypatch, protection
):
    if protection == WEAKENED:
        _send_whatever_the_link(monkeypatch)
    (invitation,) = invitations.import_csv(round_, b"email\nsam@example.org\n")
    open_link, invited = Client(), Client()
    complete_questionnaire(open_link, round_, f"/r/{round_.open_link_code}/", submit=False)
    complete_questionnaire(invited, round_, f"/i/{invitation.token}/", submit=False)
    client.force_login(facilitator)
    client.post(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/open-link/", {"enable": "0"})
    base = f"/respond/{round_.public_id}"

    page = open_link.get(f"{base}/check/")
    sent = open_link.post(f"{base}/check/")
    invited_sent = invited.post(f"{base}/check/")
    assert invited_sent["Location"] == f"{base}/done/"  # a personal invitation is not affected
    if protection == AS_BUILT:
        for response in (page, sent):
            assert response.status_code == 403
            assert "your answers have not been sent" in response.content.decode().lower()
        assert Response.objects.filter(round=round_, state=ResponseState.SUBMITTED).count() == 1
        draft = Response.objects.get(round=round_, state=ResponseState.DRAFT)
        assert draft.invitation_digest is None  # the open link's
        # Even a send that got past the page (the link closed a moment after it was shown) is refused.
        ids = [s.id for s in round_.framework.statements]
        outcome = sql.send_draft(round_.pk, draft.resume_digest, ids, keys.used_digest("x"), draft.updated_on)
        assert outcome == sql.LINK_CLOSED
        assert Response.objects.get(pk=draft.pk).state == ResponseState.DRAFT
    else:
        assert sent["Location"] == f"{base}/done/", "the weakened copy must send the open-link draft"
        assert Response.objects.filter(round=round_, state=ResponseState.SUBMITTED).count() == 2


def test_a_draft_carried_over_from_token_keys_is_sent_once(round_):
    """Before drafts moved between browsers, an invitee's browser held the token itself as its key;
    migration 0005 gave those drafts their invitation digests, and such a browser can still send."""
    from django.core import signing

    (invitation,) = invitations.import_csv(round_, b"email\nsam@example.org\n")
    token = invitation.token
    draft = questionnaire.start(round_, token)
    Response.objects.filter(pk=draft.pk).update(
        invitation_digest=keys.invitation_draft_digest(token), used_digest=keys.used_digest(token)
    )
    client = Client()
    name = f"respond-{round_.public_id.hex}"
    client.cookies[name] = signing.get_cookie_signer(salt=name + respond.COOKIE_SALT).sign(f"i:{token}")
    base = f"/respond/{round_.public_id}"
    assert client.post(f"{base}/about/", {}).status_code == 302
    for theme in round_.framework.themes:
        _answer_theme(client, round_, theme, "3", "")
    assert client.post(f"{base}/check/")["Location"] == f"{base}/done/"
    assert UsedKey.objects.filter(round=round_, digest=keys.used_digest(token)).count() == 1
    assert invitations.invitation_status(round_)["responded"] == 1
