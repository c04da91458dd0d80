"""An earlier survey imported as a round of the partnership's history: dated by when it ran (from
the file's own dates, or as entered), closed once imported, ordered by its fieldwork everywhere,
and honest about priorities it never asked."""

from __future__ import annotations

import datetime
import re

import pytest

from tests import import_exports as exports
from tests.integration.helpers import make_partnership, make_round, typed_in_page, web_import
from together.api import tokens as api_tokens
from together.imports import services as imports
from together.imports.models import ImportBatch
from together.releases import services as releases
from together.reviews import lifecycle
from together.reviews.models import Round, RoundState

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def partnership(facilitator):
    return make_partnership(facilitator, organisations=exports.ORGANISATIONS)


@pytest.fixture
def draft(partnership, framework_version):
    return make_round(partnership, framework_version, open_=False)


def base(round_):
    return f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}"


def export(key, round_):
    truth = exports.make_truth(round_.framework, dont_know=key not in exports.NO_DONT_KNOW)
    return truth, *{**exports.TOOLS, **exports.EXTRAS}[key](truth)


def upload_to_check(client, round_, name, data) -> str:
    """Through the wizard to its last page, accepting every suggestion; that page's HTML."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.integration.helpers import selected_in_page

    url = f"{base(round_)}/import"
    assert client.post(f"{url}/", {"file": SimpleUploadedFile(name, data)}).status_code == 302
    page = client.get(f"{url}/columns/").content.decode()
    chosen = {k: v for k, v in selected_in_page(page).items() if k.startswith("column-")}
    assert client.post(f"{url}/columns/", {"action": "save", **chosen}).status_code == 302
    page = client.get(f"{url}/values/").content.decode()
    assert client.post(f"{url}/values/", selected_in_page(page)).status_code == 302
    return client.get(f"{url}/check/").content.decode()


@pytest.mark.parametrize("key", list(exports.TOOLS)[:-1])  # every named tool; the plain sheet has no dates
def test_the_check_page_offers_the_days_the_tool_s_file_says_the_survey_ran(client, facilitator, draft, key):
    client.force_login(facilitator)
    truth, name, data = export(key, draft)
    page = upload_to_check(client, draft, name, data)
    first = min(p.started for p in truth.respondents).date()
    last = max(p.started + datetime.timedelta(minutes=14) for p in truth.respondents).date()
    typed = typed_in_page(page)
    assert typed["fieldwork_from"] == f"{first.day}/{first.month}/{first.year}", key
    assert typed["fieldwork_to"] == f"{last.day}/{last.month}/{last.year}", key
    assert re.search(r'name="close_round" type="checkbox" value="on"[^>]* checked', page)  # the first file


def test_an_imported_survey_is_dated_closed_and_placed_before_later_rounds(
    client, facilitator, partnership, framework_version
):
    client.force_login(facilitator)
    # This year's round ran here first; last year's survey is imported into a round made after it.
    live = make_round(partnership, framework_version)
    live.name = "Spring 2026"
    live.save()
    lifecycle.apply(live, "close", facilitator)
    draft = make_round(partnership, framework_version, open_=False)
    assert draft.created_at > live.created_at
    truth, name, data = export("google-forms", draft)
    answer = web_import(client, draft, name, data, check={"close_round": "on"})
    assert answer.status_code == 302
    draft.refresh_from_db()
    assert draft.state == RoundState.CLOSED
    assert (draft.fieldwork_from, draft.fieldwork_to) == (D(2025, 3, 3), D(2025, 3, 6))
    assert draft.began_at == datetime.datetime(2025, 3, 3, tzinfo=datetime.UTC)
    # Ordered by when it ran: first in the partnership's history, last in its newest-first list.
    assert list(partnership.rounds.all()) == [live, draft]
    from together.results.queries import earlier_rounds

    assert earlier_rounds(live) == [draft]
    assert earlier_rounds(draft) == []
    listing = client.get(f"/partnerships/{partnership.pk}/").content.decode()
    assert "3 March 2025" in listing and "an imported survey" in listing
    round_page = client.get(f"{base(draft)}/").content.decode()
    assert "3 March 2025 to 6 March 2025, in another survey tool" in round_page
    token = api_tokens.issue(facilitator, "Tests")[1]
    rows = client.get(f"/api/v1/partnerships/{partnership.pk}/rounds/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert [r["id"] for r in rows] == [live.pk, draft.pk]
    assert rows[1]["fieldwork_from"] == "2025-03-03" and rows[1]["fieldwork_to"] == "2025-03-06"
    assert rows[0]["fieldwork_from"] is None
    # The report says when that survey ran, and dates the round by it rather than the import day.
    report = client.get(f"{base(draft)}/report/").content.decode()
    assert "That survey ran from 3 March 2025 to 6 March 2025" in report
    assert "March 2025" in report


def test_days_entered_by_the_officer_replace_the_file_s(client, facilitator, draft):
    client.force_login(facilitator)
    truth, name, data = export("plain", draft)
    answer = web_import(client, draft, name, data, check={"fieldwork_from": "1/10/2024", "fieldwork_to": "31/10/2024"})
    assert answer.status_code == 302
    draft.refresh_from_db()
    assert (draft.fieldwork_from, draft.fieldwork_to) == (D(2024, 10, 1), D(2024, 10, 31))
    assert draft.state == RoundState.DRAFT  # not asked to close


@pytest.mark.parametrize(
    "typed, message",
    [
        ({"fieldwork_from": "1/10/2024", "fieldwork_to": ""}, "Enter both days, or neither"),
        ({"fieldwork_from": "", "fieldwork_to": "1/10/2024"}, "Enter both days, or neither"),
        ({"fieldwork_from": "31/10/2024", "fieldwork_to": "1/10/2024"}, "must be the same as or after"),
        ({"fieldwork_from": "1/1/2020", "fieldwork_to": "1/1/2999"}, "cannot be in the future"),
        ({"fieldwork_from": "October 2024", "fieldwork_to": "1/11/2024"}, "Enter the first day as day/month/year"),
        ({"fieldwork_from": "31/2/2024", "fieldwork_to": "1/11/2024"}, "Enter the first day as day/month/year"),
    ],
)
def test_wrong_days_are_explained_and_nothing_is_imported(client, facilitator, draft, typed, message):
    client.force_login(facilitator)
    truth, name, data = export("google-forms", draft)
    upload_to_check(client, draft, name, data)
    page = client.post(f"{base(draft)}/import/check/", typed)
    html = page.content.decode()
    assert page.status_code == 200
    assert message in html and "govuk-error-summary" in html and "<title>Error:" in html
    assert not ImportBatch.all_objects.filter(round=draft).exists()


def test_removing_the_file_takes_its_dates_away_too(client, facilitator, draft):
    client.force_login(facilitator)
    truth, name, data = export("google-forms", draft)
    web_import(client, draft, name, data)
    draft.refresh_from_db()
    assert draft.fieldwork_from == D(2025, 3, 3)
    imports.remove(ImportBatch.objects.get(round=draft), facilitator)
    draft.refresh_from_db()
    assert (draft.fieldwork_from, draft.fieldwork_to) == (None, None)
    assert draft.began_at == draft.created_at


def test_a_file_without_priorities_shows_no_false_zero_and_ranks_on_ratings(client, facilitator, draft):
    client.force_login(facilitator)
    truth, name, data = export("semicolons", draft)  # this example has no priorities column
    page = upload_to_check(client, draft, name, data)
    assert "No column holds priorities" in page
    web_import(client, draft, name, data, check={"close_round": "on"})
    draft.refresh_from_db()
    assert draft.state == RoundState.CLOSED
    assert ImportBatch.objects.get(round=draft).priorities is False
    released = releases.obtain(draft, "owner", facilitator)
    results = released.results
    assert results.priorities_asked is False and results.chosen == {}
    assert all(a.chosen_share is None for a in results.attention)
    assert "chose it" not in results.attention[0].reason(5)
    overview = client.get(f"{base(draft)}/results/").content.decode()
    assert "Chose it as needing attention" not in overview and "no priorities were asked" in overview
    assert "% chose it" not in overview
    theme = draft.framework.themes[0].id
    theme_page = client.get(f"{base(draft)}/results/themes/{theme}/").content.decode()
    assert "no share choosing each theme" in theme_page and "Share choosing it" not in theme_page
    report = client.get(f"{base(draft)}/report/").content.decode()
    assert "chose it as one of the themes most in need of attention" not in report
    assert "five sevenths and two sevenths" in report


def test_a_file_with_priorities_still_counts_them(client, facilitator, draft):
    client.force_login(facilitator)
    truth, name, data = export("google-forms", draft)
    web_import(client, draft, name, data, check={"close_round": "on"})
    results = releases.obtain(Round.objects.get(pk=draft.pk), "owner", facilitator).results
    assert results.priorities_asked is True and sum(results.chosen.values()) > 0


def test_bring_in_an_earlier_survey_makes_a_round_that_never_opens_and_goes_to_the_upload(
    client, facilitator, partnership, framework_version
):
    client.force_login(facilitator)
    page = client.get(f"/partnerships/{partnership.pk}/").content.decode()
    assert "?purpose=import" in page
    form = client.get(f"/partnerships/{partnership.pk}/rounds/new/?purpose=import").content.decode()
    assert "Bring in an earlier survey" in form and "Closing date" not in form
    entry = re.search(r'name="framework" type="radio" value="([^"]+)"', form).group(1)
    answer = client.post(
        f"/partnerships/{partnership.pk}/rounds/new/?purpose=import",
        {"framework": entry, "kind": "full", "name": "Autumn 2024 survey"},
    )
    created = Round.objects.get(name="Autumn 2024 survey")
    assert answer.status_code == 302 and answer["Location"] == f"{base(created)}/import/"
    assert created.state == RoundState.DRAFT and created.open_link_enabled is False
