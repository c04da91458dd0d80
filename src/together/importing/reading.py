"""Open an export as rows of strings: CSV in any common encoding, separator and line ending, or XLSX.

The encoding is decided over the whole file, never a sample: a byte-order mark says UTF-8 or
UTF-16; otherwise the file is UTF-8 if every byte of it is, else Windows-1252. Every bound is
checked before the work it protects, and every problem is a sentence, never a traceback.
"""

from __future__ import annotations

import csv
import datetime
import io
import warnings
import zipfile
from dataclasses import dataclass, field

MAX_BYTES = 20_000_000  # a survey export of a few thousand respondents is a few MB
MAX_UNPACKED = 200_000_000  # every part of an XLSX once unpacked
MAX_PARTS = 2_000  # files inside an XLSX's zip archive
MAX_COLUMNS = 2_000  # a questionnaire of 43 statements exports well under 200
MAX_CELLS = 4_000_000  # cells read in all, empty ones in a row's span included
MAX_FIELD = 100_000  # characters in one cell
MAX_MESSAGES = 20  # problems listed before "and N more"
SEPARATORS = (",", ";", "\t")


class Unreadable(Exception):
    """The file cannot be read; ``messages`` say why (capped, with "and N more")."""

    def __init__(self, messages: list[str]):
        self.messages = capped(messages)
        super().__init__("; ".join(self.messages))


def capped(messages: list[str], limit: int = MAX_MESSAGES) -> list[str]:
    """At most ``limit`` messages, the last saying how many more there were."""
    if len(messages) <= limit:
        return list(messages)
    return [*messages[: limit - 1], f"and {len(messages) - limit + 1:,} more"]


@dataclass
class Table:
    """A file's cells as strings, every row as wide as the widest."""

    rows: list[list[str]]
    kind: str  # "csv" or "xlsx"
    encoding: str = ""  # for CSV: "utf-8", "utf-8-sig", "utf-16-le", "utf-16-be" or "cp1252"
    separator: str = ""  # for CSV
    sheet: str = ""  # for XLSX: the sheet read
    sheets: list[str] = field(default_factory=list)  # for XLSX: every sheet's name

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    def describe(self) -> str:
        if self.kind == "xlsx":
            return f"Excel workbook, sheet {self.sheet!r}"
        names = {",": "commas", ";": "semicolons", "\t": "tabs"}
        return f"CSV in {ENCODING_NAMES.get(self.encoding, self.encoding)}, separated by {names[self.separator]}"


ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (with a byte-order mark)",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16 (big-endian)",
    "cp1252": "Windows-1252",
}


def read(data: bytes, sheet: str | None = None) -> Table:
    """The file's rows. ``sheet`` names the XLSX sheet to read (the first when not given).

    Raises :class:`Unreadable`."""
    if len(data) > MAX_BYTES:
        raise Unreadable([f"the file is larger than {MAX_BYTES // 1_000_000} MB"])
    if not data.strip():
        raise Unreadable(["the file is empty"])
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, sheet)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise Unreadable(
            ["this is an old-style Excel file (.xls): save it as an Excel Workbook (.xlsx) or as CSV UTF-8"]
        )
    if sheet:
        raise Unreadable(["a sheet can be chosen only in an Excel workbook (.xlsx); this file is CSV"])
    text, encoding = decode(data)
    return _read_csv(text, encoding)


BINARY = "the file holds binary data, not text: export it again as CSV or XLSX"


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and its encoding, decided over every byte."""
    guessed = False  # the file has no byte-order mark, and the encoding was worked out from its bytes
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith(b"\xff\xfe"):
        encoding = "utf-16-le"
    elif data.startswith(b"\xfe\xff"):
        encoding = "utf-16-be"
    elif b"\x00" in data[:4096]:
        # UTF-16 without a mark: the zero bytes of ASCII characters say which way round. They
        # are then in one of every two places, and rarely in the others; anywhere else, binary.
        head = data[:4096]
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if max(even, odd) < 0.4 * (len(head) // 2) or max(even, odd) < 4 * min(even, odd):
            raise Unreadable([BINARY])
        encoding = "utf-16-le" if odd > even else "utf-16-be"
        guessed = True
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        if encoding == "cp1252":
            message = (
                f"the file is neither UTF-8 nor Windows-1252 text (byte {error.start + 1:,} cannot be read): "
                "save it as CSV UTF-8"
            )
        elif guessed:
            name = ENCODING_NAMES[encoding]
            message = f"the file looks like {name} text, but byte {error.start + 1:,} is not: save it again"
        else:
            name = ENCODING_NAMES[encoding]
            at = error.start + 1 + (3 if encoding == "utf-8-sig" else 0)  # the decoder counts after the mark
            message = f"the file says it is {name} but byte {at:,} is not: save it again"
        raise Unreadable([message]) from None
    if encoding.startswith("utf-16"):
        text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise Unreadable([BINARY])
    return text, encoding


def _separator(text: str) -> str:
    """The separator that gives the most columns, the same in most of the first lines."""
    sample = text[:65536]
    best, score = ",", (0, 0)
    for separator in SEPARATORS:
        try:
            rows = []
            for row in csv.reader(io.StringIO(sample, newline=""), delimiter=separator):
                rows.append(len(row))
                if len(rows) >= 30:
                    break
        except csv.Error:
            continue
        if not rows or rows[0] < 2:
            continue
        agreeing = sum(1 for n in rows[1:] if n == rows[0]) if len(rows) > 1 else 1
        candidate = (agreeing, rows[0])
        if candidate > score:
            best, score = separator, candidate
    return best


def _read_csv(text: str, encoding: str) -> Table:
    separator = _separator(text)
    rows: list[list[str]] = []
    cells = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(MAX_FIELD)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                line = reader.line_num
                if "field larger than field limit" in str(error):
                    raise Unreadable(
                        [f"line {line:,}: a cell is longer than {MAX_FIELD:,} characters, which no answer needs"]
                    ) from None
                raise Unreadable([f"line {line:,}: this is not valid CSV ({error})"]) from None
            if not rows and len(row) > MAX_COLUMNS:
                raise Unreadable([f"the header has {len(row):,} columns; at most {MAX_COLUMNS:,} can be read"])
            cells += max(len(row), 1)
            if cells > MAX_CELLS:
                raise Unreadable([f"the file has more than {MAX_CELLS:,} cells"])
            rows.append([cell.strip() for cell in row])
    finally:
        csv.field_size_limit(limit)
    return Table(rows=_squared(rows), kind="csv", encoding=encoding, separator=separator)


def _squared(rows: list[list[str]]) -> list[list[str]]:
    """Rows padded to the widest, with trailing empty rows and columns removed."""
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise Unreadable(["the file is empty"])
    width = max(len(row) for row in rows)
    while width and not any(len(row) >= width and row[width - 1] for row in rows):
        width -= 1
    if width > MAX_COLUMNS:
        raise Unreadable([f"the file has {width:,} columns; at most {MAX_COLUMNS:,} can be read"])
    return [(row + [""] * (width - len(row)))[:width] for row in rows]


def _read_xlsx(data: bytes, sheet: str | None) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Unreadable(["the file is not an XLSX workbook: save it as an Excel Workbook (.xlsx) or CSV"]) from None
    if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED:
        raise Unreadable([f"the workbook unpacks to more than {MAX_UNPACKED // 1_000_000} MB or {MAX_PARTS} parts"])
    if any(p.filename.startswith("xl/externalLinks/") for p in parts):
        raise Unreadable(["the workbook links to another workbook: copy the values into this one"])
    try:
        for part in parts:
            if part.filename.endswith((".xml", ".rels")) and b"<!DOCTYPE" in archive.read(part).upper():
                raise Unreadable(["the workbook holds an XML document type declaration, which a workbook never needs"])
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise Unreadable(["the workbook is damaged and cannot be unpacked: save it again"]) from None
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # data_only: a formula's value as last saved by the spreadsheet program; none is computed here.
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # openpyxl fails in many ways on a damaged or hostile file
        raise Unreadable([f"the file cannot be read as an XLSX workbook ({type(error).__name__})"]) from None
    try:
        names = list(book.sheetnames)
        if not names:
            raise Unreadable(["the workbook has no sheets"])
        if sheet and sheet not in names:
            listed = ", ".join(repr(n) for n in names[:10])
            raise Unreadable([f"the workbook has no sheet {sheet!r}; its sheets are {listed}"])
        chosen = sheet or names[0]
        worksheet = book[chosen]
        worksheet.reset_dimensions()  # its stated size may be a lie; read only the cells it holds
        rows: list[list[str]] = []
        budget = MAX_CELLS
        for row in worksheet.iter_rows(values_only=True):
            budget -= max(len(row), 1)
            if budget < 0:
                raise Unreadable([f"sheet {chosen!r} has more than {MAX_CELLS:,} cells"])
            if not rows and len(row) > MAX_COLUMNS:
                raise Unreadable([f"the header has {len(row):,} columns; at most {MAX_COLUMNS:,} can be read"])
            rows.append([_text(value) for value in row])
    except Unreadable:
        raise
    except Exception as error:
        raise Unreadable([f"the workbook cannot be read ({type(error).__name__}): save it again"]) from None
    finally:
        book.close()
    return Table(rows=_squared(rows), kind="xlsx", sheet=chosen, sheets=names)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    text = str(value).strip()
    return text[:MAX_FIELD]
