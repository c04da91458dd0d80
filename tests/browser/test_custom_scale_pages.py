"""A round on the partnership health check (four levels, no "don't know") in a real browser:
its questionnaire and results pages are accessible and name only its own scale."""

import pytest

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from tests.browser.test_questionnaire import answer_page_with_keyboard
from tests.integration.helpers import close, make_partnership, make_round
from tests.integration.test_custom_scale_round import HEALTH_CHECK_FILE, answers_for, respond, shipped_scale_words
from together.frameworks import services
from together.partnerships.models import Membership, Organisation, RespondentGroup, Role
from together.reviews.models import Answer, Response

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def health_version(db):
    return services.load(HEALTH_CHECK_FILE).version


def test_the_health_check_questionnaire_is_accessible(page, facilitator, health_version):
    round_ = make_round(make_partnership(facilitator), health_version)
    framework = health_version.framework
    visit(page, f"/r/{round_.open_link_code}/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_role("button", name="Save and continue").click()
    theme = framework.themes[0]
    assert page.locator("h1").inner_text() == theme.title.en
    # Four radios a statement, and the error summary asks for a rating without "Don't know".
    assert page.locator(f'input[name="rating-{theme.statements[0].id}"]').count() == 4
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.locator("li").count() == len(theme.statements)
    assert summary.locator("li").first.inner_text() == "Select how far this describes your partnership"
    assert_accessible(page)
    for _theme in framework.themes:
        answer_page_with_keyboard(page)
        assert_accessible(page)
    html = page.content()
    for word in shipped_scale_words():
        assert word not in html, word
    # The third option of each group, with the keyboard: "Established".
    response = Response.objects.get(round=round_)
    assert set(Answer.objects.filter(response=response).values_list("value", flat=True)) == {3}


def test_the_health_check_results_pages_are_accessible(page, facilitator, health_version):
    partnership = make_partnership(
        facilitator, organisations=("Northbridge Council", "Northbridge NHS", "Northbridge Police")
    )
    Membership.objects.update_or_create(partnership=partnership, user=facilitator, defaults={"role": Role.OWNER})
    round_ = make_round(partnership, health_version)
    frontline = RespondentGroup.objects.get(partnership=partnership, name="Frontline staff")
    for organisation in Organisation.objects.filter(partnership=partnership):
        for index in range(5):
            respond(round_, organisation, frontline, answers_for(organisation.name, index))
    close(round_, facilitator)
    sign_in(page, facilitator)
    base = f"/partnerships/{partnership.pk}/rounds/{round_.pk}"
    paths = ["results/", "results/differences/", "results/attention/", "results/heatmap/", "results/change/"]
    paths += [f"results/themes/{theme.id}/" for theme in health_version.framework.themes]
    paths += ["report/"]
    for path in paths:
        visit(page, f"{base}/{path}")
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
        html = page.content()
        for word in shipped_scale_words():
            assert word not in html, (path, word)
