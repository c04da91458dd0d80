"""When another tool's survey was answered: its fieldwork dates, from the file's own timestamps.

Every tool writes when each response was completed (Microsoft Forms' ``Completion time``,
SurveyMonkey's ``End Date``, Google Forms' ``Timestamp``, LimeSurvey's ``submitdate``…). The first
and last of those days date the imported round, so it takes its place in the partnership's
history by when it happened, not by the day it was imported. Only the two days are kept, for
the round as a whole; no response is dated.

Tools write dates in their account's locale. ``3/4/2025`` is 3 April in the UK and 4 March in
the US, so a column is read one way throughout: day first, unless a value can only be month
first (``3/14/2025``) or the tool is one whose exports are month first (SurveyMonkey). The
officer sees the days found, and from which column, and can correct them.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from .layouts import Layout, squash

# Columns saying when a response was completed, best first; then those saying when it began.
COMPLETED = ("completiontime", "enddate", "recordeddate", "submitdate", "datesubmitted", "timestamp", "ended")
BEGAN = ("starttime", "startdate", "started", "datestamp", "date")
MONTH_FIRST_TOOLS = {"surveymonkey"}

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[ T])")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:$|[ T,])")
_TEXT_MONTH = re.compile(r"^(\d{1,2}) ([A-Za-z]{3,9}),? (\d{4})(?:$|[ T,])")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


@dataclass(frozen=True)
class Fieldwork:
    first: datetime.date
    last: datetime.date
    column: str  # the heading of the column the days were read from
    dated: int  # responses whose day was read


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _parts(cell: str) -> tuple[str, int, int, int] | None:
    """("iso" | "numeric" | "text", a, b, year) for a cell that starts with a date."""
    cell = cell.strip()
    if match := _ISO.match(cell):
        return "iso", int(match[2]), int(match[3]), int(match[1])
    if match := _NUMERIC.match(cell):
        return "numeric", int(match[1]), int(match[2]), _year(match[3])
    if match := _TEXT_MONTH.match(cell):
        month = _MONTHS.get(match[2].lower())
        if month:
            return "text", int(match[1]), month, int(match[3])
    return None


def _day(kind: str, a: int, b: int, year: int, month_first: bool) -> datetime.date | None:
    if kind == "iso":
        month, day = a, b
    elif kind == "text":
        day, month = a, b
    else:
        month, day = (a, b) if month_first else (b, a)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def read_days(cells: list[str], tool: str = "") -> list[datetime.date] | None:
    """Each cell's day, read one way for the whole column; None if most cells hold no date."""
    parsed = [_parts(cell) for cell in cells if cell.strip()]
    found = [p for p in parsed if p is not None]
    if not found or len(found) < len(parsed) * 0.9:
        return None
    numeric = [p for p in found if p[0] == "numeric"]
    day_first_only = any(a > 12 for _k, a, _b, _y in numeric)
    month_first_only = any(b > 12 for _k, _a, b, _y in numeric)
    if day_first_only and month_first_only:
        return None  # not one consistent way of writing dates
    month_first = month_first_only or (not day_first_only and tool in MONTH_FIRST_TOOLS)
    days = [_day(*p, month_first) for p in found]
    return [d for d in days if d is not None and 1990 <= d.year <= 2100] or None


def fieldwork(layout: Layout, rows: list[list[str]], tool: str = "") -> Fieldwork | None:
    """The first and last day responses were given, from the best dated column of the file."""
    by_key: dict[str, tuple[int, str]] = {}
    for heading in layout.headings:
        for text in (heading.code, heading.text):
            key = squash(text)
            if key and key not in by_key:
                by_key[key] = (heading.index, heading.text)
    for drop in layout.drops:
        key = squash(drop.heading)
        if key and key not in by_key:
            by_key[key] = (drop.index, drop.heading)
    for key in (*COMPLETED, *BEGAN):
        if key not in by_key:
            continue
        index, heading = by_key[key]
        days = read_days([row[index] for row in rows if index < len(row)], tool)
        if days:
            return Fieldwork(min(days), max(days), heading, len(days))
    return None
