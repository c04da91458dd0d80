"""The action plan: its state machine, who may change what, and its exports."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from tests.integration.helpers import add_member, make_partnership, make_round
from together.accounts.models import User
from together.actions import lifecycle
from together.actions.models import Action, ActionEvent, ActionNote
from together.partnerships.models import Membership, Organisation, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(facilitator, framework_version):
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, framework_version)
    council = Organisation.objects.get(partnership=partnership, name="Northbridge Council")
    action = Action.objects.create(
        partnership=partnership,
        round=round_,
        title="Joint councillor briefing",
        theme_id="political-support",
        statement_ids=["political-support-councillors-briefed"],
        lead_organisation=council,
        due_date=datetime.date(2027, 3, 31),
        created_by=facilitator,
    )
    lead = User.objects.create_user("lead@northbridge.example", "pw-for-tests-only-1")
    Membership.objects.create(partnership=partnership, user=lead, role=Role.VIEWER, organisation=council)
    viewer = User.objects.create_user("board@northbridge.example", "pw-for-tests-only-1")
    add_member(partnership, viewer, Role.VIEWER)
    return {"partnership": partnership, "action": action, "lead": lead, "viewer": viewer, "round": round_}


def test_the_whole_lifecycle_is_logged(plan, facilitator):
    action = plan["action"]
    for name in ("agree", "start", "finish"):
        lifecycle.apply(action, name, facilitator, facilitator=True, lead_member=False)
    assert Action.objects.get(pk=action.pk).state == "done"
    assert [(e.from_state, e.to_state) for e in ActionEvent.objects.all()] == [
        ("proposed", "agreed"),
        ("agreed", "in_progress"),
        ("in_progress", "done"),
    ]


@pytest.mark.parametrize(
    ("state", "name"),
    [("proposed", "start"), ("proposed", "finish"), ("done", "drop"), ("dropped", "agree"), ("agreed", "agree")],
)
def test_changes_outside_the_machine_are_refused(plan, facilitator, state, name):
    Action.objects.filter(pk=plan["action"].pk).update(state=state)
    action = Action.objects.get(pk=plan["action"].pk)
    with pytest.raises(lifecycle.ActionRefused):
        lifecycle.apply(action, name, facilitator, facilitator=True, lead_member=False, reason="because")
    assert Action.objects.get(pk=action.pk).state == state


def test_dropping_needs_a_reason(plan, facilitator):
    action = plan["action"]
    with pytest.raises(lifecycle.ActionRefused, match="Say why"):
        lifecycle.apply(action, "drop", facilitator, facilitator=True, lead_member=False, reason=" ")
    lifecycle.apply(
        action, "drop", facilitator, facilitator=True, lead_member=False, reason="Merged with another action"
    )
    assert Action.objects.get(pk=action.pk).drop_reason == "Merged with another action"


def test_lead_organisation_members_update_progress_but_cannot_agree(client, plan):
    partnership, action = plan["partnership"], plan["action"]
    Action.objects.filter(pk=action.pk).update(state="agreed")
    client.force_login(plan["lead"])
    base = f"/partnerships/{partnership.pk}/actions/{action.pk}"
    client.post(f"{base}/state/", {"change": "start"})
    assert Action.objects.get(pk=action.pk).state == "in_progress"
    client.post(f"{base}/notes/", {"kind": "progress", "text": "First briefing held on 3 March"})
    assert ActionNote.objects.get().kind == "progress"
    client.post(f"{base}/state/", {"change": "drop", "reason": "no"})
    assert Action.objects.get(pk=action.pk).state == "in_progress"


def test_viewers_can_comment_but_not_record_progress_or_change_state(client, plan):
    partnership, action = plan["partnership"], plan["action"]
    client.force_login(plan["viewer"])
    base = f"/partnerships/{partnership.pk}/actions/{action.pk}"
    assert client.get(f"{base}/").status_code == 200
    client.post(f"{base}/notes/", {"kind": "progress", "text": "Done it"})
    client.post(f"{base}/notes/", {"kind": "comment", "text": "Please include the fire service"})
    assert list(ActionNote.objects.values_list("kind", flat=True)) == ["comment"]
    client.post(f"{base}/state/", {"change": "agree"})
    assert Action.objects.get(pk=action.pk).state == "proposed"
    assert client.get(f"/partnerships/{partnership.pk}/actions/new/").status_code == 403
    assert client.get(f"{base}/edit/").status_code == 403


def test_other_partnerships_cannot_see_the_plan(client, plan):
    outsider = User.objects.create_user("someone@elsewhere.example", "pw-for-tests-only-1")
    make_partnership(outsider, name="Elsewhere")
    client.force_login(outsider)
    partnership, action = plan["partnership"], plan["action"]
    for url in (
        f"/partnerships/{partnership.pk}/actions/",
        f"/partnerships/{partnership.pk}/actions/{action.pk}/",
        f"/partnerships/{partnership.pk}/actions/export.csv",
    ):
        assert client.get(url).status_code == 404


def test_proposing_from_a_statement_prefills_its_theme(client, plan, facilitator):
    partnership = plan["partnership"]
    client.force_login(facilitator)
    url = f"/partnerships/{partnership.pk}/actions/new/?round={plan['round'].pk}&statement=whole-workforce-frontline-briefed"
    page = client.get(url).content.decode()
    assert 'value="whole-workforce" selected' in page
    assert 'value="whole-workforce-frontline-briefed" checked' in page
    response = client.post(
        url,
        {
            "title": "Frontline listening sessions",
            "theme_id": "whole-workforce",
            "statement_ids": ["whole-workforce-frontline-briefed"],
            "due_date": "30/6/2027",
        },
    )
    assert response.status_code == 302
    created = Action.objects.get(title="Frontline listening sessions")
    assert created.round == plan["round"] and created.created_by == facilitator
    assert created.due_date == datetime.date(2027, 6, 30)


def test_statements_must_belong_to_the_linked_theme(client, plan, facilitator):
    client.force_login(facilitator)
    page = client.post(
        f"/partnerships/{plan['partnership'].pk}/actions/new/",
        {"title": "Mismatch", "theme_id": "political-support", "statement_ids": ["whole-workforce-frontline-briefed"]},
    ).content.decode()
    assert "Choose only statements from the theme you linked" in page
    assert not Action.objects.filter(title="Mismatch").exists()


def test_plan_lists_overdue_actions_first(client, plan, facilitator):
    partnership = plan["partnership"]
    Action.objects.create(
        partnership=partnership, title="Late one", theme_id="political-support", due_date=datetime.date(2020, 1, 1)
    )
    client.force_login(facilitator)
    html = client.get(f"/partnerships/{partnership.pk}/actions/").content.decode()
    assert html.index("Late one") < html.index("Joint councillor briefing")
    assert "1 is overdue." in html
    by_org = client.get(f"/partnerships/{partnership.pk}/actions/?by=organisation").content.decode()
    assert "Northbridge Council" in by_org and "No lead organisation" in by_org


def test_exports(client, plan, facilitator):
    partnership = plan["partnership"]
    Action.objects.create(partnership=partnership, title='=HYPERLINK("http://x")', theme_id="")
    ActionNote.objects.create(action=plan["action"], kind="progress", text="Briefing booked", author=facilitator)
    client.force_login(facilitator)
    response = client.get(f"/partnerships/{partnership.pk}/actions/export.csv")
    assert response["Content-Disposition"] == 'attachment; filename="northbridge-partnership-action-plan.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Title", "State", "Theme"]
    briefing = next(r for r in rows if r[0] == "Joint councillor briefing")
    assert briefing[2] == "Political support" and briefing[4] == "Northbridge Council"
    assert briefing[11].endswith("Briefing booked")
    assert any(r[0].startswith("'=HYPERLINK") for r in rows), "formulas are neutralised"
    workbook = load_workbook(io.BytesIO(client.get(f"/partnerships/{partnership.pk}/actions/export.xlsx").content))
    sheet = workbook["Action plan"]
    assert sheet["A1"].value == "Northbridge Partnership: action plan"
    assert [c.value for c in sheet[2]][:2] == ["Title", "State"]
    assert client.get(f"/partnerships/{partnership.pk}/actions/export.pdf").status_code == 404


def test_a_member_can_be_tied_to_an_organisation(client, plan, facilitator):
    partnership = plan["partnership"]
    membership = Membership.objects.get(user=plan["viewer"])
    council = Organisation.objects.get(partnership=partnership, name="Northbridge Council")
    client.force_login(facilitator)
    client.post(
        f"/partnerships/{partnership.pk}/members/{membership.pk}/role/", {"role": "viewer", "organisation": council.pk}
    )
    assert Membership.objects.get(pk=membership.pk).organisation == council
