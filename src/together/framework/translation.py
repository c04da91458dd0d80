"""The translator's file: every text of a framework with its English and Welsh, to fill in or
correct the Welsh, and reading it back into a new version of the framework.

Each row names its text by a key built from ids, not positions (``theme:shared-purpose/
statement:shared-purpose-outcomes/text``), so a file made for one version still fits the next
where the texts it covers are still there. A row's English must be the framework's English as it
is now: Welsh written against other English is refused, row by row, rather than pasted beside
text it does not translate. A row whose English changed since the version before while its Welsh
did not is marked *out of date*: the Welsh may no longer say what the English says.

Plain Python: the web pages and the command line call it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel

from .schema import Framework, Text

HEADER = ("key", "field", "english", "welsh", "status")
MISSING, OUT_OF_DATE, DONE = "missing", "out of date", "done"
MAX_WELSH = 10_000  # characters in one text: longer is not a framework text
MAX_ROWS = 5_000


@dataclass(frozen=True)
class Row:
    key: str
    field: str  # the field's name, for the translator: "statement text", "theme title"
    english: str
    welsh: str
    status: str


@dataclass(frozen=True)
class Problem:
    row: int  # in the file, the header being row 1
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class TranslationInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def _walk(model: BaseModel, key: str = "", kind: str = "") -> Iterator[tuple[str, str, BaseModel, str]]:
    """(key, field label, owner, attribute) for every text, keyed by ids where items have them."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            if isinstance(item, Text):
                where = f"{key}/{name}" if index is None else f"{key}/{name}[{index}]"
                label = f"{kind} {name.replace('_', ' ')}".strip()
                yield where.lstrip("/"), label, model, name if index is None else f"{name}[{index}]"
            elif isinstance(item, BaseModel):
                ident = getattr(item, "id", None)
                singular = name[:-1] if name.endswith("s") and index is not None else name
                part = (
                    f"{singular}:{ident}" if isinstance(ident, str) else (name if index is None else f"{name}[{index}]")
                )
                yield from _walk(item, f"{key}/{part}", singular.replace("_", " "))


def _texts(framework: Framework) -> dict[str, tuple[str, Text]]:
    found = {}
    for key, label, owner, attribute in _walk(framework):
        name, _sep, rest = attribute.partition("[")
        value = getattr(owner, name)
        text = value[int(rest[:-1])] if rest else value
        found[key] = (label, text)
    return found


def rows(framework: Framework, previous: Framework | None = None) -> list[Row]:
    """Every text of ``framework``, with whether its Welsh is missing, out of date (its English
    changed since ``previous`` while its Welsh did not) or done."""
    before = _texts(previous) if previous is not None else {}
    out = []
    for key, (label, text) in _texts(framework).items():
        status = DONE
        if not text.cy.strip():
            status = MISSING
        elif key in before:
            old = before[key][1]
            if old.en != text.en and old.cy == text.cy:
                status = OUT_OF_DATE
        out.append(Row(key, label, text.en, text.cy, status))
    return out


def out_of_date(framework: Framework, previous: Framework | None) -> list[Row]:
    return [row for row in rows(framework, previous) if row.status == OUT_OF_DATE]


def to_csv(found: list[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in found:
        writer.writerow([row.key, row.field, row.english, row.welsh, row.status])
    # With a byte-order mark, so that Excel opens the Welsh letters (ŵ, ŷ) correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(found: list[Row], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Translation"
    sheet.append(list(HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in found:
        sheet.append([row.key, row.field, row.english, row.welsh, row.status])
    for column, width in zip("ABCDE", (38, 22, 60, 60, 12), strict=True):
        sheet.column_dimensions[column].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line[2:4]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    book.properties.title = title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _table(data: bytes, name: str) -> list[list[str]]:
    if data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a damaged file
            raise TranslationInvalid([Problem(1, "", f"{name} is not an Excel workbook that can be read")]) from None
        try:
            sheet = book["Translation"] if "Translation" in book.sheetnames else book.worksheets[0]
            return [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TranslationInvalid([Problem(1, "", f"{name} is not UTF-8 text: save it as CSV UTF-8")]) from None
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise TranslationInvalid([Problem(1, "", f"{name} cannot be read as CSV ({error})")]) from None


def read(data: bytes, name: str, framework: Framework) -> dict[str, str]:
    """The Welsh of each text the file names, checked against ``framework``: every problem found,
    with its row and column, or the Welsh by key. A row whose Welsh is empty leaves that text's
    Welsh as it is."""
    table = _table(data, name)
    if not table or not any(cell.strip() for cell in table[0]):
        raise TranslationInvalid([Problem(1, "", f"{name} is empty")])
    header = [cell.strip().lower() for cell in table[0]]
    missing = [column for column in ("key", "english", "welsh") if column not in header]
    if missing:
        raise TranslationInvalid(
            [Problem(1, "", f"the header must have the columns key, english and welsh (missing: {', '.join(missing)})")]
        )
    if len(table) - 1 > MAX_ROWS:
        raise TranslationInvalid([Problem(1, "", f"a translator's file has at most {MAX_ROWS} rows")])
    at = {column: header.index(column) for column in ("key", "english", "welsh")}
    known = _texts(framework)
    problems: list[Problem] = []
    welsh: dict[str, str] = {}
    seen: dict[str, int] = {}
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        key, english, cy = (cells[at[c]].strip() for c in ("key", "english", "welsh"))
        if key not in known:
            problems.append(Problem(number, "key", f"{key!r} is not a text of this framework"))
            continue
        if key in seen:
            problems.append(Problem(number, "key", f"{key!r} is already on row {seen[key]}"))
            continue
        seen[key] = number
        if " ".join(english.split()) != " ".join(known[key][1].en.split()):
            problems.append(
                Problem(
                    number,
                    "english",
                    "the English is not this version's: it has changed since the file was made, so download "
                    "the file again and translate the English as it is now",
                )
            )
            continue
        if len(cy) > MAX_WELSH:
            problems.append(Problem(number, "welsh", f"is longer than {MAX_WELSH} characters"))
            continue
        if cy:
            welsh[key] = cy
    if problems:
        raise TranslationInvalid(problems[:50])
    if not welsh:
        raise TranslationInvalid([Problem(2, "welsh", "no row has Welsh to use")])
    return welsh


def apply(framework: Framework, welsh: dict[str, str]) -> Framework:
    """A copy of ``framework`` with this Welsh, and its ``translation_status`` saying how far the
    Welsh now goes (complete, partial)."""
    copy = framework.model_copy(deep=True)
    for key, (_label, text) in _texts(copy).items():
        if key in welsh:
            object.__setattr__(text, "cy", welsh[key])
    every = [text for _label, text in _texts(copy).values()]
    written = sum(1 for text in every if text.cy.strip())
    status = dict(copy.translation_status)
    status["cy"] = "complete" if written == len(every) else "partial" if written else "none"
    status.setdefault("en", "complete")
    object.__setattr__(copy, "translation_status", status)
    # Read back as any file is, so that every rule holds of the result.
    from .loader import canonical_json, parse_framework

    return parse_framework(canonical_json(copy), "translation")
