"""The table of theme scores by language of response, for the results page and the report alike,
from a release's comparison (:mod:`together.analysis.languages`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from together.web.languages import LANGUAGE_NAMES


@dataclass
class LanguageTable:
    shown: bool
    columns: list[tuple[str, str, int | None]] = field(default_factory=list)  # code, name, people
    rows: list[tuple[object, list[tuple[object, float | None]]]] = field(default_factory=list)
    statements_left_out: int = 0


def table(released, framework) -> LanguageTable | None:
    """None where the answers all came in one language."""
    comparison = released.languages
    if comparison is None:
        return None
    codes = sorted(comparison.parts or {"cy": None, "en": None}, key=lambda code: (code != "cy", code))
    found = LanguageTable(
        shown=comparison.shown,
        columns=[(code, LANGUAGE_NAMES.get(code, code), comparison.respondents.get(code)) for code in codes],
        statements_left_out=comparison.statements_left_out,
    )
    if not comparison.shown:
        return found
    for theme in framework.themes:
        cells = []
        for code in codes:
            results = comparison.parts[code]
            chosen = results.chosen.get(theme.id) if results.priorities_asked else None
            cells.append((results.themes.get(theme.id), chosen))
        found.rows.append((theme, cells))
    return found
