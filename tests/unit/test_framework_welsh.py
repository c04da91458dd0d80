"""The shipped framework in Welsh, and the check that a file's ``translation_status`` tells the truth."""

import io
import re

import pytest
import yaml
from openpyxl import load_workbook

from tests.conftest import FRAMEWORK_FILE, MINIMAL_FILE
from together.framework import FrameworkInvalid, canonical_json, content_hash, load_framework_file, parse_framework
from together.framework.loader import field_name
from together.framework.rules import MISSING_LISTED, texts
from together.framework.xlsx import read_xlsx, write_xlsx

FRAMEWORK = load_framework_file(FRAMEWORK_FILE)
TEXTS = list(texts(FRAMEWORK))

# Places whose usual name in Welsh is the English one. Every other Welsh text differs from the
# English: names with a Welsh form use it (Sir Fynwy, Dwyrain Swydd Gaer), and the partnerships'
# descriptive names are put into Welsh around their place names.
# "Staff" is the Welsh word too (as "staff" is throughout the catalogue).
SAME_IN_WELSH = {"South Tyneside", "Wigan", "Staff"}


def test_the_walk_finds_every_text_of_the_shipped_framework():
    # 3 about the framework, 14 findings, 12 on the scale, and per theme 4, 2 per exemplar, 1 per
    # action and 2 per statement.
    expected = 3 + len(FRAMEWORK.findings) + 2 * (len(FRAMEWORK.scale.levels) + 1)
    for theme in FRAMEWORK.themes:
        expected += 4 + 2 * len(theme.exemplars) + len(theme.suggested_actions) + 2 * len(theme.statements)
    # Each variant: its title and introduction; its scale's labels, descriptions and non-answers;
    # 2 per retitled theme and per glossary entry; per statement its text, guidance and picture's words.
    for variant in FRAMEWORK.variants:
        expected += 2 + 2 * len(variant.themes) + 2 * len(variant.glossary)
        if variant.scale is not None:
            expected += sum(1 + (level.description is not None) for level in variant.scale.levels)
            for answer in (variant.scale.dont_know, variant.scale.rather_not_say):
                expected += 0 if answer is None else 1 + (answer.description is not None)
        for statement in variant.statements:
            expected += 1 + (statement.guidance is not None) + (statement.icon_alt is not None)
    assert len(TEXTS) == expected == 423


def test_every_text_of_the_shipped_framework_has_welsh():
    assert [field_name(path) for path, text in TEXTS if not text.cy.strip()] == []


def test_the_shipped_framework_says_it_is_complete_in_both_languages():
    assert FRAMEWORK.translation_status == {"en": "complete", "cy": "complete"}


def test_welsh_differs_from_english_except_for_place_names_and_words_used_in_both():
    same = [(field_name(path), text.en) for path, text in TEXTS if text.cy == text.en]
    assert all(path.endswith(".place") or text == "Staff" for path, text in same), same
    assert {text for _path, text in same} == SAME_IN_WELSH  # and the list of exceptions is not stale


def test_welsh_is_written_out_in_full_sentences_like_the_english():
    for path, text in TEXTS:
        where = field_name(path)
        assert text.cy == " ".join(text.cy.split()), where  # no stray line breaks or double spaces
        assert (text.cy[-1] in ".?") == (text.en[-1] in ".?"), f"{where}: ends as the English does"
        assert "’" not in text.cy, f"{where}: apostrophes are typed as ' throughout"


def test_the_same_place_has_the_same_welsh_name_everywhere():
    places: dict[str, set[str]] = {}
    for theme in FRAMEWORK.themes:
        for exemplar in theme.exemplars:
            places.setdefault(exemplar.id, set()).add(exemplar.place.cy)
    assert {place: len(names) for place, names in places.items() if len(names) > 1} == {}
    assert FRAMEWORK.theme("involving-people").exemplars[1].place.cy == "Dwyrain Swydd Gaer"
    assert "Sir Fynwy" in FRAMEWORK.theme("national-context").exemplars[0].place.cy


def test_welsh_scale_labels_are_distinct_and_dont_know_is_plain():
    labels = [level.label.cy.casefold() for level in FRAMEWORK.scale.levels]
    assert len(set(labels)) == len(labels)
    assert FRAMEWORK.scale.dont_know.label.cy == "Ddim yn gwybod"


def test_welsh_uses_the_words_of_the_terminology_list():
    # docs/welsh-terminology.md gives one Welsh word for each recurring English term; its
    # alternatives must not creep in, so that the interface translation can match the framework.
    welsh = " ".join(text.cy for _path, text in TEXTS).casefold()
    for word in ("trigolion", "rheng flaen", "canlyniadau cyffredin", "gwaith ar y cyd", "cydgysylltiedig"):
        assert word in welsh, word
    for alternative in ("preswylwyr", "deilliannau", "cydgysylltiol", "rheng-flaen", "rhanddeiliaid"):
        assert alternative not in welsh, alternative


def test_welsh_statements_are_in_the_partnerships_voice():
    voice = re.compile(
        r"\b(ein|rydym|partneriaid|partner|arweinwyr|rheolwyr|staff|pobl|cynghorwyr)\b|\bi'n\b", re.IGNORECASE
    )
    assert [s.id for s in FRAMEWORK.statements if not voice.search(s.text.cy)] == []


# --- The translation_status rule ---------------------------------------------------------------

MINIMAL_TEXT = MINIMAL_FILE.read_text()


def parse(text: str):
    return parse_framework(text, "f.yaml")


def problems(text: str) -> list[str]:
    with pytest.raises(FrameworkInvalid) as raised:
        parse(text)
    return [str(problem) for problem in raised.value.problems]


def claiming(status: str, text: str = MINIMAL_TEXT) -> str:
    return text.replace("id: minimal\n", f"id: minimal\ntranslation_status: {status}\n", 1)


def all_welsh(text: str) -> str:
    """The minimal framework with every empty or missing Welsh text filled in."""
    framework = parse(text).model_dump(mode="json")

    def fill(value):
        if isinstance(value, dict):
            if set(value) == {"en", "cy"}:
                return {"en": value["en"], "cy": value["cy"] or "Yn Gymraeg " + value["en"]}
            return {key: fill(item) for key, item in value.items()}
        if isinstance(value, list):
            return [fill(item) for item in value]
        return value

    return yaml.safe_dump(fill(framework), allow_unicode=True, sort_keys=False)


def test_a_file_without_translation_status_is_unchanged_and_keeps_its_content_hash():
    framework = parse(MINIMAL_TEXT)
    assert framework.translation_status == {}
    assert "translation_status" not in canonical_json(framework)
    assert content_hash(parse(claiming("{}"))) == content_hash(framework)


def test_a_claim_is_part_of_the_content_and_its_hash():
    welsh = all_welsh(MINIMAL_TEXT)
    claimed = parse(claiming("{en: complete, cy: complete}", welsh))
    assert claimed.translation_status == {"en": "complete", "cy": "complete"}
    assert '"translation_status":{"cy":"complete","en":"complete"}' in canonical_json(claimed)
    assert content_hash(claimed) != content_hash(parse(welsh))


def test_complete_welsh_claimed_and_true_is_valid():
    framework = parse(claiming("{en: complete, cy: complete}", all_welsh(MINIMAL_TEXT)))
    assert framework.translation_status["cy"] == "complete"


def test_complete_welsh_claimed_with_a_field_empty_names_that_field_and_its_line():
    text = claiming("{en: complete, cy: complete}", all_welsh(MINIMAL_TEXT))
    welsh = "cy: Yn Gymraeg A small framework for tests."
    line = text[: text.index(welsh)].count("\n") + 1
    assert problems(text.replace(welsh, "cy: ''")) == [
        f"f.yaml:{line}: summary.cy: Welsh text is missing, but translation_status says cy: complete"
    ]


def test_complete_welsh_claimed_with_many_fields_empty_lists_the_first_and_counts_the_rest():
    found = problems(claiming("{cy: complete}"))
    empty = [path for path, text in texts(parse(MINIMAL_TEXT)) if not text.cy]
    assert len(empty) > MISSING_LISTED
    assert len(found) == MISSING_LISTED + 1
    # Problems come in the order of the file: the claim itself, then the first fields it is wrong about.
    assert found[1].startswith("f.yaml:5: summary.cy: Welsh text is missing")
    assert found[0] == (
        f"f.yaml:3: translation_status.cy: says complete, but {len(empty)} texts have no Welsh; "
        f"the first {MISSING_LISTED} are listed"
    )


def test_no_welsh_claimed_when_some_is_written_points_at_the_first_welsh_text():
    # The minimal framework's title has Welsh, "Fframwaith bach".
    assert problems(claiming("{cy: none}")) == [
        "f.yaml:4: title.cy: has Welsh text, but translation_status says cy: none "
        "(2 of 27 texts have Welsh): say partial or complete"
    ]


def test_partial_welsh_must_be_partial():
    assert parse(claiming("{cy: partial}")).translation_status == {"cy": "partial"}
    assert problems(claiming("{cy: partial}", all_welsh(MINIMAL_TEXT))) == [
        "f.yaml:3: translation_status.cy: says partial, but every text has Welsh: say complete"
    ]
    no_welsh = MINIMAL_TEXT.replace(", cy: Fframwaith bach}", "}").replace(", cy: Diben cyffredin}", "}")
    assert problems(claiming("{cy: partial}", no_welsh)) == [
        "f.yaml:3: translation_status.cy: says partial, but no text has Welsh: say none"
    ]
    assert parse(claiming("{cy: none}", no_welsh)).translation_status == {"cy": "none"}


def test_english_can_only_be_claimed_complete():
    assert parse(claiming("{en: complete}")).translation_status == {"en": "complete"}
    assert problems(claiming("{en: partial}")) == [
        "f.yaml:3: translation_status.en: says partial, but every text has English: say complete"
    ]
    assert problems(claiming("{en: none}")) == [
        "f.yaml:4: title.en: has English text, but translation_status says en: none "
        "(27 of 27 texts have English): say complete"
    ]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("{cy: done}", "f.yaml:3: translation_status.cy: must be 'complete', 'partial' or 'none'"),
        ("{fr: complete}", "f.yaml:3: translation_status.fr.[key]: must be 'en' or 'cy'"),
        ("complete", "f.yaml:3: translation_status: must be a mapping of keys to values"),
    ],
)
def test_a_malformed_claim_is_a_clear_error(status, expected):
    assert problems(claiming(status)) == [expected]


def test_a_claim_survives_a_workbook_round_trip_and_sits_on_the_framework_sheet():
    book = load_workbook(io.BytesIO(write_xlsx(FRAMEWORK)))
    rows = {row[0]: row[1:3] for row in book["Framework"].iter_rows(values_only=True)}
    assert rows["Translation status"] == ("complete", "complete")
    assert read_xlsx(write_xlsx(FRAMEWORK), "tt.xlsx").translation_status == FRAMEWORK.translation_status
    minimal = parse(MINIMAL_TEXT)
    assert read_xlsx(write_xlsx(minimal), "m.xlsx").translation_status == {}


def test_a_false_claim_in_a_workbook_is_reported_at_its_cell():
    book = load_workbook(io.BytesIO(write_xlsx(parse(MINIMAL_TEXT))))
    sheet = book["Framework"]
    row = next(cell.row for cell in sheet["A"] if cell.value == "Translation status")
    sheet.cell(row, 3, "complete")
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(FrameworkInvalid) as raised:
        read_xlsx(buffer.getvalue(), "f.xlsx")
    found = [str(problem) for problem in raised.value.problems]
    assert (
        f"f.xlsx:Framework!C{row}: translation_status.cy: says complete, but 25 texts have no Welsh; "
        f"the first {MISSING_LISTED} are listed"
    ) in found
    assert (
        "f.xlsx:Themes!G2: why_it_matters.cy: Welsh text is missing, but translation_status says cy: complete" in found
    )


def test_the_shipped_health_check_is_complete_in_both_languages_too():
    from pathlib import Path

    health = load_framework_file(Path(FRAMEWORK_FILE).with_name("partnership-health-check.yaml"))
    assert health.translation_status == {"en": "complete", "cy": "complete"}
    found = list(texts(health))
    assert len(found) > 50
    assert [field_name(path) for path, text in found if not text.cy.strip()] == []
    assert [field_name(path) for path, text in found if text.cy == text.en] == []
