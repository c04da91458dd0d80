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
    # Two groups of four radios a statement, now and in a year, each named by the statement and
    # its question; the error summary asks for each rating, without "Don't know".
    first = theme.statements[0]
    assert page.locator(f'input[name="rating-{first.id}"]').count() == 4
    assert page.locator(f'input[name="target-{first.id}"]').count() == 4
    for name, prompt in (("rating", "Where are we now?"), ("target", "Where do we want to be in a year?")):
        group = page.get_by_role("group", name=f"{first.text.en} – {prompt}")
        assert group.locator(f'input[name="{name}-{first.id}"]').count() == 4
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.locator("li").count() == 2 * len(theme.statements)
    assert summary.locator("li").first.inner_text() == "Answer “Where are we now?” for this statement"
    assert summary.locator("li").nth(1).inner_text() == "Answer “Where do we want to be in a year?” for this statement"
    assert_accessible(page)
    for _theme in framework.themes:
        answer_page_with_keyboard(page)
        assert_accessible(page)
    html = page.content()
    for word in shipped_scale_words():
        assert word not in html, word
    # The third option of each group, with the keyboard: "Established", now and in a year.
    response = Response.objects.get(round=round_)
    assert set(Answer.objects.filter(response=response).values_list("value", flat=True)) == {3}
    assert set(Answer.objects.filter(response=response).values_list("target", flat=True)) == {3}
    # The check page shows both ratings of each statement.
    page.get_by_role("button", name="Save and continue").click()
    assert page.locator("h1").inner_text() == "Check your answers before sending them"
    row = page.locator(".govuk-summary-list__row", has_text=first.text.en)
    assert row.locator(".govuk-summary-list__value").inner_text().splitlines() == [
        "Where are we now? 3 – Established",
        "Where do we want to be in a year? 3 – Established",
    ]
    assert_accessible(page)


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
