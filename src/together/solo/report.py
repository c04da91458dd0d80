"""The private report, on screen and as a tagged PDF. Framework text comes only from the
version the review pinned; the PDF is made by the round report's machinery
(:func:`together.reports.build.pdf_from_html`), fetching nothing from outside."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from together.reports import build

from . import services
from .summary import private_report


def context(review) -> dict:
    framework = review.framework
    summary = private_report(framework, services.answers(review))
    notes = services.notes(review)
    language = get_language() or "en"
    scale = framework.scale
    levels = {level.value: f"{level.value} – {level.label.get(language)}" for level in scale.levels}
    dont_know = scale.dont_know.label.get(language)
    sections = [
        {
            "theme": row.theme,
            "score": row.score,
            "rows": [(r.statement, dont_know if r.value is None else levels[r.value]) for r in row.ratings],
            "note": notes.get(row.theme.id, ""),
        }
        for row in summary.themes
    ]
    return {
        "sections": sections,
        "review": review,
        "framework": framework,
        "scale": framework.scale,
        "maximum": framework.scale.maximum,
        "summary": summary,
        "generated": timezone.localdate(),
        "retention_days": settings.SOLO_RETENTION_DAYS,
    }


def pdf(review) -> bytes:
    data = context(review)
    data["styles"] = build.report_styles()
    return build.pdf_from_html(render_to_string("solo/report_pdf.html", data))
