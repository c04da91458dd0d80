"""Results pages in a real browser, on the demo partnership's closed round: accessible, and
never showing a figure for a small group."""

import pytest

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from together.partnerships.models import Membership, Role
from together.reviews.models import Round
from together.web import demo

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def closed_round(facilitator, framework_version):
    partnership = demo.seed(facilitator, framework_version)
    Membership.objects.update_or_create(partnership=partnership, user=facilitator, defaults={"role": Role.OWNER})
    return Round.objects.get(partnership=partnership, state="closed")


@pytest.mark.parametrize(
    "page_path",
    [
        "",
        "themes/whole-workforce/",
        "themes/leadership-and-relationships/",
        "differences/",
        "attention/",
        "heatmap/",
        "heatmap/?by=sector",
        "heatmap/?by=group",
        "change/",
    ],
)
def test_results_pages_are_accessible(page, facilitator, closed_round, page_path):
    sign_in(page, facilitator)
    visit(page, f"/partnerships/{closed_round.partnership_id}/rounds/{closed_round.pk}/results/{page_path}")
    assert page.locator("h1").count() == 1
    for chart in page.locator("svg.app-chart").all():
        assert chart.get_attribute("role") == "img"
        assert chart.locator("title").count() == 1 and chart.locator("desc").count() == 1
    assert_accessible(page)


def test_the_heatmap_table_can_be_reached_and_scrolled_by_keyboard(page, facilitator, closed_round):
    sign_in(page, facilitator)
    visit(page, f"/partnerships/{closed_round.partnership_id}/rounds/{closed_round.pk}/results/heatmap/")
    region = page.get_by_role("region", name="Theme scores by group, as a table")
    region.focus()
    assert page.evaluate("document.activeElement.classList.contains('app-table-scroll')")
    assert "not shown" in region.inner_text()


def test_the_html_report_is_accessible(page, facilitator, closed_round):
    sign_in(page, facilitator)
    visit(page, f"/partnerships/{closed_round.partnership_id}/rounds/{closed_round.pk}/report/")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
