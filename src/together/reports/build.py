"""A round's report, as HTML for the browser and print, and as PDF. Every figure comes from the
round's release (:mod:`together.releases.services`), the same disclosure-controlled results the
pages show."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from together.actions.models import Action
from together.analysis.change import DECLINED, IMPROVED
from together.analysis.figures import percent, rounded
from together.engagement import services as engagement
from together.releases.services import Released
from together.results import audiences, by_language, charts
from together.results.changes import earlier_releases, since_previous
from together.web.languages import page_language

# The PDF is for reading at a board meeting: past this many comments on a theme it prints a fair
# selection and says where the rest are. The web report and the theme pages show every comment.
PDF_COMMENTS_PER_THEME = 25

# The board summary lists at most this many strengths and differences, and as many priorities as
# the framework asks respondents to choose: one page.
SUMMARY_ITEMS = 3


def context(released: Released, comments_per_theme: int | None = None, user=None, for_pdf: bool = False) -> dict:
    round_ = released.round
    results = released.results
    framework = round_.framework
    partnership = round_.partnership
    dates = released.submission_dates()
    language = page_language()
    data = {
        "language": language,
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
        "languages": by_language.table(released, framework) if results.visible else None,
        # What residents (or another variant's audience) say beside what partners say.
        "audiences": [audiences.table(released, variant.id) for variant in audiences.variants_answered(released)]
        if results.visible
        else [],
    }
    actions = list(
        Action.objects.filter(partnership=partnership)
        .select_related("lead_organisation")
        .order_by("theme_id", "due_date", "title")
    )
    data["actions"] = actions
    data["engagement"] = engagement.for_round(round_)
    if not results.visible:
        return data
    themes = [(t, results.themes[t.id], results.chosen.get(t.id)) for t in framework.themes]
    data["themes"] = themes
    data.update(_strengths(framework, themes, language))
    chart = charts.bar_chart(
        "report-theme-scores",
        _("Average score for each theme"),
        [charts.Bar(t.title.get(language), score.mean) for t, score, _c in themes],
        framework.scale.minimum,
        framework.scale.maximum,
    )
    data["chart"] = _figures_in_title(chart) if for_pdf else chart
    titles = {t.id: t.title for t in framework.themes} | {s.id: s.text for s in framework.statements}
    flagged = [_as_organisations(g, results) for g in results.differences()]
    # A statement's full stop would run into the colon that follows it in a list of differences.
    data["differences"] = [(titles[g.item].get(language).rstrip("."), g) for g in flagged][:10]
    largest = sorted(flagged, key=lambda g: (-g.size, g.evidence, g.item))[:SUMMARY_ITEMS]
    data["largest_differences"] = [(titles[g.item].get(language).rstrip("."), g) for g in largest]
    # As many priorities as the framework asked each respondent to choose.
    attention = [a for a in results.attention if a.kind == "theme"][: framework.priority_count]
    priorities = [(a, framework.theme(a.item)) for a in attention]
    data["priorities"] = priorities
    priority_ids = {theme.id for _a, theme in priorities}
    data.update(_since(released, user))
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
    labels = [level.label.get(language) for level in framework.scale.levels]
    dont_know = framework.scale.dont_know.label.get(language) if framework.scale.dont_know else None
    sections = []
    for theme, score, chosen in themes:
        statements = []
        for statement in theme.statements:
            statement_score = results.statements[statement.id]
            histogram = statement_score.histogram
            statements.append(
                {
                    "statement": statement,
                    "score": statement_score,
                    "dont_know": percent(histogram.dont_know_share) if histogram else None,
                    "bar": _share_bar(f"shares-{statement.id}", histogram, labels, dont_know) if histogram else None,
                    "target": results.target(statement.id),
                    "ambition": results.ambition_gap(statement.id),
                }
            )
        sections.append(
            {
                "theme": theme,
                "score": score,
                "chosen": chosen,
                "target": results.target(theme.id),
                "ambition": results.ambition_gap(theme.id),
                "statements": statements,
                "gaps": _distinct([g for g in results.gaps_for(theme.id) if g.flagged], results),
                "priority": theme.id in priority_ids,
                "comments": comments.get(theme.id, []),
                "comments_total": comment_totals.get(theme.id, 0),
                "actions": [a for a in actions if a.theme_id == theme.id],
            }
        )
    data["sections"] = sections
    data["sectors"] = [g for g in results.group_sizes["organisation"] if isinstance(g.key, str) or g.key is None]
    data["invited"] = _invited(round_, data["sectors"], released.respondents_shown)
    data["scale_labels"] = labels
    return data


def _invited(round_, sectors, respondents) -> dict | None:
    """Invitations sent by sector and each shown sector's response rate, where rates mean
    something: only when every answer came through a personal invitation (no open link), as
    people answering through a shared link have no invitation to count against."""
    from django.db.models import Count

    from together.releases.services import sector_key
    from together.reviews.models import Invitation

    if round_.open_link_enabled:
        return None
    sent = (
        Invitation.objects.filter(round=round_, sent_at__isnull=False)
        .values_list("organisation__sector")
        .annotate(count=Count("id"))
    )
    by_sector = {sector_key(sector) if sector else None: count for sector, count in sent}
    total = sum(by_sector.values())
    if not total:
        return None
    rows = []
    for group in sectors:
        invited = by_sector.get(group.key, 0) if group.key is not None else None
        shown = not group.score.hidden and invited
        rows.append((group, invited, percent(group.respondents / invited) if shown else None))
    return {"rows": rows, "total": total, "rate": percent(respondents / total) if respondents is not None else None}


def _strengths(framework, themes, language: str = "en") -> dict:
    """Themes whose score is nearer the level just below the top of the scale than the one
    below it (3.5 or more on a 1 to 5 scale, 2.5 on a 1 to 4, 5.5 on a 1 to 7, written to one
    place), highest first. A theme scoring 3.4 on the five-level scale is "partly in place", not
    a strength, and is never listed as one. On a scale of two or three levels the level below
    the top is at or below the middle, so the top level itself is the mark (1.5 on a 1 to 2)."""
    levels = framework.scale.levels
    level = levels[-2] if len(levels) > 3 else levels[-1]
    cut = level.value - 0.5
    strong = [row for row in themes if row[1].mean is not None and rounded(row[1].mean) >= rounded(cut)]
    strong.sort(key=lambda row: (-row[1].mean, row[0].title.get(language)))
    return {"strengths": strong[:SUMMARY_ITEMS], "strength_cut": cut, "strength_level": level}


def _since(released: Released, user=None) -> dict:
    """What changed since the last round, computed as the Change page computes it."""
    earlier = earlier_releases(released.round, released.role, user)
    since = since_previous(released, earlier, trend_charts=False)
    if since.previous is None:
        return {"since": since}
    compared = [row for row in since.rows if row["change"] is not None]
    return {
        "since": since,
        "improved": [row for row in compared if row["change"].label == IMPROVED],
        "declined": [row for row in compared if row["change"].label == DECLINED],
        "unclear": [row for row in compared if row["change"].label not in (IMPROVED, DECLINED)],
        "not_compared": [row for row in since.rows if row["change"] is None],
    }


def _same_people(a, b) -> bool:
    return (a.respondents, a.score.n, a.score.mean) == (b.respondents, b.score.n, b.score.mean)


def _twin(gap, results):
    """The organisation comparison a sector comparison repeats: where each of the two sectors
    holds just one responding organisation, both compare the same people."""
    if gap.dimension != "sector":
        return None
    for other in results.gaps_for(gap.item):
        if (
            other.dimension == "organisation"
            and other.flagged
            and _same_people(other.highest, gap.highest)
            and _same_people(other.lowest, gap.lowest)
        ):
            return other
    return None


def _as_organisations(gap, results):
    """A difference between two one-organisation sectors is told by organisation."""
    return _twin(gap, results) or gap


def _distinct(gaps: list, results) -> list:
    """The flagged comparisons of an item without one told twice (by sector and by organisation)."""
    return [g for g in gaps if _twin(g, results) is None]


def _share_bar(chart_id: str, histogram, labels, dont_know: str | None) -> SafeString:
    """A statement's answers as one bar split by the share choosing each point of the scale,
    with the figures as its text alternative (the <title>, which the tagged PDF uses as the
    figure's /Alt and browsers as the image's name)."""
    parts = []
    x = 0.0
    for share, colour in zip(histogram.shares, charts.scale_colours(histogram.points), strict=True):
        if share > 0:
            parts.append(f'<rect x="{x:.2f}" y="0" width="{share * 100:.2f}" height="4" fill="{colour}"/>')
        x += share * 100
    shares = ", ".join(f"{label} {percent(share)}" for label, share in zip(labels, histogram.shares, strict=False))
    alt = _("Of those who rated it: %(shares)s.") % {"shares": shares}
    if dont_know:
        alt += " " + _("%(dont_know)s: %(share)s of those asked.") % {
            "dont_know": dont_know,
            "share": percent(histogram.dont_know_share),
        }
    return mark_safe(  # noqa: S308 - the labels are escaped here, the rest are numbers
        f'<svg class="bar" role="img" aria-labelledby="{chart_id}-title" viewBox="0 0 100 4" '
        f'preserveAspectRatio="none" width="100%" height="10" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(alt)}</title>{"".join(parts)}</svg>'
    )


_TITLE_AND_DESC = re.compile(r'(<title id="[^"]*">)(.*?)(</title><desc id="[^"]*">)(.*?)(</desc>)', re.S)


def _figures_in_title(svg: SafeString) -> SafeString:
    """A chart whose <title> carries its figures as well. The tagged PDF takes a chart's text
    alternative from its <title> alone; the web report keeps the title short, as a browser reads
    the <desc> too."""
    return mark_safe(  # noqa: S308 - both parts were escaped when the chart was drawn
        _TITLE_AND_DESC.sub(lambda m: f"{m[1]}{m[2]}. {m[4]}{m[3]}{m[4]}{m[5]}", svg, count=1)
    )


def _imported(round_) -> dict | None:
    """How many of the round's responses came from files, and which files: readers should know."""
    from together.imports.models import ImportBatch

    batches = list(ImportBatch.objects.filter(round=round_, removed_at__isnull=True))
    if not batches:
        return None
    files = ", ".join(f"{b.file_name}, {b.tool}" if b.tool else b.file_name for b in batches)
    return {
        "responses": sum(b.rows for b in batches),
        "files": files,
        "first": round_.fieldwork_from,
        "last": round_.fieldwork_to,
    }


def html(
    released: Released, comments_per_theme: int | None = None, user=None, for_pdf: bool = False, inline: bool = True
) -> str:
    """The report's markup. ``inline`` carries its styles in the page, as a PDF and a saved file
    need; the web page links them instead, as the Content-Security-Policy allows no inline style."""
    data = context(released, comments_per_theme, user, for_pdf)
    data["styles"] = _styles() if inline else None
    return render_to_string("reports/report.html", data)


@lru_cache(maxsize=1)
def _styles() -> SafeString:
    from django.contrib.staticfiles import finders

    return mark_safe(Path(finders.find("css/report.css")).read_text(encoding="utf-8"))  # noqa: S308 - our own file


# Tagged PDF for accessibility (ISO 14289-1): a structure tree of headings, lists, tables with
# header cells, and figures with their text alternatives, the document's language and title, and
# XMP metadata saying which standard it follows.
PDF_VARIANT = "pdf/ua-1"


def pdf(released: Released, user=None) -> bytes:
    return pdf_from_html(html(released, PDF_COMMENTS_PER_THEME, user, for_pdf=True))


def pdf_from_html(markup: str) -> bytes:
    """A tagged PDF of one of the service's own documents (its styles inline)."""
    from weasyprint import HTML

    # Only the document's own markup is rendered: no fetching of outside resources.
    return HTML(string=markup, base_url=None, url_fetcher=_no_fetch).write_pdf(pdf_variant=PDF_VARIANT)


def paper_styles() -> SafeString:
    """The paper questionnaire's stylesheet, inline in its PDF (the HTML version links it)."""
    from django.contrib.staticfiles import finders

    return mark_safe(Path(finders.find("css/paper.css")).read_text(encoding="utf-8"))  # noqa: S308 - our own file


def report_styles() -> SafeString:
    """The report's stylesheet, for a document that carries it inline."""
    return _styles()


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the report does not load outside resources ({url})")
