"""Import responses from another survey tool's CSV: one row per respondent, one column per statement.

Every row is checked before anything is stored, and then everything is stored in one
transaction: an import is all or nothing. Files may be UTF-8 (with or without a byte-order
mark) or Windows-1252, separated by commas or semicolons. Values may be numbers on the scale,
the scale's labels (in English or Welsh), or "don't know"; an empty cell means the statement
was not answered. Where the framework asks where to be in a year, a column headed
``statement-id:target`` holds a statement's target rating, on the same scale.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import attrgetter

from django.db import connection, transaction
from django.db.models import UUIDField
from django.utils import timezone

from together.framework import Framework

from .models import Answer, Comment, Priority, Response, ResponseState, Round

ORGANISATION, GROUP, PRIORITIES, SECTOR, IGNORE = "organisation", "group", "priorities", "sector", "ignore"
SPECIAL = (ORGANISATION, GROUP, PRIORITIES, SECTOR, IGNORE)
DONT_KNOW_WORDS = {"dk", "don't know", "dont know", "don’t know", "not sure", "ddim yn gwybod"}
BATCH = 5000
TARGET_SUFFIX = ":target"
COMMENT_PREFIX = "comment:"  # a column of comments on one theme: "comment:<theme id>"
MAX_COMMENT = 2000


def target_key(statement_id: str) -> str:
    """What a column of a statement's target ratings is mapped to (and may be headed)."""
    return statement_id + TARGET_SUFFIX


@dataclass(frozen=True)
class ImportProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.message}"


class ImportInvalid(Exception):
    def __init__(self, problems: list[ImportProblem], more: int = 0):
        self.problems = problems
        self.more = more
        super().__init__("; ".join(str(p) for p in problems))


@dataclass
class Parsed:
    header: list[str]
    mapping: dict[str, str]
    # (organisation_id, group_id, values, priorities, comments); values: (statement id, rating, target
    # rating), comments: theme id → text,
    # or (statement id, rating) with no target
    rows: list[tuple] = field(default_factory=list)

    @property
    def asks_priorities(self) -> bool:
        """Whether the file has a column of priorities."""
        return PRIORITIES in self.mapping.values()


def _open_text(raw: io.BufferedIOBase) -> io.TextIOBase:
    """UTF-8 (a byte-order mark is dropped), falling back to Windows-1252 when the bytes are not UTF-8."""
    head = raw.read(1 << 16)
    raw.seek(0)
    try:
        head.decode("utf-8-sig")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is not an error.
        encoding = "utf-8-sig" if error.start >= len(head) - 3 else "cp1252"
    return io.TextIOWrapper(raw, encoding=encoding, newline="")


def read_header(raw: io.BufferedIOBase) -> list[str]:
    """The header row alone; the file is rewound for the full read."""
    text = _open_text(raw)
    try:
        first = text.readline()
    finally:
        text.detach()
        raw.seek(0)
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [cell.strip() for cell in next(csv.reader([first], dialect), [])]
    except csv.Error as error:
        raise ImportInvalid([ImportProblem(1, "", f"the header row cannot be read as CSV ({error})")]) from None


def suggest_mapping(header: Iterable[str], framework: Framework) -> dict[str, str]:
    """Match columns to statements by id or by their English or Welsh text; and the special columns."""
    by_text = {}
    for statement in framework.statements:
        by_text[statement.id.casefold()] = statement.id
        by_text[statement.text.en.casefold().rstrip(".")] = statement.id
        if statement.text.cy:
            by_text[statement.text.cy.casefold().rstrip(".")] = statement.id
        if framework.asks_target:
            by_text[target_key(statement.id).casefold()] = target_key(statement.id)
    mapping = {}
    themes = {theme.id for theme in framework.themes}
    for column in header:
        key = column.strip().casefold().rstrip(".")
        if key in SPECIAL or key.startswith(COMMENT_PREFIX) and key[len(COMMENT_PREFIX) :] in themes:
            mapping[column] = key
        elif key in by_text:
            mapping[column] = by_text[key]
    return mapping


def _scale_words(framework: Framework) -> dict[str, int | None]:
    words: dict[str, int | None] = {}
    for level in framework.scale.levels:
        words[str(level.value)] = level.value
        words[level.label.en.casefold()] = level.value
        if level.label.cy:
            words[level.label.cy.casefold()] = level.value
    dont_know = framework.scale.dont_know
    if dont_know is not None:
        for word in DONT_KNOW_WORDS | {dont_know.label.en.casefold()}:
            words[word] = None
    return words


def _off_scale(cell: str, key: str, scale) -> str:
    """Why a cell is not an answer, and what would be one."""
    numbers = f"{scale.minimum} to {scale.maximum}"
    label = scale.highest.label.en
    if scale.dont_know is None:
        if key in DONT_KNOW_WORDS:
            return (
                f"{cell!r} is not an answer here: this framework's scale has no \"don't know\"; "
                f"use {numbers} or a label such as {label!r}, or leave the cell empty"
            )
        return f"{cell!r} is not on the scale: use {numbers} or a label such as {label!r}"
    return f'{cell!r} is not on the scale: use {numbers}, a label such as {label!r}, or "don\'t know"'


def parse(
    raw: io.BufferedIOBase,
    round_: Round,
    mapping: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
    max_problems: int = 50,
) -> Parsed:
    """Read and check the whole file, streaming it; raise :class:`ImportInvalid` with what is wrong."""
    framework = round_.framework
    head = raw.read(4096)
    raw.seek(0)
    if b"\x00" in head:
        # UTF-16 (as some spreadsheet programs save "Unicode text") or not text at all.
        raise ImportInvalid(
            [ImportProblem(1, "", "the file is not in a text encoding we can read: save it as CSV UTF-8")]
        )
    text = _open_text(raw)
    sample = text.read(8192)
    text.seek(0)
    if not sample.strip():
        raise ImportInvalid([ImportProblem(1, "", "the file is empty")])
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        reader = csv.reader(text, dialect)
        header = [cell.strip() for cell in next(reader)]
    except UnicodeDecodeError:
        raise ImportInvalid([ImportProblem(1, "", "the file is not UTF-8 or Windows-1252 text")]) from None
    except csv.Error as error:
        raise ImportInvalid([ImportProblem(1, "", f"the header row cannot be read as CSV ({error})")]) from None
    problems: list[ImportProblem] = []
    duplicated = [c for c, n in Counter(header).items() if n > 1]
    for column in duplicated:
        problems.append(ImportProblem(1, column, "this column appears more than once"))
    mapping = dict(mapping) if mapping is not None else suggest_mapping(header, framework)
    statement_ids = {s.id for s in framework.statements}
    target_ids = {target_key(s.id): s.id for s in framework.statements} if framework.asks_target else {}
    for column in header:
        target = mapping.get(column)
        if target is None:
            problems.append(
                ImportProblem(
                    1,
                    column,
                    "unknown column: not a statement id or text, nor organisation, group, "
                    "sector or priorities (map it, or choose to ignore it)",
                )
            )
        elif target.startswith(COMMENT_PREFIX) and target[len(COMMENT_PREFIX) :] in {t.id for t in framework.themes}:
            continue
        elif target not in statement_ids and target not in SPECIAL and target not in target_ids:
            if target.endswith(TARGET_SUFFIX) and target[: -len(TARGET_SUFFIX)] in statement_ids:
                problems.append(
                    ImportProblem(1, column, "this round's framework asks one rating per statement, with no target")
                )
            else:
                problems.append(
                    ImportProblem(1, column, f"mapped to {target!r}, which is not in this round's questions")
                )
    targets = [mapping.get(c) for c in header]
    mapped_statements = [t for t in targets if t in statement_ids]
    # The same heading twice is reported above; different headings mapped to one statement here.
    mapped = (mapping.get(c) for c in set(header) if mapping.get(c) in statement_ids or mapping.get(c) in target_ids)
    for statement, count in Counter(mapped).items():
        if count > 1:
            problems.append(ImportProblem(1, "", f"statement {statement!r} is mapped from {count} columns"))
    if not mapped_statements:
        problems.append(ImportProblem(1, "", "no column holds answers to this round's statements"))
    if problems:
        raise ImportInvalid(problems)

    partnership = round_.partnership
    organisations = {o.name.casefold(): o.pk for o in partnership.organisations.all()}
    groups = {g.name.casefold(): g.pk for g in partnership.groups.all()}
    themes = {t.id: t.id for t in framework.themes} | {t.title.en.casefold(): t.id for t in framework.themes}
    words = _scale_words(framework)
    columns = [(index, column, target) for index, (column, target) in enumerate(zip(header, targets, strict=True))]
    statement_columns = [(i, c, t) for i, c, t in columns if t in statement_ids]
    target_columns = [(i, c, target_ids[t]) for i, c, t in columns if t in target_ids]
    special = {t: (i, c) for i, c, t in columns if t in (ORGANISATION, GROUP, PRIORITIES)}
    comment_columns = [(i, c, t[len(COMMENT_PREFIX) :]) for i, c, t in columns if t and t.startswith(COMMENT_PREFIX)]
    parsed = Parsed(header=header, mapping=mapping)
    more = 0

    def problem(row: int, column: str, message: str) -> None:
        nonlocal more
        if len(problems) < max_problems:
            problems.append(ImportProblem(row, column, message))
        else:
            more += 1

    try:
        for number, cells in enumerate(reader, start=2):
            if progress and number % 1000 == 0:
                progress(number - 1)
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                problem(number, "", f"has {len(cells)} values but the header has {len(header)} columns")
                continue
            organisation = group = None
            if ORGANISATION in special:
                index, column = special[ORGANISATION]
                name = cells[index].strip()
                if name:
                    organisation = organisations.get(name.casefold())
                    if organisation is None:
                        problem(number, column, f"{name!r} is not one of the partnership's organisations")
            if GROUP in special:
                index, column = special[GROUP]
                name = cells[index].strip()
                if name:
                    group = groups.get(name.casefold())
                    if group is None:
                        problem(number, column, f"{name!r} is not one of the partnership's respondent groups")
            rated: dict[str, int | None] = {}
            for index, column, statement in statement_columns:
                cell = cells[index].strip()
                if not cell:
                    continue
                key = cell.casefold()
                if key not in words:
                    problem(number, column, _off_scale(cell, key, framework.scale))
                    continue
                rated[statement] = words[key]
            aimed: dict[str, int | None] = {}
            for index, column, statement in target_columns:
                cell = cells[index].strip()
                if not cell:
                    continue
                key = cell.casefold()
                if key not in words:
                    problem(number, column, _off_scale(cell, key, framework.scale))
                elif statement not in rated:
                    problem(number, column, "a target needs the statement's rating for now in the same row")
                else:
                    aimed[statement] = words[key]
            values = [(statement, value, aimed.get(statement)) for statement, value in rated.items()]
            chosen: list[str] = []
            if PRIORITIES in special:
                index, column = special[PRIORITIES]
                for item in filter(None, (p.strip() for p in cells[index].split(";"))):
                    theme = themes.get(item) or themes.get(item.casefold())
                    if theme is None:
                        problem(number, column, f"{item!r} is not a theme of this round")
                    elif theme not in chosen:
                        chosen.append(theme)
                if len(chosen) > framework.priority_count:
                    problem(number, column, f"no more than {framework.priority_count} priority themes")
            comments: dict[str, str] = {}
            for index, column, theme in comment_columns:
                text = cells[index].strip()
                if not text:
                    continue
                if len(text) > MAX_COMMENT:
                    problem(number, column, f"a comment can be {MAX_COMMENT} characters at most")
                    continue
                comments[theme] = f"{comments[theme]}\n\n{text}" if theme in comments else text
            parsed.rows.append((organisation, group, values, chosen, comments))
    except UnicodeDecodeError:
        problem(0, "", "the file mixes text encodings; save it as UTF-8")
    except csv.Error as error:
        problem(reader.line_num, "", f"the file is not valid CSV ({error})")
    if not parsed.rows and not problems:
        problems.append(ImportProblem(2, "", "the file has a header but no responses"))
    if problems:
        raise ImportInvalid(problems, more)
    return parsed


class Ids:
    """New random ids for every row a parsed file stores, handed out in ascending order.

    Each id is an ordinary random UUID; only the order they are given out in is sorted. An
    index on random ids takes rows all over it, so a file written in several transactions would
    rewrite most of each index's pages in every one; in ascending order, each transaction's rows
    fall in one narrow stretch of each index. The ids reveal nothing the row order of a table
    does not already: when rows were added, and in what order.
    """

    def __init__(self, parsed: Parsed):
        rows = parsed.rows
        self.responses = _ascending(len(rows))
        self.answers = _ascending(sum(len(values) for _o, _g, values, _p, _c in rows))
        self.priorities = _ascending(sum(len(chosen) for _o, _g, _v, chosen, _c in rows))
        self.comments = _ascending(sum(len(comments) for _o, _g, _v, _p, comments in rows))


def _ascending(count: int) -> Iterator[uuid.UUID]:
    return iter(sorted((uuid.uuid4() for _ in range(count)), key=attrgetter("int")))


def store(
    round_: Round,
    parsed: Parsed,
    progress: Callable[[int], None] | None = None,
    batch=None,
    ids: Ids | None = None,
) -> int:
    """Store every parsed row as a submitted response, in one transaction (the caller's, when
    there is one). With ``batch`` (an :class:`~together.imports.models.ImportBatch`), each
    response is recorded as the batch's, so the batch can be taken out again. ``ids``: where
    the new rows' ids come from, when a file is stored in parts (by default, new for ``parsed``).

    Rows go in with one prepared INSERT per table and batch (``executemany``) rather than
    through model instances: a 100,000-cell file is stored in a fraction of the time, and the
    values are still converted by each field, so both databases get what Django would send.
    """
    today = timezone.localdate()
    stored = 0
    ids = ids or Ids(parsed)
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(parsed.rows), BATCH):
            chunk = parsed.rows[start : start + BATCH]
            rids = [next(ids.responses) for _ in chunk]
            _insert(
                cursor,
                Response,
                (
                    "id",
                    "round",
                    "state",
                    "resume_digest",
                    "organisation",
                    "group",
                    "about_done",
                    "themes_done",
                    "priorities_done",
                    "updated_on",
                    "submitted_on",
                ),
                (
                    (rid, round_.pk, ResponseState.SUBMITTED, None, organisation, group, True, [], True, today, today)
                    for rid, (organisation, group, _values, _chosen, _comments) in zip(rids, chunk, strict=True)
                ),
            )
            _insert(
                cursor,
                Answer,
                ("id", "response", "round", "statement_id", "value", "target", "submitted", "organisation", "group"),
                (
                    (next(ids.answers), rid, round_.pk, statement, value, target[0] if target else None, True)
                    + (organisation, group)
                    for rid, (organisation, group, values, _chosen, _comments) in zip(rids, chunk, strict=True)
                    # (statement, rating, target), or (statement, rating) where there is no target
                    for statement, value, *target in values
                ),
            )
            _insert(
                cursor,
                Priority,
                ("id", "response", "theme_id", "round", "submitted", "organisation", "group"),
                (
                    (next(ids.priorities), rid, theme, round_.pk, True, organisation, group)
                    for rid, (organisation, group, _values, chosen, _comments) in zip(rids, chunk, strict=True)
                    for theme in chosen
                ),
            )
            _insert(
                cursor,
                Comment,
                ("id", "response", "theme_id", "text", "hidden"),
                (
                    (next(ids.comments), rid, theme, text, False)
                    for rid, (_organisation, _group, _values, _chosen, comments) in zip(rids, chunk, strict=True)
                    for theme, text in comments.items()
                ),
            )
            if batch is not None:
                from together.imports.models import ImportedResponse

                _insert(cursor, ImportedResponse, ("response", "batch"), ((rid, batch.pk) for rid in rids))
            stored += len(chunk)
            if progress:
                progress(stored)
    return stored


def _insert(cursor, model, names: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Add ``rows`` to ``model``'s table, each value prepared by its field for this database.

    PostgreSQL takes them with COPY, SQLite with one prepared INSERT run for every row
    (``executemany``); both are several times faster than building model instances.
    """
    fields = [model._meta.get_field(name) for name in names]
    convert = [_converter(f) for f in fields]
    prepared = (tuple(c(v) for c, v in zip(convert, row, strict=True)) for row in rows)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in prepared:
                copy.write_row(row)
        return
    # Only names from the model's own metadata are interpolated; every value is a parameter.
    placeholders = ", ".join(["%s"] * len(fields))
    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", list(prepared))  # noqa: S608


def _converter(field) -> Callable:
    """The field's own conversion to a database value, remembered per distinct value.

    Ids are all different, so for those the one conversion Django would make is done directly.
    """
    target = field.target_field if field.is_relation else field
    if isinstance(target, UUIDField):
        return (lambda v: v) if connection.features.has_native_uuid_field else (lambda v: v.hex)
    seen: dict = {}

    def convert(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = prepared = field.get_db_prep_save(value, connection)
            return prepared
        except TypeError:  # unhashable, such as a list for a JSON column
            return field.get_db_prep_save(value, connection)

    return convert


def import_file(raw, round_: Round, mapping=None, progress=None) -> int:
    """Parse and store a file with no record of it: for tests and benchmarks of the reading and
    storing alone. The service imports through :func:`together.imports.services.import_file`,
    which checks that the round may take it and records the batch."""
    return store(round_, parse(raw, round_, mapping, progress))
