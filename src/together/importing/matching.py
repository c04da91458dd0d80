"""Match an export's columns to a framework: statements, priorities, comments, organisations, groups.

A statement is matched by its id, by its exact text (English or Welsh) or by similar text, each
after normalising: curly quotes and dashes made plain, case and spacing ignored, a numbered
prefix ("3.", "Q3)", "1.2") and trailing punctuation removed, and a grid heading
``Question [statement]`` read as its statement. Each match has a confidence from 0 to 1 and a
few sample values, so the officer can see what it holds.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from together.framework import Framework

from .layouts import Heading, Layout

STATEMENT, TARGET, PRIORITIES, PRIORITY, COMMENT = "statement", "target", "priorities", "priority", "comment"
ORGANISATION, GROUP, SECTOR, IGNORE, DROP = "organisation", "group", "sector", "ignore", "drop"
USES = (STATEMENT, TARGET, PRIORITIES, PRIORITY, COMMENT, ORGANISATION, GROUP, SECTOR, IGNORE, DROP)
FUZZY_AT_LEAST = 0.82  # below this, similar text is not offered as a match
SAMPLES = 3
TARGET_SUFFIX = ":target"

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "′": "'", "`": "'"})
_DASHES = re.compile(r"[‐‑‒–—―−]")
_NUMBERED = re.compile(r"^\(?(?:q(?:uestion)?\s*)?\d+(?:[.\-]\d+)*[.):]?\s+", re.IGNORECASE)


def plain(text: str) -> str:
    """Plain quotes and dashes, one space between words, lower case."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _DASHES.sub("-", text)
    return " ".join(text.split()).casefold()


def normalise(text: str) -> str:
    """Text as compared: :func:`plain`, without a numbered prefix or an end stop."""
    return _NUMBERED.sub("", plain(text)).strip(" .:?!*")


@dataclass
class Match:
    index: int
    heading: str
    use: str  # one of USES
    target: str = ""  # statement id (statement, target), theme id (priority, comment)
    confidence: float = 1.0
    how: str = ""  # "id", "text", "similar text", "heading", "values", "layout"
    samples: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def matched(self) -> bool:
        return self.use not in (IGNORE, DROP)


def _statement_keys(framework: Framework) -> tuple[dict[str, str], dict[str, str]]:
    by_id = {normalise(s.id): s.id for s in framework.statements}
    by_text: dict[str, str] = {}
    for statement in framework.statements:
        by_text[normalise(statement.text.en)] = statement.id
        if statement.text.cy:
            by_text[normalise(statement.text.cy)] = statement.id
    return by_id, by_text


def theme_keys(framework: Framework) -> dict[str, str]:
    keys: dict[str, str] = {}
    for theme in framework.themes:
        keys[normalise(theme.id)] = theme.id
        keys[normalise(theme.title.en)] = theme.id
        if theme.title.cy:
            keys[normalise(theme.title.cy)] = theme.id
    return keys


def _best_similar(candidates: list[str], keys: dict[str, str]) -> tuple[str, float]:
    best, score = "", 0.0
    for candidate in candidates:
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(candidate)
        for key, target in keys.items():
            matcher.set_seq1(key)
            if matcher.real_quick_ratio() <= score or matcher.quick_ratio() <= score:
                continue
            ratio = matcher.ratio()
            if ratio > score:
                best, score = target, ratio
    return best, score


def _candidates(heading: Heading) -> list[str]:
    found = []
    for part in heading.parts():
        found.append(normalise(part))
        # "Question - statement" and "Question: statement", as some tools join them
        for joiner in (" - ", ": "):
            if joiner in part:
                found.append(normalise(part.rsplit(joiner, 1)[1]))
    return [c for c in dict.fromkeys(found) if c]


ORGANISATION_WORDS = ("organisation", "organization", "employer", "agency", "which partner", "where do you work")
GROUP_WORDS = ("respondent group", "your role", "role", "group", "which best describes", "job level")
SECTOR_WORDS = ("sector",)
PRIORITY_WORDS = ("priorit", "attention", "focus", "most need", "most important")
COMMENT_WORDS = ("comment", "anything else", "tell us", "why", "explain", "example", "other thoughts")
YES_NO = {"yes", "no", "y", "n", "1", "0", "true", "false", "selected", "not selected", "ticked", ""}


def match_columns(layout: Layout, rows: list[list[str]], framework: Framework) -> list[Match]:
    """One match for every column; ``rows`` are the data rows (below the headers)."""
    by_id, by_text = _statement_keys(framework)
    themes = theme_keys(framework)
    dropped = {d.index: d.reason for d in layout.drops}
    matches: list[Match] = []
    for heading in layout.headings:
        column = [row[heading.index] for row in rows if heading.index < len(row)]
        samples = [v for v, _ in Counter(v for v in column if v).most_common(SAMPLES)]
        found = Match(heading.index, heading.text, IGNORE, samples=samples, confidence=0.0)
        if heading.index in dropped:
            found.use, found.how, found.note, found.confidence = DROP, "heading", dropped[heading.index], 1.0
        else:
            _match_one(found, heading, column, by_id, by_text, themes, framework)
        matches.append(found)
    _one_column_per_statement(matches)
    return matches


def _match_one(found, heading, column, by_id, by_text, themes, framework) -> None:
    candidates = _candidates(heading)
    whole = normalise(heading.text)
    # by id, then a target column "id:target"
    for candidate in candidates:
        if candidate in by_id:
            found.use, found.target, found.how, found.confidence = STATEMENT, by_id[candidate], "id", 1.0
            return
        if framework.asks_target and candidate.endswith(TARGET_SUFFIX) and candidate[: -len(TARGET_SUFFIX)] in by_id:
            statement = by_id[candidate[: -len(TARGET_SUFFIX)]]
            found.use, found.target, found.how, found.confidence = TARGET, statement, "id", 1.0
            return
    question = normalise(heading.question)
    # one column per theme of a "which themes need most attention" question
    if (any(w in question for w in PRIORITY_WORDS) or any(w in whole for w in PRIORITY_WORDS)) and _yes_no(column):
        for candidate in candidates:
            if candidate in themes:
                found.use, found.target, found.how, found.confidence = PRIORITY, themes[candidate], "text", 1.0
                return
        theme, score = _best_similar([normalise(heading.statement)] if heading.statement else candidates, themes)
        if theme and score >= FUZZY_AT_LEAST:
            found.use, found.target, found.how, found.confidence = PRIORITY, theme, "similar text", round(score, 2)
            return
    for candidate in candidates:
        if candidate in by_text:
            found.use, found.target, found.how, found.confidence = STATEMENT, by_text[candidate], "text", 1.0
            return
    statement, score = _best_similar(candidates, by_text)
    if statement and score >= FUZZY_AT_LEAST:
        found.use, found.target, found.how, found.confidence = STATEMENT, statement, "similar text", round(score, 2)
        return
    # priorities in one column: its heading says so, or its values are theme titles
    if _mostly_themes(column, themes) or (any(w in whole for w in PRIORITY_WORDS) and not any(column)):
        found.use, found.how, found.confidence = PRIORITIES, "values", 0.9
        return
    for use, words in ((ORGANISATION, ORGANISATION_WORDS), (SECTOR, SECTOR_WORDS), (GROUP, GROUP_WORDS)):
        if any(re.search(rf"\b{re.escape(w)}", whole) for w in words):
            found.use, found.how, found.confidence = use, "heading", 0.8
            return
    if any(w in whole for w in COMMENT_WORDS) or _free_text(column):
        found.use, found.how, found.confidence = COMMENT, "heading", 0.7
        for key, theme in themes.items():
            if len(key) > 6 and key in whole:
                found.target = theme
        return


def _yes_no(column: list[str]) -> bool:
    values = {v.casefold() for v in column}
    if values <= YES_NO:
        return True
    # SurveyMonkey and Smart Survey write the option's own text in the cell when it was chosen
    return len(values - {""}) == 1


def _mostly_themes(column: list[str], themes: dict[str, str]) -> bool:
    from .values import split_priorities

    filled = [v for v in column if v][:200]
    if not filled:
        return False
    hits = sum(1 for v in filled if (found := split_priorities(v, themes))[0] and not found[1])
    return hits >= 0.8 * len(filled)


def _free_text(column: list[str]) -> bool:
    filled = [v for v in column if v]
    if len(filled) < 2:
        return False
    long = sum(1 for v in filled if len(v) >= 25 and " " in v)
    return long >= 0.5 * len(filled) and len(set(filled)) >= 0.8 * len(filled)


def _one_column_per_statement(matches: list[Match]) -> None:
    """Where two columns match one statement, keep the surer match; the other is ignored, with a note."""
    best: dict[tuple[str, str], Match] = {}
    for match in matches:
        if match.use not in (STATEMENT, TARGET, PRIORITY):
            continue
        key = (match.use, match.target)
        kept = best.get(key)
        if kept is None or match.confidence > kept.confidence:
            if kept is not None:
                _set_aside(kept, match)
            best[key] = match
        else:
            _set_aside(match, kept)


def _set_aside(match: Match, kept: Match) -> None:
    match.note = f"also matched {match.target!r}, which column {kept.heading!r} matches more surely"
    match.use, match.target, match.confidence = IGNORE, "", 0.0
