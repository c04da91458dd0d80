"""Results by language of response, attacked by subtraction from everyone's figures.

The two languages add up to everyone, whose figures are shown anyway. A determined reader
subtracts one language's theme or statement figure from everyone's to read the other's. The
attacks run through the release (what the service shows), where they must find nothing, and
against a weakened copy of the rules, where they must find something: so they can fail.
"""

from __future__ import annotations

import pytest
from django.test import Client

import together.analysis.languages as languages
from tests.integration.helpers import close, complete_questionnaire, make_partnership, make_round
from together.releases import services as releases
from together.reviews.models import Answer

pytestmark = pytest.mark.django_db


def respond(round_, count: int, prefix: str, value: str) -> None:
    for _ in range(count):
        complete_questionnaire(Client(), round_, f"{prefix}/r/{round_.open_link_code}/", value=value, prefix=prefix)


def exposed_statements(comparison) -> dict[str, set[str]]:
    """Statements whose figure each language's part shows (so subtraction would reveal the other)."""
    return {
        code: {s for s, score in part.statements.items() if not score.hidden and score.n}
        for code, part in comparison.parts.items()
    }


@pytest.fixture
def round_(facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    respond(round_, 6, "/cy", "4")
    respond(round_, 6, "", "2")
    return round_


def _few_english_ratings_of(round_, statement: str) -> None:
    """Only two English respondents rated ``statement``; the other four said "don't know"."""
    english = Answer.objects.filter(round=round_, statement_id=statement, response__language="en")
    ids = list(english.values_list("pk", flat=True))[2:]
    Answer.objects.filter(pk__in=ids).update(value=None)


def test_a_statement_one_language_rated_too_little_is_shown_for_no_language(facilitator, round_):
    weak = round_.framework.statements[0].id
    _few_english_ratings_of(round_, weak)
    close(round_, facilitator)
    comparison = releases.obtain(round_, "owner", facilitator).languages
    assert comparison.shown
    shown = exposed_statements(comparison)
    # Everyone's figure for the statement is shown (8 ratings); the Welsh part's must not be, or
    # everyone's minus Welsh gives the two English ratings.
    assert all(weak not in statements for statements in shown.values())
    assert comparison.statements_left_out == 1


def test_the_attack_finds_the_two_english_ratings_against_a_weakened_rule(facilitator, round_, monkeypatch):
    weak = round_.framework.statements[0].id
    _few_english_ratings_of(round_, weak)
    close(round_, facilitator)
    original = languages.compare

    def weakened(themes, points, threshold, parts, asks_priorities=True):
        # No statement left out: each part's statements judged by its own count only.
        found = original(themes, points, threshold, parts, asks_priorities)
        if not found.shown:
            return found
        found.parts = {
            code: languages.compute(
                languages.Inputs(
                    themes=themes, points=points, threshold=threshold,
                    cells={(s, None, None): h for s, h in part.cells.items()},
                    respondents={(None, None): part.respondents}, priorities={}, dimensions=[],
                )
            )
            for code, part in parts.items()
        }  # fmt: skip
        return found

    monkeypatch.setattr(languages, "compare", weakened)
    comparison = releases.obtain(round_, "owner", facilitator).languages
    assert weak in exposed_statements(comparison)["cy"]  # and so the English two are everyone's minus these


def test_a_language_too_small_to_show_hides_every_language(facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    respond(round_, 2, "/cy", "4")
    respond(round_, 9, "", "2")
    close(round_, facilitator)
    comparison = releases.obtain(round_, "owner", facilitator).languages
    # Showing English alone would give the two Welsh answers as everyone's minus English.
    assert not comparison.shown and comparison.parts == {} and comparison.respondents == {}
