"""Frameworks written in a spreadsheet (XLSX), for authors who would rather not write YAML.

A workbook holds the same content as a framework file, one sheet for each kind of thing:

- ``Framework``: one row per field of the framework itself (``Field``, ``English``, ``Welsh``);
- ``Themes``, ``Statements``, ``Scale``: one row per theme, statement and scale level;
- ``Findings``, ``Exemplars``, ``Actions``: optional sheets for research content;
- ``Variants``, ``Variant themes``, ``Variant statements``, ``Variant scale``, ``Variant glossary``:
  optional sheets for other versions of the questionnaire (``variants``), written only for a
  framework that has them;
- ``How to fill this in``: plain-English instructions, ignored when reading.

:func:`read_xlsx` turns a workbook into the same data a YAML file gives and runs the same
checks (the pydantic schema, then :mod:`together.framework.rules`). Every problem is reported
at its cell, as ``file:Sheet!Cell: field: what is wrong``: the reader notes the cell each value
came from, by its path in the framework, so a schema error at ``themes[0].statements[3].text.en``
is reported at the cell that held that text. New optional fields need only a line in the mapping
tables below (``FRAMEWORK_FIELDS`` and ``SHEETS``), which are also what :func:`write_xlsx` writes
and what ``docs/framework-format.md`` documents.

A workbook can come from anyone, so it is read with bounds before openpyxl sees it: its size,
its unpacked size (a "zip bomb" of a few kilobytes can unpack to gigabytes), the number of parts
and of cells; no XML document type declarations (the way to entity-expansion attacks), no links
to other workbooks, and no formulas (a formula is never worked out: the cell is reported).
"""

from __future__ import annotations

import io
import re
import types
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as _field
from datetime import date, time, timedelta
from importlib import resources
from typing import Any, Literal, Union, get_args, get_origin

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import BaseModel, ValidationError

from .icons import ICONS
from .loader import FrameworkInvalid, _message, field_name, parse_framework
from .rules import check_rules
from .schema import Framework

MAX_BYTES = 2_000_000  # the shipped framework's workbook is about 60 KB
MAX_UNPACKED = 10_000_000  # the size of every part once unpacked
MAX_PARTS = 500  # files inside the workbook's zip archive
MAX_CELLS = 200_000  # cells read across all sheets, empty ones in a row's span included

Path_ = tuple[str | int, ...]


# --- The mapping: which sheet, row and column holds which field --------------------------------


@dataclass(frozen=True)
class Ids:
    """The ids in a column of a sheet, which other sheets name: a row of ``Statements`` names its
    theme by an id from the ``Theme id`` column of ``Themes``. ``key`` is where the rows of a
    sheet that others' rows belong to are in the framework (``themes``, ``variants``)."""

    sheet: str
    heading: str
    noun: str
    key: str = ""


THEMES = Ids("Themes", "Theme id", "theme", "themes")
VARIANTS = Ids("Variants", "Variant id", "variant", "variants")
STATEMENTS = Ids("Statements", "Statement id", "statement")


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its heading in row 1 and where its values go in a row's object.

    ``kind`` is ``text`` (any text), ``number`` (a whole number), ``ids`` (ids separated by
    commas, making a list) or ``flag`` (``yes``, or empty for no). Text fields in two languages
    are two columns, ``… (English)`` with a path ending in ``en`` and ``… (Welsh)`` with a path
    ending in ``cy``. A column with an empty path names the row's theme or variant (see
    :attr:`Sheet.within`). ``choices``: the ids the written workbook offers as a drop-down list;
    ``words``: the few words it offers where the schema does not list them (the service's icons).
    A field inside a block (``ages.youngest``) has a path two keys deep, as a text's language does.
    """

    heading: str
    path: tuple[str, ...]
    kind: str = "text"
    width: int = 50
    choices: Ids | None = None
    words: tuple[str, ...] = ()


def _two_languages(heading: str, key: str, width: int = 50) -> tuple[Column, Column]:
    return Column(f"{heading} (English)", (key, "en"), width=width), Column(
        f"{heading} (Welsh)", (key, "cy"), width=width
    )


@dataclass(frozen=True)
class FieldRow:
    """A row of the ``Framework`` sheet: the name in its ``Field`` column and the field it sets."""

    name: str
    key: str
    # "text" has English and Welsh; "languages" a value per language (English column for en, Welsh
    # for cy), either may be empty; anything else uses the English column only.
    kind: str = "text"

    @property
    def path(self) -> tuple[str, ...]:
        """Where the field is in the framework: ``questions.current.prompt`` is three keys deep."""
        return tuple(self.key.split("."))


def _put_at(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value


def _get_at(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


FRAMEWORK_FIELDS: tuple[FieldRow, ...] = (
    FieldRow("Format", "format", "number"),
    FieldRow("Id", "id", "id"),
    FieldRow("Title", "title"),
    FieldRow("Summary", "summary"),
    FieldRow("Source", "source"),
    FieldRow("Translation status", "translation_status", "languages"),
    # The optional second question per statement (``questions``): fill in all four rows, or none.
    FieldRow("Current question", "questions.current.prompt"),
    FieldRow("Current hint", "questions.current.hint"),
    FieldRow("Target question", "questions.target.prompt"),
    FieldRow("Target hint", "questions.target.hint"),
)


@dataclass(frozen=True)
class Sheet:
    """A sheet of rows. ``under`` is where its rows go: in the framework, or, for a sheet whose
    rows belong to a theme or a variant (``within``: named in its first column, ``Theme id`` or
    ``Variant id``), in that theme or variant. A sheet ``under`` a scale's ``levels`` ends with a
    row for each of its answers that give no rating (:data:`NO_RATING_ROWS`). ``written_when``
    names a framework field without which the sheet is not written, so that workbooks of
    frameworks without it stay as they were."""

    name: str
    under: tuple[str, ...]
    columns: tuple[Column, ...]
    within: Ids | None = None
    required: bool = True
    written_when: str = ""
    note: str = ""

    @property
    def holds_scale(self) -> bool:
        return self.under == ("scale", "levels")


THEME_ID = Column("Theme id", (), "text", 28, THEMES)
VARIANT_ID = Column("Variant id", (), "text", 28, VARIANTS)

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "Themes",
        ("themes",),
        (
            Column("Theme id", ("id",), width=28),
            *_two_languages("Title", "title", 36),
            *_two_languages("Summary", "summary"),
            *_two_languages("Why it matters", "why_it_matters"),
            *_two_languages("What good looks like", "what_good_looks_like"),
        ),
        note="One row per theme, in the order respondents will meet them.",
    ),
    Sheet(
        "Statements",
        ("statements",),
        (
            THEME_ID,
            Column("Statement id", ("id",), width=36),
            *_two_languages("Statement", "text"),
            *_two_languages("Guidance", "guidance"),
            Column("Findings", ("findings",), "ids", 32),
            Column("Short form", ("short_form",), "flag", 14),
        ),
        within=THEMES,
        note="One row per statement; each names its theme by the theme's id.",
    ),
    Sheet(
        "Scale",
        ("scale", "levels"),
        (
            Column("Value", ("value",), "number", 12),
            *_two_languages("Label", "label", 30),
            *_two_languages("Description", "description"),
        ),
        note="One row per level, lowest first, numbered from 1; then a row with Don't know as its value, and one "
        "with Rather not say if wanted.",
    ),
    Sheet(
        "Findings",
        ("findings",),
        (Column("Finding id", ("id",), width=30), *_two_languages("Finding", "text")),
        required=False,
        note="What the research behind the framework found; statements name the findings they cover.",
    ),
    Sheet(
        "Exemplars",
        ("exemplars",),
        (
            THEME_ID,
            Column("Exemplar id", ("id",), width=28),
            *_two_languages("Place", "place", 28),
            *_two_languages("Exemplar", "text"),
        ),
        within=THEMES,
        required=False,
        note="What a real place did that illustrates a theme.",
    ),
    Sheet(
        "Actions",
        ("suggested_actions",),
        (THEME_ID, Column("Action id", ("id",), width=36), *_two_languages("Action", "text")),
        within=THEMES,
        required=False,
        note="Suggested first steps for a theme.",
    ),
    # Variants: other versions of the questionnaire, for other audiences (residents, easy read,
    # young people).
    Sheet(
        "Variants",
        ("variants",),
        (
            Column("Variant id", ("id",), width=28),
            Column("Audience", ("audience",), width=16),
            *_two_languages("Title", "title", 36),
            *_two_languages("Introduction", "introduction"),
            # A young people's version's age band: both ages, or neither.
            Column("Youngest age", ("ages", "youngest"), "number", 14),
            Column("Oldest age", ("ages", "oldest"), "number", 14),
        ),
        required=False,
        written_when="variants",
        note="One row per variant: another version of the questionnaire, for another audience.",
    ),
    Sheet(
        "Variant themes",
        ("themes",),
        (
            VARIANT_ID,
            Column("Theme id", ("id",), width=28, choices=THEMES),
            *_two_languages("Title", "title", 36),
            *_two_languages("Summary", "summary"),
        ),
        within=VARIANTS,
        required=False,
        written_when="variants",
        note="A theme's title and summary in a variant's own words; a theme not listed keeps the framework's.",
    ),
    Sheet(
        "Variant statements",
        ("statements",),
        (
            VARIANT_ID,
            Column("Statement id", ("id",), width=36),
            Column("Mirrors", ("mirrors",), width=36, choices=STATEMENTS),
            *_two_languages("Statement", "text"),
            *_two_languages("Guidance", "guidance"),
            # The picture beside an easy read or young people's statement, and what a screen reader says.
            Column("Icon", ("icon",), width=20, words=tuple(sorted(ICONS))),
            *_two_languages("Picture description", "icon_alt", 36),
        ),
        within=VARIANTS,
        required=False,
        written_when="variants",
        note="One row per statement of a variant, each mirroring one of the framework's statements.",
    ),
    Sheet(
        "Variant scale",
        ("scale", "levels"),
        (
            VARIANT_ID,
            Column("Value", ("value",), "number", 12),
            Column("Maps to", ("maps_to",), "number", 12),
            *_two_languages("Label", "label", 30),
            *_two_languages("Description", "description"),
        ),
        within=VARIANTS,
        required=False,
        written_when="variants",
        note="A variant's own answers, lowest first, each with the framework's value it counts as; then Don't know "
        "and Rather not say, where it offers them.",
    ),
    Sheet(
        "Variant glossary",
        ("glossary",),
        (VARIANT_ID, *_two_languages("Word", "term", 30), *_two_languages("Meaning", "meaning")),
        within=VARIANTS,
        required=False,
        written_when="variants",
        note="The harder words a variant uses, each explained in plain words (an easy read version needs some).",
    ),
)

FRAMEWORK_SHEET = "Framework"
HELP_SHEET = "How to fill this in"


@dataclass(frozen=True)
class NoRating:
    """A row at the end of a scale sheet for an answer that gives no rating (``key``), known by
    the words in its Value column (any of ``words``, in any letter case); written as ``name``."""

    key: str
    name: str
    words: frozenset[str]


NO_RATING_ROWS = (
    NoRating("dont_know", "Don't know", frozenset({"don't know", "dont know", "don’t know", "do not know"})),
    NoRating(
        "rather_not_say",
        "Rather not say",
        frozenset(
            {
                "rather not say",
                "i'd rather not say",
                "i’d rather not say",
                "id rather not say",
                "i would rather not say",
                "prefer not to say",
                "i prefer not to say",
            }
        ),
    ),
)
_SHEET_ORDER = (HELP_SHEET, FRAMEWORK_SHEET, *(sheet.name for sheet in SHEETS))
# The sheets whose rows others' rows belong to (Themes, Variants). Each comes before those sheets in
# SHEETS, so that its ids are known when their rows are read.
_OWNERS = {sheet.within.sheet: sheet.within for sheet in SHEETS if sheet.within}


# --- Problems ---------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class CellProblem:
    """A problem at a cell (``Statements!C7``), a sheet (``Scale``) or the whole file."""

    file: str
    position: tuple[int, int, int]  # sheet, row, column: problems are listed in reading order
    sheet: str = _field(compare=False)
    cell: str = _field(compare=False)
    field: str = _field(compare=False)
    message: str = _field(compare=False)

    @property
    def location(self) -> str:
        """``Statements!C7``, ``Scale`` for a whole sheet, or empty for the whole file."""
        if not self.sheet:
            return ""
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    @property
    def line(self) -> int:
        """The row, so that code written for YAML problems can still sort and show them."""
        return self.position[1]

    def __str__(self) -> str:
        where = f":{self.location}" if self.location else ""
        return f"{self.file}{where}: {self.field}: {self.message}"


@dataclass(frozen=True)
class _Where:
    sheet: str
    row: int = 0  # 0: the sheet as a whole
    column: int = 0
    base: Path_ = ()  # the path of the row's object, so fields are named relative to their row

    @property
    def cell(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}" if self.row and self.column else ""


class _Report:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[CellProblem] = []
        self.where: dict[Path_, _Where] = {}
        self.bad_cells: set[tuple[str, str]] = set()
        self.missing_fields: set[tuple[str, str]] = set()  # (sheet, field) whose column is absent

    def add(self, where: _Where | None, field_: str, message: str) -> None:
        if where is None:
            self.problems.append(CellProblem(self.file, (-1, 0, 0), "", "", field_, message))
            return
        self.problems.append(
            CellProblem(
                self.file,
                (_sheet_order(where.sheet), where.row, where.column),
                where.sheet,
                where.cell,
                field_,
                message,
            )
        )
        self.bad_cells.add((where.sheet, where.cell))

    def nearest(self, path: Path_) -> _Where:
        for end in range(len(path), -1, -1):
            if path[:end] in self.where:
                return self.where[path[:end]]
        return _Where(FRAMEWORK_SHEET)

    def at_path(self, path: Path_, message: str) -> None:
        where = self.nearest(path)
        relative = path[len(where.base) :] if path[: len(where.base)] == where.base else path
        if (where.sheet, where.cell) in self.bad_cells:
            return  # the reader has already said what is wrong with this cell
        if relative and (where.sheet, relative[0]) in self.missing_fields:
            return  # reported once, as a missing column
        # A variant's rules name its own parts (statements[2], themes[1]) relative to the variant.
        within = path[:2] if path[:1] == ("variants",) else ()
        message = _PATH_IN_MESSAGE.sub(lambda found: self._cell_of(found.group(0), within), message)
        hint = _CHILD_HINTS.get((where.base[0], *relative)) if len(where.base) == 2 else None
        if hint:
            message = f"{message}: {hint}"
        self.problems.append(
            CellProblem(
                self.file,
                (_sheet_order(where.sheet), where.row, where.column),
                where.sheet,
                where.cell,
                field_name(relative) if relative else field_name(path),
                message,
            )
        )

    def _cell_of(self, text: str, within: Path_ = ()) -> str:
        path = tuple(int(index) if index else key for index, key in _PATH_PART.findall(text))
        if path[:1] != ("variants",):
            path = (*within, *path)
        where = self.where.get((*path, "id")) or self.where.get(path)
        if where is None:
            return text
        return f"{where.sheet}!{where.cell}" if where.cell else where.sheet


def _sheet_order(name: str) -> int:
    return _SHEET_ORDER.index(name) if name in _SHEET_ORDER else len(_SHEET_ORDER)


_PATH_IN_MESSAGE = re.compile(r"\b(?:variants|themes|findings|scale|statements(?=\[))(?:\[\d+\]|\.[a-z_]+)+")
_PATH_PART = re.compile(r"\[(\d+)\]|\.?([a-z_]+)")
_CHILD_HINTS = {
    (sheet.within.key, sheet.under[0]): (
        f"add its rows on the {sheet.name} sheet, with this {sheet.within.noun}'s id in the "
        f"{sheet.within.heading} column"
    )
    for sheet in SHEETS
    if sheet.within
}


# --- The schema, looked up generically --------------------------------------------------------


def _unwrap(annotation: Any) -> Any:
    """``list[X]`` gives ``X`` and ``X | None`` gives ``X``."""
    while True:
        origin = get_origin(annotation)
        if origin in (Union, types.UnionType):
            annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
        elif origin is list:
            annotation = get_args(annotation)[0]
        else:
            return annotation


def _model_at(keys: tuple[str, ...]) -> type[BaseModel] | None:
    model: Any = Framework
    for key in keys:
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or key not in model.model_fields:
            return None
        model = _unwrap(model.model_fields[key].annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _required(model: type[BaseModel] | None, key: str) -> bool:
    if model is None or key not in model.model_fields:
        return True
    return model.model_fields[key].is_required()


def _row_model(sheet: Sheet) -> type[BaseModel] | None:
    return _model_at((sheet.within.key, *sheet.under) if sheet.within else sheet.under)


def _words(sheet: Sheet, column: Column) -> tuple[str, ...]:
    """The only words a column's field may hold: the column's own (icons), or where the schema
    gives a fixed few (an audience)."""
    if column.words:
        return column.words
    model = _row_model(sheet)
    if model is None or len(column.path) != 1 or column.path[0] not in model.model_fields:
        return ()
    annotation = model.model_fields[column.path[0]].annotation
    if get_origin(annotation) is not Literal:
        return ()
    return tuple(str(word) for word in get_args(annotation))


# --- Reading ----------------------------------------------------------------------------------


def read_xlsx(data: bytes, name: str = "<workbook>") -> Framework:
    """Read and check a framework workbook; raise :class:`FrameworkInvalid` listing every problem."""
    report = _Report(name)
    rows = _open(data, report)
    if rows is None:
        raise FrameworkInvalid(report.problems)
    framework_data = _build(rows, report)
    if report.problems and framework_data is None:
        raise FrameworkInvalid(report.problems)
    try:
        framework = Framework.model_validate(framework_data)
    except ValidationError as error:
        for item in error.errors():
            path = tuple(item["loc"])
            report.at_path(path, _schema_message(item, path))
        raise FrameworkInvalid(report.problems) from None
    if report.problems:
        # As for YAML, the rules across the file run only once its structure is sound: a sheet
        # that could not be read would otherwise show as findings or ids missing elsewhere.
        raise FrameworkInvalid(report.problems)
    for path, message in check_rules(framework):
        report.at_path(path, message)
    if report.problems:
        raise FrameworkInvalid(report.problems)
    return framework


def _schema_message(error: dict[str, Any], path: Path_) -> str:
    if error["type"] == "too_short" and len(path) == 3 and (path[0], path[2]) == ("variants", "statements"):
        return "a variant needs at least one statement"  # not, as for a theme, "empty theme"
    if error["type"] == "missing" and len(path) == 4 and (path[0], path[2]) == ("variants", "ages"):
        # The other of the two ages is given: the age band needs both, or neither.
        return "is required: give both the youngest and the oldest age, or leave both empty"
    return _message(error, path)


_Rows = dict[str, list[tuple[int, list[Any]]]]  # sheet name: (row number, cell values) for each row


def _open(data: bytes, report: _Report) -> _Rows | None:
    """The rows of every sheet, or None (with a problem) when the workbook cannot be read safely."""
    if len(data) > MAX_BYTES:
        report.add(None, "(file)", f"is larger than {MAX_BYTES // 1_000_000} MB")
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        report.add(
            None,
            "(file)",
            "is not an XLSX workbook: save it from your spreadsheet program as an Excel Workbook (.xlsx), "
            "without a password",
        )
        return None
    unpacked = sum(part.file_size for part in parts)
    if len(parts) > MAX_PARTS or unpacked > MAX_UNPACKED:
        report.add(
            None,
            "(file)",
            f"unpacks to more than {MAX_UNPACKED // 1_000_000} MB or {MAX_PARTS} parts; a framework workbook is "
            "far smaller than this",
        )
        return None
    for part in parts:
        if part.filename.startswith("xl/externalLinks/"):
            report.add(
                None,
                "(file)",
                "links to another workbook: copy the values you need into this one and remove the link",
            )
            return None
    try:
        for part in parts:
            if part.filename.endswith((".xml", ".rels")) and b"<!DOCTYPE" in archive.read(part).upper():
                report.add(None, "(file)", "holds an XML document type declaration, which a workbook never needs")
                return None
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        report.add(None, "(file)", "is damaged and cannot be unpacked: save it again from your spreadsheet program")
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
            try:
                return _cells(book, report)
            finally:
                book.close()
    except _TooBig:
        return None
    except Exception as error:  # openpyxl can fail in many ways on a damaged or hostile file
        report.add(
            None,
            "(file)",
            f"cannot be read as an XLSX workbook ({type(error).__name__}): save it again from your spreadsheet "
            "program as an Excel Workbook (.xlsx)",
        )
        return None


class _TooBig(Exception):
    pass


@dataclass
class _Formula:
    text: str


def _cells(book: Any, report: _Report) -> _Rows:
    rows: _Rows = {}
    budget = MAX_CELLS
    for sheet in book.worksheets:
        sheet.reset_dimensions()  # a sheet's stated size may be a lie; read only the cells it holds
        found: list[tuple[int, list[Any]]] = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            budget -= max(len(row), 1)
            if budget < 0:
                report.add(
                    None,
                    "(file)",
                    f"has more than {MAX_CELLS:,} cells (sheet {sheet.title!r}); a framework workbook is far "
                    "smaller than this: delete unused rows and columns",
                )
                raise _TooBig
            values = [_Formula(str(cell.value)) if cell.data_type == "f" else cell.value for cell in row]
            if any(not _blank(value) for value in values):
                found.append((number, values))
        rows[sheet.title] = found
    return rows


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _build(rows: _Rows, report: _Report) -> dict[str, Any] | None:
    """The framework's data, as a YAML file would give it, noting where every value came from."""
    known = {name.casefold(): name for name in _SHEET_ORDER}
    sheets: dict[str, list[tuple[int, list[Any]]]] = {}
    for title, content in rows.items():
        canonical = known.get(" ".join(title.split()).casefold())
        if canonical is None:
            report.add(
                _Where(title),
                "(sheet)",
                f"unknown sheet {title!r}: a framework workbook has the sheets {', '.join(_SHEET_ORDER[1:])}; "
                "rename or delete this one",
            )
        elif canonical in sheets:
            report.add(_Where(title), "(sheet)", f"is a second sheet called {canonical!r}: keep only one")
        else:
            sheets[canonical] = content
    missing = [name for name in (FRAMEWORK_SHEET, *(s.name for s in SHEETS if s.required)) if name not in sheets]
    for name in missing:
        report.add(_Where(name), "(sheet)", f"the workbook has no sheet called {name!r}: add it")
    if missing:
        return None
    data = _framework_sheet(sheets[FRAMEWORK_SHEET], report)
    # The themes and the variants, each with the row of each id, for the sheets whose rows name them.
    owners: dict[str, tuple[list[dict[str, Any]], dict[str, int]]] = {}
    told: set[str] = set()  # owner sheets already reported missing
    for sheet in SHEETS:
        if sheet.name not in sheets:
            if sheet.within is None:
                report.where[sheet.under] = _Where(sheet.name)
            continue
        content = sheets[sheet.name]
        columns = _headings(sheet, content, report)
        if columns is None or (sheet.within and all(column.path for column in columns.values())):
            # Reported once at the headings, not again for every row that lacks the sheet's content.
            if sheet.within is None:
                report.where.setdefault(sheet.under, _Where(sheet.name, 1, 1))
            owner = sheet.within.sheet if sheet.within else sheet.name
            report.missing_fields.add((owner, sheet.under[0]))
            continue
        if sheet.name in _OWNERS:
            key = _OWNERS[sheet.name].key
            report.where[(key,)] = _Where(sheet.name, 1, 1, (key,))
            items: list[dict[str, Any]] = []
            ids: dict[str, int] = {}
            for number, values in content[1:]:
                item = _row(sheet, columns, number, values, (key, len(items)), report)
                item_id = item.get("id")
                if isinstance(item_id, str) and item_id in ids:
                    # Said here: the rows naming this id all go to the first, leaving this one empty.
                    first = report.where[(key, ids[item_id], "id")]
                    report.add(
                        report.where[(key, len(items), "id")],
                        "id",
                        f"duplicate id {item_id!r} (also {first.sheet}!{first.cell})",
                    )
                elif isinstance(item_id, str):
                    ids[item_id] = len(items)
                items.append(item)
            data[key] = items
            owners[key] = (items, ids)
        elif sheet.within and sheet.within.key in owners:
            _owned_rows(sheet, sheet.within, columns, content, *owners[sheet.within.key], report)
        elif sheet.within:
            # The sheet its rows belong to could not be read (and is reported), or is missing.
            owner = sheet.within.sheet
            if owner not in sheets and content[1:] and owner not in told:
                told.add(owner)
                report.add(
                    _Where(owner),
                    "(sheet)",
                    f"the workbook has no sheet called {owner!r}, which the rows of {sheet.name!r} name "
                    f"their {sheet.within.noun} from: add it, with a row for each {sheet.within.noun}",
                )
        elif sheet.holds_scale:
            at = _Where(sheet.name, 1, 1, ("scale",))
            data["scale"] = _scale(sheet, columns, content[1:], ("scale",), at, report)
        else:
            report.where[sheet.under] = _Where(sheet.name, 1, 1, sheet.under)
            items = [
                _row(sheet, columns, number, values, (*sheet.under, index), report)
                for index, (number, values) in enumerate(content[1:])
            ]
            if items or _required(Framework, sheet.under[0]):
                data[sheet.under[0]] = items
    return data


def _framework_sheet(content: list[tuple[int, list[Any]]], report: _Report) -> dict[str, Any]:
    report.where[()] = _Where(FRAMEWORK_SHEET, 1, 1)
    data: dict[str, Any] = {}
    if not content or content[0][0] != 1:
        report.add(_Where(FRAMEWORK_SHEET, 1, 1), "(heading)", "row 1 needs the headings Field, English and Welsh")
        return data
    found = [_text_of(value).casefold() for value in content[0][1][:3]]
    if found[:2] != ["field", "english"] or (len(found) > 2 and found[2] not in ("welsh", "")):
        report.add(_Where(FRAMEWORK_SHEET, 1, 1), "(heading)", "row 1 needs the headings Field, English and Welsh")
        return data
    by_name = {row.name.casefold(): row for row in FRAMEWORK_FIELDS}
    seen: dict[str, int] = {}
    for number, values in content[1:]:
        values = [*values, None, None, None][:3]
        name = " ".join(_text_of(values[0]).split())
        row = by_name.get(name.casefold())
        name_cell = _Where(FRAMEWORK_SHEET, number, 1)
        if row is None:
            allowed = ", ".join(r.name for r in FRAMEWORK_FIELDS)
            report.add(name_cell, "(field)", f"unknown field {name!r} (allowed here: {allowed})")
            continue
        if row.key in seen:
            report.add(name_cell, row.key, f"is given twice (first on row {seen[row.key]})")
            continue
        seen[row.key] = number
        english, welsh = _Where(FRAMEWORK_SHEET, number, 2), _Where(FRAMEWORK_SHEET, number, 3)
        path = row.path
        report.where[path] = english
        if len(path) > 1:  # a field inside a block (questions): its block is named at its first row
            report.where.setdefault(path[:-1], english)
            report.where.setdefault(path[:1], english)
        if row.kind == "text":
            report.where[(*path, "en")] = english
            report.where[(*path, "cy")] = welsh
            text = {
                "en": _value(Column(row.name, ("en",)), values[1], english, row.key + ".en", report),
                "cy": _value(Column(row.name, ("cy",)), values[2], welsh, row.key + ".cy", report),
            }
            if text["en"] or text["cy"] or (len(path) == 1 and _required(Framework, row.key)):
                _put_at(data, path, text)
        elif row.kind == "languages":
            report.where[(row.key, "en")] = english
            report.where[(row.key, "cy")] = welsh
            claims = {
                language: _value(Column(row.name, (language,)), cell, where, f"{row.key}.{language}", report)
                for language, cell, where in (("en", values[1], english), ("cy", values[2], welsh))
            }
            data[row.key] = {language: claim for language, claim in claims.items() if claim}
        else:
            if not _blank(values[2]):
                report.add(welsh, row.key, f"is not translated: leave the Welsh column empty for {row.name}")
            value = _value(Column(row.name, (row.key,), row.kind), values[1], english, row.key, report)
            if value is not None and value != "":
                data[row.key] = value
    return data


def _headings(sheet: Sheet, content: list[tuple[int, list[Any]]], report: _Report) -> dict[int, Column] | None:
    """Column number to column, from row 1; problems for unknown, repeated and missing headings."""
    needed = f"row 1 needs the column headings: {', '.join(column.heading for column in sheet.columns)}"
    if not content or content[0][0] != 1:
        report.add(_Where(sheet.name, 1, 1), "(heading)", needed)
        return None
    by_heading = {" ".join(column.heading.split()).casefold(): column for column in sheet.columns}
    columns: dict[int, Column] = {}
    wrong: list[tuple[_Where, str]] = []
    for index, value in enumerate(content[0][1], start=1):
        heading = " ".join(_text_of(value).split())
        if not heading:
            continue
        column = by_heading.get(heading.casefold())
        where = _Where(sheet.name, 1, index)
        if column is None:
            allowed = ", ".join(c.heading for c in sheet.columns)
            wrong.append((where, f"unknown column {heading!r} (allowed here: {allowed})"))
        elif column in columns.values():
            wrong.append((where, f"column {column.heading!r} appears twice: keep only one"))
        else:
            columns[index] = column
    if not columns:
        # No heading at all is known: row 1 holds something else, most likely the first row of content.
        report.add(_Where(sheet.name, 1, 1), "(heading)", needed)
        return None
    for where, message in wrong:
        report.add(where, "(heading)", message)
    model = _row_model(sheet)
    for column in sheet.columns:
        if column in columns.values() or column.path[-1:] == ("cy",):
            continue
        if not column.path or _required(model, column.path[0]):
            report.add(
                _Where(sheet.name, 1, len(content[0][1]) + 1),
                "(heading)",
                f"no column headed {column.heading!r}: add it to row 1",
            )
            if column.path:
                report.missing_fields.add((sheet.name, column.path[0]))
    headings = content[0][1]
    for number, values in content[1:]:
        for index, value in enumerate(values, start=1):
            if index in columns or _blank(value):
                continue
            if index > len(headings) or _blank(headings[index - 1]):
                report.add(_Where(sheet.name, number, index), "(heading)", "has a value but no column heading in row 1")
    return columns


def _row(
    sheet: Sheet, columns: dict[int, Column], number: int, values: list[Any], base: Path_, report: _Report
) -> dict[str, Any]:
    """One row's object, with the cell of each field noted under its path."""
    report.where[base] = _Where(sheet.name, number, 1, base)
    model = _row_model(sheet)
    item: dict[str, Any] = {}
    for index, column in columns.items():
        if not column.path:
            continue
        where = _Where(sheet.name, number, index, base)
        report.where[(*base, *column.path)] = where
        if column.path[-1] != "cy":  # a text is at its English cell; a block (ages) at its first
            report.where.setdefault((*base, column.path[0]), where)
        value = _value(
            column, values[index - 1] if index <= len(values) else None, where, ".".join(column.path), report
        )
        if value is None:
            continue
        target = item
        for key in column.path[:-1]:
            target = target.setdefault(key, {})
        target[column.path[-1]] = value
    for key in list(item):
        value = item[key]
        # A block is empty when all its cells are: a text with neither language, no ages. (A number
        # 0 is not empty, and is reported by the schema.)
        empty = value in ("", []) or (isinstance(value, dict) and all(part == "" for part in value.values()))
        if empty and not _required(model, key):
            del item[key]
        elif value == "" and _required(model, key):
            del item[key]  # a required id left empty: reported as "is required" at its cell
    return item


def _owned_rows(
    sheet: Sheet,
    within: Ids,
    columns: dict[int, Column],
    content: list[tuple[int, list[Any]]],
    owners: list[dict[str, Any]],
    owner_rows: dict[str, int],
    report: _Report,
) -> None:
    """The rows of a sheet whose rows belong to a theme or a variant, put in the one each names."""
    link = next(index for index, column in columns.items() if not column.path)
    key = sheet.under[0]
    model = _model_at((within.key,))
    grouped: dict[int, list[tuple[int, list[Any]]]] = {}
    for number, values in content[1:]:
        where = _Where(sheet.name, number, link)
        owner_id = _text_of(values[link - 1] if link <= len(values) else None).strip()
        if not owner_id:
            report.add(
                where,
                within.noun,
                f"is empty: give the id of this row's {within.noun}, as on the {within.sheet} sheet",
            )
            continue
        if owner_id not in owner_rows:
            report.add(where, within.noun, f"{owner_id!r} is not the id of a {within.noun} on the {within.sheet} sheet")
            continue
        grouped.setdefault(owner_rows[owner_id], []).append((number, values))
    for index, rows in grouped.items():
        base = (within.key, index)
        if sheet.holds_scale:
            at = _Where(sheet.name, rows[0][0], link, (*base, "scale"))
            owners[index]["scale"] = _scale(sheet, columns, rows, (*base, "scale"), at, report)
        else:
            owners[index][key] = [
                _row(sheet, columns, number, values, (*base, key, row), report)
                for row, (number, values) in enumerate(rows)
            ]
    for owner in owners:
        if key not in owner and _required(model, key):
            owner[key] = []


def _scale(
    sheet: Sheet,
    columns: dict[int, Column],
    rows: list[tuple[int, list[Any]]],
    base: Path_,
    at: _Where,
    report: _Report,
) -> dict:
    """A scale (the framework's, or a variant's) from its rows: its levels, then its answers that
    give no rating (Don't know, Rather not say), each known by the words in its Value column."""
    report.where[base] = at
    report.where[(*base, "levels")] = at
    value_column = next((index for index, column in columns.items() if column.path == ("value",)), None)
    maps_column = next((index for index, column in columns.items() if column.path == ("maps_to",)), None)
    levels_columns = columns
    answer_columns = {
        index: column for index, column in columns.items() if column.path not in (("value",), ("maps_to",))
    }
    scale: dict[str, Any] = {"levels": []}
    for number, values in rows:
        raw = values[value_column - 1] if value_column and value_column <= len(values) else None
        answer = _no_rating(raw)
        if answer is None:
            level = (*base, "levels", len(scale["levels"]))
            scale["levels"].append(_row(sheet, levels_columns, number, values, level, report))
            continue
        if answer.key in scale:
            first = report.where[(*base, answer.key)].row
            report.add(_Where(sheet.name, number, value_column), answer.key, f"is given twice (first on row {first})")
            continue
        if maps_column and maps_column <= len(values) and not _blank(values[maps_column - 1]):
            report.add(
                _Where(sheet.name, number, maps_column),
                "maps_to",
                f"must be empty on the {answer.name} row: {answer.name} is not counted as any value of the "
                "framework's scale",
            )
        scale[answer.key] = _row(sheet, answer_columns, number, values, (*base, answer.key), report)
    return scale


def _no_rating(value: Any) -> NoRating | None:
    """The answer that gives no rating whose row this Value cell starts, if it starts one."""
    if not isinstance(value, str):
        return None
    words = " ".join(value.split()).casefold()
    return next((answer for answer in NO_RATING_ROWS if words in answer.words), None)


def _text_of(value: Any) -> str:
    if value is None or isinstance(value, _Formula):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _value(column: Column, value: Any, where: _Where, name: str, report: _Report) -> Any:
    """A cell's value as the framework needs it, or None (with a problem) when it cannot be used."""
    if isinstance(value, _Formula):
        report.add(
            where,
            name,
            f"holds a formula ({value.text[:40]}), which is never worked out: type the value itself into the cell",
        )
        return None
    if column.kind == "flag":
        return _flag(value, where, name, report)
    if isinstance(value, bool):
        report.add(where, name, f"holds the true/false value {str(value).upper()}: type the text itself")
        return None
    if isinstance(value, date | time | timedelta):
        report.add(
            where,
            name,
            "holds a date or time, which the spreadsheet made of what was typed: format the cell as Text and "
            "type it again",
        )
        return None
    if column.kind == "number":
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            if re.fullmatch(r"\s*-?\d+\s*", value):
                report.add(
                    where,
                    name,
                    f"the number {value.strip()} is stored as text: format the cell as a Number and type it again",
                )
            else:
                report.add(where, name, f"must be a whole number, not {value.strip()!r}")
            return None
        if isinstance(value, float) and not value.is_integer():
            report.add(where, name, f"must be a whole number, not {value}")
            return None
        return int(value)
    text = _text_of(value).strip()
    if column.kind == "ids":
        return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]
    return text


FLAG_YES = {"yes", "y", "true", "x"}
FLAG_NO = {"", "no", "n", "false"}


def _flag(value: Any, where: _Where, name: str, report: _Report) -> bool | None:
    """A yes-or-empty cell: True for yes, None (left out) for empty or no."""
    if isinstance(value, bool):
        return True if value else None
    if isinstance(value, _Formula):
        report.add(where, name, f"holds a formula ({value.text[:40]}): type yes, or leave the cell empty")
        return None
    text = _text_of(value).strip().casefold()
    if text in FLAG_YES:
        return True
    if text not in FLAG_NO:
        report.add(where, name, f"must be yes or left empty, not {_text_of(value).strip()!r}")
    return None


# --- Writing ----------------------------------------------------------------------------------

_HEADING_FONT = Font(bold=True)
_HEADING_FILL = PatternFill("solid", fgColor="DDDDDD")
_WRAP = Alignment(wrap_text=True, vertical="top")
_ROWS_WITH_CHECKS = 1000
_LIST_LIMIT = 255  # the most characters Excel takes in a drop-down list typed into its check

HELP_TEXT = (
    "How to fill in this framework workbook",
    "",
    "This workbook holds a whole framework: its themes, the statements people rate, and the rating scale. "
    "Fill in the sheets, then check the file with: together framework validate YOUR-FILE.xlsx "
    "(or upload it to the framework library). Every problem is listed with its sheet and cell, "
    "for example Statements!C7: text.en: English text is missing.",
    "",
    "Framework: one row per field (Format, Id, Title, Summary, Source, Translation status). Leave Format as 1. "
    "Translation status is optional: complete, partial or none for each language, checked against the text. "
    "Current question, Current hint, Target question and Target hint are optional: fill in both questions "
    "(for example Where are we now? and Where do we want to be in a year?) to have every statement rated twice, "
    "or leave all four empty for one rating per statement.",
    "Themes: one row per theme, in the order people will answer them.",
    "Statements: one row per statement. The Theme id column says which theme it belongs to, using the id "
    "from the Themes sheet. Statements appear in the order of their rows.",
    "Scale: one row per level, lowest first, with values 1, 2, 3 and so on; then one row with Don't know "
    "in the Value column, and, if people may also choose I'd rather not say, one with Rather not say.",
    "Findings, Exemplars and Actions: research behind the framework, places that show a theme in practice, "
    "and suggested first steps. Statements name the findings they cover in their Findings column, "
    "separated by commas.",
    "Short form (optional, on the Statements sheet): type yes for the statements a short pulse round asks. "
    "If any statement says yes, every theme needs one or two; 8 to 14 in all works best.",
    "Variants (optional): other versions of the questionnaire, for example for residents, in easy read, or for "
    "young people. The sheets Variants, Variant themes, Variant statements, Variant scale and Variant glossary "
    "are in the workbook when the framework has a variant; to add the first, add them with the headings in "
    "docs/framework-format.md. Variants: one row per variant (its id, its audience: residents, easy_read or "
    "young_people, its title and introduction; for young people, the Youngest age and Oldest age it is written "
    "for, both or neither). Variant statements: one row per statement, naming its variant in the Variant id "
    "column and, in Mirrors, the id of the framework's statement it stands for (each at most once in a variant); "
    "easy read and young people's statements each need a picture: choose it in the Icon column, and write what a "
    "screen reader says for it in Picture description. Variant themes (optional): a theme's title and summary in "
    "the variant's own words. Variant scale (optional): the variant's own answers, lowest first, numbered from 1, "
    "each with the value of the framework's scale it counts as in Maps to (the lowest to the lowest, the highest "
    "to the highest, each higher than the one before); then a row with Don't know in the Value column, and one "
    "with Rather not say (young people's versions need both). Variant glossary: the harder words a variant uses "
    "(Word), each explained in plain words (Meaning); an easy read version needs some.",
    "",
    "Ids are short names that never change: lowercase letters, digits and hyphens, starting with a letter "
    "(for example shared-purpose). Keep a statement's id when you polish its wording; give it a new id "
    "when its meaning changes, so that earlier results stay comparable.",
    "Text goes in the (English) columns; the (Welsh) columns may stay empty until translated.",
    "Type values rather than formulas: formulas are never worked out. Keep the sheet names and the "
    "headings in row 1 as they are. Do not add other sheets.",
)


def write_xlsx(framework: Framework) -> bytes:
    """The framework as a workbook that :func:`read_xlsx` reads back to the same framework."""
    data = framework.model_dump(mode="json")
    book = Workbook()
    help_sheet = book.active
    help_sheet.title = HELP_SHEET
    help_sheet.column_dimensions["A"].width = 110
    for number, line in enumerate(HELP_TEXT, start=1):
        cell = help_sheet.cell(number, 1, line)
        cell.alignment = _WRAP
    help_sheet["A1"].font = Font(bold=True, size=14)

    sheet = book.create_sheet(FRAMEWORK_SHEET)
    _heading_row(sheet, [("Field", 16), ("English", 80), ("Welsh", 80)])
    for number, row in enumerate(FRAMEWORK_FIELDS, start=2):
        value = _get_at(data, row.path)
        sheet.cell(number, 1, row.name).font = _HEADING_FONT
        if row.kind in ("text", "languages"):
            _put(sheet, number, 2, (value or {}).get("en"))
            _put(sheet, number, 3, (value or {}).get("cy"))
        else:
            _put(sheet, number, 2, value)

    for spec in SHEETS:
        if spec.written_when and not data.get(spec.written_when):
            continue
        sheet = book.create_sheet(spec.name)
        _heading_row(sheet, [(column.heading, column.width) for column in spec.columns])
        number = 2
        for owner_id, item in _items(spec, data):
            for index, column in enumerate(spec.columns, start=1):
                _put(sheet, number, index, owner_id if not column.path else _get(item, column))
            number += 1
        for index, column in enumerate(spec.columns, start=1):
            _drop_down(sheet, get_column_letter(index), column, _words(spec, column))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _drop_down(sheet: Any, letter: str, column: Column, words: tuple[str, ...]) -> None:
    """The ids another sheet lists, or the few words a field may hold, offered in a column."""
    if column.choices is not None:
        ids = column.choices
        spec = next(spec for spec in SHEETS if spec.name == ids.sheet)
        source = get_column_letter(next(i for i, c in enumerate(spec.columns, start=1) if c.heading == ids.heading))
        where = ids.sheet if ids.sheet.isalnum() else f"'{ids.sheet}'"
        check = DataValidation(
            type="list",
            formula1=f"{where}!${source}$2:${source}${_ROWS_WITH_CHECKS}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f"Not a {ids.noun} id",
            error=f"Use the id of a {ids.noun} on the {ids.sheet} sheet.",
        )
    elif words and len(",".join(words)) <= _LIST_LIMIT:
        check = DataValidation(
            type="list",
            formula1='"{}"'.format(",".join(words)),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f"Not a {column.heading.casefold()}",
            error=f"Choose one of: {', '.join(words)}.",
        )
    else:
        return
    sheet.add_data_validation(check)
    check.add(f"{letter}2:{letter}{_ROWS_WITH_CHECKS}")


def _items(spec: Sheet, data: dict[str, Any]) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """The rows of a sheet: each item, with the id of the theme or variant it belongs to."""
    owners = [(owner["id"], owner) for owner in data.get(spec.within.key) or []] if spec.within else [(None, data)]
    for owner_id, owner in owners:
        holder = _get_at(owner, spec.under[:-1])
        for item in (holder or {}).get(spec.under[-1]) or []:
            yield owner_id, item
        for answer in NO_RATING_ROWS if spec.holds_scale else ():
            found = _get_at(owner, (*spec.under[:-1], answer.key))
            if found:
                yield owner_id, {**found, "value": answer.name}


def _get(item: dict[str, Any], column: Column) -> Any:
    value: Any = item
    for key in column.path:
        value = value.get(key) if isinstance(value, dict) else None
    if column.kind == "ids" and isinstance(value, list):
        return ", ".join(value)
    if column.kind == "flag":
        return "yes" if value else None
    return value


def _heading_row(sheet: Any, headings: list[tuple[str, int]]) -> None:
    for index, (heading, width) in enumerate(headings, start=1):
        cell = sheet.cell(1, index, heading)
        cell.font = _HEADING_FONT
        cell.fill = _HEADING_FILL
        cell.alignment = _WRAP
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _put(sheet: Any, row: int, column: int, value: Any) -> None:
    if value is None or value == "":
        return
    cell = sheet.cell(row, column, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text that happens to start with "=" is text, not a formula
    cell.alignment = _WRAP


def template_bytes() -> bytes:
    """A workbook to fill in: every sheet and heading, with one example theme and statement."""
    text = resources.files(__package__).joinpath("template.yaml").read_text(encoding="utf-8")
    return write_xlsx(parse_framework(text, "template.yaml"))
