"""Engagement notes: what a partnership did to hear from residents, beside its results and report."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from tests.integration.helpers import add_member, close, complete_questionnaire, make_partnership, make_round
from together.actions.models import Action
from together.engagement.models import EngagementNote
from together.partnerships.models import Role

pytestmark = pytest.mark.django_db

NOTE = {
    "title": "A month of door-knocking in Marsh ward",
    "method": "door-knocking",
    "held_on": "3/3/2026",
    "ended_on": "31/3/2026",
    "reached": "About 120 households, mostly families with young children",
    "people": "120",
    "learned": "People had to tell their story again at every service.",
}


def closed_round(facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    for _ in range(5):
        complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/", value="3")
    return close(round_)


def test_recorded_linked_and_shown_beside_the_results_and_in_the_report(client, framework_version, facilitator):
    round_ = closed_round(facilitator, framework_version)
    partnership = round_.partnership
    theme = framework_version.framework.themes[5]
    action = Action.objects.create(partnership=partnership, round=round_, title="One front door", theme_id=theme.id)
    client.force_login(facilitator)
    response = client.post(
        f"/partnerships/{partnership.pk}/engagement/new/",
        {**NOTE, "theme_ids": [theme.id], "round": round_.pk, "actions": [action.pk]},
    )
    assert response.status_code == 302
    note = EngagementNote.objects.get()
    assert note.theme_ids == [theme.id] and list(note.actions.all()) == [action] and note.people == 120
    listing = client.get(f"/partnerships/{partnership.pk}/engagement/").content.decode()
    assert NOTE["title"] in listing and "One front door" in listing
    overview = client.get(f"/partnerships/{partnership.pk}/rounds/{round_.pk}/results/").content.decode()
    assert "What residents told us" in overview and NOTE["learned"] in overview
    on_theme = client.get(f"/partnerships/{partnership.pk}/rounds/{round_.pk}/results/themes/{theme.id}/")
    assert NOTE["learned"] in on_theme.content.decode()
    other_theme = framework_version.framework.themes[0]
    elsewhere = client.get(f"/partnerships/{partnership.pk}/rounds/{round_.pk}/results/themes/{other_theme.id}/")
    assert NOTE["learned"] not in elsewhere.content.decode()
    report = client.get(f"/partnerships/{partnership.pk}/rounds/{round_.pk}/report/").content.decode()
    assert 'id="engagement"' in report and NOTE["title"] in report
    pdf = client.get(f"/partnerships/{partnership.pk}/rounds/{round_.pk}/report.pdf")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "What residents told us" in text and "door-knocking in Marsh ward" in text


def test_bad_input_is_named_and_changes_nothing(client, framework_version, facilitator):
    partnership = make_partnership(facilitator)
    make_round(partnership, framework_version)
    client.force_login(facilitator)
    page = client.post(
        f"/partnerships/{partnership.pk}/engagement/new/",
        {**NOTE, "title": "", "held_on": "31/2/2026", "ended_on": "1/1/2020", "people": "lots", "method": "x"},
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Enter what you did" in text
    assert "Enter the date it started as day/month/year" in text
    assert "Enter how many people as a whole number" in text
    assert not EngagementNote.objects.exists()
    new = f"/partnerships/{partnership.pk}/engagement/new/"
    future = client.post(new, {**NOTE, "held_on": "1/1/2099", "ended_on": ""})
    assert "The date it started must be today or in the past" in future.content.decode()
    backwards = client.post(new, {**NOTE, "ended_on": "1/3/2026"})
    assert "must be the same as or after the date it started" in backwards.content.decode()
    assert not EngagementNote.objects.exists()


def test_viewers_read_and_only_those_who_run_it_write(client, framework_version, facilitator):
    from together.accounts.models import User

    partnership = make_partnership(facilitator)
    make_round(partnership, framework_version)
    client.force_login(facilitator)
    client.post(f"/partnerships/{partnership.pk}/engagement/new/", NOTE)
    note = EngagementNote.objects.get()
    viewer = User.objects.create_user("v@northbridge.example", "a long enough password 1", name="V")
    add_member(partnership, viewer, role=Role.VIEWER)
    stranger = User.objects.create_user("s@elsewhere.example", "a long enough password 1", name="S")
    reader, outsider = Client(), Client()
    reader.force_login(viewer)
    outsider.force_login(stranger)
    assert NOTE["title"] in reader.get(f"/partnerships/{partnership.pk}/engagement/").content.decode()
    for path in ("new/", f"{note.pk}/"):
        assert reader.get(f"/partnerships/{partnership.pk}/engagement/{path}").status_code in (403, 404)
    assert reader.post(f"/partnerships/{partnership.pk}/engagement/{note.pk}/remove/").status_code in (403, 404)
    assert outsider.get(f"/partnerships/{partnership.pk}/engagement/").status_code in (403, 404)
    assert EngagementNote.objects.count() == 1
    assert client.post(f"/partnerships/{partnership.pk}/engagement/{note.pk}/remove/").status_code == 302
    assert not EngagementNote.objects.exists()
