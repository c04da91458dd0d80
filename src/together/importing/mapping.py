"""An import mapping: every choice about one file, as a JSON document, and applying it.

The document (described in ``docs/importing.md``) says how many header rows the file has,
what each column is (a statement, a target, priorities, a comment, organisation, group,
sector, ignored, or dropped because it identifies people), where each answer goes on the
scale, which organisation and group each value names, and which rows to leave out. It is
suggested from the file, checked by the officer, and can be kept for the next file from the
same tool: columns are found again by their heading, and columns it does not name are ignored.

Applying it gives the rows to store, as a plain CSV the service's all-or-nothing import reads
(statement ids for headings, scale numbers or "don't know" for answers, theme ids for
priorities), and the dry run: respondents, answers per statement, each theme's mean and every
row left out and why. Columns that identify people never reach that CSV.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections import Counter
from dataclasses import asdict, dataclass, field

from together.framework import Framework

from . import dates, layouts, matching, values
from .matching import (
    COMMENT,
    DROP,
    GROUP,
    IGNORE,
    ORGANISATION,
    PRIORITIES,
    PRIORITY,
    SECTOR,
    STATEMENT,
    TARGET,
    USES,
    normalise,
)
from .reading import Table, capped

FORMAT = "together-import-mapping"
VERSION = 1
NOT_CHOSEN = {"no", "n", "0", "false", "not selected", "unticked"}


class MappingInvalid(Exception):
    def __init__(self, messages: list[str]):
        self.messages = capped(messages)
        super().__init__("; ".join(self.messages))


@dataclass
class Column:
    column: int  # 1 for the first column
    heading: str
    use: str
    target: str = ""
    confidence: float | None = None
    how: str = ""
    samples: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class ImportMapping:
    tool: str = layouts.PLAIN
    header_rows: int = 1
    sheet: str = ""
    columns: list[Column] = field(default_factory=list)
    values: dict[str, int | str | None] = field(default_factory=dict)
    value_counts: dict[str, int] = field(default_factory=dict)
    organisations: dict[str, str | None] = field(default_factory=dict)
    groups: dict[str, str | None] = field(default_factory=dict)
    drop_rows: list[dict] = field(default_factory=list)  # {"row": number in the file, "reason": why}
    leave_out_detected_rows: bool = True
    keep_rows: list[int] = field(default_factory=list)  # rows found to leave out that the officer keeps
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        document = {"format": FORMAT, "version": VERSION} | asdict(self)
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str, framework: Framework) -> ImportMapping:
        try:
            document = json.loads(text)
        except ValueError as error:
            raise MappingInvalid([f"the mapping is not JSON ({error})"]) from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise MappingInvalid([f'the mapping file must be a JSON object with "format": "{FORMAT}"'])
        if document.get("version") != VERSION:
            raise MappingInvalid([f"this service reads mapping version {VERSION}, not {document.get('version')!r}"])
        problems: list[str] = []
        known = set(cls.__dataclass_fields__)
        for key in document:
            if key not in known | {"format", "version"}:
                problems.append(f"{key!r} is not part of a mapping")
        columns = []
        for position, item in enumerate(document.get("columns") or [], start=1):
            where = f"columns[{position}]"
            if not isinstance(item, dict):
                problems.append(f"{where} must be an object")
                continue
            try:
                column = Column(**{k: v for k, v in item.items() if k in Column.__dataclass_fields__})
            except TypeError as error:
                problems.append(f"{where}: {error}")
                continue
            problems.extend(_column_problems(where, column, framework))
            columns.append(column)
        scale = {level.value for level in framework.scale.levels}
        for value, target in (document.get("values") or {}).items():
            if target is None:
                continue
            if target == values.DONT_KNOW and framework.scale.dont_know is None:
                problems.append(f"values[{value!r}]: this framework's scale has no \"don't know\"")
            elif target not in scale and target not in (values.DONT_KNOW, values.NOT_ANSWERED):
                problems.append(
                    f"values[{value!r}] is {target!r}: use a number on the scale "
                    f'({min(scale)} to {max(scale)}), "{values.DONT_KNOW}" or "{values.NOT_ANSWERED}"'
                )
        keep = document.get("keep_rows", [])
        if not isinstance(keep, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in keep):
            problems.append("keep_rows must be a list of row numbers")
        header_rows = document.get("header_rows", 1)
        if not isinstance(header_rows, int) or not 1 <= header_rows <= 10:
            problems.append("header_rows must be a whole number from 1 to 10")
        if problems:
            raise MappingInvalid(problems)
        fields = {k: v for k, v in document.items() if k in known}
        fields["columns"] = columns
        try:
            return cls(**fields)
        except TypeError as error:
            raise MappingInvalid([str(error)]) from None


def _column_problems(where: str, column: Column, framework: Framework) -> list[str]:
    if column.use not in USES:
        return [f"{where}: use {column.use!r} is not one of {', '.join(USES)}"]
    if not isinstance(column.column, int) or column.column < 1:
        return [f"{where}: column must be a number from 1"]
    statements = {s.id for s in framework.statements}
    if column.use in (STATEMENT, TARGET) and column.target not in statements:
        return [f"{where} ({column.heading!r}): {column.target!r} is not a statement of this framework"]
    if column.use == TARGET and not framework.asks_target:
        return [f"{where} ({column.heading!r}): this framework asks no target rating"]
    themes = {t.id for t in framework.themes}
    if column.use == PRIORITY and column.target not in themes:
        return [f"{where} ({column.heading!r}): {column.target!r} is not a theme of this framework"]
    if column.use == COMMENT and column.target and column.target not in themes:
        return [f"{where} ({column.heading!r}): {column.target!r} is not a theme of this framework"]
    return []


def named(values_found: list[str], names: list[str]) -> dict[str, str | None]:
    """Each value mapped to the partnership's name it matches (ignoring case, spacing and punctuation)."""
    keys = {normalise(n): n for n in names}
    squashed = {layouts.squash(n): n for n in names}
    found: dict[str, str | None] = {}
    for value in values_found:
        found[value] = keys.get(normalise(value)) or squashed.get(layouts.squash(value))
    return found


def suggest(
    table: Table,
    framework: Framework,
    organisations: list[str] = (),
    groups: list[str] = (),
    header_rows: int | None = None,
) -> ImportMapping:
    """The mapping the file suggests: its layout, every column's match, values, names and rows to leave out."""
    layout = layouts.recognise(table, header_rows)
    rows = table.rows[layout.header_rows :]
    matches = matching.match_columns(layout, rows, framework)
    left_out = values.rows_to_leave_out(rows, matches, layout.header_rows + 1)
    skipped = {number - layout.header_rows - 1 for number, _why in left_out}
    answers = values.answer_values([r for i, r in enumerate(rows) if i not in skipped], matches, framework)
    mapping = ImportMapping(tool=layout.tool, header_rows=layout.header_rows, sheet=table.sheet)
    for match in matches:
        mapping.columns.append(
            Column(
                column=match.index + 1,
                heading=match.heading,
                use=match.use,
                target=match.target,
                confidence=match.confidence if match.use != IGNORE else None,
                how=match.how,
                samples=[] if match.use == DROP else match.samples,
                note=match.note,
            )
        )
    mapping.values = {v: answers.suggestions[v].value for v in sorted(answers.counts, key=str.casefold)}
    mapping.value_counts = {v: answers.counts[v] for v in mapping.values}
    for use, names, into in ((ORGANISATION, organisations, mapping.organisations), (GROUP, groups, mapping.groups)):
        indexes = [m.index for m in matches if m.use == use]
        found = sorted({row[i] for row in rows for i in indexes if row[i]}, key=str.casefold)
        into.update(named(found, list(names)))
    mapping.drop_rows = [{"row": number, "reason": reason} for number, reason in left_out]
    mapping.warnings = list(answers.warnings)
    unmapped = answers.unmapped()
    if unmapped:
        mapping.warnings.append(
            f"{len(unmapped)} answer values have no place on the scale yet: " + ", ".join(repr(v) for v in unmapped[:5])
        )
    return mapping


def refresh(
    table: Table,
    mapping: ImportMapping,
    framework: Framework,
    organisations: list[str] = (),
    groups: list[str] = (),
) -> ImportMapping:
    """After the officer has changed what columns are, look at their cells again: the answers to
    place on the scale (keeping places already chosen), the organisation and group names, the rows
    to leave out and the warnings. The columns themselves are left as they are."""
    located, _problems, _ignored, _layout = _locate(mapping, table)
    rows = table.rows[mapping.header_rows :]
    matches = [matching.Match(i, c.heading, c.use, c.target) for i, c in sorted(located.items())]
    left_out = values.rows_to_leave_out(rows, matches, mapping.header_rows + 1)
    skipped = {number - mapping.header_rows - 1 for number, _why in left_out}
    answers = values.answer_values([r for i, r in enumerate(rows) if i not in skipped], matches, framework)
    chosen = dict(mapping.values)
    mapping.values = {
        v: chosen[v] if chosen.get(v) is not None else answers.suggestions[v].value
        for v in sorted(answers.counts, key=str.casefold)
    }
    mapping.value_counts = {v: answers.counts[v] for v in mapping.values}
    for use, names, into in ((ORGANISATION, organisations, mapping.organisations), (GROUP, groups, mapping.groups)):
        indexes = [m.index for m in matches if m.use == use]
        found = sorted({row[i] for row in rows for i in indexes if row[i]}, key=str.casefold)
        kept = {value: into.get(value) for value in found if into.get(value)}
        into.clear()
        into.update(named(found, list(names)) | kept)
    mapping.drop_rows = [{"row": number, "reason": reason} for number, reason in left_out]
    mapping.warnings = list(answers.warnings)
    return mapping


@dataclass
class DryRun:
    """What importing would store, and what it would leave out."""

    tool: str
    respondents: int = 0
    answers: dict[str, int] = field(default_factory=dict)  # statement id: answers (don't know included)
    theme_means: dict[str, float | None] = field(default_factory=dict)  # every rating of its statements
    rows_left_out: list[tuple[int, str]] = field(default_factory=list)
    rows_kept: list[tuple[int, str]] = field(default_factory=list)  # found to leave out, kept by choice
    columns_dropped: list[tuple[str, str]] = field(default_factory=list)
    columns_ignored: list[str] = field(default_factory=list)
    comments: int = 0
    comments_imported: int = 0  # those in a column of comments on a theme
    chosen: dict[str, int] = field(default_factory=dict)  # theme id: respondents choosing it
    priorities_asked: bool = False  # whether any column holds priorities
    fieldwork: dates.Fieldwork | None = None  # the first and last day answers were given
    warnings: list[str] = field(default_factory=list)

    def lines(self, framework: Framework) -> list[str]:
        out = [f"Recognised: {layouts.TOOL_NAMES.get(self.tool, self.tool)}", f"Respondents: {self.respondents}"]
        out.append("Mean of each theme (every rating of its statements; don't know left out):")
        for theme in framework.themes:
            mean = self.theme_means.get(theme.id)
            out.append(f"  {theme.title.en}: {'no ratings' if mean is None else f'{mean:.2f}'}")
        out.append("Answers per statement:")
        for statement in framework.statements:
            out.append(f"  {statement.id}: {self.answers.get(statement.id, 0)}")
        if self.fieldwork:
            out.append(
                f"Fieldwork: {self.fieldwork.first.isoformat()} to {self.fieldwork.last.isoformat()} "
                f"(from the column {self.fieldwork.column!r})"
            )
        else:
            out.append("Fieldwork: no dates found in the file")
        if not self.priorities_asked:
            out.append("Priorities: none in the file (results will not show or weigh priorities)")
        elif self.chosen:
            out.append("Priorities chosen: " + ", ".join(f"{t} {n}" for t, n in self.chosen.items()))
        out.append(f"Rows left out: {len(self.rows_left_out)}")
        out.extend(capped([f"  row {row}: {why}" for row, why in self.rows_left_out]))
        out.append(f"Columns dropped before anything is stored: {len(self.columns_dropped)}")
        out.extend(capped([f"  {heading!r}: {why}" for heading, why in self.columns_dropped]))
        if self.columns_ignored:
            out.append(f"Columns ignored: {len(self.columns_ignored)}")
        if self.comments:
            out.append(
                f"Comments found: {self.comments}; imported: {self.comments_imported} "
                "(a comment column must name its theme to be imported)"
            )
        out.extend(f"Warning: {w}" for w in self.warnings)
        return out

    def to_dict(self) -> dict:
        """As plain JSON values, to keep with the upload until the mapping changes."""
        found = asdict(self)
        if self.fieldwork is not None:
            found["fieldwork"] |= {"first": self.fieldwork.first.isoformat(), "last": self.fieldwork.last.isoformat()}
        return found

    @classmethod
    def from_dict(cls, found: dict) -> DryRun:
        fieldwork = found.get("fieldwork")
        return cls(
            **{
                **found,
                "rows_left_out": [(int(row), why) for row, why in found.get("rows_left_out", [])],
                "rows_kept": [(int(row), why) for row, why in found.get("rows_kept", [])],
                "columns_dropped": [(heading, why) for heading, why in found.get("columns_dropped", [])],
                "fieldwork": None
                if fieldwork is None
                else dates.Fieldwork(
                    first=datetime.date.fromisoformat(fieldwork["first"]),
                    last=datetime.date.fromisoformat(fieldwork["last"]),
                    column=fieldwork["column"],
                    dated=fieldwork["dated"],
                ),
            }
        )


@dataclass
class Prepared:
    csv: bytes
    dry_run: DryRun
    problems: list[str]


def _locate(mapping: ImportMapping, table: Table) -> tuple[dict[int, Column], list[str], list[str], layouts.Layout]:
    """Each mapped column's index in this file: by its heading, else by its number."""
    layout = layouts.recognise(table, mapping.header_rows)
    by_heading: dict[str, list[int]] = {}
    for heading in layout.headings:
        by_heading.setdefault(heading.text, []).append(heading.index)
    located: dict[int, Column] = {}
    problems = []
    for column in mapping.columns:
        found = by_heading.get(column.heading, [])
        if len(found) == 1:
            index = found[0]
        elif 0 < column.column <= table.width:
            index = column.column - 1
        else:
            problems.append(f"column {column.column} ({column.heading!r}) is not in this file")
            continue
        if index in located:
            problems.append(f"column {column.column} ({column.heading!r}) is named twice in the mapping")
            continue
        located[index] = column
    # Columns that identify people are dropped whatever the mapping says.
    for drop in layout.drops:
        located[drop.index] = Column(drop.index + 1, drop.heading, DROP, note=drop.reason)
    ignored = [h.text for h in layout.headings if h.index not in located]
    return located, problems, ignored, layout


def apply(
    table: Table, mapping: ImportMapping, framework: Framework, organisations: list[str] = (), groups: list[str] = ()
) -> Prepared:
    """The rows to store, as CSV the service's import reads, with the dry run and any problems."""
    located, problems, ignored, layout = _locate(mapping, table)
    report = DryRun(tool=mapping.tool, columns_ignored=ignored, warnings=list(mapping.warnings))
    report.columns_dropped = [(c.heading, c.note or "chosen to be dropped") for c in located.values() if c.use == DROP]
    report.warnings += [
        f"the column {c.heading!r} holds sectors, which are not imported: a response's sector is its "
        "organisation's, as set in the partnership"
        for c in located.values()
        if c.use == SECTOR
    ]
    statements = {i: c.target for i, c in located.items() if c.use == STATEMENT}
    targets = {i: c.target for i, c in located.items() if c.use == TARGET}
    per_theme = {i: c.target for i, c in located.items() if c.use == PRIORITY}
    joined = [i for i, c in located.items() if c.use == PRIORITIES]
    comments = [i for i, c in located.items() if c.use == COMMENT]
    organisation = next((i for i, c in located.items() if c.use == ORGANISATION), None)
    group = next((i for i, c in located.items() if c.use == GROUP), None)
    if not statements:
        problems.append("no column is mapped to a statement")
    report.priorities_asked = bool(per_theme or joined)
    kept: list[list[str]] = []
    themes = matching.theme_keys(framework)
    theme_of = {s.id: t.id for t in framework.themes for s in t.statements}
    names = {normalise(n): n for n in organisations}
    group_names = {normalise(n): n for n in groups}
    value_map = {normalise(k): v for k, v in mapping.values.items()}
    rows = table.rows[mapping.header_rows :]
    first = mapping.header_rows + 1
    leave_out = {int(item["row"]): str(item.get("reason") or "chosen to be left out") for item in mapping.drop_rows}
    if mapping.leave_out_detected_rows:
        matches = [matching.Match(i, c.heading, c.use, c.target) for i, c in located.items()]
        for number, reason in values.rows_to_leave_out(rows, matches, first):
            leave_out.setdefault(number, reason)
    for number in mapping.keep_rows:
        if number in leave_out:
            report.rows_kept.append((number, leave_out.pop(number)))
    unmapped: Counter = Counter()
    unknown_names: Counter = Counter()
    row_problems: list[str] = []
    header = [*statements.values(), *(t + matching.TARGET_SUFFIX for t in targets.values())]
    header += ["organisation"] if organisation is not None else []
    header += ["group"] if group is not None else []
    header += ["priorities"] if per_theme or joined else []
    # Comments on a theme go in; comments on no theme in particular are counted but not imported,
    # as every comment here belongs to a theme (the dry run says so).
    themed = {i: c.target for i, c in located.items() if c.use == COMMENT and c.target}
    comment_themes = sorted(set(themed.values()))
    header += [f"comment:{theme}" for theme in comment_themes]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    sums: Counter = Counter()
    counts: Counter = Counter()
    answered: Counter = Counter()

    def place(cell: str, column: int):
        if not cell:
            return None
        target = mapping.values.get(cell, value_map.get(normalise(cell), "unmapped"))
        if target == "unmapped" or target is None:
            unmapped[(cell, located[column].heading)] += 1
            return None
        if target == values.NOT_ANSWERED:
            return None
        return target

    for number, row in enumerate(rows, start=first):
        if number in leave_out:
            report.rows_left_out.append((number, leave_out[number]))
            continue
        cells = []
        for index, statement in statements.items():
            target = place(row[index], index)
            if target is None:
                cells.append("")
                continue
            answered[statement] += 1
            if target == values.DONT_KNOW:
                cells.append("don't know")
            else:
                cells.append(str(target))
                sums[theme_of[statement]] += target
                counts[theme_of[statement]] += 1
        for index in targets:
            target = place(row[index], index)
            cells.append("" if target is None else "don't know" if target == values.DONT_KNOW else str(target))
        for index, table_names, chosen_names in (
            (organisation, names, mapping.organisations),
            (group, group_names, mapping.groups),
        ):
            if index is None:
                continue
            cell = row[index]
            name = chosen_names.get(cell) if cell in chosen_names else table_names.get(normalise(cell))
            if cell and name is None:
                unknown_names[(cell, located[index].heading)] += 1
            cells.append(name or "")
        if per_theme or joined:
            chosen = [t for i, t in per_theme.items() if row[i] and normalise(row[i]) not in NOT_CHOSEN]
            for index in joined:
                found, unknown = values.split_priorities(row[index], themes)
                chosen.extend(t for t in found if t not in chosen)
                for part in unknown:
                    row_problems.append(f"row {number}: {part!r} in {located[index].heading!r} is not a theme")
            if len(chosen) > framework.priority_count:
                row_problems.append(
                    f"row {number}: {len(chosen)} priority themes chosen, more than the "
                    f"{framework.priority_count} this framework asks for"
                )
            for theme in chosen:
                report.chosen[theme] = report.chosen.get(theme, 0) + 1
            cells.append(";".join(chosen))
        report.comments += sum(1 for index in comments if row[index])
        for theme in comment_themes:
            texts = [row[i].strip() for i, t in themed.items() if t == theme and row[i].strip()]
            cells.append("\n\n".join(texts))
            report.comments_imported += len(texts)
        report.respondents += 1
        kept.append(row)
        writer.writerow(cells)
    for (cell, heading), count in unmapped.most_common():
        problems.append(f"the answer {cell!r} ({count} in {heading!r}…) has no place on the scale: map it in values")
    kinds = {organisation: "organisation", group: "respondent group"}
    for (cell, heading), count in unknown_names.most_common():
        index = next(i for i, c in located.items() if c.heading == heading)
        problems.append(
            f"{cell!r} ({count} row{'s' if count != 1 else ''}, column {heading!r}) is not one of the partnership's "
            f"{kinds.get(index, 'names')}s: map it, or add it to the partnership"
        )
    problems.extend(row_problems)
    if report.respondents == 0 and not problems:
        problems.append("no row is left to import")
    report.fieldwork = dates.fieldwork(layout, kept, mapping.tool)
    report.answers = {s.id: answered[s.id] for s in framework.statements if answered[s.id]}
    report.theme_means = {t.id: (sums[t.id] / counts[t.id] if counts[t.id] else None) for t in framework.themes}
    return Prepared(csv=out.getvalue().encode("utf-8"), dry_run=report, problems=capped(problems))
