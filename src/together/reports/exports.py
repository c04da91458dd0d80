"""Results and response-level data as CSV, XLSX and JSON, for analysts.

Both exports read the same disclosure-controlled results as the pages. Response-level data
carries organisation, sector and group only where the group is shown on the results pages,
and then only where at least the threshold of rows share the same labels (see
:func:`labelled_rows`): otherwise a row's labels are blanked, finest first, until they do.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

from openpyxl import Workbook
from openpyxl.styles import Font

from together.partnerships.models import Sector
from together.results.queries import round_results, sector_key
from together.reviews.models import Answer, Priority, Response, ResponseState, Round

RESULT_COLUMNS = (
    "level",
    "id",
    "text",
    "theme",
    "breakdown",
    "group",
    "people",
    "answered",
    "mean",
    "sd",
    "agreement_rwg",
    "agreement",
    "dont_know",
    "share_1",
    "share_2",
    "share_3",
    "share_4",
    "share_5",
    "chose_as_priority",
    "shown",
)


def _safe(value):
    """Keep spreadsheets from running text as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _round(value, places=3):
    return None if value is None else round(value, places)


def result_rows(round_: Round) -> list[dict]:
    results = round_results(round_)
    framework = round_.framework
    rows: list[dict] = []
    if not results.visible:
        return rows

    def add(level, item_id, text, theme_id, breakdown, group, people, score, chosen=None):
        histogram = score.histogram
        shares = list(histogram.shares) if histogram and not score.hidden else [None] * 5
        rows.append(
            {
                "level": level,
                "id": item_id,
                "text": text,
                "theme": theme_id,
                "breakdown": breakdown,
                "group": group,
                "people": people,
                "answered": None if score.hidden else (histogram.answered if histogram else score.n),
                "mean": _round(score.mean),
                "sd": _round(score.sd),
                "agreement_rwg": _round(score.agreement),
                "agreement": score.band.label if score.band else None,
                "dont_know": _round(histogram.dont_know_share) if histogram and not score.hidden else None,
                **{f"share_{i + 1}": _round(v) for i, v in enumerate(shares[:5])},
                "chose_as_priority": _round(chosen),
                "shown": "no" if score.hidden else "yes",
            }
        )

    for theme in framework.themes:
        add(
            "theme",
            theme.id,
            theme.title.en,
            theme.id,
            "all",
            "All respondents",
            results.respondents,
            results.themes[theme.id],
            results.chosen[theme.id],
        )
        for statement in theme.statements:
            add(
                "statement",
                statement.id,
                statement.text.en,
                theme.id,
                "all",
                "All respondents",
                results.respondents,
                results.statements[statement.id],
            )
    for source, breakdowns in results.breakdowns.items():
        for item, groups in breakdowns.items():
            level = "theme" if item in results.themes else "statement"
            theme_id = item if level == "theme" else framework.theme_of(item).id
            text = framework.theme(item).title.en if level == "theme" else framework.statement(item).text.en
            for group in groups:
                breakdown = "sector" if isinstance(group.key, str) else source
                people = None if group.score.hidden else group.respondents
                add(level, item, text, theme_id, breakdown, group.label, people, group.score)
    return rows


def results_csv(round_: Round) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=RESULT_COLUMNS)
    writer.writeheader()
    for row in result_rows(round_):
        writer.writerow({k: _safe(v) for k, v in row.items()})
    return buffer.getvalue().encode("utf-8-sig")


def results_json(round_: Round) -> bytes:
    results = round_results(round_)
    payload = {
        "partnership": round_.partnership.name,
        "round": round_.name,
        "framework": {"id": round_.framework_version.framework_id, "version": round_.framework_version.number},
        "threshold": results.threshold,
        "respondents": results.respondents,
        "visible": results.visible,
        "rows": result_rows(round_),
        "attention": [
            {
                "kind": a.kind,
                "id": a.item,
                "theme": a.theme_id,
                "value": _round(a.value),
                "reason": a.reason(round_.framework.scale.maximum),
            }
            for a in results.attention
        ],
        "differences": [
            {
                "id": g.item,
                "breakdown": g.dimension,
                "highest": g.highest.label,
                "highest_mean": _round(g.highest.score.mean),
                "lowest": g.lowest.label,
                "lowest_mean": _round(g.lowest.score.mean),
                "gap": _round(g.size),
            }
            for g in results.gaps
            if g.flagged
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False).encode()


def labelled_rows(round_: Round) -> tuple[list[str], list[list]]:
    """One row per submitted response, labels blanked where they could single people out."""
    results = round_results(round_)
    framework = round_.framework
    statements = [s.id for s in framework.statements]
    header = ["organisation", "sector", "group", *statements, "priorities"]
    if not results.visible:
        return header, []
    shown_orgs = {g.key for g in results.group_sizes["organisation"] if not g.score.hidden}
    shown_groups = {g.key for g in results.group_sizes["group"] if not g.score.hidden}
    sector_labels = dict(Sector.choices)
    responses = list(
        Response.objects.filter(round=round_, state=ResponseState.SUBMITTED)
        .select_related("organisation", "group")
        .order_by("id")
    )
    answers: dict = {}
    for response_id, statement_id, value in Answer.objects.filter(
        response__round=round_, response__state=ResponseState.SUBMITTED
    ).values_list("response_id", "statement_id", "value"):
        answers.setdefault(response_id, {})[statement_id] = value
    priorities: dict = {}
    for response_id, theme_id in Priority.objects.filter(
        response__round=round_, response__state=ResponseState.SUBMITTED
    ).values_list("response_id", "theme_id"):
        priorities.setdefault(response_id, []).append(theme_id)

    labels = []
    for response in responses:
        organisation = response.organisation
        org = organisation.name if organisation and organisation.pk in shown_orgs else ""
        sector = ""
        if organisation and sector_key(organisation.sector) in shown_orgs:
            sector = str(sector_labels[organisation.sector])
        group = response.group.name if response.group and response.group.pk in shown_groups else ""
        labels.append([org, sector, group])
    threshold = results.threshold
    # Blank the finest label first (group, then organisation, then sector) for rows whose
    # combination of labels is shared by fewer than the threshold.
    for column in (2, 0, 1):
        counts = Counter(tuple(row) for row in labels)
        for row in labels:
            if any(row) and counts[tuple(row)] < threshold:
                row[column] = ""
    rows = []
    for response, (org, sector, group) in zip(responses, labels, strict=True):
        given = answers.get(response.pk, {})
        values = ["dk" if given.get(s, "") is None else given.get(s, "") for s in statements]
        rows.append([org, sector, group, *values, ";".join(sorted(priorities.get(response.pk, [])))])
    return header, rows


def responses_csv(round_: Round) -> bytes:
    header, rows = labelled_rows(round_)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[_safe(v) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")


def workbook(round_: Round) -> bytes:
    """Results and response-level data in one XLSX workbook."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Results"
    sheet.append(list(RESULT_COLUMNS))
    for row in result_rows(round_):
        sheet.append([_safe(row[c]) for c in RESULT_COLUMNS])
    responses = book.create_sheet("Responses")
    header, rows = labelled_rows(round_)
    responses.append(header)
    for row in rows:
        responses.append([_safe(v) for v in row])
    for each in (sheet, responses):
        for cell in each[1]:
            cell.font = Font(bold=True)
        each.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
