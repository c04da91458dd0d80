"""Each distinct answer with its count, where it goes on the framework's scale, and rows to leave out.

A value is suggested a place on the scale when it is obvious: a number on the scale ("4",
"4.0"), a number with its label ("1 - Not yet in place", where the label decides), one of the
scale's labels (English or Welsh), agreement wording ("Strongly disagree" … "Strongly agree",
spread over the scale from lowest to highest), a LimeSurvey answer code (``A4``, ``AO04``: the
fourth answer), or a word for "don't know" ("N/A", "Not sure"). Anything else waits for the
officer. When labels and numbers disagree in a way that runs the scale backwards (the file's
1 is the framework's best), a warning says so.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from together.framework import Framework

from .matching import STATEMENT, TARGET, Match, normalise, plain

DONT_KNOW = "dont-know"
NOT_ANSWERED = "not-answered"
DONT_KNOW_WORDS = {
    "dk",
    "don't know",
    "dont know",
    "do not know",
    "not sure",
    "unsure",
    "n/a",
    "na",
    "not applicable",
    "ddim yn gwybod",
    "prefer not to say",
}
AGREEMENT = {
    5: ["strongly disagree", "disagree", "neither agree nor disagree", "agree", "strongly agree"],
    4: ["strongly disagree", "disagree", "agree", "strongly agree"],
    3: ["disagree", "neither agree nor disagree", "agree"],
}
AGREEMENT_ALIASES = {"neutral": "neither agree nor disagree", "neither agree or disagree": "neither agree nor disagree"}
SUMMARY_WORDS = {
    "mean",
    "median",
    "average",
    "total",
    "totals",
    "sum",
    "count",
    "mode",
    "min",
    "max",
    "minimum",
    "maximum",
    "std dev",
    "standard deviation",
    "responses",
    "response count",
    "answered",
    "skipped",
}
_NUMBER_LABEL = re.compile(r"^(?P<number>-?\d+(?:\.0+)?)\s*(?:[-–—:.)=]\s*|\s+)(?P<label>\D.*)$")
_LIME_CODE = re.compile(r"^a(?:o)?0*(?P<n>\d+)$")


@dataclass
class Suggestion:
    value: int | str | None  # a scale value, DONT_KNOW, NOT_ANSWERED, or None: the officer must choose
    how: str = ""
    runs_backwards: bool = False


def _levels(framework: Framework) -> tuple[dict[str, int], list[int]]:
    labels: dict[str, int] = {}
    for level in framework.scale.levels:
        labels[normalise(level.label.en)] = level.value
        if level.label.cy:
            labels[normalise(level.label.cy)] = level.value
    return labels, sorted(level.value for level in framework.scale.levels)


def _agreement(key: str, values: list[int]) -> int | None:
    key = AGREEMENT_ALIASES.get(key, key)
    for points, words in sorted(AGREEMENT.items(), reverse=True):
        if key in words and (points == len(values) or points == 5):
            position = words.index(key) / (len(words) - 1)
            return values[round(position * (len(values) - 1))]
    return None


def suggest(value: str, framework: Framework) -> Suggestion:
    """Where ``value`` goes on the framework's scale, when that is obvious."""
    labels, values = _levels(framework)
    key = normalise(value)
    if not key:
        return Suggestion(NOT_ANSWERED, "empty")
    dont_know = framework.scale.dont_know
    if key in DONT_KNOW_WORDS or (dont_know is not None and key == normalise(dont_know.label.en)):
        if dont_know is None:
            return Suggestion(NOT_ANSWERED, 'this framework has no "don\'t know": counted as not answered')
        return Suggestion(DONT_KNOW, "don't know")
    if key in labels:
        return Suggestion(labels[key], "label")
    number = _number(key)
    if number is not None and number in values:
        return Suggestion(number, "number")
    paired = _NUMBER_LABEL.match(plain(value))
    if paired:
        label = normalise(paired.group("label"))
        number = _number(paired.group("number"))
        if label in labels:
            return Suggestion(labels[label], "label", runs_backwards=number is not None and number != labels[label])
        agreed = _agreement(label, values)
        if agreed is not None:
            # "1 - Strongly agree": the file's number and its wording sit at opposite ends of the scale.
            middle = (values[0] + values[-1]) / 2
            backwards = number is not None and (number - middle) * (agreed - middle) < 0
            return Suggestion(agreed, "agreement wording", runs_backwards=backwards)
        if number in values:
            return Suggestion(number, "number")
    agreed = _agreement(key, values)
    if agreed is not None:
        return Suggestion(agreed, "agreement wording")
    code = _LIME_CODE.match(key)
    if code:
        position = int(code.group("n"))
        if 1 <= position <= len(values):
            return Suggestion(values[position - 1], "answer code, in order")
    return Suggestion(None)


def _number(text: str) -> int | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


@dataclass
class Values:
    """The distinct answers in every statement column, with counts and suggestions."""

    counts: Counter = field(default_factory=Counter)
    suggestions: dict[str, Suggestion] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def unmapped(self) -> list[str]:
        return [v for v in self.counts if self.suggestions[v].value is None]


def answer_values(rows: list[list[str]], matches: list[Match], framework: Framework) -> Values:
    columns = [m.index for m in matches if m.use in (STATEMENT, TARGET)]
    found = Values()
    for row in rows:
        for index in columns:
            cell = row[index]
            if cell:
                found.counts[cell] += 1
    for value in found.counts:
        found.suggestions[value] = suggest(value, framework)
    backwards = [v for v, s in found.suggestions.items() if s.runs_backwards]
    if backwards:
        shown = ", ".join(repr(v) for v in sorted(backwards)[:3])
        found.warnings.append(
            f"the scale looks reversed: in this file {shown} number the scale the other way from the framework "
            f"(where {framework.scale.highest.value} is {framework.scale.highest.label.en!r}); "
            "the labels were used, check the value mapping"
        )
    numbers = {_number(normalise(v)) for v in found.counts} - {None}
    if numbers and (max(numbers) > framework.scale.maximum or min(numbers) < framework.scale.minimum):
        found.warnings.append(
            f"numbers run from {min(numbers)} to {max(numbers)}, but the framework's scale runs from "
            f"{framework.scale.minimum} to {framework.scale.maximum}: map the values by hand"
        )
    return found


def split_priorities(cell: str, themes: dict[str, str]) -> tuple[list[str], list[str]]:
    """The themes named in a cell of joined titles, and the parts that name none.

    Titles may be joined by ";" or by ", ", and a title may itself hold ", ": the longest title
    that the text starts with is taken first."""
    chosen: list[str] = []
    unknown: list[str] = []
    ordered = sorted(themes, key=len, reverse=True)
    for piece in (p for p in re.split(r"[;\n]", cell) if p.strip()):
        rest = normalise(piece)
        while rest:
            for key in ordered:
                if rest == key or rest.startswith(key + ","):
                    if themes[key] not in chosen:
                        chosen.append(themes[key])
                    rest = rest[len(key) :].lstrip(", ")
                    break
            else:
                head, _, rest = rest.partition(",")
                if head.strip():
                    unknown.append(head.strip())
                rest = rest.strip()
    return chosen, unknown


def rows_to_leave_out(rows: list[list[str]], matches: list[Match], first_row: int) -> list[tuple[int, str]]:
    """Rows that are not respondents, as (row number in the file, why): summary rows ("Median",
    "Total"), empty rows, and rows answering no statement. ``first_row`` is the number of ``rows[0]``."""
    answers = [m.index for m in matches if m.use in (STATEMENT, TARGET)]
    others = [m.index for m in matches if m.use not in (STATEMENT, TARGET)]
    found = []
    for number, row in enumerate(rows, start=first_row):
        if not any(row):
            found.append((number, "the row is empty"))
            continue
        words = [normalise(row[i]) for i in others if row[i]] + [normalise(row[i]) for i in answers if row[i]][:1]
        summary = next((w for w in words if w in SUMMARY_WORDS), None)
        if summary is not None:
            found.append((number, f"a summary row ({summary!r}), not a respondent"))
            continue
        if not any(row[i] for i in answers):
            found.append((number, "the row answers none of the statements"))
    return found
