"""Results by language of response: shown only when every language's part is large enough, and
only on statements every language rated enough, so no part can be worked out by subtraction."""

from together.analysis.histogram import Histogram
from together.analysis.languages import LanguagePart, compare
from together.analysis.results import ThemeSpec

THEMES = [ThemeSpec("a", ("a1", "a2")), ThemeSpec("b", ("b1",))]


def part(people: int, ratings: dict[str, tuple[int, ...]], chosen=None) -> LanguagePart:
    return LanguagePart(people, {s: Histogram(counts, 0) for s, counts in ratings.items()}, chosen or {})


def test_both_languages_large_enough_are_shown_side_by_side():
    welsh = part(6, {"a1": (0, 0, 6), "a2": (0, 6, 0), "b1": (6, 0, 0)}, {"a": 3})
    english = part(7, {"a1": (7, 0, 0), "a2": (7, 0, 0), "b1": (0, 0, 7)}, {"b": 7})
    found = compare(THEMES, 3, 5, {"cy": welsh, "en": english})
    assert found.shown and found.respondents == {"cy": 6, "en": 7} and found.statements_left_out == 0
    assert found.parts["cy"].themes["a"].mean == 2.5 and found.parts["en"].themes["b"].mean == 3.0
    assert found.parts["cy"].chosen["a"] == 0.5 and found.parts["en"].chosen["a"] == 0.0


def test_one_small_language_hides_every_language():
    welsh = part(4, {"a1": (0, 0, 4), "a2": (0, 4, 0), "b1": (4, 0, 0)})
    english = part(30, {"a1": (30, 0, 0), "a2": (30, 0, 0), "b1": (0, 0, 30)})
    found = compare(THEMES, 3, 5, {"cy": welsh, "en": english})
    assert not found.shown and found.parts == {} and found.respondents == {}


def test_a_statement_one_language_rated_too_little_is_left_out_for_both():
    # 6 Welsh answered a2 but only 2 English did: English's a2 could be worked out from everyone's.
    welsh = part(6, {"a1": (0, 0, 6), "a2": (6, 0, 0), "b1": (6, 0, 0)})
    english = part(7, {"a1": (7, 0, 0), "a2": (2, 0, 0), "b1": (0, 0, 7)})
    found = compare(THEMES, 3, 5, {"cy": welsh, "en": english})
    assert found.shown and found.statements_left_out == 1
    for language in ("cy", "en"):
        assert found.parts[language].statements["a2"].hidden
    # Theme a is built from a1 alone, in both.
    assert found.parts["cy"].themes["a"].mean == 3.0 and found.parts["en"].themes["a"].mean == 1.0


def test_one_language_is_no_comparison():
    assert not compare(THEMES, 3, 5, {"cy": part(50, {"a1": (50, 0, 0)})}).shown
