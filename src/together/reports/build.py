"""A round's report, as HTML for the browser and print, and as PDF. Every figure comes from the
round's release (:mod:`together.releases.services`), the same disclosure-controlled results the
pages show."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from together.actions.models import Action
from together.releases.services import Released
from together.results import charts

# The PDF is for reading at a board meeting: past this many comments on a theme it prints a fair
# selection and says where the rest are. The web report and the theme pages show every comment.
PDF_COMMENTS_PER_THEME = 25


def context(released: Released, comments_per_theme: int | None = None) -> dict:
    round_ = released.round
    results = released.results
    framework = round_.framework
    partnership = round_.partnership
    dates = released.submission_dates()
    data = {
        "round": round_,
        "partnership": partnership,
        "framework": framework,
        "results": results,
        "threshold": released.threshold,
        "maximum": framework.scale.maximum,
        "dates": dates,
        "generated": timezone.localdate(),
        "service_name": "Transforming Together",
        "operator_name": settings.OPERATOR_NAME,
        "release": released.release,
        "respondents": released.respondents_shown,
        "imported": _imported(round_),
    }
    actions = list(
        Action.objects.filter(partnership=partnership)
        .select_related("lead_organisation")
        .order_by("theme_id", "due_date", "title")
    )
    data["actions"] = actions
    if not results.visible:
        return data
    themes = [(t, results.themes[t.id], results.chosen[t.id]) for t in framework.themes]
    data["themes"] = themes
    data["strengths"] = sorted((row for row in themes if row[1].mean is not None), key=lambda r: -r[1].mean)[:3]
    data["chart"] = charts.bar_chart(
        "report-theme-scores",
        "Average score for each theme",
        [charts.Bar(t.title.en, score.mean) for t, score, _c in themes],
        framework.scale.minimum,
        framework.scale.maximum,
    )
    titles = {t.id: t.title for t in framework.themes} | {s.id: s.text for s in framework.statements}
    flagged = results.differences()
    data["differences"] = [(titles[g.item], g) for g in flagged][:10]
    priorities = [(a, framework.theme(a.item)) for a in results.attention if a.kind == "theme"][:3]
    data["priorities"] = priorities
    priority_ids = {theme.id for _a, theme in priorities}
    comments: dict[str, list[str]] = {}
    comment_totals: dict[str, int] = {}
    # Comment ids are random, so taking them in id order picks a fair sample when there is a limit.
    for theme_id, text in (
        released.comments().filter(hidden=False).order_by("theme_id", "id").values_list("theme_id", "text")
    ):
        comment_totals[theme_id] = comment_totals.get(theme_id, 0) + 1
        if comments_per_theme is None or comment_totals[theme_id] <= comments_per_theme:
            comments.setdefault(theme_id, []).append(text)
    for texts in comments.values():
        texts.sort()
    labels = [level.label.en for level in framework.scale.levels]
    sections = []
    for theme, score, chosen in themes:
        statements = []
        for statement in theme.statements:
            statement_score = results.statements[statement.id]
            statements.append(
                {
                    "statement": statement,
                    "score": statement_score,
                    # Plain boxes rather than SVG: the PDF draws dozens of these, and boxes lay out fastest.
                    "shares": [
                        (label, share, colour)
                        for label, share, colour in zip(
                            labels, statement_score.histogram.shares, charts.SCALE_COLOURS, strict=False
                        )
                    ]
                    if statement_score.histogram
                    else None,
                }
            )
        sections.append(
            {
                "theme": theme,
                "score": score,
                "chosen": chosen,
                "statements": statements,
                "gaps": [g for g in results.gaps_for(theme.id) if g.flagged],
                "priority": theme.id in priority_ids,
                "comments": comments.get(theme.id, []),
                "comments_total": comment_totals.get(theme.id, 0),
                "actions": [a for a in actions if a.theme_id == theme.id],
            }
        )
    data["sections"] = sections
    data["sectors"] = [g for g in results.group_sizes["organisation"] if isinstance(g.key, str) or g.key is None]
    data["scale_labels"] = labels
    return data


def _imported(round_) -> dict | None:
    """How many of the round's responses came from files, and which files: readers should know."""
    from together.imports.models import ImportBatch

    batches = list(ImportBatch.objects.filter(round=round_, removed_at__isnull=True))
    if not batches:
        return None
    return {"responses": sum(b.rows for b in batches), "files": ", ".join(b.file_name for b in batches)}


def html(released: Released, comments_per_theme: int | None = None) -> str:
    return render_to_string("reports/report.html", context(released, comments_per_theme))


def pdf(released: Released) -> bytes:
    from weasyprint import HTML

    markup = html(released, PDF_COMMENTS_PER_THEME)
    # Only the report's own markup is rendered: no fetching of outside resources.
    return HTML(string=markup, base_url=None, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the report does not load outside resources ({url})")
