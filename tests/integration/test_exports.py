"""Exports of results and response-level data keep to the same disclosure control as the pages."""

import csv
import io
import json
from collections import Counter

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tests.integration.helpers import close, make_partnership, make_round, released
from tests.integration.test_results import add_responses
from together.partnerships.models import Organisation, RespondentGroup
from together.reports import exports

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(facilitator, framework_version):
    partnership = make_partnership(
        facilitator, organisations=("Northbridge Council", "Northbridge NHS", "Northbridge Police", "Small Charity")
    )
    round_ = make_round(partnership, framework_version)
    named = {o.name: o for o in Organisation.objects.filter(partnership=partnership)}
    groups = {g.name: g for g in RespondentGroup.objects.filter(partnership=partnership)}
    add_responses(round_, named["Northbridge Council"], groups["Frontline staff"], 7, value=4)
    add_responses(round_, named["Northbridge Council"], groups["Elected member"], 1, value=5)
    add_responses(round_, named["Northbridge NHS"], groups["Frontline staff"], 9, value=2)
    add_responses(round_, named["Northbridge Police"], groups["Frontline staff"], 6, value=3)
    add_responses(round_, named["Small Charity"], groups["Frontline staff"], 2, value=1)
    return close(round_)


def rows_of(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_results_csv_leaves_hidden_groups_blank(round_):
    rows = rows_of(exports.results_csv(released(round_)))
    charity = [r for r in rows if r["group"] == "Small Charity"]
    assert charity and all(r["shown"] == "no" and r["mean"] == "" and r["people"] == "" for r in charity)
    elected = [r for r in rows if r["group"] == "Elected member"]
    assert elected and all(r["mean"] == "" for r in elected)
    everyone = next(r for r in rows if r["level"] == "theme" and r["breakdown"] == "all")
    assert everyone["people"] == "25" and everyone["shown"] == "yes" and everyone["hidden_because"] == ""
    because = {(r["breakdown"], r["group"]): r["hidden_because"] for r in rows if r["shown"] == "no"}
    # One elected member among 25: told apart, as the 24 frontline staff leave it 1 to 4 whatever.
    assert because[("group", "Elected member")] == "fewer_than_threshold"
    assert because[("group", "Frontline staff")] == "protects_smaller_group"
    # The charity (2) and the police (6) hide 8 between them: "fewer than 5" for the charity and
    # "protecting" for the police would say that the charity has 1 to 3, so neither is told.
    assert because[("organisation", "Small Charity")] == because[("organisation", "Northbridge Police")] == "withheld"


def test_response_level_labels_never_single_anyone_out(round_):
    rows = rows_of(exports.responses_csv(released(round_)))
    assert len(rows) == 25
    combos = Counter((r["organisation"], r["sector"], r["group"]) for r in rows)
    for combo, count in combos.items():
        assert combo == ("", "", "") or count >= 5, combo
    assert not any(r["organisation"] == "Small Charity" for r in rows)
    assert not any(r["group"] == "Elected member" for r in rows)
    statement = round_.framework.statements[0].id
    assert Counter(r[statement] for r in rows)["2"] == 9


def test_json_and_xlsx(round_):
    payload = json.loads(exports.results_json(released(round_)))
    assert payload["respondents"] == 25 and payload["threshold"] == 5
    assert payload["rows"] and payload["attention"][0]["reason"].startswith("scored")
    book = load_workbook(io.BytesIO(exports.workbook(released(round_))))
    assert book.sheetnames == ["Results", "Responses"]
    assert book["Responses"].max_row == 26


def test_export_pages_and_command(client, round_, facilitator, tmp_path, capsysbinary):
    client.force_login(facilitator)
    base = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/export"
    for name in ("results.csv", "results.json", "responses.csv", "data.xlsx"):
        assert client.get(f"{base}/{name}").status_code == 200
    assert client.get(f"{base}/everything.zip").status_code == 404
    call_command("export", str(round_.pk), "--format", "json", "--output", str(tmp_path / "r.json"))
    assert json.loads((tmp_path / "r.json").read_text())["round"] == round_.name
    call_command("export", str(round_.pk), "--responses")
    assert capsysbinary.readouterr().out.startswith("\ufefforganisation".encode())
