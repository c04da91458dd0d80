"""Results by the language answers were sent in, under the same anonymity rules as any breakdown.

The languages split everyone into parts that add up to the whole, which is shown anyway. So a
part too small to show would be given away by subtracting the others from everyone's figures.
Hence: every language's part must have at least the threshold of people, or no part is shown;
and a statement is used only where every language has at least the threshold of ratings of it,
so that no language's figure for it can be worked out from everyone's. Theme scores are then
built, for every language alike, from those statements only.

Plain Python: the release layer hands in what it froze.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .histogram import Histogram
from .results import Inputs, RoundResults, ThemeSpec, compute


@dataclass(frozen=True)
class LanguagePart:
    respondents: int
    cells: Mapping[str, Histogram]  # statement id → everyone's answers in this language
    chosen: Mapping[str, int] = field(default_factory=dict)  # theme id → people choosing it


@dataclass
class LanguageComparison:
    shown: bool
    threshold: int
    parts: dict[str, RoundResults] = field(default_factory=dict)  # language → its results
    respondents: dict[str, int] = field(default_factory=dict)  # only when shown
    statements_left_out: int = 0  # statements some language had too few ratings of


def compare(
    themes: Sequence[ThemeSpec],
    points: int,
    threshold: int,
    parts: Mapping[str, LanguagePart],
    asks_priorities: bool = True,
) -> LanguageComparison:
    if len(parts) < 2 or any(part.respondents < threshold for part in parts.values()):
        return LanguageComparison(shown=False, threshold=threshold)
    statements = [s for theme in themes for s in theme.statement_ids]
    usable = {
        s
        for s in statements
        if all(part.cells.get(s, Histogram.empty(points)).answered >= threshold for part in parts.values())
    }
    comparison = LanguageComparison(shown=True, threshold=threshold, statements_left_out=len(set(statements) - usable))
    for language, part in parts.items():
        inputs = Inputs(
            themes=themes,
            points=points,
            threshold=threshold,
            cells={(s, None, None): h for s, h in part.cells.items() if s in usable},
            respondents={(None, None): part.respondents},
            priorities={(theme, None, None): n for theme, n in part.chosen.items()},
            dimensions=[],
            asks_priorities=asks_priorities,
        )
        comparison.parts[language] = compute(inputs)
        comparison.respondents[language] = part.respondents
    return comparison
