"""Results and response-level data as CSV, XLSX and JSON, for analysts.

Every export reads the round's release (:mod:`together.releases.services`), the same
disclosure-controlled results as the pages. Response-level rows come from the release too, for
facilitators only, each carrying just the labels of its crossed block (at least the threshold
of people), so they say nothing the tables do not.
"""

from __future__ import annotations

import csv
import io
import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from together.analysis.disclosure import FEWER, PROTECTS, WITHHELD
from together.releases.services import Released
from together.web.languages import text as framework_text

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
    "agreement_rwg_j",
    "dont_know",
    "share_1",
    "share_2",
    "share_3",
    "share_4",
    "share_5",
    "chose_as_priority",
    "shown",
    "hidden_because",
)


# Where the framework asks where to be in a year: everyone's target mean, how many gave a target,
# and the ambition gap (target mean minus current mean), after the current mean.
TARGET_COLUMNS = ("target_mean", "target_answered", "gap")


def result_columns(points: int, asks_target: bool = False) -> tuple[str, ...]:
    """The results' columns for a scale of ``points`` levels: a share column for each level
    (share_1 to share_5 for the Transforming Together Framework's five), and the target columns
    where the framework asks a target."""
    before = RESULT_COLUMNS[: RESULT_COLUMNS.index("share_1")]
    after = RESULT_COLUMNS[RESULT_COLUMNS.index("share_5") + 1 :]
    columns = (*before, *(f"share_{value}" for value in range(1, points + 1)), *after)
    if asks_target:
        at = columns.index("mean") + 1
        columns = (*columns[:at], *TARGET_COLUMNS, *columns[at:])
    return columns


# The workbook's header row, for people reading it in a spreadsheet, in the reader's language. The
# CSV and JSON keep the column names above: they are read by programs, and documented as they are.
COLUMN_LABELS = {
    "level": gettext_lazy("Level"),
    "id": gettext_lazy("Id"),
    "text": gettext_lazy("Text"),
    "theme": gettext_lazy("Theme"),
    "breakdown": gettext_lazy("Breakdown"),
    "group": gettext_lazy("Group"),
    "people": gettext_lazy("People"),
    "answered": gettext_lazy("Answered"),
    "mean": gettext_lazy("Mean score"),
    "target_mean": gettext_lazy("Target mean"),
    "target_answered": gettext_lazy("Gave a target"),
    "gap": gettext_lazy("Ambition gap"),
    "sd": gettext_lazy("Standard deviation"),
    "agreement_rwg": gettext_lazy("Agreement (rwg)"),
    "agreement": gettext_lazy("Agreement"),
    "agreement_rwg_j": gettext_lazy("Agreement over the theme (rwg(j))"),
    "dont_know": gettext_lazy("Share who did not know"),
    "chose_as_priority": gettext_lazy("Share choosing it as a priority"),
    "shown": gettext_lazy("Shown"),
    "hidden_because": gettext_lazy("Hidden because"),
}


def column_label(name: str) -> str:
    """A results column's heading in the workbook, in the reader's language."""
    if name.startswith("share_"):
        return _("Share answering %(value)s") % {"value": name.removeprefix("share_")}
    return str(COLUMN_LABELS.get(name, name))


def _columns(released: Released) -> tuple[str, ...]:
    framework = released.round.framework
    return result_columns(framework.scale.points, framework.asks_target)


# Why a hidden row is hidden, in the words of docs/statistics.md ("Hidden figures").
HIDDEN_BECAUSE = {
    FEWER: "fewer_than_threshold",
    PROTECTS: "protects_smaller_group",
    WITHHELD: "withheld",
}


def _safe(value):
    """Keep spreadsheets from running text as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _round(value, places=3):
    return None if value is None else round(value, places)


def result_rows(released: Released) -> list[dict]:
    results = released.results
    framework = released.round.framework
    rows: list[dict] = []
    if not results.visible:
        return rows
    points = framework.scale.points

    def add(level, item_id, text, theme_id, breakdown, group, people, score, chosen=None):
        histogram = score.histogram
        shares = list(histogram.shares) if histogram and not score.hidden else [None] * points
        target = {}
        if framework.asks_target:
            # Targets are for everyone together only: breakdown rows leave them empty.
            found = results.target(item_id) if breakdown == "all" else None
            target = {
                "target_mean": _round(found.mean) if found else None,
                "target_answered": (found.histogram.answered if found.histogram else found.n)
                if found and not found.hidden
                else None,
                "gap": _round(results.ambition_gap(item_id)) if found else None,
            }
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
                **target,
                "sd": _round(score.sd),
                "agreement_rwg": _round(score.agreement),
                "agreement": score.band.label if score.band else None,
                "agreement_rwg_j": _round(score.agreement_j),
                "dont_know": _round(histogram.dont_know_share) if histogram and not score.hidden else None,
                **{f"share_{i + 1}": _round(v) for i, v in enumerate(shares)},
                "chose_as_priority": _round(chosen),
                "shown": "no" if score.hidden else "yes",
                "hidden_because": HIDDEN_BECAUSE.get(score.hidden_reason or WITHHELD) if score.hidden else None,
            }
        )

    for theme in framework.themes:
        add(
            "theme",
            theme.id,
            framework_text(theme.title),
            theme.id,
            "all",
            _("All respondents"),
            results.respondents,
            results.themes[theme.id],
            results.chosen.get(theme.id),
        )
        for statement in theme.statements:
            add(
                "statement",
                statement.id,
                framework_text(statement.text),
                theme.id,
                "all",
                _("All respondents"),
                results.respondents,
                results.statements[statement.id],
            )
    for source, breakdowns in results.breakdowns.items():
        for item, groups in breakdowns.items():
            level = "theme" if item in results.themes else "statement"
            theme_id = item if level == "theme" else framework.theme_of(item).id
            text = (
                framework_text(framework.theme(item).title)
                if level == "theme"
                else framework_text(framework.statement(item).text)
            )
            for group in groups:
                breakdown = "sector" if isinstance(group.key, str) else source
                people = None if group.score.hidden else group.respondents
                add(level, item, text, theme_id, breakdown, group.label, people, group.score)
    return rows


def results_csv(released: Released) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_columns(released))
    writer.writeheader()
    for row in result_rows(released):
        writer.writerow({k: _safe(v) for k, v in row.items()})
    return buffer.getvalue().encode("utf-8-sig")


def results_json(released: Released) -> bytes:
    round_ = released.round
    results = released.results
    payload = {
        "partnership": round_.partnership.name,
        "round": round_.name,
        "framework": {"id": round_.framework_version.framework_id, "version": round_.framework_version.number},
        "threshold": released.threshold,
        "respondents": released.respondents_shown,
        "visible": results.visible,
        "rows": result_rows(released),
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
                "highest_n": g.highest.score.n,
                "lowest_n": g.lowest.score.n,
                "gap": _round(g.size),
                "interval_low": _round(g.comparison.low),
                "interval_high": _round(g.comparison.high),
                "p_adjusted": round(g.comparison.p_adjusted, 4),
                "pairs_compared": g.comparison.pairs,
            }
            for g in results.differences()
        ],
        # What residents (or young people…) said beside the partners, by version; absent when no
        # one answered another version.
        **({"audiences": tables} if (tables := audience_tables(released)) else {}),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False).encode()


AUDIENCE_COLUMNS = (
    "theme_id",
    "statement_id",
    "mirror_id",
    "mirror_text",
    "partners_mean",
    "partners_n",
    "mean",
    "n",
    "gap",
    "telling",
    "p_adjusted",
)


def audience_tables(released: Released) -> list[dict]:
    """Each version of the questionnaire anyone answered (residents', say), with its mirrored
    pairs as the results page shows them: hidden figures are None, never their counts."""
    from together.results.audiences import audience_name, variants_answered
    from together.web.languages import text

    found = []
    for variant in variants_answered(released):
        comparison = released.audiences[variant.id]
        asked = released.round.questionnaire(variant.id)
        rows = []
        for pair in comparison.pairs:
            rows.append(
                {
                    "theme_id": pair.theme,
                    "statement_id": pair.statement,
                    "mirror_id": pair.mirror,
                    "mirror_text": text(asked.statement(pair.mirror).text),
                    "partners_mean": _round(pair.partners.mean),
                    "partners_n": pair.partners.answered if not pair.partners.hidden else None,
                    "mean": _round(pair.audience.mean),
                    "n": pair.audience.answered if not pair.audience.hidden else None,
                    "gap": _round(pair.gap),
                    "telling": pair.telling,
                    "p_adjusted": None if pair.p_adjusted is None or pair.gap is None else round(pair.p_adjusted, 4),
                }
            )
        found.append(
            {
                "variant": variant.id,
                "audience": variant.audience,
                "name": audience_name(variant),
                "shown": comparison.shown,
                "respondents": comparison.respondents,
                "pairs": rows,
            }
        )
    return found


def responses_csv(released: Released) -> bytes:
    """Response-level rows (facilitators only; see :meth:`Released.response_rows`)."""
    header, rows = released.response_rows()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[_safe(v) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")


def workbook(released: Released) -> bytes:
    """Results, and for facilitators response-level data, in one XLSX workbook."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Results")[:31]
    columns = _columns(released)
    sheet.append([column_label(c) for c in columns])
    for row in result_rows(released):
        sheet.append([_safe(row[c]) for c in columns])
    sheets = [sheet]
    if released.rows_available:
        responses = book.create_sheet(_("Responses")[:31])
        header, rows = released.response_rows()
        responses.append(header)
        for row in rows:
            responses.append([_safe(v) for v in row])
        sheets.append(responses)
    for table in audience_tables(released):
        if not table["shown"]:
            continue
        other = book.create_sheet(_safe_title(table["name"]))
        other.append(list(AUDIENCE_COLUMNS))
        for row in table["pairs"]:
            other.append([_safe(row[c]) for c in AUDIENCE_COLUMNS])
        sheets.append(other)
    for each in sheets:
        for cell in each[1]:
            cell.font = Font(bold=True)
        each.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _safe_title(name: str) -> str:
    """A sheet's title: at most 31 characters, without the characters a sheet name cannot hold."""
    return "".join(" " if ch in "[]:*?/\\" else ch for ch in name)[:31]
