"""Recognise which tool wrote an export, how many header rows it has, and what each column is headed.

Each tool writes its own layout:

- Microsoft Forms (XLSX): one header row beginning ``ID``, ``Start time``, ``Completion time``,
  ``Email``, ``Name``; one column per statement of a Likert question.
- SurveyMonkey: two header rows. Row 1 holds ``Respondent ID``, ``Collector ID``… and each
  question's text over its first column only, blank over the rest of a matrix; row 2 holds each
  matrix row's statement (or ``Response``).
- Google Forms: one row beginning ``Timestamp``; a grid's columns headed ``Question [statement]``.
- Smart Survey: two header rows like SurveyMonkey's, beginning ``UserID``, ``IP Address``,
  ``Unique ID``, ``Started``, ``Ended``.
- Qualtrics: three header rows: codes (``StartDate``, ``Q1_1``), question text, and
  ``{"ImportId": …}`` JSON.
- LimeSurvey: one row of codes (``submitdate``, ``G01Q01[SQ001]``) or of text (``Date
  submitted``, ``Question [statement]``).
- Anything else is a plain sheet with one header row.

Columns that identify a person or link a row back to the tool's record of them are marked to be
dropped before anything is stored.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field

from .reading import Table

MICROSOFT_FORMS = "microsoft-forms"
SURVEYMONKEY = "surveymonkey"
GOOGLE_FORMS = "google-forms"
SMART_SURVEY = "smart-survey"
QUALTRICS = "qualtrics"
LIMESURVEY = "limesurvey"
PLAIN = "plain"

TOOL_NAMES = {
    MICROSOFT_FORMS: "Microsoft Forms",
    SURVEYMONKEY: "SurveyMonkey",
    GOOGLE_FORMS: "Google Forms",
    SMART_SURVEY: "Smart Survey",
    QUALTRICS: "Qualtrics",
    LIMESURVEY: "LimeSurvey",
    PLAIN: "a spreadsheet with one header row",
}

# Headings (normalised: lower case, letters and digits only) of columns dropped before storing,
# and why. Identifying: it names or locates a person. Linking: it ties the row to the tool's own
# record of them, where their name or address may be.
IDENTIFYING = {
    "email": "an email address",
    "emailaddress": "an email address",
    "respondentemail": "an email address",
    "recipientemail": "an email address",
    "name": "a person's name",
    "fullname": "a person's name",
    "firstname": "a person's name",
    "lastname": "a person's name",
    "surname": "a person's name",
    "respondentname": "a person's name",
    "recipientfirstname": "a person's name",
    "recipientlastname": "a person's name",
    "ipaddress": "an IP address",
    "ipaddr": "an IP address",
    "ip": "an IP address",
    "locationlatitude": "a location",
    "locationlongitude": "a location",
    "latitude": "a location",
    "longitude": "a location",
    "externalreference": "an external reference",
    "externaldatareference": "an external reference",
    "customdata1": "custom data from the invitation",
    "customvalue": "custom data from the invitation",
    "token": "an invitation token",
    "refurl": "the address the person came from",
    "referrer": "the address the person came from",
}
LINKING = {
    "id",
    "respondentid",
    "collectorid",
    "responseid",
    "userid",
    "uniqueid",
    "seed",
    "recordid",
}


def squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


@dataclass
class Heading:
    """One column's heading, its header rows combined."""

    index: int
    text: str  # the combined heading shown to the officer
    question: str = ""  # the question over a matrix, where the layout has one
    statement: str = ""  # the matrix row, where the layout has one
    code: str = ""  # the tool's code for the column (Qualtrics, LimeSurvey)

    def parts(self) -> list[str]:
        """Every text a statement might be matched against, most specific first."""
        found = [p for p in (self.statement, self.text, self.question, self.code) if p]
        return list(dict.fromkeys(found))


@dataclass
class Drop:
    index: int
    heading: str
    reason: str


@dataclass
class Layout:
    tool: str
    header_rows: int
    headings: list[Heading]
    drops: list[Drop] = field(default_factory=list)

    @property
    def tool_name(self) -> str:
        return TOOL_NAMES[self.tool]


def _has(row: list[str], *names: str) -> bool:
    present = {squash(cell) for cell in row}
    return all(squash(name) in present for name in names)


def recognise_tool(table: Table) -> tuple[str, int]:
    """Which tool wrote the file, and how many header rows it has."""
    first = table.rows[0]
    third = table.rows[2] if len(table.rows) > 2 else []
    if sum(1 for cell in third if cell.startswith("{") and "importid" in cell.casefold()) >= 2:
        return QUALTRICS, 3
    if _has(first, "Respondent ID", "Collector ID"):
        return SURVEYMONKEY, 2
    if _has(first, "UserID", "Started", "Ended") or _has(first, "UserID", "Unique ID"):
        return SMART_SURVEY, 2 if _second_header(table) else 1
    if _has(first, "ID", "Start time", "Completion time"):
        return MICROSOFT_FORMS, 1
    if first and squash(first[0]) == "timestamp":
        return GOOGLE_FORMS, 1
    if _has(first, "submitdate", "lastpage") or _has(first, "Date submitted", "Last page"):
        return LIMESURVEY, 1
    return PLAIN, 2 if _second_header(table) else 1


def _second_header(table: Table) -> bool:
    """Row 2 is a header too: blank under the first columns' headings, text where row 1 is blank."""
    if len(table.rows) < 3:
        return False
    first, second = table.rows[0], table.rows[1]
    under_blank = [second[i] for i, cell in enumerate(first) if not cell]
    return bool(under_blank) and all(under_blank) and not any(second[:2])


def recognise(table: Table, header_rows: int | None = None) -> Layout:
    """The layout of ``table``; ``header_rows`` overrides how many rows are headings."""
    tool, found_rows = recognise_tool(table)
    rows = found_rows if header_rows is None else header_rows
    rows = max(1, min(rows, len(table.rows)))
    if tool == QUALTRICS and rows >= 2:
        headings = _qualtrics(table, rows)
    elif rows >= 2:
        headings = _stacked(table, rows)
    else:
        headings = [_single(index, cell, tool) for index, cell in enumerate(table.rows[0])]
    _number_blank_and_repeated(headings)
    drops = [Drop(h.index, h.text, reason) for h in headings if (reason := _drop_reason(h)) is not None]
    return Layout(tool=tool, header_rows=rows, headings=headings, drops=drops)


GRID = re.compile(r"^(?P<question>.*\S)\s*\[(?P<statement>[^\[\]]+)\]\s*$")
LIME_CODE = re.compile(r"^(?P<code>[A-Za-z][A-Za-z0-9_]*(?:\[[A-Za-z0-9_]+\])?)(?:\.\s+(?P<text>.*))?$")


def _single(index: int, cell: str, tool: str) -> Heading:
    text = cell
    code = ""
    if tool == LIMESURVEY:
        match = LIME_CODE.match(cell)
        if match and (match.group("text") or "[" in cell or re.match(r"^G\d+Q\d+", cell)):
            code = match.group("code")
            text = match.group("text") or cell
    grid = GRID.match(text)
    if grid:
        return Heading(index, cell, question=grid.group("question"), statement=grid.group("statement"), code=code)
    return Heading(index, cell, statement=text if text != cell else "", code=code)


def _stacked(table: Table, rows: int) -> list[Heading]:
    """Headings over several rows: a question carried over the blank cells to its right."""
    headings = []
    carried = ""
    for index in range(table.width):
        top = table.rows[0][index]
        below = [table.rows[r][index] for r in range(1, rows) if table.rows[r][index]]
        if top:
            carried = top
        question = top or carried
        statement = below[-1] if below else ""
        if statement.casefold() in ("response", "open-ended response", "other (please specify)"):
            text, statement = question, ""
        elif statement and question:
            text = f"{question} [{statement}]"
        else:
            text = question or statement
        headings.append(Heading(index, text, question=question if statement else "", statement=statement))
    return headings


def _qualtrics(table: Table, rows: int) -> list[Heading]:
    headings = []
    for index in range(table.width):
        code = table.rows[0][index]
        text = table.rows[1][index] or code
        if rows >= 3:
            with contextlib.suppress(ValueError, AttributeError):
                code = json.loads(table.rows[2][index]).get("ImportId") or code
        question, _, statement = text.rpartition(" - ")
        headings.append(Heading(index, text, question=question, statement=statement if question else "", code=code))
    return headings


def _number_blank_and_repeated(headings: list[Heading]) -> None:
    """Every heading says which column it is when blank, and is unique when repeated."""
    seen: dict[str, int] = {}
    for heading in headings:
        if not heading.text:
            heading.text = f"(column {column_letter(heading.index)})"
        count = seen.get(heading.text, 0) + 1
        seen[heading.text] = count
        if count > 1:
            heading.text = f"{heading.text} (column {column_letter(heading.index)})"


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _drop_reason(heading: Heading) -> str | None:
    for text in (heading.code, heading.text, heading.statement):
        key = squash(text)
        if key in IDENTIFYING:
            return f"it holds {IDENTIFYING[key]}"
        if key in LINKING:
            return "it links each row to the tool's own record of who answered"
    return None
