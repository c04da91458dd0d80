"""The optional second question per statement: where the partnership is now, and in a year."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import MINIMAL_FILE
from together.framework import FrameworkInvalid, canonical_json, content_hash, load_framework_file, parse_framework
from together.framework.xlsx import read_xlsx, write_xlsx
from together.framework.yamlwrite import to_yaml

HEALTH_CHECK = Path(__file__).parents[2] / "frameworks" / "partnership-health-check.yaml"

QUESTIONS = """
questions:
  current:
    prompt:
      en: Where are we now?
  target:
    prompt:
      en: Where do we want to be in a year?
    hint:
      en: Think twelve months ahead.
"""


def with_block(block: str) -> str:
    text = MINIMAL_FILE.read_text(encoding="utf-8")
    return text.replace("\nthemes:", block + "\nthemes:", 1)


def problems(text: str) -> list[str]:
    with pytest.raises(FrameworkInvalid) as raised:
        parse_framework(text, "f.yaml")
    return [str(problem) for problem in raised.value.problems]


def test_without_the_block_a_statement_has_one_rating_and_the_file_keeps_its_hash():
    minimal = load_framework_file(MINIMAL_FILE)
    assert minimal.questions is None
    assert not minimal.asks_target
    assert "questions" not in canonical_json(minimal)


def test_the_block_gives_both_prompts_and_changes_the_content():
    framework = parse_framework(with_block(QUESTIONS), "f.yaml")
    assert framework.asks_target
    assert framework.questions.current.prompt.en == "Where are we now?"
    assert framework.questions.current.hint is None
    assert framework.questions.target.hint.en == "Think twelve months ahead."
    assert content_hash(framework) != content_hash(load_framework_file(MINIMAL_FILE))


def test_a_block_with_only_one_question_is_refused_with_the_field_named():
    only_current = "\nquestions:\n  current:\n    prompt:\n      en: Where are we now?\n"
    found = problems(with_block(only_current))
    assert len(found) == 1
    assert "questions.target" in found[0] and "required" in found[0]


def test_a_misspelt_key_in_the_block_is_an_error():
    found = problems(with_block(QUESTIONS.replace("    hint:", "    hnit:")))
    assert any("hnit" in problem for problem in found)


def test_the_shipped_health_check_asks_both_questions():
    framework = load_framework_file(HEALTH_CHECK)
    assert framework.questions.current.prompt.en == "Where are we now?"
    assert framework.questions.target.prompt.en == "Where do we want to be in a year?"


def test_the_block_round_trips_through_yaml_and_a_workbook():
    framework = parse_framework(with_block(QUESTIONS), "f.yaml")
    assert canonical_json(parse_framework(to_yaml(framework), "again.yaml")) == canonical_json(framework)
    assert canonical_json(read_xlsx(write_xlsx(framework), "f.xlsx")) == canonical_json(framework)


def test_in_a_workbook_a_missing_target_prompt_is_reported_at_its_cell():
    book = load_workbook(io.BytesIO(write_xlsx(load_framework_file(HEALTH_CHECK))))
    sheet = book["Framework"]
    rows = {sheet.cell(number, 1).value: number for number in range(2, sheet.max_row + 1)}
    # The English and the Welsh of the prompt both left empty.
    sheet.cell(rows["Target question"], 2).value = None
    sheet.cell(rows["Target question"], 3).value = None
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(FrameworkInvalid) as raised:
        read_xlsx(buffer.getvalue(), "f.xlsx")
    assert [str(problem) for problem in raised.value.problems] == [
        f"f.xlsx:Framework!B{rows['Target question']}: questions.target.prompt: is required"
    ]


def test_in_a_workbook_leaving_all_four_rows_empty_asks_one_question():
    book = load_workbook(io.BytesIO(write_xlsx(load_framework_file(HEALTH_CHECK))))
    sheet = book["Framework"]
    for number in range(2, sheet.max_row + 1):
        if sheet.cell(number, 1).value in ("Current question", "Current hint", "Target question", "Target hint"):
            sheet.cell(number, 2).value = None
            sheet.cell(number, 3).value = None  # and the Welsh
    buffer = io.BytesIO()
    book.save(buffer)
    assert read_xlsx(buffer.getvalue(), "f.xlsx").questions is None
