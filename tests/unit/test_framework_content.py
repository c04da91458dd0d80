"""The Transforming Together Framework itself: it covers the research and is usable as a questionnaire."""

import re

import pytest

from tests.conftest import FRAMEWORK_FILE
from together.framework import load_framework_file
from together.framework.schema import Text

FRAMEWORK = load_framework_file(FRAMEWORK_FILE)

# Every finding of the source research, by the id the framework gives it.
SEED_FINDINGS = {
    "clear-purpose",
    "shared-vision",
    "long-term-partnership",
    "political-support",
    "residents-and-place",
    "systems-thinking",
    "passionate-leadership",
    "honest-relationships",
    "understanding-pressures",
    "engaged-workforce",
    "involving-people",
    "learning-step-by-step",
    "persistent-implementation",
    "national-context",
}

# Every exemplar of the source research, with the theme it must illustrate at least.
SEED_EXEMPLARS = {
    "south-tyneside": ("South Tyneside", "shared-purpose"),
    "surrey-carers": ("Surrey Carers Partnership", "learning-step-by-step"),
    "monnow-vale": ("Monnow Vale", "learning-step-by-step"),
    "wigan": ("Wigan", "involving-people"),
    "cheshire-east": ("Cheshire East", "involving-people"),
    "brighton-hove-banking": ("Brighton and Hove", "involving-people"),
    "south-tyne-wear-waste": ("South Tyne and Wear", "persistent-delivery"),
}


def test_size_suits_a_fifteen_minute_questionnaire():
    assert 30 <= len(FRAMEWORK.statements) <= 50


def test_every_seed_finding_is_declared_and_covered_by_a_statement():
    covered = {finding for statement in FRAMEWORK.statements for finding in statement.findings}
    assert {finding.id for finding in FRAMEWORK.findings} == SEED_FINDINGS
    assert covered == SEED_FINDINGS


@pytest.mark.parametrize("exemplar_id", sorted(SEED_EXEMPLARS))
def test_every_seed_exemplar_is_attached_to_the_theme_it_illustrates(exemplar_id):
    place, theme_id = SEED_EXEMPLARS[exemplar_id]
    theme = FRAMEWORK.theme(theme_id)
    exemplar = next((e for e in theme.exemplars if e.id == exemplar_id), None)
    assert exemplar is not None, f"{exemplar_id} is not under {theme_id}"
    assert place in exemplar.place.en
    assert len(exemplar.text.en.split()) >= 15, "an exemplar says what the place did and why it matters"


def test_every_theme_has_the_parts_a_reader_needs():
    for theme in FRAMEWORK.themes:
        assert theme.exemplars, theme.id
        assert len(theme.suggested_actions) >= 2, theme.id
        assert 3 <= len(theme.statements) <= 6, theme.id
        for text in (theme.summary, theme.why_it_matters, theme.what_good_looks_like):
            assert text.en.strip()


def test_ids_are_unique_and_stable_in_form():
    statement_ids = [statement.id for statement in FRAMEWORK.statements]
    assert len(statement_ids) == len(set(statement_ids))
    for theme in FRAMEWORK.themes:
        for statement in theme.statements:
            assert statement.id.startswith(theme.id + "-"), statement.id


def test_every_statement_has_guidance_and_is_short_and_single():
    for statement in FRAMEWORK.statements:
        assert statement.guidance.en.strip(), statement.id
        assert len(statement.text.en.split()) <= 25, statement.id
        # One idea each: no "and/or" lists of alternatives.
        assert "and/or" not in statement.text.en, statement.id


def test_statements_are_in_the_partnerships_voice():
    voice = re.compile(r"\b(we|our|us|partners|leaders|councillors|staff|people)\b", re.IGNORECASE)
    for statement in FRAMEWORK.statements:
        assert voice.search(statement.text.en), statement.id


def test_scale_has_five_labelled_levels_and_dont_know():
    assert FRAMEWORK.scale.values == (1, 2, 3, 4, 5)
    assert FRAMEWORK.scale.level(1).label.en == "Not yet in place"
    assert FRAMEWORK.scale.level(5).label.en == "Embedded and sustained"
    assert FRAMEWORK.scale.dont_know.label.en == "Don't know"


def test_welsh_falls_back_to_english_until_translated():
    translated = Text(en="Shared purpose", cy="Diben cyffredin")
    untranslated = Text(en="Shared purpose")
    assert translated.get("cy") == "Diben cyffredin"
    assert translated.get("en") == "Shared purpose"
    assert untranslated.get("cy") == "Shared purpose"
    assert untranslated.falls_back("cy") and not translated.falls_back("cy")
    assert not untranslated.falls_back("en")
