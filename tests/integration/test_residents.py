"""Residents in a review round: their own link and version of the questionnaire, their answers
kept apart from the partners', and the two views set side by side in the results."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.test import Client
from pypdf import PdfReader

from tests.integration.helpers import close, complete_questionnaire, make_partnership, make_round
from together.releases import services as releases
from together.reviews.models import Answer, Comment, Priority, Response, VariantLink

pytestmark = pytest.mark.django_db


def add_residents(client, round_) -> VariantLink:
    page = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/"
    response = client.post(f"{page}residents-link/", {"variant": "residents", "action": "add"})
    assert response.status_code == 302
    return VariantLink.objects.get(round=round_, variant="residents")


def answer_as_resident(round_, link: VariantLink, value="2", prefix="", submit=True) -> Client:
    """Walk the residents' questionnaire as a resident would, from the link to sending."""
    client = Client()
    start = client.get(f"{prefix}/r/{link.code}/")
    assert start.status_code == 200
    response = client.post(f"{prefix}/r/{link.code}/")
    assert response.status_code == 302
    asked = round_.questionnaire("residents")
    base = f"{prefix}/respond/{round_.public_id}"
    # The first page is the first theme: no "about you" step.
    assert response["Location"] == f"{base}/theme/{asked.themes[0].id}/"
    for theme in asked.themes:
        data = {f"rating-{s.id}": value for s in theme.statements}
        response = client.post(f"{base}/theme/{theme.id}/", data)
        assert response.status_code == 302, response.content.decode()[:2000]
    # After the last theme, straight to checking: no priorities step.
    assert response["Location"] == f"{base}/check/"
    if submit:
        sent = client.post(f"{base}/check/")
        assert sent.status_code == 302 and sent["Location"].endswith("/done/")
    return client


@pytest.fixture
def mixed(facilitator, framework_version, client):
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, framework_version)
    client.force_login(facilitator)
    link = add_residents(client, round_)
    return round_, link


def test_the_round_page_offers_residents_and_then_shows_their_link(facilitator, framework_version, client):
    round_ = make_round(make_partnership(facilitator), framework_version)
    client.force_login(facilitator)
    page = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/").content.decode()
    assert "Ask residents too" in page
    link = add_residents(client, round_)
    page = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/").content.decode()
    assert f"/r/{link.code}/" in page and f"/cy/r/{link.code}/" in page
    assert "Ask residents too" not in page and "Close this link" in page


def test_residents_answer_their_own_version_in_plain_words(mixed):
    round_, link = mixed
    client = Client()
    start = client.get(f"/r/{link.code}/").content.decode()
    assert "Your views on local services working together" in start
    assert "Say how much you agree" in start
    assert "which organisation you belong to" not in start
    client.post(f"/r/{link.code}/")
    theme = client.get(f"/respond/{round_.public_id}/theme/residents-and-place/").content.decode()
    assert "Putting people and the area first" in theme
    assert "I tell my story just once" in theme
    assert "Strongly agree" in theme and "How much do you agree with each statement?" in theme
    assert 'name="comment"' not in theme
    # The partners' statements and pages are not part of it.
    assert "Partners change their own ways of working" not in theme
    about = client.get(f"/respond/{round_.public_id}/about/")
    assert about.status_code == 302 and "/theme/" in about["Location"]


def test_a_resident_cannot_save_a_partners_statement(mixed):
    round_, link = mixed
    client = Client()
    client.post(f"/r/{link.code}/")
    partners = round_.framework.theme("residents-and-place")
    response = client.post(
        f"/respond/{round_.public_id}/theme/residents-and-place/",
        {f"rating-{s.id}": "4" for s in partners.statements},
    )
    assert response.status_code == 200  # the form is shown again with its error
    assert not Answer.objects.filter(round=round_).exists()


def test_residents_answers_are_kept_apart_and_set_beside_the_partners(facilitator, mixed, client):
    round_, link = mixed
    for _ in range(5):
        complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/", value="4")
    for _ in range(6):
        answer_as_resident(round_, link, value="2")
    residents = Response.objects.filter(round=round_, variant="residents", state="submitted")
    assert residents.count() == 6
    assert not residents.filter(organisation__isnull=False).exists()
    assert not Priority.objects.filter(response__in=residents).exists()
    assert not Comment.objects.filter(response__in=residents).exists()
    close(round_, facilitator)
    released = releases.obtain(round_, "owner", facilitator)
    # The partners' results are the partners' alone.
    assert released.results.respondents == 5
    assert all(score.mean == 4 for score in released.results.statements.values() if not score.hidden)
    comparison = released.audiences["residents"]
    assert comparison.shown and comparison.respondents == 6
    pair = next(p for p in comparison.pairs if p.mirror == "residents-tell-once")
    assert pair.statement == "residents-and-place-ways-of-working"
    assert pair.partners.mean == 4 and pair.audience.mean == 2 and pair.gap == -2
    page = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results/views/residents/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "What partners say and what residents say" in html
    assert "6 people answered this version." in html
    assert "The widest gap" in html and "They see this −2.0 below partners." in html
    overview = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results/").content.decode()
    assert "Partners and residents" in overview
    # Response-level rows are the partners' only.
    _header, rows = released.response_rows()
    assert len(rows) == 5
    # The report has the same, in HTML and in its PDF.
    report = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/report/").content.decode()
    assert "What partners say and what residents say" in report and "6 people answered this version." in report
    pdf = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "What partners say and what residents say" in text
    assert "I tell my story just once" in text
    # The JSON and the workbook carry the same pairs.
    export = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/export/"
    data = json.loads(client.get(f"{export}results.json").content)
    (residents,) = data["audiences"]
    assert residents["variant"] == "residents" and residents["respondents"] == 6
    row = next(r for r in residents["pairs"] if r["mirror_id"] == "residents-tell-once")
    assert row["mean"] == 2 and row["partners_mean"] == 4 and row["gap"] == -2 and row["n"] == 6
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{export}data.xlsx").content))
    assert "Residents" in book.sheetnames
    sheet = book["Residents"]
    assert [c.value for c in sheet[1]][:3] == ["theme_id", "statement_id", "mirror_id"]
    assert sheet.max_row == 1 + len(residents["pairs"])


def test_too_few_residents_are_not_shown_and_not_counted_for_viewers(facilitator, mixed, client, django_user_model):
    from together.partnerships.models import Membership, Role

    round_, link = mixed
    for _ in range(6):
        complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/", value="4")
    for _ in range(2):
        answer_as_resident(round_, link, value="1")
    viewer = django_user_model.objects.create_user(email="viewer@council.example", password="x-password-1")
    Membership.objects.create(partnership=round_.partnership, user=viewer, role=Role.VIEWER)
    counts = releases.live_counts(round_, Role.VIEWER)
    assert counts["responses"] == 6 and counts["residents"] is None
    assert releases.live_counts(round_, Role.OWNER)["residents"] == 2
    close(round_, facilitator)
    comparison = releases.obtain(round_, "owner", facilitator).audiences["residents"]
    assert not comparison.shown and comparison.pairs == [] and comparison.respondents is None
    data = json.loads(
        client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/export/results.json").content
    )
    assert data["audiences"][0]["shown"] is False and data["audiences"][0]["pairs"] == []
    assert data["audiences"][0]["respondents"] is None
    page = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results/views/residents/")
    assert "Fewer than 5 people answered this version" in page.content.decode()


def test_a_statement_too_few_residents_rated_is_hidden(facilitator, mixed):
    round_, link = mixed
    for _ in range(5):
        complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/", value="3")
    for _ in range(5):
        answer_as_resident(round_, link, value="5")
    # Four of the five residents said "don't know" to one statement: one rating is left.
    ids = list(Answer.objects.filter(round=round_, statement_id="residents-honest").values_list("pk", flat=True))[1:]
    Answer.objects.filter(pk__in=ids).update(value=None)
    close(round_, facilitator)
    comparison = releases.obtain(round_, "owner", facilitator).audiences["residents"]
    pair = next(p for p in comparison.pairs if p.mirror == "residents-honest")
    assert pair.audience.hidden and pair.audience.answered == 0 and pair.gap is None
    assert all(p.gap == 2 for p in comparison.pairs if p.mirror != "residents-honest")


def test_a_closed_residents_link_takes_no_answers(facilitator, mixed, client):
    round_, link = mixed
    client.post(
        f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/residents-link/",
        {"variant": "residents", "action": "close"},
    )
    page = Client().get(f"/r/{link.code}/")
    assert page.status_code == 200 and "Start now" not in page.content.decode()
    assert Client().post(f"/r/{link.code}/").status_code == 200
    assert not Response.objects.filter(round=round_).exists()


def test_only_a_facilitator_of_that_partnership_may_add_the_link(facilitator, framework_version, django_user_model):
    round_ = make_round(make_partnership(facilitator), framework_version)
    stranger = django_user_model.objects.create_user(email="other@council.example", password="x-password-1")
    other = Client()
    other.force_login(stranger)
    response = other.post(
        f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/residents-link/",
        {"variant": "residents", "action": "add"},
    )
    assert response.status_code == 404
    assert not VariantLink.objects.exists()


def test_an_unknown_variant_changes_nothing(facilitator, framework_version, client):
    round_ = make_round(make_partnership(facilitator), framework_version)
    client.force_login(facilitator)
    response = client.post(
        f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/residents-link/",
        {"variant": "pensioners", "action": "add"},
        follow=True,
    )
    assert "This round&#x27;s framework has no such version of the questionnaire." in response.content.decode()
    assert not VariantLink.objects.exists()


def test_residents_answer_in_welsh(mixed):
    round_, link = mixed
    client = answer_as_resident(round_, link, prefix="/cy", submit=False)
    page = client.get(f"/cy/respond/{round_.public_id}/theme/residents-and-place/").content.decode()
    assert "Rhoi pobl a&#x27;r ardal yn gyntaf" in page and "Cytuno&#x27;n gryf" in page


def add_variant(client, round_, variant: str) -> VariantLink:
    page = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/"
    assert client.post(f"{page}residents-link/", {"variant": variant, "action": "add"}).status_code == 302
    return VariantLink.objects.get(round=round_, variant=variant)


def test_every_version_of_the_framework_can_be_offered(facilitator, framework_version, client):
    round_ = make_round(make_partnership(facilitator), framework_version)
    client.force_login(facilitator)
    page = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/").content.decode()
    for label in (
        "Ask residents too",
        "Offer the easy read version",
        "Ask young people aged 8 to 11",
        "Ask young people aged 12 to 18",
    ):
        assert label in page
    add_variant(client, round_, "young-people-8-11")
    page = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/").content.decode()
    assert "Ask young people aged 8 to 11" not in page and "(Young people aged 8 to 11)" in page


def test_young_people_have_pictures_three_answers_and_may_rather_not_say(facilitator, framework_version, client):
    round_ = make_round(make_partnership(facilitator), framework_version)
    client.force_login(facilitator)
    link = add_variant(client, round_, "young-people-8-11")
    child = Client()
    start = child.get(f"/r/{link.code}/").content.decode()
    assert "For young people aged 8 to 11." in start and "app-pictured" in start
    assert "You can say “I don&#x27;t know” or “I&#x27;d rather not say” to any statement." in start
    first = child.post(f"/r/{link.code}/")["Location"]
    assert first.endswith("/theme/shared-purpose/")
    page = child.get(first).content.decode()
    assert '<img src="/static/images/icons/shared-goal' in page and 'alt="People standing around one target"' in page
    asked = round_.questionnaire("young-people-8-11")
    options = ["No", "A bit", "Yes", "I don&#x27;t know", "I&#x27;d rather not say"]
    assert all(f">{option}</label>" in page for option in options)
    assert "govuk-radios--small" not in page  # full-size answers, easier to tap
    base = f"/respond/{round_.public_id}"
    for theme in asked.themes:
        data = {f"rating-{s.id}": "rns" for s in theme.statements}
        assert child.post(f"{base}/theme/{theme.id}/", data).status_code == 302
    kept = set(Answer.objects.filter(round=round_).values_list("value", flat=True))
    assert kept == {0}  # "I'd rather not say": neither a rating nor "don't know"
    again = child.get(first).content.decode()
    assert 'value="rns" checked' in again
    check = child.get(f"{base}/check/").content.decode()
    assert "I&#x27;d rather not say" in check and "About you" not in check
    assert child.post(f"{base}/check/").status_code == 302
    assert Response.objects.get(round=round_).state == "submitted"


def test_a_rating_outside_the_younger_scale_is_refused(facilitator, framework_version, client):
    round_ = make_round(make_partnership(facilitator), framework_version)
    client.force_login(facilitator)
    link = add_variant(client, round_, "young-people-8-11")
    child = Client()
    child.post(f"/r/{link.code}/")
    theme = round_.questionnaire("young-people-8-11").themes[0]
    response = child.post(
        f"/respond/{round_.public_id}/theme/{theme.id}/", {f"rating-{s.id}": "5" for s in theme.statements}
    )
    assert response.status_code == 200 and "Select one of the options for this statement" in response.content.decode()
    assert not Answer.objects.exists()


def test_easy_read_has_its_word_list_and_large_text(facilitator, framework_version, client):
    round_ = make_round(make_partnership(facilitator), framework_version)
    client.force_login(facilitator)
    link = add_variant(client, round_, "easy-read")
    reader = Client()
    first = reader.post(f"/r/{link.code}/")["Location"]
    page = reader.get(first).content.decode()
    assert "Words we use" in page and "Councillor" in page and "app-pictured" in page
    assert all(f">{option}</label>" in page for option in ("No", "Sometimes", "Yes"))


def test_younger_answers_count_on_the_partners_scale(facilitator, framework_version, client):
    round_ = make_round(make_partnership(facilitator), framework_version)
    client.force_login(facilitator)
    link = add_variant(client, round_, "young-people-8-11")
    for _ in range(5):
        complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/", value="2")
    asked = round_.questionnaire("young-people-8-11")
    for value in ("3", "3", "3", "2", "2", "rns"):  # "Yes" three times, "A bit" twice
        child = Client()
        child.post(f"/r/{link.code}/")
        for theme in asked.themes:
            child.post(
                f"/respond/{round_.public_id}/theme/{theme.id}/", {f"rating-{s.id}": value for s in theme.statements}
            )
        assert child.post(f"/respond/{round_.public_id}/check/").status_code == 302
    close(round_, facilitator)
    comparison = releases.obtain(round_, "owner", facilitator).audiences["young-people-8-11"]
    assert comparison.respondents == 6
    pair = comparison.pairs[0]
    # "Yes" counts as 5 and "A bit" as 3: (3 × 5 + 2 × 3) / 5; "I'd rather not say" is no rating.
    assert pair.audience.answered == 5 and pair.audience.mean == pytest.approx(4.2)
    assert pair.partners.mean == 2 and pair.gap == pytest.approx(2.2)
    page = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results/views/young-people-8-11/")
    html = page.content.decode()
    assert "What partners say and what young people aged 8 to 11 say" in html
    assert "Yes: 5" in html and "A bit: 3" in html


def test_paper_forms_of_each_version_print_and_key_in_twice(facilitator, framework_version, client, django_user_model):
    from together.paper.models import EntryState, PaperEntry, PaperSettings
    from together.partnerships.models import Membership, Role

    round_ = make_round(make_partnership(facilitator), framework_version)
    PaperSettings.objects.create(round=round_, return_address="Freepost NORTHBRIDGE", double_keying=True)
    client.force_login(facilitator)
    base = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/paper/"
    overview = client.get(base).content.decode()
    assert "?version=young-people-8-11" in overview and "Key in a form: Your views" in overview
    form = client.get(f"{base}form/?version=young-people-8-11").content.decode()
    assert (
        "For young people aged 8 to 11." in form and 'role="img" aria-label="People standing around one target"' in form
    )
    assert "About you" not in form and "Where should the partnership pay most attention?" not in form
    assert "I&#x27;d rather not say" in form and "Freepost NORTHBRIDGE" in form
    pdf = client.get(f"{base}form.pdf?version=young-people-8-11&large=1")
    assert pdf.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "All the grown-ups who help me want the same good things for me." in " ".join(text.split())
    assert client.get(f"{base}form/?version=nonsense").status_code == 404
    # Key a returned young person's form, then a colleague keys it again and one box differs.
    asked = round_.questionnaire("young-people-8-11")
    ids = [s.id for s in asked.statements]
    first = {"variant": "young-people-8-11", **{f"r-{i}": "3" for i in ids}}
    first[f"r-{ids[1]}"] = "n"
    page = client.post(f"{base}key/?version=young-people-8-11", first)
    assert page.status_code == 302 and page["Location"].endswith("?version=young-people-8-11")
    entry = PaperEntry.objects.get(round=round_)
    assert entry.state == EntryState.AWAITING_CHECK and entry.first["variant"] == "young-people-8-11"
    colleague = django_user_model.objects.create_user(email="second@council.example", password="x-password-1")
    Membership.objects.create(partnership=round_.partnership, user=colleague, role=Role.FACILITATOR)
    other = Client()
    other.force_login(colleague)
    again = other.get(f"{base}{entry.pk}/key-again/").content.decode()
    assert "Form: “" in again and 'name="organisation"' not in again
    second = {**first, f"r-{ids[0]}": "2"}
    answer = other.post(f"{base}{entry.pk}/key-again/", second)
    assert answer.status_code == 302 and "/resolve/" in answer["Location"]
    settled = other.post(f"{base}{entry.pk}/resolve/", {f"r-{ids[0]}": "first"})
    assert settled.status_code == 302
    response = Response.objects.get(round=round_)
    assert response.variant == "young-people-8-11" and response.channel == "paper"
    values = dict(Answer.objects.filter(response=response).values_list("statement_id", "value"))
    assert values[ids[0]] == 3 and values[ids[1]] == 0 and len(values) == len(ids)


def test_a_variant_form_keyed_with_an_organisation_is_refused(facilitator, framework_version, client):
    round_ = make_round(make_partnership(facilitator), framework_version)
    client.force_login(facilitator)
    base = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/paper/"
    organisation = round_.partnership.organisations.first()
    ids = [s.id for s in round_.questionnaire("residents").statements]
    page = client.post(
        f"{base}key/?version=residents",
        {"variant": "residents", "organisation": organisation.pk, **{f"r-{i}": "9" for i in ids[:1]}},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "This version of the form asks no organisation, role, themes or comments" in html
    assert "1.1: enter a number from 1 to 5, d for don&#x27;t know, or leave it empty" in html
    assert not Response.objects.exists()
