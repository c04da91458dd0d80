"""Padding: adding answers of known content to a small group, then subtracting them.

A hidden organisation with one real respondent becomes visible when four made-up responses
join it; subtracting the four known answers gives the real person's. Imports therefore go only
into rounds that have collected nothing and whose results nobody has seen, are recorded and can
be removed until then; a round whose results were seen takes nothing more, by any route.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tests.integration.helpers import complete_questionnaire, make_partnership, make_round, web_import
from together.imports import services as imports
from together.imports.models import ImportBatch
from together.releases import services as releases
from together.reviews import lifecycle
from together.reviews.models import Response, ResponseState, Round

pytestmark = pytest.mark.django_db


def _padding_file(round_, organisation: str, people: int, value: int) -> bytes:
    statements = [s.id for s in round_.framework.statements]
    lines = [",".join(["organisation", *statements])]
    lines += [",".join([organisation, *[str(value)] * len(statements)]) for _ in range(people)]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def seen(facilitator, framework_version):
    """A closed round whose results have been seen: five council respondents, none from
    Northbridge NHS."""
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, framework_version, user=facilitator)
    for _ in range(5):
        complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/", value="4")
    nhs = partnership.organisations.get(name="Northbridge NHS")
    lifecycle.apply(round_, "close", facilitator)
    releases.obtain(round_, releases.OPERATOR)
    return round_, nhs


def _pad(round_, data: bytes, user=None, name="padding.csv"):
    return imports.import_file(io.BytesIO(data), round_, file_name=name, user=user)


def test_the_importer_refuses_a_round_whose_results_were_seen(seen, facilitator):
    round_, nhs = seen
    with pytest.raises(imports.ImportRefused, match="has not opened"):
        _pad(round_, _padding_file(round_, nhs.name, 4, 1), facilitator)
    assert Response.objects.filter(round=round_, state=ResponseState.SUBMITTED).count() == 5
    # On the command line too, with a clear message and nothing stored.
    with pytest.raises(CommandError, match="has not opened"):
        call_command("import", str(round_.pk), __file__, "--quiet", stdout=io.StringIO())


def test_the_importer_refuses_a_round_that_has_opened(facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version, user=facilitator)
    with pytest.raises(imports.ImportRefused, match="has not opened"):
        _pad(round_, _padding_file(round_, "Northbridge NHS", 4, 1), facilitator)
    complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/")
    with pytest.raises(imports.ImportRefused, match="has not opened"):
        _pad(round_, _padding_file(round_, "Northbridge NHS", 4, 1), facilitator)


def test_a_round_holding_imports_never_collects_answers_here(facilitator, framework_version):
    # The attack: pad a small organisation by importing known rows, then open the round so that
    # its one real member answers beside them.
    round_ = make_round(make_partnership(facilitator), framework_version, open_=False)
    _pad(round_, _padding_file(round_, "Northbridge NHS", 4, 3), facilitator)
    assert "open" not in [t.name for t in lifecycle.available(round_)]
    with pytest.raises(lifecycle.TransitionRefused, match="cannot collect answers here"):
        lifecycle.apply(round_, "open", facilitator)
    Client().post(f"/r/{round_.open_link_code}/")
    assert not Response.objects.filter(round=round_, state=ResponseState.DRAFT).exists()
    # It closes straight away instead, to show its results, and cannot reopen.
    lifecycle.apply(round_, "close", facilitator)
    with pytest.raises(lifecycle.TransitionRefused, match="cannot collect answers here"):
        lifecycle.apply(round_, "reopen", facilitator)


def test_a_seen_round_cannot_be_padded_through_the_open_link(seen, facilitator):
    round_, _nhs = seen
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.apply(round_, "reopen", facilitator)
    page = Client().get(f"/r/{round_.open_link_code}/", follow=True).content.decode()
    assert "closed" in page.lower()
    assert Response.objects.filter(round=round_, state=ResponseState.SUBMITTED).count() == 5


def test_padding_succeeds_against_a_weakened_copy_that_skips_the_checks(seen, facilitator, monkeypatch):
    round_, nhs = seen
    Round.objects.filter(pk=round_.pk).update(state="closed")
    # One more real NHS respondent, stored directly: now NHS has one, hidden.
    from together.reviews import importer

    statements = [s.id for s in round_.framework.statements]
    importer.store(round_, importer.Parsed([], {}, [(nhs.pk, None, [(s, 2) for s in statements], [], {})]))
    releases._computed.clear()
    round_.release.delete()
    monkeypatch.setattr(imports, "refusal", lambda round_: None)
    _pad(round_, _padding_file(round_, nhs.name, 4, 5), facilitator)
    payload = json.loads(_results(round_))
    row = next(
        r
        for r in payload["rows"]
        if r["breakdown"] == "organisation" and r["group"] == nhs.name and r["id"] == statements[0]
    )
    # Five NHS answers shown; four are the known 5s, so the real person's is what is left: a 2.
    counts = [round(row[f"share_{v}"] * row["answered"]) for v in range(1, 6)]
    assert counts == [0, 1, 0, 0, 4]


def _results(round_):
    from together.reports import exports

    return exports.results_json(releases.obtain(round_, releases.OPERATOR))


def test_an_import_is_recorded_refused_twice_and_removable_until_results_are_seen(facilitator, framework_version):
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, framework_version, open_=False)
    data = _padding_file(round_, "Northbridge Council", 6, 3)
    batch = _pad(round_, data, facilitator, "last-year.csv")
    import hashlib

    assert (batch.file_name, batch.rows, batch.imported_by, batch.sha256) == (
        "last-year.csv",
        6,
        facilitator,
        hashlib.sha256(data).hexdigest(),
    )
    with pytest.raises(imports.ImportRefused, match="already been imported"):
        _pad(round_, data, facilitator, "copy-of-last-year.csv")
    assert imports.remove(batch, facilitator) == 6
    assert not Response.objects.filter(round=round_).exists()
    batch.refresh_from_db()
    assert batch.removed and batch.removed_by == facilitator
    # Removed, it can go in again (say it was removed by mistake); it is then a new batch.
    again = _pad(round_, data, facilitator, "last-year.csv")
    lifecycle.apply(round_, "close", facilitator)
    releases.obtain(round_, releases.OPERATOR)
    with pytest.raises(imports.ImportRefused, match="can no longer be removed"):
        imports.remove(again, facilitator)
    assert Response.objects.filter(round=round_, state=ResponseState.SUBMITTED).count() == 6


def test_the_round_page_lists_imports_and_warns_about_open_link_padding(client, facilitator, framework_version):
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, framework_version, open_=False)
    client.force_login(facilitator)
    base = f"/partnerships/{partnership.pk}/rounds/{round_.pk}"
    assert (
        web_import(client, round_, "survey.csv", _padding_file(round_, "Northbridge Council", 5, 4)).status_code == 302
    )
    page = client.get(f"{base}/").content.decode()
    assert "survey.csv" in page and ImportBatch.objects.get().sha256 in page
    assert "Anyone who has the open link can add answers" in page
    # Removing it from the round page, then the report says nothing was imported.
    batch = ImportBatch.objects.get()
    assert client.post(f"{base}/import/{batch.pk}/remove/").status_code == 302
    assert "removed" in client.get(f"{base}/").content.decode().lower()
    assert not Response.objects.filter(round=round_).exists()
