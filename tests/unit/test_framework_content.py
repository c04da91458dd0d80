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


# Every place the framework names, each from the source research.
SEED_PLACES = {
    "South Tyneside",
    "South Tyne and Wear Waste Management Partnership",
    "Surrey Carers Partnership",
    "Monnow Vale, Monmouthshire",
    "Wigan",
    "Cheshire East",
    "Brighton and Hove Community Banking Partnership",
}

# Claims a review found that the source research does not make. They must not come back.
CLAIMS_NOT_IN_THE_RESEARCH = (
    "steady backing from elected leaders",
    "election cycle",
    "ahead of their own boundaries",
    "funded, managed and inspected separately",
    "trusting relationships",
    "one neighbourhood",
    "every person interviewed",
    "first need to settle",
    "until that happens",
    "manage these pressures themselves",
)

# Statement ids whose question changed meaning, so they are not used again (docs/framework-format.md).
RETIRED_STATEMENT_IDS = {
    "political-support-councillors",
    "residents-and-place-roles",
    "residents-and-place-budgets",
    "leadership-and-relationships-commitment",
    "leadership-and-relationships-honesty",
    "leadership-and-relationships-respect",
    "whole-workforce-frontline-know",
    "whole-workforce-managers-trusted",
    "national-context-know-barriers",
}

EXEMPLARS = [(theme.id, exemplar) for theme in FRAMEWORK.themes for exemplar in theme.exemplars]


def every_text():
    """Every English text of the framework, with where it is."""
    yield "summary", FRAMEWORK.summary.en
    yield "source", FRAMEWORK.source.en
    for finding in FRAMEWORK.findings:
        yield f"finding {finding.id}", finding.text.en
    for theme in FRAMEWORK.themes:
        for part in ("summary", "why_it_matters", "what_good_looks_like"):
            yield f"{theme.id} {part}", getattr(theme, part).en
        for exemplar in theme.exemplars:
            yield f"{theme.id} exemplar {exemplar.id}", exemplar.text.en
        for action in theme.suggested_actions:
            yield f"action {action.id}", action.text.en
        for statement in theme.statements:
            yield f"statement {statement.id}", statement.text.en
            yield f"guidance {statement.id}", statement.guidance.en


def test_size_suits_a_fifteen_minute_questionnaire():
    assert 30 <= len(FRAMEWORK.statements) <= 50


def test_the_research_content_optional_for_other_frameworks_is_all_here():
    # The format lets a partnership's own framework leave research out; this one may not.
    assert FRAMEWORK.source is not None and "RSA" in FRAMEWORK.source.en
    assert FRAMEWORK.findings
    for theme in FRAMEWORK.themes:
        assert theme.why_it_matters is not None and theme.what_good_looks_like is not None, theme.id
        assert theme.exemplars and theme.suggested_actions, theme.id
        for statement in theme.statements:
            assert statement.guidance is not None, statement.id
            assert statement.findings, f"{statement.id} cites no finding"


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


def test_exemplars_name_only_places_from_the_research():
    assert {exemplar.place.en for _theme, exemplar in EXEMPLARS} == SEED_PLACES


@pytest.mark.parametrize(
    ("theme_id", "exemplar"), EXEMPLARS, ids=[f"{theme_id}-{exemplar.id}" for theme_id, exemplar in EXEMPLARS]
)
def test_no_exemplar_makes_a_claim_the_research_does_not(theme_id, exemplar):
    text = exemplar.text.en.casefold()
    assert [phrase for phrase in CLAIMS_NOT_IN_THE_RESEARCH if phrase in text] == []


def test_no_text_anywhere_makes_a_claim_the_research_does_not():
    found = [
        (where, phrase)
        for where, text in every_text()
        for phrase in CLAIMS_NOT_IN_THE_RESEARCH
        if phrase in text.casefold()
    ]
    assert found == []


def test_a_statement_asks_whether_partners_keep_their_commitments():
    promise = re.compile(r"\b(do what they (agreed|said)|keep (their )?(commitments|promises))\b", re.IGNORECASE)
    asking = [s.id for s in FRAMEWORK.statements if promise.search(s.text.en) and "honest-relationships" in s.findings]
    assert asking, "the finding on honest relationships names keeping commitments, so a statement asks about it"


def test_statements_ask_about_practice_not_knowledge_or_feelings():
    # The scale runs from "not yet in place" to "embedded and sustained": it rates what people do.
    inner = re.compile(r"\b(know|knows|knew|willing|passion|passionate|trusted|trust|respect|feel|feels)\b", re.I)
    assert [s.id for s in FRAMEWORK.statements if inner.search(s.text.en)] == []


def test_a_statement_whose_meaning_changed_does_not_reuse_its_old_id():
    assert RETIRED_STATEMENT_IDS.isdisjoint(statement.id for statement in FRAMEWORK.statements)


def test_the_documented_id_changes_match_the_framework():
    doc = (FRAMEWORK_FILE.parents[1] / "docs" / "framework-format.md").read_text()
    section = doc[doc.index("### The shipped framework's versions") : doc.index("## Text in two languages")]
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| `([a-z0-9-]+)` \|", section, re.MULTILINE)
    current = {statement.id for statement in FRAMEWORK.statements}
    assert {old for old, _new in rows} == RETIRED_STATEMENT_IDS
    assert {new for _old, new in rows} <= current
