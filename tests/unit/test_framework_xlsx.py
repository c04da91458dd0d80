"""Frameworks written in a workbook: every mistake reported at its cell, round trips, hostile files."""

import io
import re
import resource
import subprocess
import sys
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from tests.conftest import FRAMEWORK_FILE, MINIMAL_FILE
from together.framework import FrameworkInvalid, canonical_json, check, load_framework_file, parse_framework, xlsx
from together.framework.check import read_framework_file
from together.framework.schema import Theme
from together.framework.xlsx import read_xlsx, template_bytes, write_xlsx
from together.framework.yamlwrite import to_yaml

MINIMAL = load_framework_file(MINIMAL_FILE)
MINIMAL_XLSX = write_xlsx(MINIMAL)


def problems(data: bytes) -> list[str]:
    with pytest.raises(FrameworkInvalid) as raised:
        read_xlsx(data, "f.xlsx")
    return [str(problem) for problem in raised.value.problems]


def edited(edit) -> bytes:
    book = load_workbook(io.BytesIO(MINIMAL_XLSX))
    edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def set_cell(sheet: str, cell: str, value):
    def edit(book):
        book[sheet][cell] = value

    return edit


# --- The workbook the writer makes ------------------------------------------------------------


def test_the_written_workbook_has_every_sheet_with_headings():
    book = load_workbook(io.BytesIO(MINIMAL_XLSX))
    assert book.sheetnames == [
        "How to fill this in",
        "Framework",
        "Themes",
        "Statements",
        "Scale",
        "Findings",
        "Exemplars",
        "Actions",
    ]
    statements = book["Statements"]
    assert [cell.value for cell in statements[1]] == [
        "Theme id",
        "Statement id",
        "Statement (English)",
        "Statement (Welsh)",
        "Guidance (English)",
        "Guidance (Welsh)",
        "Findings",
        "Short form",
    ]
    assert [cell.value for cell in statements[2]][:3] == [
        "purpose",
        "purpose-outcomes",
        "Our partners have agreed shared outcomes.",
    ]
    assert statements["A1"].font.bold and statements.freeze_panes == "A2"
    assert statements.column_dimensions["C"].width == 50
    # The theme of a statement is chosen from the ids on the Themes sheet.
    (check,) = statements.data_validations.dataValidation
    assert check.type == "list" and check.formula1 == "Themes!$A$2:$A$1000"
    assert [list(book["Scale"].iter_rows(values_only=True))[-1][:2]] == [("Don't know", "Don't know")]
    assert "How to fill in" in book["How to fill this in"]["A1"].value


def test_the_template_is_a_valid_framework_with_one_example():
    framework = read_xlsx(template_bytes(), "template.xlsx")
    assert len(framework.themes) == 1 and len(framework.statements) == 1
    assert framework.title.en == "Our partnership check"
    assert "Transforming Together" not in canonical_json(framework)


# --- Round trips ------------------------------------------------------------------------------


def test_shipped_framework_round_trips_through_a_workbook():
    framework = load_framework_file(FRAMEWORK_FILE)
    again = read_xlsx(write_xlsx(framework), "tt.xlsx")
    assert canonical_json(again) == canonical_json(framework)


@pytest.mark.parametrize("path", sorted((FRAMEWORK_FILE.parent).glob("*.yaml")), ids=lambda path: path.name)
def test_every_shipped_framework_round_trips_through_a_workbook_and_yaml(path):
    # A new field in the schema without a column in the workbook mapping fails here.
    framework = load_framework_file(path)
    assert canonical_json(read_xlsx(write_xlsx(framework), path.name)) == canonical_json(framework)
    assert canonical_json(parse_framework(to_yaml(framework), path.name)) == canonical_json(framework)


def test_template_round_trips_through_yaml_and_back():
    framework = read_xlsx(template_bytes(), "template.xlsx")
    text = to_yaml(framework)
    assert "title:\n  en: Our partnership check\n" in text  # block style, as the format recommends
    from_yaml = parse_framework(text, "template.yaml")
    assert canonical_json(from_yaml) == canonical_json(framework)
    assert canonical_json(read_xlsx(write_xlsx(from_yaml), "again.xlsx")) == canonical_json(framework)


def test_yaml_writer_uses_block_style_and_no_aliases():
    text = to_yaml(load_framework_file(FRAMEWORK_FILE))
    assert "{" not in text and "&" not in text.replace("&", "")  # no flow mappings
    assert "    statements:\n      - id: shared-purpose-outcomes\n" in text
    assert '  cy: ""\n' in to_yaml(MINIMAL)  # empty Welsh written as ""


_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn")),
    min_size=1,
    max_size=200,
).filter(lambda text: text.strip() and "\ufeff" not in text)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(english=_TEXT, welsh=_TEXT)
def test_any_text_survives_both_round_trips(english, welsh):
    data = MINIMAL.model_dump(mode="json")
    data["themes"][0]["statements"][0]["text"] = {"en": english, "cy": welsh}
    framework = type(MINIMAL).model_validate(data)
    assert canonical_json(read_xlsx(write_xlsx(framework), "f.xlsx")) == canonical_json(framework)
    assert canonical_json(parse_framework(to_yaml(framework), "f.yaml")) == canonical_json(framework)


def test_text_starting_with_an_equals_sign_is_text_not_a_formula():
    data = MINIMAL.model_dump(mode="json")
    data["themes"][0]["title"]["en"] = "=Equal partners"
    framework = type(MINIMAL).model_validate(data)
    assert read_xlsx(write_xlsx(framework), "f.xlsx").themes[0].title.en == "=Equal partners"


def test_rows_may_be_in_any_theme_order_and_numbers_may_be_typed_in_text_cells():
    def edit(book):
        book["Framework"]["B4"] = 2030  # a title that is a number
        sheet = book["Statements"]
        sheet.insert_rows(2)
        sheet["A2"], sheet["B2"], sheet["C2"], sheet["E2"], sheet["G2"] = (
            "purpose",
            "purpose-first",
            "A",
            "B",
            "purpose",
        )
        book["Exemplars"]["A3"], book["Exemplars"]["B3"] = "purpose", "elsewhere"
        book["Exemplars"]["C3"], book["Exemplars"]["E3"] = "Elsewhere", "Elsewhere did it too."

    framework = read_xlsx(edited(edit), "f.xlsx")
    assert framework.title.en == "2030"
    assert [s.id for s in framework.statements] == ["purpose-first", "purpose-outcomes", "purpose-priorities"]
    assert [e.id for e in framework.themes[0].exemplars] == ["somewhere", "elsewhere"]


def test_blank_rows_and_letter_case_of_headings_and_sheet_names_do_not_matter():
    def edit(book):
        book["Statements"].insert_rows(3, 2)
        book["Statements"]["C1"] = "statement (english)"
        book["Scale"].title = "renamed"
        book["renamed"].title = "SCALE"

    framework = read_xlsx(edited(edit), "f.xlsx")
    assert canonical_json(framework) == canonical_json(MINIMAL)


# --- Every authoring mistake, at its cell -----------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            set_cell("Statements", "C3", None),
            ["f.xlsx:Statements!C3: text.en: English text is missing"],
        ),
        (
            set_cell("Statements", "B3", "purpose-outcomes"),
            ["f.xlsx:Statements!B3: id: duplicate id 'purpose-outcomes' (also Statements!B2)"],
        ),
        (
            set_cell("Statements", "B2", "Outcomes!"),
            [
                "f.xlsx:Statements!B2: id: must be an id of lowercase letters, digits and hyphens, starting with a "
                "letter"
            ],
        ),
        (
            set_cell("Statements", "B2", None),
            ["f.xlsx:Statements!B2: id: is required"],
        ),
        (
            set_cell("Statements", "A3", "purpse"),
            ["f.xlsx:Statements!A3: theme: 'purpse' is not the id of a theme on the Themes sheet"],
        ),
        (
            set_cell("Statements", "A3", None),
            ["f.xlsx:Statements!A3: theme: is empty: give the id of this row's theme, as on the Themes sheet"],
        ),
        (
            set_cell("Statements", "G2", "purpose, purpse"),
            ["f.xlsx:Statements!G2: findings[1]: unknown finding 'purpse' (not listed under findings)"],
        ),
        (
            set_cell("Statements", "C2", "=A2&B2"),
            [
                "f.xlsx:Statements!C2: text.en: holds a formula (=A2&B2), which is never worked out: type the value "
                "itself into the cell"
            ],
        ),
        (
            set_cell("Themes", "B2", datetime(2026, 3, 1)),
            [
                "f.xlsx:Themes!B2: title.en: holds a date or time, which the spreadsheet made of what was typed: "
                "format the cell as Text and type it again"
            ],
        ),
        (
            set_cell("Themes", "B2", True),
            ["f.xlsx:Themes!B2: title.en: holds the true/false value TRUE: type the text itself"],
        ),
        (
            set_cell("Scale", "A3", "2"),
            ["f.xlsx:Scale!A3: value: the number 2 is stored as text: format the cell as a Number and type it again"],
        ),
        (set_cell("Scale", "A3", 2.5), ["f.xlsx:Scale!A3: value: must be a whole number, not 2.5"]),
        (set_cell("Scale", "A3", "two"), ["f.xlsx:Scale!A3: value: must be a whole number, not 'two'"]),
        (
            lambda book: book["Scale"].append(["Don't know", "Not sure", None, "I cannot tell."]),
            ["f.xlsx:Scale!A8: dont_know: is given twice (first on row 7)"],
        ),
        (
            set_cell("Framework", "B2", "1"),
            [
                "f.xlsx:Framework!B2: format: the number 1 is stored as text: format the cell as a Number and type it "
                "again"
            ],
        ),
        (set_cell("Framework", "B2", 2), ["f.xlsx:Framework!B2: format: must be 1"]),
        (
            set_cell("Framework", "C3", "lleiaf"),
            ["f.xlsx:Framework!C3: id: is not translated: leave the Welsh column empty for Id"],
        ),
        (
            set_cell("Framework", "A4", None),
            [
                "f.xlsx:Framework!A1: title: is required",
                "f.xlsx:Framework!A4: (field): unknown field '' (allowed here: Format, Id, Title, Summary, Source, "
                "Translation status, Current question, Current hint, Target question, Target hint)",
            ],
        ),
        (
            set_cell("Framework", "A6", "Sauce"),
            [
                "f.xlsx:Framework!A6: (field): unknown field 'Sauce' (allowed here: Format, Id, Title, Summary, "
                "Source, Translation status, Current question, Current hint, Target question, Target hint)",
            ],
        ),
        (
            set_cell("Framework", "A7", "Title"),
            ["f.xlsx:Framework!A7: title: is given twice (first on row 4)"],
        ),
        (
            set_cell("Themes", "J1", "Colour"),
            [
                "f.xlsx:Themes!J1: (heading): unknown column 'Colour' (allowed here: Theme id, Title (English), "
                "Title (Welsh), Summary (English), Summary (Welsh), Why it matters (English), Why it matters "
                "(Welsh), What good looks like (English), What good looks like (Welsh))"
            ],
        ),
        (
            set_cell("Themes", "C1", "Title (English)"),
            [
                "f.xlsx:Themes!C1: (heading): column 'Title (English)' appears twice: keep only one",
            ],
        ),
        (
            set_cell("Statements", "J2", "stray"),
            ["f.xlsx:Statements!J2: (heading): has a value but no column heading in row 1"],
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_each_mistake_is_reported_at_its_cell(edit, expected):
    assert problems(edited(edit)) == expected


def test_a_missing_column_is_reported_once_not_for_every_row():
    def edit(book):
        book["Statements"].delete_cols(3)  # Statement (English)

    assert problems(edited(edit)) == [
        "f.xlsx:Statements!H1: (heading): no column headed 'Statement (English)': add it to row 1"
    ]


def test_a_missing_theme_id_column_on_a_theme_sheet_is_reported_once():
    def edit(book):
        book["Statements"].delete_cols(1)

    assert problems(edited(edit)) == ["f.xlsx:Statements!H1: (heading): no column headed 'Theme id': add it to row 1"]


def test_sheet_problems():
    def edit(book):
        del book["Scale"]
        book.create_sheet("Notes")["A1"] = "my notes"

    assert problems(edited(edit)) == [
        "f.xlsx:Scale: (sheet): the workbook has no sheet called 'Scale': add it",
        "f.xlsx:Notes: (sheet): unknown sheet 'Notes': a framework workbook has the sheets Framework, Themes, "
        "Statements, Scale, Findings, Exemplars, Actions, Variants, Variant themes, Variant statements, Variant "
        "scale, Variant glossary; rename or delete this one",
    ]


def test_a_sheet_without_headings():
    def edit(book):
        book["Findings"].delete_rows(1)

    assert problems(edited(edit)) == [
        "f.xlsx:Findings!A1: (heading): row 1 needs the column headings: Finding id, Finding (English), Finding (Welsh)"
    ]


def test_a_theme_without_statements_says_where_to_add_them():
    def edit(book):
        book["Statements"].delete_rows(2, 2)

    assert problems(edited(edit)) == [
        "f.xlsx:Themes!A2: statements: empty theme: a theme needs at least one statement: add its rows on the "
        "Statements sheet, with this theme's id in the Theme id column",
    ]


def test_a_rule_across_the_scale_is_reported_at_its_cell():
    found = problems(edited(set_cell("Scale", "A4", 7)))
    assert len(found) == 1 and found[0].startswith("f.xlsx:Scale!A4: value: bad scale:")


def test_every_problem_is_reported_at_once_in_reading_order():
    def edit(book):
        book["Statements"]["C3"] = None
        book["Themes"]["B2"] = "=1+1"
        book["Framework"]["B3"] = "Not An Id"

    assert [problem.split(": ")[0] for problem in problems(edited(edit))] == [
        "f.xlsx:Framework!B3",
        "f.xlsx:Themes!B2",
        "f.xlsx:Statements!C3",
    ]


def test_problems_carry_their_sheet_and_cell():
    with pytest.raises(FrameworkInvalid) as raised:
        read_xlsx(edited(set_cell("Statements", "C3", None)), "f.xlsx")
    (problem,) = raised.value.problems
    assert (problem.sheet, problem.cell, problem.location, problem.line) == ("Statements", "C3", "Statements!C3", 3)
    assert (problem.field, problem.message) == ("text.en", "English text is missing")


# --- Files that are not workbooks, or are hostile ---------------------------------------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _with_part(name: str, content: bytes, base: bytes = MINIMAL_XLSX, replace: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            if not (replace and item.filename == name):
                out.writestr(item, source.read(item))
        out.writestr(name, content)
    return buffer.getvalue()


def test_not_a_workbook():
    assert problems(b"format: 1\n") == [
        "f.xlsx: (file): is not an XLSX workbook: save it from your spreadsheet program as an Excel Workbook (.xlsx), "
        "without a password"
    ]


def test_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    (found,) = problems(buffer.getvalue())
    assert found.startswith("f.xlsx: (file): cannot be read as an XLSX workbook (")


def test_a_file_over_the_size_limit_is_refused_unread():
    assert problems(b"PK" + b"\0" * xlsx.MAX_BYTES) == ["f.xlsx: (file): is larger than 2 MB"]


def test_a_zip_bomb_is_refused_at_once_with_bounded_memory():
    bomb = _with_part("xl/media/padding.bin", b"\0" * 60_000_000)
    assert len(bomb) < 1_000_000
    before, started = _peak_rss_mb(), time.perf_counter()
    assert problems(bomb) == [
        "f.xlsx: (file): unpacks to more than 10 MB or 500 parts; a framework workbook is far smaller than this"
    ]
    assert time.perf_counter() - started < 1
    assert _peak_rss_mb() - before < 50


def test_a_huge_sheet_is_refused_at_once_with_bounded_memory():
    book = Workbook()
    book.active.title = "Framework"
    book.active.cell(1_000_000, 1, "far down")
    book.create_sheet("Themes").cell(5, 16_000, "far across")
    buffer = io.BytesIO()
    book.save(buffer)
    before, started = _peak_rss_mb(), time.perf_counter()
    assert problems(buffer.getvalue()) == [
        f"f.xlsx: (file): has more than {xlsx.MAX_CELLS:,} cells (sheet 'Framework'); a framework workbook is far "
        "smaller than this: delete unused rows and columns"
    ]
    assert time.perf_counter() - started < 2
    assert _peak_rss_mb() - before < 50


def test_sheets_that_claim_a_huge_size_are_read_by_their_cells():
    data = MINIMAL_XLSX
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        sheets = {name: archive.read(name) for name in names}
    for name, sheet in sheets.items():
        lying = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', sheet)
        assert lying != sheet
        data = _with_part(name, lying, data, replace=True)
    started = time.perf_counter()
    assert canonical_json(read_xlsx(data, "f.xlsx")) == canonical_json(MINIMAL)
    assert time.perf_counter() - started < 1


def test_entity_declarations_are_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>'
    )
    assert problems(_with_part("xl/sharedStrings.xml", laughs, replace=True)) == [
        "f.xlsx: (file): holds an XML document type declaration, which a workbook never needs"
    ]


def test_links_to_other_workbooks_are_refused():
    linked = _with_part("xl/externalLinks/externalLink1.xml", b"<externalLink/>")
    assert problems(linked) == [
        "f.xlsx: (file): links to another workbook: copy the values you need into this one and remove the link"
    ]


# --- Reading by the file's name ---------------------------------------------------------------


def test_files_are_read_by_their_suffix(tmp_path):
    workbook = tmp_path / "mine.XLSX"
    workbook.write_bytes(MINIMAL_XLSX)
    assert canonical_json(read_framework_file(workbook)) == canonical_json(MINIMAL)
    old = tmp_path / "mine.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(FrameworkInvalid) as raised:
        read_framework_file(old)
    assert [str(p) for p in raised.value.problems] == [
        f"{old}:1: (file): is a .xls file: save it as an Excel Workbook (.xlsx)"
    ]


# --- The commands, without settings -----------------------------------------------------------


def together(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "together.cli", *args],
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_template_validate_and_convert_commands_need_no_settings(tmp_path):
    done = together("framework", "template", "mine.xlsx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "mine.xlsx: written; fill it in, then run: together framework validate mine.xlsx\n"
    assert (tmp_path / "mine.xlsx").read_bytes()[:2] == b"PK"

    done = together("framework", "validate", "mine.xlsx", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "mine.xlsx: valid (1 theme, 1 statement, 1 exemplar)\n")

    done = together("framework", "convert", "mine.xlsx", "mine.yaml", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "mine.yaml: written (1 theme, 1 statement)\n")
    done = together("framework", "convert", "mine.yaml", "again.xlsx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    first, second = (read_framework_file(tmp_path / name) for name in ("mine.xlsx", "again.xlsx"))
    assert canonical_json(first) == canonical_json(second)
    assert canonical_json(load_framework_file(tmp_path / "mine.yaml")) == canonical_json(first)


def test_validate_lists_a_workbooks_problems_and_fails(tmp_path):
    (tmp_path / "bad.xlsx").write_bytes(edited(set_cell("Statements", "C3", None)))
    done = together("framework", "validate", "bad.xlsx", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == "bad.xlsx:Statements!C3: text.en: English text is missing\n"


def run(*args: str, cwd: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        status = check.run(args[0], args[1:], out, err)
    return status, out.getvalue(), err.getvalue()


def test_convert_refuses_to_overwrite_or_to_write_from_a_bad_file(tmp_path):
    (tmp_path / "bad.xlsx").write_bytes(edited(set_cell("Statements", "C3", None)))
    (tmp_path / "there.yaml").write_text("keep me")
    assert run("convert", "bad.xlsx", "there.yaml", cwd=tmp_path) == (
        2,
        "",
        "there.yaml: already exists: choose another name, or delete it first\n",
    )
    assert (tmp_path / "there.yaml").read_text() == "keep me"
    assert run("convert", "bad.xlsx", "new.yaml", cwd=tmp_path) == (
        1,
        "",
        "bad.xlsx:Statements!C3: text.en: English text is missing\nnew.yaml: not written, because bad.xlsx has "
        "problems\n",
    )
    assert not (tmp_path / "new.yaml").exists()
    assert run("convert", "bad.xlsx", "new.txt", cwd=tmp_path) == (
        2,
        "",
        "new.txt: the name must end in .xlsx, .yaml or .yml\n",
    )
    assert run("template", "new.yaml", cwd=tmp_path) == (
        2,
        "",
        "new.yaml: the template is a workbook: give a name ending in .xlsx\n",
    )
    assert run("convert", "bad.xlsx", cwd=tmp_path) == (2, "", "usage: together framework convert IN OUT\n")


def test_new_subcommands_help_needs_no_settings(tmp_path):
    done = together("framework", "convert", "--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout


@pytest.mark.django_db
def test_load_stores_a_workbook_as_a_version(tmp_path, capsys):
    from django.core.management import call_command

    from together.frameworks.models import FrameworkVersion

    workbook = tmp_path / "minimal.xlsx"
    workbook.write_bytes(MINIMAL_XLSX)
    call_command("framework", "load", str(MINIMAL_FILE))
    call_command("framework", "load", str(workbook))
    out = capsys.readouterr().out.splitlines()
    assert out[1] == f"{workbook}: unchanged, already stored as minimal version 1"
    assert FrameworkVersion.objects.count() == 1


def test_a_research_sheet_left_out_is_required_only_where_the_schema_requires_its_content():
    def edit(book):
        del book["Actions"]

    data = edited(edit)
    if Theme.model_fields["suggested_actions"].is_required():
        assert problems(data) == [
            "f.xlsx:Themes!A2: suggested_actions: is required: add its rows on the Actions sheet, with this theme's "
            "id in the Theme id column"
        ]
    else:
        assert not read_xlsx(data, "f.xlsx").themes[0].suggested_actions


def test_the_documented_mapping_names_every_sheet_and_column():
    doc = (Path(__file__).parents[2] / "docs" / "framework-format.md").read_text()
    section = doc[doc.index("### The sheets and their columns") : doc.index("### Limits for workbooks")]
    for sheet in xlsx.SHEETS:
        assert f"`{sheet.name}`" in section
        for column in sheet.columns:
            assert column.heading.removesuffix(" (English)").removesuffix(" (Welsh)") in section, column.heading
    for row in xlsx.FRAMEWORK_FIELDS:
        assert f"`{row.name}`" in section
