"""A round on a partnership's own framework, with no research content, in a real browser: its
questionnaire start page and every results page are accessible."""

import pytest

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from tests.integration.helpers import close, make_partnership, make_round
from tests.integration.test_custom_framework import CUSTOM_FILE
from tests.integration.test_results import add_responses
from together.frameworks import services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def custom_round(facilitator):
    version = services.load(CUSTOM_FILE).version
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, version, user=facilitator)
    council, nhs = partnership.organisations.order_by("name")
    add_responses(round_, council, None, 6, value=4)
    add_responses(round_, nhs, None, 6, value=2)
    return round_


def test_the_start_page_is_accessible(page, custom_round):
    visit(page, f"/r/{custom_round.open_link_code}/")
    assert page.locator("h1").count() == 1
    assert "It takes about" in page.locator("main").inner_text()
    assert_accessible(page)


def test_the_results_pages_are_accessible(page, facilitator, custom_round):
    close(custom_round, facilitator)
    sign_in(page, facilitator)
    base = f"/partnerships/{custom_round.partnership_id}/rounds/{custom_round.pk}"
    paths = ["results/", "results/differences/", "results/attention/", "results/heatmap/", "results/change/"]
    paths += [f"results/themes/{theme.id}/" for theme in custom_round.framework.themes]
    paths += ["workshop/", "workshop/3/", "report/"]
    for path in paths:
        visit(page, f"{base}/{path}")
        assert page.locator("h1").count() == 1, path
        if path != "report/":  # the report is a document of its own, without the site's footer
            footer = page.locator("footer").inner_text()
            assert "RSA" not in footer and "research" not in footer, path
        assert_accessible(page)
