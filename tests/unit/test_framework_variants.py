"""Variants of a framework's questionnaire: the rules that check them, and the questionnaire each gives."""

import pytest

from together.framework import FrameworkInvalid, content_hash, parse_framework

# Two themes of two statements, and a version for residents with its own three-point scale. Its
# statements are listed out of the framework's order, and it retitles only the second theme.
WITH_A_VARIANT = """\
format: 1
id: variant-test
title: {en: Variant test}
summary: {en: Two themes and a version for residents.}
scale:
  levels:
    - value: 1
      label: {en: Not yet}
    - value: 2
      label: {en: Partly}
    - value: 3
      label: {en: Mostly}
    - value: 4
      label: {en: Fully}
themes:
  - id: one
    title: {en: One}
    summary: {en: The first theme.}
    statements:
      - id: one-a
        text: {en: First of one.}
      - id: one-b
        text: {en: Second of one.}
  - id: two
    title: {en: Two}
    summary: {en: The second theme.}
    statements:
      - id: two-a
        text: {en: First of two.}
      - id: two-b
        text: {en: Second of two.}
variants:
  - id: residents
    audience: residents
    title: {en: Your views, cy: Eich barn}
    introduction: {en: Tell us what you think.}
    scale:
      levels:
        - value: 1
          maps_to: 1
          label: {en: Disagree}
        - value: 2
          maps_to: 2
          label: {en: Neither}
        - value: 3
          maps_to: 4
          label: {en: Agree}
      dont_know:
        label: {en: Don't know}
    themes:
      - id: two
        title: {en: Second in your words}
        summary: {en: About the second theme.}
    statements:
      - id: residents-two-b
        mirrors: two-b
        text: {en: Residents on two-b.}
      - id: residents-one-a
        mirrors: one-a
        text: {en: Residents on one-a.}
        guidance: {en: Think of a time.}
      - id: residents-two-a
        mirrors: two-a
        text: {en: Residents on two-a.}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(FrameworkInvalid) as raised:
        parse_framework(text, "f.yaml")
    return [str(problem) for problem in raised.value.problems]


def changed(*edits: tuple[str, str]) -> str:
    text = WITH_A_VARIANT
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def test_the_example_is_valid():
    framework = parse_framework(WITH_A_VARIANT, "f.yaml")
    assert [variant.id for variant in framework.variants] == ["residents"]
    assert framework.variant("residents").mirrored() == {
        "residents-two-b": "two-b",
        "residents-one-a": "one-a",
        "residents-two-a": "two-a",
    }


# --- Statements ----------------------------------------------------------------------------------


def test_a_variant_statement_may_not_take_the_id_of_one_of_the_frameworks():
    assert problems(changed(("      - id: residents-one-a\n", "      - id: one-b\n"))) == [
        "f.yaml:58: variants[0].statements[1].id: duplicate id 'one-b' (also in the framework's statements)"
    ]


def test_ids_are_unique_across_variants_too():
    second = (
        "  - id: visitors\n    audience: residents\n    title: {en: Visitors}\n    introduction: {en: Hello.}\n"
        "    statements:\n      - id: residents-two-b\n        mirrors: two-b\n        text: {en: Again.}\n"
    )
    assert problems(WITH_A_VARIANT + second) == [
        "f.yaml:70: variants[1].statements[0].id: duplicate id 'residents-two-b' (also in variant 'residents')"
    ]


def test_a_statement_must_mirror_one_of_the_frameworks():
    assert problems(changed(("mirrors: one-a\n", "mirrors: one-z\n"))) == [
        "f.yaml:59: variants[0].statements[1].mirrors: mirrors 'one-z', which is not one of the framework's statements"
    ]


def test_a_statement_is_mirrored_at_most_once_in_a_variant():
    assert problems(changed(("mirrors: two-a\n", "mirrors: two-b\n"))) == [
        "f.yaml:63: variants[0].statements[2].mirrors: 'two-b' is already mirrored by statements[0] of this "
        "variant: a statement is mirrored at most once in each variant"
    ]


def test_a_variant_needs_a_statement():
    text = WITH_A_VARIANT[: WITH_A_VARIANT.index("    statements:\n      - id: residents")]
    (problem,) = problems(text + "    statements: []\n")
    # The loader words this as for a theme ("empty theme: …"); the place is what matters here.
    assert problem.startswith("f.yaml:54: variants[0].statements: ")


def test_two_variants_may_not_share_an_id():
    second = (
        "  - id: residents\n    audience: residents\n    title: {en: Again}\n    introduction: {en: Hello.}\n"
        "    statements:\n      - id: visitors-one-b\n        mirrors: one-b\n        text: {en: Again.}\n"
    )
    assert problems(WITH_A_VARIANT + second) == [
        "f.yaml:65: variants[1].id: duplicate id 'residents' (also variants[0])"
    ]


# --- Themes in the variant's words ---------------------------------------------------------------


def test_a_retitled_theme_needs_a_statement_in_the_variant():
    text = changed(
        ("      - id: residents-two-b\n        mirrors: two-b\n        text: {en: Residents on two-b.}\n", ""),
        ("      - id: residents-two-a\n        mirrors: two-a\n        text: {en: Residents on two-a.}\n", ""),
    )
    assert problems(text) == [
        "f.yaml:51: variants[0].themes[0].id: theme 'two' has no statement in this variant, so its words would not "
        "be shown"
    ]


def test_a_retitled_theme_must_be_one_of_the_frameworks():
    assert problems(
        changed(("      - id: two\n        title: {en: Second", "      - id: three\n        title: {en: Second"))
    ) == ["f.yaml:51: variants[0].themes[0].id: unknown theme 'three' (not one of the framework's themes)"]


# --- The variant's scale -------------------------------------------------------------------------


def test_a_level_must_map_to_a_value_of_the_frameworks_scale():
    assert problems(changed(("maps_to: 4\n", "maps_to: 5\n"))) == [
        "f.yaml:46: variants[0].scale.levels[2].maps_to: maps to 5, which is not on the framework's scale (1 to 4)",
        "f.yaml:46: variants[0].scale.levels[2].maps_to: the highest level must map to the framework's highest "
        "value, 4",
    ]


def test_each_level_must_map_higher_than_the_one_before():
    assert problems(changed(("maps_to: 2\n", "maps_to: 1\n"))) == [
        "f.yaml:43: variants[0].scale.levels[1].maps_to: maps to 1: each level must map higher than the one before"
    ]


def test_the_lowest_level_must_map_to_the_frameworks_lowest_value():
    assert problems(changed(("maps_to: 2\n", "maps_to: 3\n"), ("maps_to: 1\n", "maps_to: 2\n"))) == [
        "f.yaml:40: variants[0].scale.levels[0].maps_to: the lowest level must map to the framework's lowest value, 1"
    ]


def test_a_variants_levels_are_numbered_like_the_frameworks():
    assert problems(changed(("        - value: 2\n", "        - value: 5\n"))) == [
        "f.yaml:42: variants[0].scale.levels[1].value: bad scale: levels must be numbered 1 to 3 in order; "
        "expected 2, found 5"
    ]


def test_a_variants_answers_count_as_the_values_they_map_to():
    variant = parse_framework(WITH_A_VARIANT, "f.yaml").variant("residents")
    assert [variant.maps_to(value) for value in (1, 2, 3)] == [1, 2, 4]
    with pytest.raises(KeyError):
        variant.maps_to(4)


# --- The questionnaire a variant gives -----------------------------------------------------------


def test_a_variants_questionnaire_has_the_frameworks_themes_in_order_with_the_variants_words():
    framework = parse_framework(WITH_A_VARIANT, "f.yaml")
    questionnaire = framework.as_variant("residents")
    assert [theme.id for theme in questionnaire.themes] == ["one", "two"]
    # The variant's statements, in the order of the statements they mirror, with their own ids.
    assert [[s.id for s in theme.statements] for theme in questionnaire.themes] == [
        ["residents-one-a"],
        ["residents-two-a", "residents-two-b"],
    ]
    assert questionnaire.statement("residents-one-a").guidance.en == "Think of a time."
    # A theme it retitles is in its words; another keeps the framework's.
    assert [theme.title.en for theme in questionnaire.themes] == ["One", "Second in your words"]
    assert questionnaire.theme("two").summary.en == "About the second theme."
    assert questionnaire.theme("one").summary.en == "The first theme."
    assert (questionnaire.title.en, questionnaire.title.cy) == ("Your views", "Eich barn")
    assert questionnaire.summary.en == "Tell us what you think."
    # Its own scale, as a scale of its own.
    assert [level.label.en for level in questionnaire.scale.levels] == ["Disagree", "Neither", "Agree"]
    assert questionnaire.scale.values == (1, 2, 3)
    assert questionnaire.scale.dont_know.label.en == "Don't know"
    assert questionnaire.variants == [] and not questionnaire.asks_target


def test_a_variant_without_a_scale_of_its_own_is_answered_on_the_frameworks():
    text = WITH_A_VARIANT
    text = (
        text[: text.index("    scale:\n      levels:\n        - value: 1\n          maps_to")]
        + text[text.index("    themes:\n      - id: two\n") :]
    )
    framework = parse_framework(text, "f.yaml")
    assert framework.variant("residents").scale is None
    assert framework.as_variant("residents").scale == framework.scale
    assert framework.variant("residents").maps_to(4) == 4


def test_a_questionnaire_leaves_out_the_themes_the_variant_asks_nothing_of():
    one_a = (
        "      - id: residents-one-a\n        mirrors: one-a\n        text: {en: Residents on one-a.}\n"
        "        guidance: {en: Think of a time.}\n"
    )
    questionnaire = parse_framework(changed((one_a, "")), "f.yaml").as_variant("residents")
    assert [theme.id for theme in questionnaire.themes] == ["two"]
    assert [s.id for s in questionnaire.statements] == ["residents-two-a", "residents-two-b"]


def test_without_variants_the_content_hash_is_as_before():
    plain = WITH_A_VARIANT[: WITH_A_VARIANT.index("variants:\n")]
    framework = parse_framework(plain, "f.yaml")
    assert framework.variants == []
    assert content_hash(parse_framework(plain + "variants: []\n", "f.yaml")) == content_hash(framework)
    assert content_hash(parse_framework(WITH_A_VARIANT, "f.yaml")) != content_hash(framework)
    with pytest.raises(KeyError):
        framework.variant("residents")
