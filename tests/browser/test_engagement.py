"""Recording how a partnership heard from residents, in the browser; every page accessible."""

import pytest
from django.test import Client

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from tests.integration.helpers import close, complete_questionnaire, make_partnership, make_round

pytestmark = pytest.mark.django_db(transaction=True)


def test_record_a_note_and_find_it_beside_the_results(page, facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    for _ in range(5):
        complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/", value="3")
    close(round_)
    theme = framework_version.framework.themes[5]
    sign_in(page, facilitator)
    visit(page, f"/partnerships/{round_.partnership_id}/")
    with page.expect_navigation():
        page.get_by_role("link", name="How we hear from residents").click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Record what you did").click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert "Enter what you did" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("What did you do?").fill("A youth panel on the children's plan")
    page.get_by_label("A residents' or youth panel").check()
    page.get_by_label("When did it start?").fill("12/1/2026")
    page.get_by_label("Who did you reach?").fill("Twelve young people aged 12 to 18")
    page.get_by_label("What did you learn?").fill("They wanted one place to ask for help.")
    page.get_by_label(theme.title.en).check()
    page.get_by_label("Which review round does it inform? (optional)").select_option(value=str(round_.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert "A youth panel on the children's plan" in page.locator("main").inner_text()
    assert_accessible(page)
    visit(page, f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results/themes/{theme.id}/")
    assert "They wanted one place to ask for help." in page.locator("main").inner_text()
    assert_accessible(page)
