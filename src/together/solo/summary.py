"""The private report of one leader's ratings: plain Python, no Django, no I/O.

A theme's score is the mean of the statements rated on the scale; "don't know" counts in
neither the mean nor the number rated. The lowest themes are those with the lowest score
(the framework's order breaks ties), and a theme rated nowhere has no score and is never
among them: its statements are all questions to find out about instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from together.framework import Framework, Statement, Theme

LOWEST = 3


@dataclass(frozen=True)
class Rated:
    statement: Statement
    value: int | None  # None: "don't know"


@dataclass(frozen=True)
class ThemeRatings:
    theme: Theme
    ratings: list[Rated]

    @property
    def rated(self) -> list[int]:
        return [r.value for r in self.ratings if r.value is not None]

    @property
    def score(self) -> float | None:
        rated = self.rated
        return sum(rated) / len(rated) if rated else None

    @property
    def dont_know(self) -> list[Statement]:
        return [r.statement for r in self.ratings if r.value is None]


@dataclass(frozen=True)
class PrivateReport:
    themes: list[ThemeRatings]
    lowest: list[ThemeRatings]
    questions: list[tuple[Theme, Statement]]


def private_report(framework: Framework, answers: dict[str, int | None]) -> PrivateReport:
    """``answers``: statement id to rating (None for "don't know"); every statement answered."""
    themes = [
        ThemeRatings(theme, [Rated(s, answers[s.id]) for s in theme.statements if s.id in answers])
        for theme in framework.themes
    ]
    scored = [(row.score, index, row) for index, row in enumerate(themes) if row.score is not None]
    lowest = [row for _score, _index, row in sorted(scored, key=lambda item: (item[0], item[1]))[:LOWEST]]
    questions = [(row.theme, statement) for row in themes for statement in row.dont_know]
    return PrivateReport(themes=themes, lowest=lowest, questions=questions)
