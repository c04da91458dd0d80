"""The action plan as CSV and XLSX, for analysts and board papers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font

from together.framework import Framework
from together.web.languages import text as framework_text

from .models import Action

COLUMNS = (
    "Title",
    "State",
    "Theme",
    "Statements",
    "Lead organisation",
    "Supporting organisations",
    "Due date",
    "Overdue",
    "How we will know it has worked",
    "What we will do",
    "Dropped because",
    "Latest progress",
)


def _safe(value: str) -> str:
    """Stop a spreadsheet treating text that starts with = + - @ as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def rows(actions: Iterable[Action], framework: Framework) -> list[list[str]]:
    result = []
    for action in actions:
        try:
            theme = framework_text(framework.theme(action.theme_id).title) if action.theme_id else ""
        except KeyError:
            theme = action.theme_id
        statements = []
        for statement_id in action.statement_ids:
            try:
                statements.append(framework_text(framework.statement(statement_id).text))
            except KeyError:
                statements.append(statement_id)
        latest = next((n for n in action.notes.all() if n.kind == "progress"), None)
        values = [
            action.title,
            action.get_state_display(),
            theme,
            "; ".join(statements),
            action.lead_organisation.name if action.lead_organisation else "",
            "; ".join(o.name for o in action.supporting_organisations.all()),
            action.due_date.isoformat() if action.due_date else "",
            "yes" if action.overdue else "no",
            action.success_measure,
            action.description,
            action.drop_reason,
            f"{latest.on.isoformat()}: {latest.text}" if latest else "",
        ]
        result.append([_safe(str(v)) for v in values])
    return result


def as_csv(actions: Iterable[Action], framework: Framework) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows(actions, framework))
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(actions: Iterable[Action], framework: Framework, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows(actions, framework):
        sheet.append(row)
    for column, width in zip("ABCDEFGHIJKL", (40, 14, 30, 50, 30, 40, 12, 9, 50, 60, 40, 50), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
