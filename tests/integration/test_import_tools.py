"""Each survey tool's export, built from a known truth, imported through the command line with the
suggested mapping and no edits: respondents, answers, theme means and priorities as the truth says."""

import hashlib
import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.formats import date_format

from tests import import_exports
from tests.integration.helpers import make_partnership, make_round
from together.imports.models import ImportBatch
from together.reviews.models import Answer, Priority, Response

pytestmark = pytest.mark.django_db

ALL = {**import_exports.TOOLS, **import_exports.EXTRAS}
EXPECTED_TOOL = {
    "microsoft-forms": "microsoft-forms",
    "surveymonkey": "surveymonkey",
    "google-forms": "google-forms",
    "smart-survey": "smart-survey",
    "qualtrics": "qualtrics",
    "limesurvey": "limesurvey",
    "limesurvey-text": "limesurvey",
}
WITH_PRIORITIES = {"microsoft-forms", "surveymonkey", "google-forms", "smart-survey", "qualtrics", "limesurvey"}
WITH_PRIORITIES |= {"limesurvey-text", "plain"}


@pytest.fixture
def round_(facilitator, framework_version):
    partnership = make_partnership(facilitator, organisations=import_exports.ORGANISATIONS)
    return make_round(partnership, framework_version, open_=False)


def export(key, round_, tmp_path):
    truth = import_exports.make_truth(round_.framework, dont_know=key not in import_exports.NO_DONT_KNOW)
    name, data = ALL[key](truth)
    path = tmp_path / name
    path.write_bytes(data)
    return truth, path


@pytest.mark.parametrize("key", list(ALL))
def test_each_export_imports_as_the_truth_with_the_suggested_mapping(key, round_, tmp_path, capsys):
    truth, path = export(key, round_, tmp_path)
    mapping_file = tmp_path / "mapping.json"
    call_command("import", str(round_.pk), str(path), "--write-mapping", str(mapping_file))
    written = capsys.readouterr().out
    mapping = json.loads(mapping_file.read_text())
    assert mapping["tool"] == EXPECTED_TOOL.get(key, "plain"), written
    assert sum(1 for c in mapping["columns"] if c["use"] == "statement") == 43
    assert not Response.objects.filter(round=round_).exists(), "writing a mapping stores nothing"

    call_command("import", str(round_.pk), str(path), "--mapping", str(mapping_file), "--dry-run")
    dry = capsys.readouterr().out
    assert f"Respondents: {len(truth.respondents)}\n" in dry
    for theme_id, mean in truth.theme_means().items():
        assert f"{round_.framework.theme(theme_id).title.en}: {mean:.2f}\n" in dry
    assert "Dry run: nothing was stored" in dry
    assert not Response.objects.filter(round=round_).exists(), "a dry run stores nothing"

    call_command("import", str(round_.pk), str(path), "--mapping", str(mapping_file), "--quiet")
    assert f"imported {len(truth.respondents)} responses" in capsys.readouterr().out
    assert Response.objects.filter(round=round_, state="submitted").count() == len(truth.respondents)
    stored = {
        row["statement_id"]: row
        for row in Answer.objects.filter(round=round_).values("statement_id").annotate(n=Count("*"), mean=Avg("value"))
    }
    if key not in import_exports.NO_DONT_KNOW:  # those exports write "don't know" as not answered
        assert {s: row["n"] for s, row in stored.items()} == dict(truth.answers())
    theme_of = {s.id: t.id for t in round_.framework.themes for s in t.statements}
    sums, counts = Counter(), Counter()
    for value, statement in Answer.objects.filter(round=round_, value__isnull=False).values_list(
        "value", "statement_id"
    ):
        sums[theme_of[statement]] += value
        counts[theme_of[statement]] += 1
    assert {t: sums[t] / counts[t] for t in counts} == pytest.approx(truth.theme_means())
    by_organisation = Counter(Response.objects.filter(round=round_).values_list("organisation__name", flat=True))
    assert by_organisation == Counter(p.organisation for p in truth.respondents)
    if key in WITH_PRIORITIES:
        chosen = Counter(Priority.objects.filter(round=round_).values_list("theme_id", flat=True))
        assert chosen == Counter(t for p in truth.respondents for t in p.priorities)
    batch = ImportBatch.objects.get(round=round_)
    assert batch.sha256 == hashlib.sha256(path.read_bytes()).hexdigest(), "the file as given is what is recorded"


def test_the_same_export_cannot_go_in_twice(round_, tmp_path, capsys):
    _truth, path = export("google-forms", round_, tmp_path)
    call_command("import", str(round_.pk), str(path), "--write-mapping", str(tmp_path / "m.json"))
    call_command("import", str(round_.pk), str(path), "--mapping", str(tmp_path / "m.json"), "--quiet")
    today = date_format(timezone.localtime(), "j F Y")
    with pytest.raises(CommandError, match=f"already been imported into this round, on {today}"):
        call_command("import", str(round_.pk), str(path), "--mapping", str(tmp_path / "m.json"), "--quiet")
    assert Response.objects.filter(round=round_).count() == 18


@pytest.mark.parametrize("key", list(ALL))
def test_each_export_imports_without_any_option(key, round_, tmp_path, capsys):
    """``together import ROUND FILE`` alone reads any tool's export as the wizard does: UTF-16,
    semicolons, several header rows, grid headings and a reversed scale included."""
    truth, path = export(key, round_, tmp_path)
    call_command("import", str(round_.pk), str(path), "--quiet")
    assert f"imported {len(truth.respondents)} responses" in capsys.readouterr().out
    means = Counter(), Counter()
    theme_of = {s.id: t.id for t in round_.framework.themes for s in t.statements}
    for value, statement in Answer.objects.filter(round=round_, value__isnull=False).values_list(
        "value", "statement_id"
    ):
        means[0][theme_of[statement]] += value
        means[1][theme_of[statement]] += 1
    assert {t: means[0][t] / means[1][t] for t in means[1]} == pytest.approx(truth.theme_means())


def test_an_xlsx_file_imports_without_any_option(round_, tmp_path, capsys):
    truth, path = export("microsoft-forms", round_, tmp_path)
    call_command("import", str(round_.pk), str(path), "--quiet")
    out = capsys.readouterr().out
    assert f"imported {len(truth.respondents)} responses" in out
    assert "'Email'" in out and "'Name'" in out, "the officer is told which columns were dropped"


def test_a_mapping_kept_from_one_file_reads_the_next_from_the_same_tool(round_, tmp_path, capsys):
    truth, path = export("surveymonkey", round_, tmp_path)
    call_command("import", str(round_.pk), str(path), "--write-mapping", str(tmp_path / "m.json"))
    later = import_exports.make_truth(round_.framework, respondents=11, seed=99)
    _name, data = import_exports.surveymonkey(later)
    (tmp_path / "later.csv").write_bytes(data)
    call_command("import", str(round_.pk), str(tmp_path / "later.csv"), "--mapping", str(tmp_path / "m.json"))
    assert Response.objects.filter(round=round_).count() == 11


def test_values_the_mapping_does_not_place_are_named_and_nothing_is_stored(round_, tmp_path, capsys):
    _truth, path = export("surveymonkey", round_, tmp_path)
    call_command("import", str(round_.pk), str(path), "--write-mapping", str(tmp_path / "m.json"))
    mapping = json.loads((tmp_path / "m.json").read_text())
    mapping["values"]["Agree"] = None
    (tmp_path / "m.json").write_text(json.dumps(mapping))
    capsys.readouterr()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", str(round_.pk), str(path), "--mapping", str(tmp_path / "m.json"), "--quiet")
    assert "the answer 'Agree'" in capsys.readouterr().err
    assert not Response.objects.filter(round=round_).exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json", "the mapping is not JSON"),
        ('{"format": "something else"}', '"format": "together-import-mapping"'),
        (
            '{"format": "together-import-mapping", "version": 1, "columns": '
            '[{"column": 2, "heading": "Q", "use": "statement", "target": "no-such-statement"}]}',
            "'no-such-statement' is not a statement of this framework",
        ),
        (
            '{"format": "together-import-mapping", "version": 1, "values": {"Agree": 9}}',
            "values['Agree'] is 9: use a number on the scale (1 to 5)",
        ),
    ],
)
def test_a_bad_mapping_file_is_explained_and_nothing_is_stored(round_, tmp_path, capsys, content, expected):
    _truth, path = export("google-forms", round_, tmp_path)
    (tmp_path / "m.json").write_text(content)
    with pytest.raises(CommandError):
        call_command("import", str(round_.pk), str(path), "--mapping", str(tmp_path / "m.json"), "--quiet")
    assert expected in capsys.readouterr().err
    assert not Response.objects.filter(round=round_).exists()


def test_an_unreadable_file_is_explained(round_, tmp_path, capsys):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{n}" for n in range(100_000)) + "\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", str(round_.pk), str(path), "--dry-run")
    err = capsys.readouterr().err
    assert "the header has 100,000 columns; at most 2,000 can be read" in err
    assert len(err.splitlines()) == 1


def test_the_command_line_dates_the_round_from_the_file_and_closes_it_when_asked(round_, tmp_path, capsys):
    import datetime

    truth, path = export("qualtrics", round_, tmp_path)
    call_command("import", str(round_.pk), str(path), "--mapping", str(_mapping(round_, path, tmp_path)), "--dry-run")
    assert "Fieldwork: 2025-03-03 to 2025-03-06 (from the column 'End Date')" in capsys.readouterr().out
    call_command("import", str(round_.pk), str(path), "--mapping", str(tmp_path / "m.json"), "--quiet", "--close")
    out = capsys.readouterr().out
    round_.refresh_from_db()
    assert (round_.fieldwork_from, round_.fieldwork_to) == (datetime.date(2025, 3, 3), datetime.date(2025, 3, 6))
    assert round_.state == "closed" and "the survey ran from 2025-03-03 to 2025-03-06" in out


def test_the_command_line_takes_the_days_given_and_refuses_wrong_ones(round_, tmp_path, capsys):
    import datetime

    truth, path = export("plain", round_, tmp_path)  # no dates in this sheet
    for wrong in ("2024-10-31:2024-10-01", "October:2024-11-01", "2024-10-01:2999-01-01", "2024-10-01"):
        with pytest.raises(CommandError):
            call_command("import", str(round_.pk), str(path), "--fieldwork", wrong, "--quiet")
    assert not Response.objects.filter(round=round_).exists()
    call_command("import", str(round_.pk), str(path), "--fieldwork", "2024-10-01:2024-10-31", "--quiet")
    round_.refresh_from_db()
    assert (round_.fieldwork_from, round_.fieldwork_to) == (datetime.date(2024, 10, 1), datetime.date(2024, 10, 31))
    assert round_.state == "draft"


def _mapping(round_, path, tmp_path):
    call_command("import", str(round_.pk), str(path), "--write-mapping", str(tmp_path / "m.json"))
    return tmp_path / "m.json"
