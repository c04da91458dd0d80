"""The mapping document: suggested, saved, read back, and applied with identifying columns dropped."""

import csv
import io
import json

import pytest

from tests import import_exports
from tests.conftest import FRAMEWORK_FILE
from together.framework.loader import load_framework_file
from together.importing import mapping, reading

FRAMEWORK = load_framework_file(FRAMEWORK_FILE)


def test_a_saved_mapping_reads_back_the_same():
    truth = import_exports.make_truth(FRAMEWORK)
    _name, data = import_exports.surveymonkey(truth)
    suggested = mapping.suggest(reading.read(data), FRAMEWORK, list(import_exports.ORGANISATIONS))
    again = mapping.ImportMapping.from_json(suggested.to_json(), FRAMEWORK)
    assert again == suggested
    assert suggested.values["Strongly agree"] == 5 and suggested.values["N/A"] == "dont-know"
    assert suggested.value_counts["N/A"] > 0
    assert suggested.organisations == {name: name for name in import_exports.ORGANISATIONS}


@pytest.mark.parametrize("tool", ["google-forms", "smart-survey"])
def test_a_dry_run_kept_as_json_reads_back_the_same(tool):
    truth = import_exports.make_truth(FRAMEWORK)
    _name, data = import_exports.TOOLS[tool](truth)
    table = reading.read(data)
    names = list(import_exports.ORGANISATIONS), list(import_exports.GROUPS)
    run = mapping.apply(table, mapping.suggest(table, FRAMEWORK, *names), FRAMEWORK, *names).dry_run
    assert run.respondents == len(truth.respondents) and run.columns_dropped
    again = mapping.DryRun.from_dict(json.loads(json.dumps(run.to_dict())))
    assert again == run
    assert again.lines(FRAMEWORK) == run.lines(FRAMEWORK)


def test_identifying_columns_never_reach_the_rows_to_store_whatever_the_mapping_says():
    truth = import_exports.make_truth(FRAMEWORK)
    _name, data = import_exports.google_forms(truth)
    table = reading.read(data)
    suggested = mapping.suggest(table, FRAMEWORK, list(import_exports.ORGANISATIONS), list(import_exports.GROUPS))
    email = next(c for c in suggested.columns if c.heading == "Email address")
    assert (email.use, email.samples) == ("drop", [])
    email.use = "comment"  # a mistaken edit
    prepared = mapping.apply(
        table, suggested, FRAMEWORK, list(import_exports.ORGANISATIONS), list(import_exports.GROUPS)
    )
    assert prepared.problems == []
    assert b"@northbridge.example" not in prepared.csv
    assert ("Email address", "it holds an email address") in prepared.dry_run.columns_dropped
    header = next(csv.reader(io.StringIO(prepared.csv.decode())))
    assert header[:2] == [s.id for s in FRAMEWORK.statements[:2]]
    assert header[-3:] == ["organisation", "group", "priorities"]


def test_summary_rows_are_left_out_and_listed():
    truth = import_exports.make_truth(FRAMEWORK)
    _name, data = import_exports.plain_excel(truth)
    table = reading.read(data)
    suggested = mapping.suggest(table, FRAMEWORK, list(import_exports.ORGANISATIONS))
    reasons = [item["reason"] for item in suggested.drop_rows]
    assert reasons == ["the row is empty", "a summary row ('mean'), not a respondent"] + [
        "a summary row ('median'), not a respondent"
    ]
    prepared = mapping.apply(table, suggested, FRAMEWORK, list(import_exports.ORGANISATIONS))
    assert prepared.dry_run.respondents == len(truth.respondents)
    assert [row for row, _why in prepared.dry_run.rows_left_out] == [item["row"] for item in suggested.drop_rows]


def test_an_organisation_the_partnership_lacks_is_named():
    table = reading.read(f"Organisation,{FRAMEWORK.statements[0].id}\nElsewhere Council,4\n".encode())
    suggested = mapping.suggest(table, FRAMEWORK, ["Northbridge Council"])
    assert suggested.organisations == {"Elsewhere Council": None}
    prepared = mapping.apply(table, suggested, FRAMEWORK, ["Northbridge Council"])
    assert prepared.problems == [
        "'Elsewhere Council' (1 row, column 'Organisation') is not one of the partnership's organisations: "
        "map it, or add it to the partnership"
    ]


def test_the_importing_package_runs_without_django():
    import subprocess
    import sys

    code = (
        "import sys; import together.importing.mapping, together.importing.reading; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_a_sector_column_is_named_in_the_dry_run_as_not_imported():
    rows = [
        ["Organisation", "Sector", FRAMEWORK.statements[0].text.en],
        ["Northbridge Council", "Local government", "4"],
    ]
    table = reading.Table(rows=rows, kind="csv")
    names = list(import_exports.ORGANISATIONS)
    suggested = mapping.suggest(table, FRAMEWORK, names)
    assert [c.use for c in suggested.columns] == ["organisation", "sector", "statement"]
    run = mapping.apply(table, suggested, FRAMEWORK, names).dry_run
    assert run.respondents == 1
    assert any("'Sector' holds sectors, which are not imported" in w for w in run.warnings)
    assert any("'Sector' holds sectors" in line for line in run.lines(FRAMEWORK))
