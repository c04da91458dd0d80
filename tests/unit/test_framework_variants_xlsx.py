"""Variants in a workbook: their four sheets, both ways, and every mistake in them at its cell."""

import io
from typing import get_args

import pytest
from openpyxl import load_workbook

from tests.conftest import FRAMEWORK_FILE, MINIMAL_FILE
from tests.unit.test_framework_variants import WITH_A_VARIANT
from together.framework import FrameworkInvalid, canonical_json, content_hash, load_framework_file, parse_framework
from together.framework.schema import Audience
from together.framework.xlsx import read_xlsx, write_xlsx
from together.framework.yamlwrite import to_yaml

FRAMEWORK = parse_framework(WITH_A_VARIANT, "f.yaml")
WORKBOOK = write_xlsx(FRAMEWORK)
VARIANT_SHEETS = ["Variants", "Variant themes", "Variant statements", "Variant scale"]
# The audiences as the schema's message lists them: 'residents', or 'residents', 'a' or 'b'.
_QUOTED = [repr(audience) for audience in get_args(Audience)]
AUDIENCES = " or ".join([", ".join(_QUOTED[:-1]), _QUOTED[-1]] if len(_QUOTED) > 1 else _QUOTED)


def problems(data: bytes) -> list[str]:
    with pytest.raises(FrameworkInvalid) as raised:
        read_xlsx(data, "f.xlsx")
    return [str(problem) for problem in raised.value.problems]


def edited(edit) -> bytes:
    book = load_workbook(io.BytesIO(WORKBOOK))
    edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def set_cell(sheet: str, cell: str, value):
    def edit(book):
        book[sheet][cell] = value

    return edit


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


# --- The sheets the writer makes -------------------------------------------------------------------


def test_a_framework_with_a_variant_has_four_more_sheets():
    book = load_workbook(io.BytesIO(WORKBOOK))
    assert book.sheetnames[-4:] == VARIANT_SHEETS
    assert rows(book["Variants"]) == [
        (
            "Variant id",
            "Audience",
            "Title (English)",
            "Title (Welsh)",
            "Introduction (English)",
            "Introduction (Welsh)",
        ),
        ("residents", "residents", "Your views", "Eich barn", "Tell us what you think.", None),
    ]
    assert rows(book["Variant themes"])[1] == (
        "residents",
        "two",
        "Second in your words",
        None,
        "About the second theme.",
        None,
    )
    statements = rows(book["Variant statements"])
    assert statements[0] == (
        "Variant id",
        "Statement id",
        "Mirrors",
        "Statement (English)",
        "Statement (Welsh)",
        "Guidance (English)",
        "Guidance (Welsh)",
    )
    assert [row[1:3] for row in statements[1:]] == [
        ("residents-two-b", "two-b"),
        ("residents-one-a", "one-a"),
        ("residents-two-a", "two-a"),
    ]
    scale = rows(book["Variant scale"])
    assert scale[0][:3] == ("Variant id", "Value", "Maps to")
    assert [row[:4] for row in scale[1:]] == [
        ("residents", 1, 1, "Disagree"),
        ("residents", 2, 2, "Neither"),
        ("residents", 3, 4, "Agree"),
        ("residents", "Don't know", None, "Don't know"),
    ]
    # The variant, the statement mirrored and the audience are chosen from lists.
    offered = {
        (name, str(check.sqref)): check.formula1
        for name in VARIANT_SHEETS
        for check in book[name].data_validations.dataValidation
    }
    assert offered == {
        ("Variants", "B2:B1000"): '"{}"'.format(",".join(get_args(Audience))),
        ("Variant themes", "A2:A1000"): "Variants!$A$2:$A$1000",
        ("Variant themes", "B2:B1000"): "Themes!$A$2:$A$1000",
        ("Variant statements", "A2:A1000"): "Variants!$A$2:$A$1000",
        ("Variant statements", "C2:C1000"): "Statements!$B$2:$B$1000",
        ("Variant scale", "A2:A1000"): "Variants!$A$2:$A$1000",
    }
    help_text = " ".join(row[0] or "" for row in rows(book["How to fill this in"]))
    assert all(name in help_text for name in VARIANT_SHEETS) and "Maps to" in help_text and "Mirrors" in help_text


def test_a_framework_without_variants_has_no_variant_sheets():
    book = load_workbook(io.BytesIO(write_xlsx(load_framework_file(MINIMAL_FILE))))
    assert not set(VARIANT_SHEETS) & set(book.sheetnames)


# --- Round trips ---------------------------------------------------------------------------------


def test_a_framework_with_a_variant_round_trips_through_a_workbook_and_yaml():
    again = read_xlsx(WORKBOOK, "f.xlsx")
    assert again == FRAMEWORK
    assert canonical_json(again) == canonical_json(FRAMEWORK)
    assert content_hash(again) == content_hash(FRAMEWORK)
    assert parse_framework(to_yaml(again), "f.yaml") == FRAMEWORK
    assert again.as_variant("residents") == FRAMEWORK.as_variant("residents")


def test_the_shipped_residents_variant_round_trips_with_its_welsh():
    shipped = load_framework_file(FRAMEWORK_FILE)
    again = read_xlsx(write_xlsx(shipped), "tt.xlsx")
    assert again.variants == shipped.variants and shipped.variants
    assert content_hash(again) == content_hash(shipped)


def test_a_variant_without_scale_or_themes_round_trips_and_its_sheets_may_be_left_out():
    def edit(book):
        del book["Variant themes"]
        del book["Variant scale"]

    framework = read_xlsx(edited(edit), "f.xlsx")
    variant = framework.variant("residents")
    assert variant.scale is None and variant.themes == []
    assert read_xlsx(write_xlsx(framework), "f.xlsx") == framework


def test_empty_variant_sheets_are_no_variants():
    def edit(book):
        for name in VARIANT_SHEETS:
            book[name].delete_rows(2, 10)

    framework = read_xlsx(edited(edit), "f.xlsx")
    assert framework.variants == []
    assert content_hash(framework) == content_hash(parse_framework(WITH_A_VARIANT.split("variants:")[0], "f.yaml"))


# --- Mistakes, at their cells --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            set_cell("Variant statements", "C3", "one-z"),
            ["f.xlsx:Variant statements!C3: mirrors: mirrors 'one-z', which is not one of the framework's statements"],
        ),
        (
            set_cell("Variant statements", "C4", "two-b"),
            [
                "f.xlsx:Variant statements!C4: mirrors: 'two-b' is already mirrored by Variant statements!B2 of this "
                "variant: a statement is mirrored at most once in each variant"
            ],
        ),
        (set_cell("Variant statements", "C4", None), ["f.xlsx:Variant statements!C4: mirrors: is required"]),
        (
            set_cell("Variant statements", "B3", "one-b"),
            ["f.xlsx:Variant statements!B3: id: duplicate id 'one-b' (also in the framework's statements)"],
        ),
        (
            set_cell("Variant statements", "A3", "resident"),
            ["f.xlsx:Variant statements!A3: variant: 'resident' is not the id of a variant on the Variants sheet"],
        ),
        (
            set_cell("Variant statements", "A3", None),
            [
                "f.xlsx:Variant statements!A3: variant: is empty: give the id of this row's variant, as on the "
                "Variants sheet"
            ],
        ),
        (
            set_cell("Variant statements", "D2", None),
            ["f.xlsx:Variant statements!D2: text.en: English text is missing"],
        ),
        (
            set_cell("Variant scale", "C3", 5),
            [
                "f.xlsx:Variant scale!C3: maps_to: maps to 5, which is not on the framework's scale (1 to 4)",
                "f.xlsx:Variant scale!C4: maps_to: maps to 4: each level must map higher than the one before",
            ],
        ),
        (
            set_cell("Variant scale", "C2", 2),
            [
                "f.xlsx:Variant scale!C2: maps_to: the lowest level must map to the framework's lowest value, 1",
                "f.xlsx:Variant scale!C3: maps_to: maps to 2: each level must map higher than the one before",
            ],
        ),
        (
            set_cell("Variant scale", "C3", "2"),
            [
                "f.xlsx:Variant scale!C3: maps_to: the number 2 is stored as text: format the cell as a Number and "
                "type it again"
            ],
        ),
        (set_cell("Variant scale", "C4", None), ["f.xlsx:Variant scale!C4: maps_to: is required"]),
        (
            set_cell("Variant scale", "C5", 3),
            [
                "f.xlsx:Variant scale!C5: maps_to: must be empty on the Don't know row: Don't know is not counted as "
                "any value of the framework's scale"
            ],
        ),
        (
            set_cell("Variant scale", "B3", 5),
            ["f.xlsx:Variant scale!B3: value: bad scale: levels must be numbered 1 to 3 in order; expected 2, found 5"],
        ),
        (
            set_cell("Variant scale", "A3", "visitors"),
            ["f.xlsx:Variant scale!A3: variant: 'visitors' is not the id of a variant on the Variants sheet"],
        ),
        (
            lambda book: book["Variant scale"].append(["residents", "Don't know", None, "Not sure"]),
            ["f.xlsx:Variant scale!B6: dont_know: is given twice (first on row 5)"],
        ),
        (set_cell("Variants", "B2", "staff"), [f"f.xlsx:Variants!B2: audience: must be {AUDIENCES}"]),
        (
            set_cell("Variant themes", "B2", "three"),
            ["f.xlsx:Variant themes!B2: id: unknown theme 'three' (not one of the framework's themes)"],
        ),
        (
            lambda book: book["Variant themes"].append(["residents", "two", "Again", None, "Again."]),
            ["f.xlsx:Variant themes!B3: id: theme 'two' is listed twice here (also Variant themes!B2)"],
        ),
        (
            lambda book: book["Variants"].append(["visitors", "residents", "Visitors", None, "Hello."]),
            [
                "f.xlsx:Variants!A3: statements: a variant needs at least one statement: add its rows on the "
                "Variant statements sheet, with this variant's id in the Variant id column"
            ],
        ),
        (
            lambda book: book["Variants"].append(["residents", "residents", "Again", None, "Hello."]),
            ["f.xlsx:Variants!A3: id: duplicate id 'residents' (also Variants!A2)"],
        ),
        (
            lambda book: book["Variant statements"].delete_cols(3),
            ["f.xlsx:Variant statements!G1: (heading): no column headed 'Mirrors': add it to row 1"],
        ),
        (
            lambda book: book["Variant statements"].delete_cols(1),
            ["f.xlsx:Variant statements!G1: (heading): no column headed 'Variant id': add it to row 1"],
        ),
        (
            lambda book: book.remove(book["Variant statements"]),
            [
                "f.xlsx:Variants!A2: statements: is required: add its rows on the Variant statements sheet, with "
                "this variant's id in the Variant id column"
            ],
        ),
        (
            lambda book: book.remove(book["Variants"]),
            [
                "f.xlsx:Variants: (sheet): the workbook has no sheet called 'Variants', which the rows of "
                "'Variant themes' name their variant from: add it, with a row for each variant"
            ],
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_each_mistake_in_a_variant_is_reported_at_its_cell(edit, expected):
    assert problems(edited(edit)) == expected


def test_welsh_claimed_complete_is_checked_in_the_variant_sheets_too():
    def edit(book):
        sheet = book["Framework"]
        (row,) = [cell.row for cell in sheet["A"] if cell.value == "Translation status"]
        sheet[f"B{row}"], sheet[f"C{row}"] = "complete", "none"

    found = problems(edited(edit))
    assert "f.xlsx:Variants!D2: title.cy: has Welsh text, but translation_status says cy: none" in found[0]


def test_variant_problems_come_after_the_frameworks_in_reading_order():
    def edit(book):
        book["Variant scale"]["C3"] = "two"
        book["Variant statements"]["D2"] = None
        book["Statements"]["C2"] = None

    assert [problem.split(": ")[0] for problem in problems(edited(edit))] == [
        "f.xlsx:Statements!C2",
        "f.xlsx:Variant statements!D2",
        "f.xlsx:Variant scale!C3",
    ]
