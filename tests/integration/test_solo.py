"""The solo review: one leader's own review, without an account, seen by nobody else."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from tests.conftest import ROOT
from tests.integration.helpers import close, complete_questionnaire, make_partnership, make_round, released
from together.reviews.models import Answer, Response
from together.solo import cleanup, links
from together.solo.models import SoloAnswer, SoloNote, SoloReview

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(http://testserver/solo/r/([^/"]+)/)"')


def start(client: Client) -> str:
    """Start a solo review in ``client``; return the private link's token, read from the page."""
    response = client.post("/solo/")
    assert response.status_code == 303
    assert response["Location"] == "/solo/review/link/"
    page = client.get("/solo/review/link/").content.decode()
    found = LINK.search(page)
    assert found, page
    return found.group(2)


def answer_all(client: Client, framework, value="2", dont_know=()) -> None:
    for theme in framework.themes:
        data = {f"rating-{s.id}": ("dk" if s.id in dont_know else value) for s in theme.statements}
        data["comment"] = f"My note on {theme.id}"
        response = client.post(f"/solo/review/theme/{theme.id}/", data)
        assert response.status_code == 302, response.content.decode()[:2000]


def test_start_page_states_the_retention_period_and_its_headers_keep_it_private(client, framework_version, settings):
    settings.SOLO_RETENTION_DAYS = 45
    response = client.get("/solo/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "It is kept for 45 days from the day you start it" in page
    assert "no-store" in response["Cache-Control"]
    # A page whose form posts back sends its address to this site only (under no-referrer the
    # browser would send "Origin: null" and the CSRF check would refuse the form).
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in page
    home = client.get("/").content.decode()
    assert 'href="/solo/"' in home and "Review your own partnership now" in home


def test_the_link_is_shown_once_and_only_its_keyed_hash_is_stored(client, framework_version, settings):
    settings.SOLO_RETENTION_DAYS = 30
    token = start(client)
    assert len(token) >= 43
    again = client.get("/solo/review/link/").content.decode()
    assert token not in again and "was shown once" in again
    review = SoloReview.objects.get()
    assert review.link_digest == links.digest(token)
    stored = " ".join(str(v) for v in SoloReview.objects.values_list().get())
    assert token not in stored
    assert review.framework_version == framework_version
    assert review.started_on == timezone.localdate()
    assert review.expires_on == timezone.localdate() + timedelta(days=30)
    # Nothing that could name the person: no columns for it at all.
    names = {f.name for f in SoloReview._meta.get_fields()}
    assert not names & {"user", "email", "name", "ip", "address", "partnership", "round"}


def test_review_to_report_and_pdf_without_an_account(client, framework_version):
    framework = framework_version.framework
    start(client)
    first = framework.themes[0]
    page = client.get(f"/solo/review/theme/{first.id}/").content.decode()
    assert first.title.en in page and 'name="rating-' in page
    # Three themes rated lower than the rest, and two statements not known.
    low = {t.id: v for t, v in zip(framework.themes[-3:], ("1", "2", "1"), strict=True)}
    unknown = [framework.themes[0].statements[0].id, framework.themes[1].statements[1].id]
    for theme in framework.themes:
        data = {f"rating-{s.id}": ("dk" if s.id in unknown else low.get(theme.id, "4")) for s in theme.statements}
        data["comment"] = "Only for me" if theme.id == first.id else ""
        assert client.post(f"/solo/review/theme/{theme.id}/", data).status_code == 302
    assert SoloAnswer.objects.count() == len(framework.statements)
    assert SoloNote.objects.get().text == "Only for me"
    response = client.post("/solo/review/send/")
    assert response.status_code == 302 and response["Location"] == "/solo/review/report/"
    # A second click changes nothing.
    assert client.post("/solo/review/send/")["Location"] == "/solo/review/report/"
    response = client.get("/solo/review/report/")
    assert response["Referrer-Policy"] == "no-referrer" and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    lowest = page[page.index('id="lowest"') : page.index('id="questions"')]
    for theme in framework.themes[-3:]:
        assert theme.title.en in lowest
        assert theme.exemplars[0].text.en.replace("'", "&#x27;") in lowest
        assert theme.suggested_actions[0].text.en.replace("'", "&#x27;") in lowest
    assert framework.themes[0].title.en not in lowest
    questions = page[page.index('id="questions"') : page.index('id="ratings"')]
    for statement_id in unknown:
        assert framework.statement(statement_id).text.en.replace("'", "&#x27;") in questions
    assert "Only for me" in page
    pdf = client.get("/solo/review/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # Once sent, the answers cannot change.
    theme = framework.themes[0]
    changed = client.post(f"/solo/review/theme/{theme.id}/", {f"rating-{s.id}": "5" for s in theme.statements})
    assert changed.status_code == 302 and changed["Location"] == "/solo/review/report/"
    assert not SoloAnswer.objects.filter(value=5).exists()


def test_bad_input_gets_a_clear_error_and_changes_nothing(client, framework_version):
    framework = framework_version.framework
    start(client)
    theme = framework.themes[0]
    data = {f"rating-{s.id}": "2" for s in theme.statements}
    data[f"rating-{theme.statements[0].id}"] = "9"
    response = client.post(f"/solo/review/theme/{theme.id}/", data)
    assert response.status_code == 200
    assert "Select one of the options for this statement" in response.content.decode()
    assert client.get("/solo/review/theme/no-such-theme/").status_code == 404
    data = {f"rating-{s.id}": "2" for s in theme.statements}
    data["rating-not-here"] = "2"
    assert "not part of this page" in client.post(f"/solo/review/theme/{theme.id}/", data).content.decode()
    assert not SoloAnswer.objects.exists()
    # Sending before every statement is answered is refused, and says what is missing.
    response = client.post("/solo/review/send/")
    assert response["Location"] == "/solo/review/?error=missing"
    page = client.get(response["Location"]).content.decode()
    assert f"Answer every statement in {theme.title.en}" in page
    assert SoloReview.objects.get().state == "draft"
    assert client.get("/solo/review/report/")["Location"] == "/solo/review/"


def test_the_private_link_returns_in_a_fresh_browser_without_the_token_in_any_address(client, framework_version):
    framework = framework_version.framework
    token = start(client)
    answer_all(client, framework)
    fresh = Client()
    response = fresh.get(f"/solo/r/{token}/")
    assert response.status_code == 303 and response["Location"] == "/solo/review/"
    assert response["Referrer-Policy"] == "no-referrer"
    page = fresh.get("/solo/review/").content.decode()
    assert "Send and see your report" in page and token not in page
    assert fresh.post("/solo/review/send/")["Location"] == "/solo/review/report/"
    # The first browser sees the same, sent review.
    assert client.get("/solo/review/")["Location"] == "/solo/review/report/"


def test_a_solo_review_is_invisible_to_everyone_else(client, framework_version, facilitator):
    framework = framework_version.framework
    token = start(client)
    answer_all(client, framework, value="1")
    client.post("/solo/review/send/")
    signed_in = Client()
    signed_in.force_login(facilitator)
    for path in ("/solo/review/", "/solo/review/report/", "/solo/review/report.pdf", "/solo/review/delete/"):
        assert signed_in.get(path).status_code == 404
        assert Client().get(path).status_code == 404
    # The facilitator's own review is theirs alone, and is not the first one.
    other = start(signed_in)
    assert other != token
    assert "Send and see your report" not in signed_in.get("/solo/review/").content.decode()
    assert Client().get(f"/solo/r/{token[:-1]}x/").status_code == 404
    assert signed_in.post("/solo/review/delete/").status_code == 302
    assert SoloReview.objects.filter(link_digest=links.digest(token)).exists()
    # No account is stored with a review started while signed in.
    assert SoloReview.objects.count() == 1


def test_never_counted_in_a_partnership_figure(client, framework_version, facilitator):
    round_ = make_round(make_partnership(facilitator), framework_version)
    for _ in range(5):
        complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/", value="3")
    responses, answers = Response.objects.count(), Answer.objects.count()
    framework = framework_version.framework
    for value in ("1", "5"):
        solo = Client()
        start(solo)
        answer_all(solo, framework, value=value)
        solo.post("/solo/review/send/")
    assert (Response.objects.count(), Answer.objects.count()) == (responses, answers)
    results = released(close(round_)).results
    assert results.respondents == 5
    for statement in framework.statements:
        score = results.statements[statement.id]
        assert (score.mean, score.n) == (3.0, 5)


def test_nothing_outside_the_solo_app_reads_its_tables():
    source = ROOT / "src" / "together"
    readers = [
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if "solo" not in path.relative_to(source).parts and "together.solo" in path.read_text()
    ]
    # Only the app list, the address table and the worker's scheduled clean-up (which calls
    # ``solo.cleanup.remove_expired``) name it: no results, release, report, export or API module does.
    assert sorted(readers) == ["messaging/housekeeping.py", "settings.py", "urls.py"]
    assert "solo.remove_expired(" in (source / "messaging" / "housekeeping.py").read_text()


def test_deleting_removes_everything_at_once(client, framework_version):
    token = start(client)
    answer_all(client, framework_version.framework)
    page = client.get("/solo/review/delete/").content.decode()
    assert "Are you sure you want to delete your review?" in page
    response = client.post("/solo/review/delete/")
    assert response["Location"] == "/solo/deleted/"
    assert (SoloReview.objects.count(), SoloAnswer.objects.count(), SoloNote.objects.count()) == (0, 0, 0)
    assert client.get("/solo/review/").status_code == 404
    assert Client().get(f"/solo/r/{token}/").status_code == 404


def test_removed_after_the_retention_period(client, framework_version, settings):
    settings.SOLO_RETENTION_DAYS = 90
    token = start(client)
    answer_all(client, framework_version.framework)
    today = timezone.localdate()
    kept = SoloReview.objects.get()
    assert cleanup.remove_expired(today + timedelta(days=89)) == 0
    # On its last day it is gone from the pages even before the clean-up runs.
    SoloReview.objects.filter(pk=kept.pk).update(expires_on=today)
    assert Client().get(f"/solo/r/{token}/").status_code == 404
    assert cleanup.remove_expired(today) == 1
    assert not SoloAnswer.objects.exists() and not SoloNote.objects.exists()
    start(Client())
    SoloReview.objects.update(expires_on=today - timedelta(days=1))
    out = StringIO()
    call_command("clean_solo", stdout=out)
    assert out.getvalue().strip() == "Removed 1 expired solo review."
    assert not SoloReview.objects.exists()


def test_the_worker_s_scheduled_clean_up_removes_expired_solo_reviews(client, framework_version):
    from together.messaging import housekeeping

    start(client)
    start(Client())
    SoloReview.objects.filter(pk=SoloReview.objects.order_by("pk").first().pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    assert housekeeping.run_all()["solo_reviews"] == 1
    assert SoloReview.objects.count() == 1, "the one still in its period is kept"


def test_starting_is_rate_limited_per_client(client, framework_version, settings):
    settings.RESPONSE_RATE_LIMIT = (2, 3600)
    start(client)
    start(client)
    response = client.post("/solo/")
    assert response.status_code == 429
    assert SoloReview.objects.count() == 2


def test_without_a_framework_the_start_page_says_so(client, db):
    response = client.post("/solo/")
    assert response.status_code == 503
    assert "no framework loaded" in response.content.decode()
    assert not SoloReview.objects.exists()


def test_log_lines_do_not_hold_the_private_link():
    from together.reviews.keys import redact

    assert redact("GET /solo/r/abcDEF123_-/ HTTP/1.1") == "GET /solo/r/…/ HTTP/1.1"


def test_the_short_version_asks_one_or_two_statements_a_theme(client, framework_version):
    full = framework_version.framework
    short = full.short_form()
    page = client.get("/solo/").content.decode()
    assert "The short version" in page and f"{len(short.statements)} statements, one or two from each theme" in page
    response = client.post("/solo/", {"length": "short"})
    assert response.status_code == 303
    review = SoloReview.objects.get()
    assert review.short and len(review.framework.statements) == len(short.statements) < len(full.statements)
    answer_all(client, short, value="4")
    assert client.post("/solo/review/send/")["Location"] == "/solo/review/report/"
    report = client.get("/solo/review/report/").content.decode()
    asked = {s.id for s in short.statements}
    left_out = next(s for s in full.statements if s.id not in asked)
    assert escape(short.statements[0].text.en) in report and escape(left_out.text.en) not in report
    assert SoloAnswer.objects.filter(review=review).count() == len(short.statements)
