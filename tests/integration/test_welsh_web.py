"""The service in Welsh and English: "/cy/…" and "/…", the toggle, the remembered language, the
respondent's language, and framework text in the reader's language with English marked."""

import csv
import html
import io
import re

import pytest
from django.conf import settings
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.integration import test_report
from tests.integration.helpers import complete_questionnaire, make_partnership, make_round, released
from together.framework.schema import Text
from together.jobs import services as prepared_files
from together.partnerships.models import Membership, Role
from together.reports import build, exports
from together.reviews import invitations
from together.reviews.models import Response, ResponseState

pytestmark = pytest.mark.django_db


def render(source: str, **context) -> str:
    return Template("{% load govuk %}" + source).render(Context(context))


@pytest.fixture
def round_(facilitator, framework_version):
    return make_round(make_partnership(facilitator), framework_version)


# Addresses, both ways


@pytest.mark.parametrize("name", ["home", "framework", "accessibility", "privacy", "sign-in", "partnerships"])
def test_every_page_has_an_english_and_a_welsh_address(name):
    with translation.override("cy"):
        welsh = reverse(name)
    for english in ("en", "en-gb", None):
        with translation.override(english):
            assert reverse(name) == welsh.removeprefix("/cy")
    assert welsh.startswith("/cy/")
    # Resolved as a request would be: in the language its address names.
    with translation.override("cy"):
        assert resolve(welsh).url_name == name
    with translation.override("en-gb"):
        assert resolve(welsh.removeprefix("/cy")).url_name == name


def test_the_respondents_addresses_work_in_both_languages(round_):
    for prefix, language in (("", "en-gb"), ("/cy", "cy")):
        with translation.override(language):
            assert resolve(f"{prefix}/r/{round_.open_link_code}/").url_name == "respond-open"
            assert resolve(f"{prefix}/i/some-token/").url_name == "respond-invitation"
            assert resolve(f"{prefix}/respond/{round_.public_id}/about/").url_name == "respond-about"


def test_addresses_that_are_not_pages_stay_outside_the_language_prefix(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/cy/healthz").status_code == 404
    assert reverse("sso-callback") == "/sign-in/sso/callback/"
    with translation.override("cy"):
        assert reverse("sso-callback") == "/sign-in/sso/callback/"
        assert reverse("api-schema") == "/api/v1/schema/"
    assert client.get("/cy/api/v1/schema/").status_code == 404


def test_the_page_declares_its_language_from_the_address_not_the_browser(client):
    english = client.get("/framework/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    welsh = client.get("/cy/framework/").content.decode()
    assert '<html lang="en"' in english
    assert '<html lang="cy"' in welsh
    # Links on a Welsh page stay in Welsh.
    assert 'href="/cy/accessibility/"' in welsh and 'href="/accessibility/"' not in welsh
    assert 'href="/accessibility/"' in english


# The toggle


def toggle(page: str) -> dict:
    nav = re.search(r'<nav class="govuk-width-container app-language-toggle"[^>]*>(.*?)</nav>', page, re.S)
    assert nav, "no language toggle on the page"
    link = re.search(r'<a [^>]*href="([^"]*)" lang="([^"]*)" hreflang="([^"]*)"[^>]*>([^<]*)</a>', nav[1])
    return {"href": html.unescape(link[1]), "lang": link[2], "hreflang": link[3], "text": link[4]}


def test_the_toggle_leads_to_the_same_page_in_the_other_language_keeping_the_query(client, round_):
    page = client.get("/framework/?view=all&x=1").content.decode()
    assert toggle(page) == {"href": "/cy/framework/?view=all&x=1", "lang": "cy", "hreflang": "cy", "text": "Cymraeg"}
    theme = round_.framework.themes[0].id
    page = client.get(f"/cy/framework/{theme}/").content.decode()
    assert toggle(page) == {"href": f"/framework/{theme}/", "lang": "en", "hreflang": "en", "text": "English"}
    page = client.get(f"/r/{round_.open_link_code}/").content.decode()
    assert toggle(page)["href"] == f"/cy/r/{round_.open_link_code}/"
    # A page that is not found still offers its other language, by its address.
    page = client.get("/cy/no-such-page/").content.decode()
    assert toggle(page)["href"] == "/no-such-page/"


def test_the_toggle_is_on_signed_in_pages_too(client, facilitator):
    client.force_login(facilitator)
    page = client.get("/cy/partnerships/").content.decode()
    assert '<html lang="cy"' in page
    assert toggle(page)["href"] == "/partnerships/"


# The remembered language


def test_the_home_address_opens_in_the_language_last_read(client):
    first = client.get("/framework/")
    assert settings.LANGUAGE_COOKIE_NAME not in first.cookies  # English only: no cookie at all
    assert client.get("/").status_code == 200
    welsh = client.get("/cy/framework/")
    assert welsh.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    typed = client.get("/")
    assert (typed.status_code, typed["Location"]) == (302, "/cy/")
    # Following the toggle from a Welsh page to the English home page is not sent back.
    followed = client.get("/", HTTP_REFERER="http://testserver/cy/")
    assert followed.status_code == 200 and '<html lang="en"' in followed.content.decode()
    assert followed.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get("/").status_code == 200
    # Any other address keeps the language it was sent in.
    client.get("/cy/framework/")
    assert client.get("/privacy/").status_code == 200


# Framework text and English marked


def test_framework_text_is_in_the_readers_language_and_english_is_marked_where_welsh_is_missing():
    both = Text(en="Shared purpose", cy="Diben cyffredin")
    english_only = Text(en="Our own statement")
    with translation.override("cy"):
        assert render("{{ t|tr }}", t=both) == "Diben cyffredin"
        assert render("{{ t|tr }}", t=english_only) == '<span lang="en">Our own statement</span>'
        assert render("{{ t|tr_plain }}", t=english_only) == "Our own statement"
        assert render("{{ n|entered }}", n="Northbridge & Co") == '<span lang="en">Northbridge &amp; Co</span>'
    with translation.override("en-gb"):
        assert render("{{ t|tr }}", t=both) == "Shared purpose"
        assert render("{{ t|tr }}", t=english_only) == "Our own statement"
        assert render("{{ n|entered }}", n="Northbridge & Co") == "Northbridge &amp; Co"


def test_an_organisations_name_is_marked_as_english_and_a_sector_is_not():
    from together.analysis.results import GroupScore

    organisation = GroupScore(key=7, label="Northbridge Council", respondents=6, score=None)
    sector = GroupScore(key="nhs", label="GIG", respondents=6, score=None)
    with translation.override("cy"):
        assert render("{{ g|group_name }}", g=organisation) == '<span lang="en">Northbridge Council</span>'
        assert render("{{ g|group_name }}", g=sector) == "GIG"


# The respondent's language


def test_answers_sent_from_welsh_pages_are_kept_as_welsh(client, round_):
    page = complete_questionnaire(client, round_, f"/cy/r/{round_.open_link_code}/", prefix="/cy")
    assert '<html lang="cy"' in page
    other = client.__class__()
    complete_questionnaire(other, round_, f"/r/{round_.open_link_code}/")
    sent = Response.objects.filter(round=round_, state=ResponseState.SUBMITTED)
    assert sorted(sent.values_list("language", flat=True)) == ["cy", "en"]


def test_the_welsh_questionnaire_leads_from_page_to_page_in_welsh(client, round_):
    response = client.post(f"/cy/r/{round_.open_link_code}/")
    assert response["Location"] == f"/cy/respond/{round_.public_id}/about/"
    response = client.post(f"/cy/respond/{round_.public_id}/about/", {})
    assert response["Location"] == f"/cy/respond/{round_.public_id}/theme/{round_.framework.themes[0].id}/"
    check = client.get(f"/cy/respond/{round_.public_id}/check/").content.decode()
    assert f'href="/cy/respond/{round_.public_id}/about/?return=check"' in check
    assert f'href="/cy/respond/{round_.public_id}/theme/{round_.framework.themes[0].id}/?return=check"' in check
    # Only the toggle leads to the English page.
    assert check.count(f'href="/respond/{round_.public_id}/') == 1
    assert toggle(check)["href"] == f"/respond/{round_.public_id}/check/"


def test_the_start_page_offers_the_other_language(client, round_):
    page = client.get(f"/r/{round_.open_link_code}/").content.decode()
    assert f'<a class="govuk-link" href="/cy/r/{round_.open_link_code}/" lang="cy" hreflang="cy">' in page
    assert "Atebwch yn Gymraeg" in page
    page = client.get(f"/cy/r/{round_.open_link_code}/").content.decode()
    assert f'href="/r/{round_.open_link_code}/" lang="en" hreflang="en">Answer in English</a>' in page
    # The partnership's name, typed in English, is marked as English in the Welsh heading.
    assert f'<span lang="en">{round_.partnership.name}</span>' in page


def test_an_invitation_opened_in_welsh_can_be_carried_on_in_english(client, round_):
    token = invitations.import_csv(round_, b"email\nsam@example.org\n")[0].token
    exchanged = client.get(f"/cy/i/{token}/")
    assert (exchanged.status_code, exchanged["Location"]) == (303, f"/cy/respond/{round_.public_id}/")
    assert "Dechrau nawr" in client.get(f"/cy/respond/{round_.public_id}/").content.decode()
    english = client.get(f"/respond/{round_.public_id}/")
    assert english.status_code == 200 and '<html lang="en"' in english.content.decode()
    carried = client.post(f"/respond/{round_.public_id}/")
    assert carried["Location"] == f"/respond/{round_.public_id}/about/"
    # The claim is forgotten at both addresses once used.
    forgotten = [c for c in carried.cookies.values() if c.key.startswith("respond-claim-")]
    assert {c["path"] for c in forgotten} == {f"/respond/{round_.public_id}/", f"/cy/respond/{round_.public_id}/"}
    assert all(c["max-age"] == 0 for c in forgotten)


def test_a_questionnaire_page_makes_as_many_queries_in_welsh_as_in_english(round_):
    from django.test import Client

    counts = {}
    for prefix in ("", "/cy"):
        client = Client()
        client.post(f"{prefix}/r/{round_.open_link_code}/")
        client.post(f"{prefix}/respond/{round_.public_id}/about/", {})
        theme = round_.framework.themes[1].id
        client.get(f"{prefix}/respond/{round_.public_id}/theme/{theme}/")  # warm
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{prefix}/respond/{round_.public_id}/theme/{theme}/").status_code == 200
        counts[prefix] = len(queries)
    assert counts[""] == counts["/cy"]
    print("theme page queries:", counts)


# Reports and files


report_round = test_report.round_  # the report tests' closed round


def test_the_pdf_report_in_welsh_holds_the_frameworks_welsh_and_declares_it(report_round):
    framework = report_round.framework
    with translation.override("cy"):
        reader = PdfReader(io.BytesIO(build.pdf(released(report_round))))
    assert str(reader.trailer["/Root"]["/Lang"]) == "cy"
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert framework.themes[0].title.cy in text
    assert framework.themes[0].summary.cy[:60] in text
    assert framework.themes[0].title.en not in text


def test_the_workbook_and_csv_are_in_the_readers_language(report_round):
    framework = report_round.framework
    with translation.override("cy"):
        rows = list(csv.DictReader(io.StringIO(exports.results_csv(released(report_round)).decode("utf-8-sig"))))
        book = load_workbook(io.BytesIO(exports.workbook(released(report_round))))
    theme_row = next(r for r in rows if r["level"] == "theme" and r["breakdown"] == "all")
    assert theme_row["text"] == framework.theme(theme_row["id"]).title.cy
    # The CSV's column names are for programs, the same in both languages.
    assert "share_1" in rows[0] and "mean" in rows[0]
    sheet = book.worksheets[0]
    texts = {cell.value for row in sheet.iter_rows(min_row=2) for cell in row}
    assert framework.themes[0].title.cy in texts


def test_a_file_prepared_in_the_background_is_made_in_the_language_it_was_asked_in(report_round, facilitator):
    Membership.objects.update_or_create(
        partnership=report_round.partnership, user=facilitator, defaults={"role": Role.OWNER}
    )
    with translation.override("cy"):
        welsh = prepared_files.ask(report_round, "data.xlsx", user=facilitator, role=Role.OWNER)
    with translation.override("en-gb"):
        english = prepared_files.ask(report_round, "data.xlsx", user=facilitator, role=Role.OWNER)
    assert (welsh.language, english.language) == ("cy", "en") and welsh.pk != english.pk
    made = prepared_files.make(welsh.pk)
    book = load_workbook(io.BytesIO(prepared_files.content(made)))
    texts = {cell.value for row in book.worksheets[0].iter_rows(min_row=2) for cell in row}
    assert report_round.framework.themes[0].title.cy in texts


def test_the_secrets_in_welsh_links_are_kept_out_of_the_services_logs():
    from together.reviews.keys import redact

    assert redact("GET /cy/i/secret-token/ 200") == "GET /cy/i/…/ 200"
    assert redact("GET /cy/r/open-code/ 200") == "GET /cy/r/…/ 200"
    key = "GET /cy/resume/0b5e0c1e-2f4a-4a4e-9d1e-1c2b3a4d5e6f/resume-key/ 303"
    assert redact(key) == "GET /cy/resume/0b5e0c1e-2f4a-4a4e-9d1e-1c2b3a4d5e6f/…/ 303"
    assert redact("GET /cy/join/member-token/ 200") == "GET /cy/join/…/ 200"


def test_the_round_page_gives_the_open_link_in_each_language(client, facilitator, round_):
    client.force_login(facilitator)
    page = client.get(f"/cy/partnerships/{round_.partnership_id}/rounds/{round_.pk}/").content.decode()
    assert '<dt class="govuk-summary-list__key" lang="en">English</dt>' in page
    assert '<dt class="govuk-summary-list__key" lang="cy">Cymraeg</dt>' in page
    assert f"http://testserver/r/{round_.open_link_code}/" in page
    assert f"http://testserver/cy/r/{round_.open_link_code}/" in page


def test_names_are_marked_in_the_language_the_partnership_writes_them_in(client, facilitator, framework_version):
    from tests.integration.helpers import make_partnership, make_round

    partnership = make_partnership(facilitator, name="Partneriaeth Aberhedd")
    round_ = make_round(partnership, framework_version)
    client.force_login(facilitator)
    # Written in English (the default): marked only on Welsh pages.
    welsh = client.get(f"/cy/partnerships/{partnership.pk}/").content.decode()
    english = client.get(f"/partnerships/{partnership.pk}/").content.decode()
    assert '<span lang="en">Partneriaeth Aberhedd</span>' in welsh
    assert 'lang="en">Partneriaeth Aberhedd' not in english and 'lang="cy">Partneriaeth Aberhedd' not in english
    # Written in Welsh: marked on English pages, and left alone on Welsh ones.
    partnership.names_language = "cy"
    partnership.save()
    welsh = client.get(f"/cy/partnerships/{partnership.pk}/").content.decode()
    english = client.get(f"/partnerships/{partnership.pk}/").content.decode()
    assert '<span lang="cy">Partneriaeth Aberhedd</span>' in english
    assert 'lang="en">Partneriaeth Aberhedd' not in welsh and 'lang="cy">Partneriaeth Aberhedd' not in welsh
    start = client.get(f"/r/{round_.open_link_code}/", follow=True).content.decode()
    assert '<span lang="cy">Partneriaeth Aberhedd</span>' in start
