"""Residents, easy read and young people in a real browser: each version's questionnaire from its
link to sending (the young people's on a phone-sized screen), and the partners/residents page,
every page checked with axe."""

import pytest
from django.test import Client

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from tests.integration.helpers import close, complete_questionnaire, make_partnership, make_round
from tests.integration.test_residents import answer_as_resident
from together.reviews import keys
from together.reviews.models import Answer, Response, VariantLink

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}


def _round_with(facilitator, framework_version, variant: str):
    round_ = make_round(make_partnership(facilitator), framework_version)
    link = VariantLink.objects.create(round=round_, variant=variant, code=keys.new_key())
    return round_, link


def _answer_every_page(page, round_, variant: str, choice: str) -> None:
    """Answer each statement of each page with the option labelled ``choice``, as a person would:
    by clicking its label."""
    asked = round_.questionnaire(variant)
    for number, theme in enumerate(asked.themes):
        assert page.locator("h1").inner_text() == theme.title.en
        if number == 0:
            assert_accessible(page)
        for statement in theme.statements:
            group = page.get_by_role("group", name=statement.text.en)
            group.get_by_label(choice, exact=True).check()
        with page.expect_navigation():
            page.get_by_role("button", name="Save and continue").click()


def test_a_resident_answers_the_residents_version(page, facilitator, framework_version):
    round_, link = _round_with(facilitator, framework_version, "residents")
    visit(page, f"/r/{link.code}/")
    assert page.locator("h1").inner_text() == "Your views on local services working together"
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    _answer_every_page(page, round_, "residents", "Agree")
    assert page.locator("h1").inner_text() == "Check your answers before sending them"
    assert page.get_by_text("About you").count() == 0
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Send answers").click()
    assert Response.objects.get(round=round_).variant == "residents"
    assert set(Answer.objects.values_list("value", flat=True)) == {4}
    assert_accessible(page)


def test_a_child_answers_the_young_peoples_version_on_a_phone(page, facilitator, framework_version):
    round_, link = _round_with(facilitator, framework_version, "young-people-8-11")
    page.set_viewport_size(PHONE)
    visit(page, f"/r/{link.code}/")
    assert page.get_by_text("For young people aged 8 to 11.").is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    # Each statement has its picture, described for a screen reader, and the page fits the phone.
    picture = page.get_by_role("img", name="People standing around one target")
    assert picture.is_visible() and picture.bounding_box()["width"] == 64
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px screen"
    # Large text: at least 14 point (about 19px) for the statements and answers.
    size = page.locator(".govuk-radios__label").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 19
    _answer_every_page(page, round_, "young-people-8-11", "I'd rather not say")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Send answers").click()
    assert set(Answer.objects.values_list("value", flat=True)) == {0}
    assert_accessible(page)


def test_easy_read_on_a_phone_with_its_word_list(page, facilitator, framework_version):
    round_, link = _round_with(facilitator, framework_version, "easy-read")
    page.set_viewport_size(PHONE)
    visit(page, f"/r/{link.code}/")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    page.get_by_text("Words we use").click()
    assert page.get_by_text("Councillor", exact=True).is_visible()
    assert_accessible(page)
    _answer_every_page(page, round_, "easy-read", "Yes")
    assert page.locator("h1").inner_text() == "Check your answers before sending them"
    assert_accessible(page)


def test_the_partners_and_residents_page_and_the_round_page(page, facilitator, framework_version):
    round_, link = _round_with(facilitator, framework_version, "residents")
    for _ in range(5):
        complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/", value="4")
    for _ in range(5):
        answer_as_resident(round_, link, value="2")
    sign_in(page, facilitator)
    visit(page, f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/")
    assert page.get_by_role("button", name="Offer the easy read version").is_visible()
    assert_accessible(page)
    visit(page, f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/paper/")
    assert_accessible(page)
    visit(page, f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/paper/key/?version=young-people-8-11")
    assert page.get_by_text("Type n for the ✕ box (rather not say).").is_visible()
    assert_accessible(page)
    close(round_, facilitator)
    visit(page, f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results/")
    with page.expect_navigation():
        page.get_by_role("link", name="Partners and residents").click()
    assert page.locator("h1").inner_text() == "What partners say and what residents say"
    assert "They see this −2.0 below partners." in page.locator("main").inner_text()
    assert_accessible(page)


def test_a_teenager_answers_the_older_young_peoples_version_on_a_phone(page, facilitator, framework_version):
    round_, link = _round_with(facilitator, framework_version, "young-people-12-18")
    page.set_viewport_size(PHONE)
    visit(page, f"/r/{link.code}/")
    assert page.get_by_text("For young people aged 12 to 18.").is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    # Sending a page with nothing chosen: the error summary, in the page's own words.
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    assert page.get_by_text("Select how much you agree, or Don't know").first.is_visible()
    assert_accessible(page)
    _answer_every_page(page, round_, "young-people-12-18", "Agree")
    with page.expect_navigation():
        page.get_by_role("button", name="Send answers").click()
    assert Response.objects.get(round=round_).variant == "young-people-12-18"
