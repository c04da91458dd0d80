"""Importing responses from another tool: exact errors, all or nothing, and a faithful round trip."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from tests.integration.helpers import close, make_partnership, make_round, released, selected_in_page
from tests.integration.test_results import add_responses
from together.partnerships.models import Organisation, RespondentGroup
from together.reports import exports
from together.results.queries import round_results
from together.reviews import importer
from together.reviews.models import Answer, Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(facilitator, framework_version):
    return make_round(make_partnership(facilitator), framework_version, open_=False)


def problems(round_, data: bytes) -> list[str]:
    with pytest.raises(importer.ImportInvalid) as raised:
        importer.import_file(io.BytesIO(data), round_)
    assert not Response.objects.filter(round=round_).exists(), "nothing is imported when anything is wrong"
    return [str(p) for p in raised.value.problems]


def test_export_then_import_gives_identical_results(facilitator, framework_version):
    partnership = make_partnership(facilitator)
    source = make_round(partnership, framework_version)
    council, nhs = Organisation.objects.filter(partnership=partnership).order_by("name")
    frontline, senior = RespondentGroup.objects.filter(
        partnership=partnership, name__in=["Frontline staff", "Senior leader"]
    )
    add_responses(source, council, frontline, 6, value=4)
    add_responses(source, nhs, senior, 7, value=2)
    add_responses(source, council, senior, 5, value=3)
    target = make_round(partnership, framework_version, open_=False)
    stored = importer.import_file(io.BytesIO(exports.responses_csv(released(close(source)))), target)
    assert stored == 18
    before, after = round_results(source), round_results(target)
    assert before.statements == after.statements
    assert before.themes == after.themes
    assert before.chosen == after.chosen
    assert before.breakdowns == after.breakdowns


def test_labels_numbers_dont_know_and_blanks(round_):
    statements = round_.framework.statements
    header = f"Organisation,{statements[0].text.en},{statements[1].id},{statements[2].id},priorities\n"
    rows = (
        "Northbridge Council,Mostly in place,2,don't know,Political support; shared-purpose\nnorthbridge nhs,5,,dk,\n"
    )
    assert importer.import_file(io.BytesIO((header + rows).encode()), round_) == 2
    values = sorted(
        (a.statement_id, a.value) for a in Answer.objects.filter(response__organisation__name="Northbridge Council")
    )
    assert values == sorted([(statements[0].id, 4), (statements[1].id, 2), (statements[2].id, None)])
    council = Response.objects.get(organisation__name="Northbridge Council")
    assert sorted(council.priorities.values_list("theme_id", flat=True)) == ["political-support", "shared-purpose"]
    assert Answer.objects.filter(response__organisation__name="Northbridge NHS").count() == 2


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("organisation;shared-purpose-outcomes\nNorthbridge Council;4\n".encode("utf-8-sig"), None),
        (
            "organisation;shared-purpose-outcomes\nSéance Council;4\n".encode("cp1252"),
            ["row 2, column 'organisation': 'Séance Council' is not one of the partnership's organisations"],
        ),
    ],
    ids=["utf-8 BOM and semicolons", "windows-1252"],
)
def test_encodings_and_delimiters(round_, data, expected):
    if expected is None:
        assert importer.import_file(io.BytesIO(data), round_) == 1
    else:
        assert problems(round_, data) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", ["row 1: the file is empty"]),
        (
            "shared-purpose-outcomes\n3\n".encode("utf-16"),
            ["row 1: the file is not in a text encoding we can read: save it as CSV UTF-8"],
        ),
        (
            b"shared-purpose-outcomes,colour\n3,blue\n",
            [
                "row 1, column 'colour': unknown column: not a statement id or text, nor organisation, group, sector or "
                "priorities (map it, or choose to ignore it)"
            ],
        ),
        (
            b"organisation,group\nNorthbridge Council,Other\n",
            ["row 1: no column holds answers to this round's statements"],
        ),
        (
            b"shared-purpose-outcomes,shared-purpose-outcomes\n3,4\n",
            ["row 1, column 'shared-purpose-outcomes': this column appears more than once"],
        ),
        (
            b"shared-purpose-outcomes,shared-purpose-vision\n3,9\n7,seven\n",
            [
                "row 2, column 'shared-purpose-vision': '9' is not on the scale: use 1 to 5, a label such as "
                "'Embedded and sustained', or \"don't know\"",
                "row 3, column 'shared-purpose-outcomes': '7' is not on the scale: use 1 to 5, a label such as "
                "'Embedded and sustained', or \"don't know\"",
                "row 3, column 'shared-purpose-vision': 'seven' is not on the scale: use 1 to 5, a label such as "
                "'Embedded and sustained', or \"don't know\"",
            ],
        ),
        (
            b"shared-purpose-outcomes,shared-purpose-vision\n3,4,5\n3\n",
            ["row 2: has 3 values but the header has 2 columns", "row 3: has 1 values but the header has 2 columns"],
        ),
        (b"shared-purpose-outcomes\n", ["row 2: the file has a header but no responses"]),
        (
            b"shared-purpose-outcomes,priorities\n3,a;b;c;d\n",
            [
                "row 2, column 'priorities': 'a' is not a theme of this round",
                "row 2, column 'priorities': 'b' is not a theme of this round",
                "row 2, column 'priorities': 'c' is not a theme of this round",
                "row 2, column 'priorities': 'd' is not a theme of this round",
            ],
        ),
    ],
    ids=[
        "empty",
        "utf-16",
        "unknown column",
        "no statements",
        "duplicate header",
        "out of range",
        "ragged",
        "no rows",
        "bad priorities",
    ],
)
def test_malformed_files_give_precise_errors_and_import_nothing(round_, data, expected):
    assert problems(round_, data) == expected


def test_command_line_import_with_mapping(round_, tmp_path, capsys):
    path = tmp_path / "survey.csv"
    path.write_text("Q1,Q2\n3,4\n5,dk\n")
    with pytest.raises(CommandError):
        call_command("import", str(round_.pk), str(path), "--quiet")
    err = capsys.readouterr().err
    assert "no column is mapped to a statement" in err and "columns not matched: 1 'Q1', 2 'Q2'" in err
    call_command(
        "import",
        str(round_.pk),
        str(path),
        "--quiet",
        "--map",
        "Q1=shared-purpose-outcomes",
        "--map",
        "Q2=shared-purpose-vision",
    )
    assert "imported 2 responses" in capsys.readouterr().out
    assert Response.objects.filter(round=round_, state="submitted").count() == 2


def test_web_import_with_column_matching(client, round_, facilitator):
    client.force_login(facilitator)
    base = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/import"
    data = b"Team,Q1\nNorthbridge Council,4\nNorthbridge NHS,2\n"
    upload = SimpleUploadedFile("survey.csv", data)
    assert client.post(f"{base}/", {"file": upload})["Location"].endswith("/import/columns/")
    page = client.get(f"{base}/columns/").content.decode()
    assert 'id="column-1"' in page and "Team" in page
    # Nothing mapped to a statement: the dry run says so, and nothing can be imported.
    client.post(f"{base}/columns/", {"action": "save", "column-1": "organisation:"})
    check = client.get(f"{base}/check/").content.decode()
    assert "no column is mapped to a statement" in check and "Import 2 responses" not in check
    assert client.post(f"{base}/check/").status_code == 302
    assert not Response.objects.filter(round=round_).exists()
    client.post(
        f"{base}/columns/",
        {"action": "save", "column-1": "organisation:", "column-2": "statement:shared-purpose-outcomes"},
    )
    values = client.get(f"{base}/values/").content.decode()
    client.post(f"{base}/values/", selected_in_page(values))
    response = client.post(f"{base}/check/")
    assert response.status_code == 302
    assert Response.objects.filter(round=round_).count() == 2
