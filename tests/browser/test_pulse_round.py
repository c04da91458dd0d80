"""A pulse round in the browser, from creation to results and the comparison with a full review;
every page is accessible."""

import pytest

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from tests.integration.helpers import close, make_partnership, make_round
from tests.integration.test_results import add_responses
from together.partnerships.models import Organisation
from together.reviews.models import Answer, Response, Round

pytestmark = pytest.mark.django_db(transaction=True)


def answer_every_radio_group(page, choice: int) -> list[str]:
    """Choose the ``choice``-th option (from 0) of every group of radios on the page; their names."""
    names = page.eval_on_selector_all("input[type=radio]", "inputs => [...new Set(inputs.map(input => input.name))]")
    for name in names:
        options = page.locator(f'input[type=radio][name="{name}"]')
        options.nth(min(choice, options.count() - 1)).check()
    return names


def test_a_pulse_from_creation_to_results_and_the_change_since_a_full_review(
    page, browser, live_server, facilitator, framework_version
):
    partnership = make_partnership(facilitator)
    council = Organisation.objects.get(partnership=partnership, name="Northbridge Council")
    full = make_round(partnership, framework_version)
    add_responses(full, council, None, 6, value=2)
    close(full, facilitator)

    sign_in(page, facilitator)
    visit(page, f"/partnerships/{partnership.pk}/")
    page.get_by_role("link", name="Start a review round").click()
    assert "Its short form, for a pulse: 12 statements, about 15 minutes." in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("Pulse").check()
    page.get_by_label("Round name").fill("Autumn pulse")
    page.get_by_role("button", name="Create round").click()
    assert page.locator("h1").inner_text().startswith("Autumn pulse")
    assert "Pulse" in page.locator("h1").inner_text()
    assert "this round is a pulse" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Open the round").click()
    assert "The round is now open." in page.locator(".govuk-notification-banner").inner_text()
    pulse = Round.objects.get(name="Autumn pulse")
    assert pulse.is_pulse and pulse.state == "open"
    short_form = [s.id for s in framework_version.framework.statements if s.short_form]

    # A respondent, in a browser of their own, is asked only the short form.
    respondent = browser.new_context(base_url=live_server.url).new_page()
    visit(respondent, f"/r/{pulse.open_link_code}/")
    assert "It takes about 15 minutes." in respondent.locator("main").inner_text()
    assert_accessible(respondent)
    respondent.get_by_role("button", name="Start now").click()
    assert respondent.locator("h1").inner_text() == "About you"
    answer_every_radio_group(respondent, 0)
    respondent.get_by_role("button", name="Save and continue").click()
    asked = []
    for theme in pulse.framework.themes:
        assert respondent.locator("h1").inner_text() == theme.title.en
        if theme.id == "shared-purpose":
            assert_accessible(respondent)
        names = answer_every_radio_group(respondent, 3)
        asked += [name.removeprefix("rating-") for name in names]
        respondent.get_by_role("button", name="Save and continue").click()
    assert asked == short_form
    assert "Which themes most need" in respondent.locator("h1").inner_text()
    respondent.locator("input[type=checkbox]").first.check()
    respondent.get_by_role("button", name="Save and continue").click()
    assert respondent.locator("h1").inner_text() == "Check your answers before sending them"
    assert_accessible(respondent)
    respondent.get_by_role("button", name="Send answers").click()
    assert respondent.locator("h1").inner_text() == "Your answers have been sent"
    respondent.context.close()
    sent = Response.objects.get(round=pulse, state="submitted")
    assert sorted(Answer.objects.filter(response=sent).values_list("statement_id", flat=True)) == sorted(short_form)

    # Enough others answer for the results to be shown; then the facilitator closes the pulse.
    add_responses(pulse, council, None, 5, value=4)
    visit(page, f"/partnerships/{partnership.pk}/rounds/{pulse.pk}/")
    page.get_by_role("button", name="Close the round").click()
    assert Round.objects.get(pk=pulse.pk).state == "closed"
    page.get_by_role("link", name="See the results").click()
    main = page.locator("main").inner_text()
    assert "6 people responded" in main
    assert "This round was a pulse: it asked only the framework's short form, so its results cover those 12" in main
    assert_accessible(page)

    page.get_by_role("link", name="Change over time").click()
    main = page.locator("main").inner_text()
    assert "Compared with Spring review" in main
    assert "One of the two rounds was a pulse" in main and "only on the 12 statements both rounds asked" in main
    assert "These trends include pulses" in main
    assert "Autumn pulse (pulse)" in main
    assert_accessible(page)
