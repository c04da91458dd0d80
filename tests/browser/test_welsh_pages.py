"""The service under /cy/ in a real browser: the whole questionnaire in Welsh, a facilitator's
page and the report, each declaring Welsh, accessible, and the toggle keeping the page."""

import pytest

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from tests.integration.helpers import make_partnership, make_round
from together.partnerships.models import Membership, Role
from together.reviews.models import Response, ResponseState, Round
from together.web import demo

pytestmark = pytest.mark.django_db(transaction=True)


def html_lang(page) -> str:
    return page.evaluate("document.documentElement.lang")


def save(page, selector="button.govuk-button") -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def test_the_whole_questionnaire_in_welsh(page, facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    framework = framework_version.framework

    visit(page, f"/cy/r/{round_.open_link_code}/")
    assert html_lang(page) == "cy"
    # The partnership's name, typed in English, is marked as English in the Welsh heading.
    assert page.locator("h1 [lang=en]").inner_text() == round_.partnership.name
    english = page.locator("a[hreflang=en]", has_text="Answer in English")
    assert english.get_attribute("lang") == "en"
    assert_accessible(page)
    save(page, "button.govuk-button--start")

    assert page.url.endswith(f"/cy/respond/{round_.public_id}/about/")
    assert html_lang(page) == "cy"
    assert_accessible(page)
    save(page)

    for theme in framework.themes:
        assert page.url.endswith(f"/cy/respond/{round_.public_id}/theme/{theme.id}/")
        assert html_lang(page) == "cy"
        assert page.locator("h1").inner_text() == theme.title.cy
        body = page.locator("main").inner_text()
        for statement in theme.statements:
            assert statement.text.cy in body
            assert statement.text.en not in body
        assert framework.scale.levels[0].label.cy in body
        assert page.locator("main [lang=en]").count() == 0  # nothing of the framework falls back
        assert_accessible(page)
        for statement in theme.statements:
            page.locator(f"input[name='rating-{statement.id}'][value='3']").check()
        save(page)

    assert page.url.endswith(f"/cy/respond/{round_.public_id}/priorities/")
    assert framework.themes[0].title.cy in page.locator("main").inner_text()
    assert_accessible(page)
    page.locator("input[type=checkbox]").first.check()
    save(page)

    assert page.url.endswith(f"/cy/respond/{round_.public_id}/check/")
    assert html_lang(page) == "cy"
    assert framework.statements[0].text.cy in page.locator("main").inner_text()
    assert_accessible(page)
    save(page)

    assert page.url.endswith(f"/cy/respond/{round_.public_id}/done/")
    assert html_lang(page) == "cy"
    assert_accessible(page)
    sent = Response.objects.get(round=round_, state=ResponseState.SUBMITTED)
    assert sent.language == "cy"


def test_the_toggle_keeps_the_respondent_on_the_same_page(page, facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    theme = framework_version.framework.themes[0]
    visit(page, f"/r/{round_.open_link_code}/")
    save(page, "button.govuk-button--start")
    save(page)
    assert page.locator("h1").inner_text() == theme.title.en
    toggle = page.locator(".app-language-toggle a")
    assert (toggle.inner_text(), toggle.get_attribute("lang"), toggle.get_attribute("hreflang")) == ("Cymraeg",) + (
        "cy",
    ) * 2
    with page.expect_navigation():
        toggle.click()
    assert page.url.endswith(f"/cy/respond/{round_.public_id}/theme/{theme.id}/")
    assert page.locator("h1").inner_text() == theme.title.cy
    assert html_lang(page) == "cy"
    with page.expect_navigation():
        page.locator(".app-language-toggle a").click()
    assert page.url.endswith(f"/respond/{round_.public_id}/theme/{theme.id}/")
    assert "/cy/" not in page.url and html_lang(page) == "en"


@pytest.fixture
def closed_round(facilitator, framework_version):
    partnership = demo.seed(facilitator, framework_version)
    Membership.objects.update_or_create(partnership=partnership, user=facilitator, defaults={"role": Role.OWNER})
    return Round.objects.get(partnership=partnership, name="Spring 2026 review")


def test_a_facilitators_pages_and_the_report_in_welsh(page, facilitator, closed_round):
    sign_in(page, facilitator)
    framework = closed_round.framework
    base = f"/partnerships/{closed_round.partnership_id}/rounds/{closed_round.pk}"
    for path in (f"/cy/partnerships/{closed_round.partnership_id}/", f"/cy{base}/", f"/cy{base}/results/"):
        visit(page, path)
        assert html_lang(page) == "cy", path
        assert page.locator(".govuk-caption-l [lang=en], h1 [lang=en]").count() >= 1, path
        assert_accessible(page)
    assert framework.themes[0].title.cy in page.locator("main").inner_text()

    visit(page, f"/cy{base}/report/")
    assert html_lang(page) == "cy"
    text = page.locator("body").inner_text()
    assert framework.themes[0].title.cy in text and framework.statements[0].text.cy in text
    assert framework.themes[0].title.en not in text
    assert page.locator("h1 [lang=en]").inner_text() == closed_round.partnership.name
    assert_accessible(page)

    # The toggle on a facilitator's page keeps the page and its query.
    visit(page, f"/cy{base}/results/heatmap/?by=sector")
    with page.expect_navigation():
        page.locator(".app-language-toggle a").click()
    assert page.url.endswith(f"{base}/results/heatmap/?by=sector") and "/cy/" not in page.url
    assert html_lang(page) == "en"
