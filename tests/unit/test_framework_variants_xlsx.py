"""Variants in a workbook: their five sheets, both ways, and every mistake in them at its cell."""

import io
from typing import get_args

import pytest
from openpyxl import load_workbook

from tests.conftest import FRAMEWORK_FILE, MINIMAL_FILE
from tests.unit.test_framework_variants import WITH_A_VARIANT
from together.framework import FrameworkInvalid, canonical_json, content_hash, load_framework_file, parse_framework
from together.framework.icons import ICONS
from together.framework.schema import Audience
from together.framework.xlsx import read_xlsx, write_xlsx
from together.framework.yamlwrite import to_yaml

FRAMEWORK = parse_framework(WITH_A_VARIANT, "f.yaml")
WORKBOOK = write_xlsx(FRAMEWORK)
VARIANT_SHEETS = ["Variants", "Variant themes", "Variant statements", "Variant scale", "Variant glossary"]
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


def test_a_framework_with_a_variant_has_five_more_sheets():
    book = load_workbook(io.BytesIO(WORKBOOK))
    assert book.sheetnames[-5:] == VARIANT_SHEETS
    assert rows(book["Variants"]) == [
        (
            "Variant id",
            "Audience",
            "Title (English)",
            "Title (Welsh)",
            "Introduction (English)",
            "Introduction (Welsh)",
            "Youngest age",
            "Oldest age",
        ),
        ("residents", "residents", "Your views", "Eich barn", "Tell us what you think.", None, None, None),
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
        "Icon",
        "Picture description (English)",
        "Picture description (Welsh)",
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
    assert rows(book["Variant glossary"]) == [
        ("Variant id", "Word (English)", "Word (Welsh)", "Meaning (English)", "Meaning (Welsh)")
    ]
    # The variant, the statement mirrored, the audience and the picture are chosen from lists.
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
        ("Variant statements", "H2:H1000"): '"{}"'.format(",".join(sorted(ICONS))),
        ("Variant scale", "A2:A1000"): "Variants!$A$2:$A$1000",
        ("Variant glossary", "A2:A1000"): "Variants!$A$2:$A$1000",
    }
    help_text = " ".join(row[0] or "" for row in rows(book["How to fill this in"]))
    assert all(name in help_text for name in VARIANT_SHEETS)
    assert all(
        heading in help_text
        for heading in ("Maps to", "Mirrors", "Icon", "Picture description", "Youngest age", "Rather not say")
    )


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
            ["f.xlsx:Variant statements!J1: (heading): no column headed 'Mirrors': add it to row 1"],
        ),
        (
            lambda book: book["Variant statements"].delete_cols(1),
            ["f.xlsx:Variant statements!J1: (heading): no column headed 'Variant id': add it to row 1"],
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


# --- Pictures, ages, word lists and "I'd rather not say" -----------------------------------------

# The example with "I'd rather not say" on the framework's scale, an easy read version with a word
# list and a picture beside each statement, and a young people's version with an age band and both
# answers that give no rating.
WITH_EVERY_AUDIENCE = WITH_A_VARIANT.replace(
    "\nthemes:\n", "\n  rather_not_say:\n    label: {en: Rather not say, cy: Gwell gen i beidio â dweud}\nthemes:\n"
) + (
    "  - id: easy-read\n"
    "    audience: easy_read\n"
    "    title: {en: Easy read}\n"
    "    introduction: {en: Tell us what you think.}\n"
    "    glossary:\n"
    "      - term: {en: Council, cy: Cyngor}\n"
    "        meaning: {en: The people who run local services., cy: Y bobl sy'n rhedeg gwasanaethau lleol.}\n"
    "      - term: {en: Partner}\n"
    "        meaning: {en: A group that works with others.}\n"
    "    statements:\n"
    "      - id: easy-one-a\n"
    "        mirrors: one-a\n"
    "        text: {en: Easy one-a.}\n"
    "        icon: shared-goal\n"
    "        icon_alt: {en: People around one target, cy: Pobl o amgylch un targed}\n"
    "      - id: easy-two-a\n"
    "        mirrors: two-a\n"
    "        text: {en: Easy two-a.}\n"
    "        icon: teamwork\n"
    "        icon_alt: {en: Two people fitting puzzle pieces together}\n"
    "  - id: young\n"
    "    audience: young_people\n"
    "    title: {en: Young people}\n"
    "    introduction: {en: For you.}\n"
    "    ages: {youngest: 8, oldest: 11}\n"
    "    scale:\n"
    "      levels:\n"
    "        - value: 1\n"
    "          maps_to: 1\n"
    '          label: {en: "No"}\n'
    "        - value: 2\n"
    "          maps_to: 4\n"
    '          label: {en: "Yes"}\n'
    "      dont_know:\n"
    "        label: {en: I don't know}\n"
    "      rather_not_say:\n"
    "        label: {en: I'd rather not say}\n"
    "        description: {en: You do not have to answer.}\n"
    "    statements:\n"
    "      - id: young-one-b\n"
    "        mirrors: one-b\n"
    "        text: {en: Young one-b.}\n"
    "        icon: speak-up\n"
    "        icon_alt: {en: A megaphone}\n"
)
EVERY_AUDIENCE = parse_framework(WITH_EVERY_AUDIENCE, "f.yaml")
EVERY_WORKBOOK = write_xlsx(EVERY_AUDIENCE)


def every_edited(edit) -> bytes:
    book = load_workbook(io.BytesIO(EVERY_WORKBOOK))
    edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_example_uses_every_later_field():
    easy, young = EVERY_AUDIENCE.variant("easy-read"), EVERY_AUDIENCE.variant("young")
    assert EVERY_AUDIENCE.scale.rather_not_say is not None and EVERY_AUDIENCE.scale.dont_know is None
    assert [entry.term.en for entry in easy.glossary] == ["Council", "Partner"]
    assert [statement.icon for statement in easy.statements] == ["shared-goal", "teamwork"]
    assert (young.ages.youngest, young.ages.oldest) == (8, 11)
    assert young.scale.dont_know is not None and young.scale.rather_not_say is not None


def test_pictures_ages_word_lists_and_rather_not_say_are_written_in_their_cells():
    book = load_workbook(io.BytesIO(EVERY_WORKBOOK))
    assert rows(book["Scale"])[-1] == ("Rather not say", "Rather not say", "Gwell gen i beidio â dweud", None, None)
    assert [row[6:8] for row in rows(book["Variants"])] == [
        ("Youngest age", "Oldest age"),
        (None, None),
        (None, None),
        (8, 11),
    ]
    assert [(row[1], *row[7:]) for row in rows(book["Variant statements"])[4:]] == [
        ("easy-one-a", "shared-goal", "People around one target", "Pobl o amgylch un targed"),
        ("easy-two-a", "teamwork", "Two people fitting puzzle pieces together", None),
        ("young-one-b", "speak-up", "A megaphone", None),
    ]
    assert rows(book["Variant glossary"])[1:] == [
        (
            "easy-read",
            "Council",
            "Cyngor",
            "The people who run local services.",
            "Y bobl sy'n rhedeg gwasanaethau lleol.",
        ),
        ("easy-read", "Partner", None, "A group that works with others.", None),
    ]
    assert [row[:4] for row in rows(book["Variant scale"])[5:]] == [
        ("young", 1, 1, "No"),
        ("young", 2, 4, "Yes"),
        ("young", "Don't know", None, "I don't know"),
        ("young", "Rather not say", None, "I'd rather not say"),
    ]


def test_pictures_ages_word_lists_and_rather_not_say_round_trip_through_a_workbook_and_yaml():
    again = read_xlsx(EVERY_WORKBOOK, "f.xlsx")
    assert again == EVERY_AUDIENCE
    assert canonical_json(again) == canonical_json(EVERY_AUDIENCE)
    assert content_hash(again) == content_hash(EVERY_AUDIENCE)
    assert parse_framework(to_yaml(again), "f.yaml") == EVERY_AUDIENCE
    assert again.as_variant("young").scale == EVERY_AUDIENCE.as_variant("young").scale


def test_the_shipped_easy_read_and_young_peoples_versions_round_trip():
    shipped = load_framework_file(FRAMEWORK_FILE)
    again = read_xlsx(write_xlsx(shipped), "tt.xlsx")
    assert {variant.audience for variant in shipped.variants} == set(get_args(Audience))
    assert again == shipped
    assert content_hash(again) == content_hash(shipped)


@pytest.mark.parametrize(
    "words", ["rather not say", "I'd rather not say", "PREFER NOT TO SAY", " I’d  Rather not say "]
)
def test_the_rather_not_say_row_is_known_by_any_of_its_usual_words(words):
    def edit(book):
        book["Scale"]["A6"] = words
        book["Variant scale"]["B9"] = words

    assert read_xlsx(every_edited(edit), "f.xlsx") == EVERY_AUDIENCE


def test_a_workbook_without_the_later_columns_and_sheet_still_reads():
    # Written before pictures, ages and word lists: none of the variants in it needs them.
    def edit(book):
        book["Variants"].delete_cols(7, 2)
        book["Variant statements"].delete_cols(8, 3)
        del book["Variant glossary"]

    assert read_xlsx(edited(edit), "f.xlsx") == FRAMEWORK


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            set_cell("Variant statements", "H6", "smile"),
            ["f.xlsx:Variant statements!H6: icon: unknown icon 'smile': use one of " + ", ".join(sorted(ICONS))],
        ),
        (
            set_cell("Variant statements", "H5", "Shared goal"),
            [
                "f.xlsx:Variant statements!H5: icon: must be an id of lowercase letters, digits and hyphens, "
                "starting with a letter"
            ],
        ),
        (
            set_cell("Variant statements", "H7", None),
            [
                "f.xlsx:Variant statements!H7: icon: icon_alt is given but no icon: name the picture, or remove "
                "icon_alt",
                "f.xlsx:Variant statements!H7: icon: a young people's version needs a picture beside every "
                "statement: give it an icon",
            ],
        ),
        (
            set_cell("Variant statements", "I6", None),
            ["f.xlsx:Variant statements!I6: icon_alt: a picture needs icon_alt: the words a screen reader says for it"],
        ),
        (
            set_cell("Variants", "H4", None),
            [
                "f.xlsx:Variants!H4: ages.oldest: is required: give both the youngest and the oldest age, or leave "
                "both empty"
            ],
        ),
        (
            set_cell("Variants", "G4", None),
            [
                "f.xlsx:Variants!G4: ages.youngest: is required: give both the youngest and the oldest age, or "
                "leave both empty"
            ],
        ),
        (
            set_cell("Variants", "H2", 11),
            [
                "f.xlsx:Variants!G2: ages.youngest: is required: give both the youngest and the oldest age, or "
                "leave both empty"
            ],
        ),
        (
            lambda book: [set_cell("Variants", cell, None)(book) for cell in ("G4", "H4")],
            [
                "f.xlsx:Variants!G4: ages: a young people's version needs the age band it is written for, such as "
                "8 to 11"
            ],
        ),
        (
            set_cell("Variants", "H4", 7),
            ["f.xlsx:Variants!H4: ages.oldest: the oldest age, 7, is below the youngest"],
        ),
        (set_cell("Variants", "G4", 0), ["f.xlsx:Variants!G4: ages.youngest: must be 5 or more"]),
        (
            set_cell("Variants", "G4", "8"),
            [
                "f.xlsx:Variants!G4: ages.youngest: the number 8 is stored as text: format the cell as a Number "
                "and type it again"
            ],
        ),
        (
            set_cell("Variant glossary", "A3", "easy"),
            ["f.xlsx:Variant glossary!A3: variant: 'easy' is not the id of a variant on the Variants sheet"],
        ),
        (
            set_cell("Variant glossary", "B3", None),
            ["f.xlsx:Variant glossary!B3: term.en: English text is missing"],
        ),
        (
            set_cell("Variant glossary", "D2", None),
            ["f.xlsx:Variant glossary!D2: meaning.en: English text is missing"],
        ),
        (
            lambda book: book["Variant glossary"].delete_rows(2, 2),
            [
                "f.xlsx:Variants!A3: glossary: an easy read version needs a glossary: the harder words it uses, "
                "explained: add its rows on the Variant glossary sheet, with this variant's id in the Variant id "
                "column"
            ],
        ),
        (
            lambda book: book["Variant glossary"].delete_cols(2, 2),
            ["f.xlsx:Variant glossary!D1: (heading): no column headed 'Word (English)': add it to row 1"],
        ),
        (
            lambda book: book["Variant scale"].delete_rows(9),
            [
                "f.xlsx:Variant scale!A6: variants[2].scale: a young people's version needs its own scale with both "
                'dont_know ("I don\'t know") and rather_not_say ("I\'d rather not say"), offered on every question'
            ],
        ),
        (
            set_cell("Variant scale", "C9", 2),
            [
                "f.xlsx:Variant scale!C9: maps_to: must be empty on the Rather not say row: Rather not say is not "
                "counted as any value of the framework's scale"
            ],
        ),
        (
            lambda book: book["Variant scale"].append(["young", "Prefer not to say", None, "No thanks"]),
            ["f.xlsx:Variant scale!B10: rather_not_say: is given twice (first on row 9)"],
        ),
        (
            lambda book: book["Scale"].append(["I'd rather not say", "Again"]),
            ["f.xlsx:Scale!A7: rather_not_say: is given twice (first on row 6)"],
        ),
        (set_cell("Scale", "B6", None), ["f.xlsx:Scale!B6: label.en: English text is missing"]),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_each_mistake_in_pictures_ages_word_lists_and_rather_not_say_is_reported_at_its_cell(edit, expected):
    assert problems(every_edited(edit)) == expected
