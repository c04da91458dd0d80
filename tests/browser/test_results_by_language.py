"""Results by language of response in a real browser, in Welsh and in English, accessible."""

import pytest
from django.test import Client

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from tests.integration.helpers import close, complete_questionnaire, make_partnership, make_round

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_by_language_page_in_both_languages(page, facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    for prefix, value in (("/cy", "4"), ("", "2")):
        for _ in range(5):
            complete_questionnaire(Client(), round_, f"{prefix}/r/{round_.open_link_code}/", value=value, prefix=prefix)
    close(round_, facilitator)
    sign_in(page, facilitator)
    base = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results/"
    visit(page, base)
    with page.expect_navigation():
        page.get_by_role("link", name="By language").click()
    assert page.locator("h1").inner_text() == "Results by language of response"
    table = page.get_by_role("table").inner_text()
    assert "Cymraeg" in table and "English" in table and "4.0" in table and "2.0" in table
    assert_accessible(page)
    visit(page, f"/cy{base}languages/")
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.locator("h1").inner_text() != "Results by language of response"
    assert page.locator("th span[lang=en]").inner_text() == "English"
    assert_accessible(page)
