"""Results pages for members of the partnership. Every figure comes from the release layer
(:mod:`together.releases.services`): nothing while a round is open, and after that the results
frozen the first time anyone saw them, with disclosure control applied."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from together.partnerships.access import READ, RUN, can_run, member_required
from together.partnerships.models import Role
from together.releases import services as releases
from together.reviews.models import Comment, CommentModeration, Round, RoundState
from together.web.languages import text as framework_text

from . import audiences, by_language, charts
from .wording import hidden_words

VISIBLE_TO_VIEWERS = releases.VISIBLE_TO_VIEWERS
BREAKDOWNS = {
    "organisation": gettext_lazy("Organisation"),
    "sector": gettext_lazy("Sector"),
    "group": gettext_lazy("Respondent group"),
}


def _round_for(request, partnership, round_id) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("framework_version"), pk=round_id, partnership=partnership)
    if round_.state == RoundState.DRAFT:
        raise Http404("A draft round has no results")
    if request.membership.role == Role.VIEWER and round_.state not in VISIBLE_TO_VIEWERS:
        raise PermissionDenied
    return round_


class Waiting:
    """What a results page shows while the round is open (the count of responses, no results),
    or for the moments while a closed round's responses are being sealed."""

    visible = False
    # Nothing to show: the pages' lists are empty until the round closes.
    attention: tuple = ()
    gaps: tuple = ()
    statements: dict = {}  # noqa: RUF012 - never written to
    themes: dict = {}  # noqa: RUF012
    chosen: dict = {}  # noqa: RUF012

    def __init__(self, round_, role, message, code: str = "open"):
        counts = releases.live_counts(round_, role)
        self.respondents = counts["responses"]
        self.fewer_than = counts["fewer_than"]
        self.message = message
        # "sealing": the round has closed and its responses are being moved (a few seconds);
        # "importing": a file is part-way into the round.
        self.code = code


def released_for(request, partnership, round_id):
    """The round and its released results for this member, or a :class:`Waiting` while it runs."""
    round_ = _round_for(request, partnership, round_id)
    try:
        return round_, releases.obtain(round_, request.membership.role, request.user)
    except releases.NotAvailable as refused:
        if refused.code not in ("open", "sealing", "importing"):
            raise PermissionDenied from None
        return round_, Waiting(round_, request.membership.role, refused.message, refused.code)


def _context(request, partnership, round_, released, page: str) -> dict:
    framework = round_.framework
    waiting = released if isinstance(released, Waiting) else None
    results = waiting or released.results
    return {
        "partnership": partnership,
        "round": round_,
        "results": results,
        "waiting": waiting,
        "framework": framework,
        "maximum": framework.scale.maximum,
        "threshold": settings.MIN_GROUP_SIZE if waiting else released.threshold,
        "respondents": None if waiting else released.respondents_shown,
        "page": page,
        "can_run": can_run(request.membership),
        # Answers came in Welsh and in English: results by language of response are offered.
        "by_language": not waiting and "by_language" in released.release.inputs,
        # Residents (or another variant's audience) answered: their view beside the partners'.
        "audience_pages": []
        if waiting
        else [
            (variant.id, audiences.page_name(variant), f"audience-{variant.id}")
            for variant in audiences.variants_answered(released)
        ],
    }


def _groups(results, dimension: str, item: str) -> list:
    """The groups of one breakdown ("sector" is the parents of the organisation breakdown)."""
    source = "organisation" if dimension in ("organisation", "sector") else "group"
    groups = results.breakdowns[source][item]
    if source == "organisation":
        sectors = dimension == "sector"
        groups = [g for g in groups if isinstance(g.key, str) == sectors or (g.key is None)]
    return groups


def _missing(score, threshold: int) -> str:
    """What a cell without a figure reads, in a chart as in the table beside it."""
    return hidden_words(score.hidden_reason, threshold) if score.hidden else _("no responses")


def _bar(theme, score, threshold: int) -> charts.Bar:
    return charts.Bar(
        framework_text(theme.title), score.mean, "" if score.mean is not None else _missing(score, threshold)
    )


def _sizes(results, dimension: str) -> list:
    source = "organisation" if dimension in ("organisation", "sector") else "group"
    groups = results.group_sizes[source]
    if source == "organisation":
        sectors = dimension == "sector"
        groups = [g for g in groups if isinstance(g.key, str) == sectors or g.key is None]
    return groups


@member_required(READ)
def overview(request, partnership, round_id):
    round_, released = released_for(request, partnership, round_id)
    context = _context(request, partnership, round_, released, "overview")
    results = context["results"]
    if results.visible:
        framework = context["framework"]
        themes = [(t, results.themes[t.id], results.chosen.get(t.id)) for t in framework.themes]
        ranked = sorted((row for row in themes if row[1].mean is not None), key=lambda row: -row[1].mean)
        context.update(
            themes=themes,
            # Where the framework asks where to be in a year: each theme's target and ambition gap.
            targets=[(t, results.target(t.id), results.ambition_gap(t.id)) for t in framework.themes]
            if results.asks_target
            else [],
            strengths=ranked[:3],
            chart=charts.bar_chart(
                "theme-scores",
                _("Average score for each theme"),
                [_bar(t, score, context["threshold"]) for t, score, _chosen in themes],
                framework.scale.minimum,
                framework.scale.maximum,
            ),
            sectors=_sizes(results, "sector"),
            attention=[a for a in results.attention if a.kind == "theme"][:3],
            differences=[g for g in results.differences() if g.item in results.themes][:5],
        )
    return render(request, "results/overview.html", context)


@member_required(READ)
def theme(request, partnership, round_id, theme_id: str):
    round_, released = released_for(request, partnership, round_id)
    framework = round_.framework
    try:
        current = framework.theme(theme_id)
    except KeyError:
        raise Http404("No such theme") from None
    context = _context(request, partnership, round_, released, "themes")
    results = context["results"]
    comments = released.comments(theme_id).order_by("text", "id") if results.visible else []
    labels = [framework_text(level.label) for level in framework.scale.levels]
    swatches = [charts.swatch(colour) for colour in charts.scale_colours(framework.scale.points)]
    statements = []
    if results.visible:
        for statement in current.statements:
            score = results.statements[statement.id]
            statements.append(
                {
                    "statement": statement,
                    "score": score,
                    "chart": charts.distribution_bar(
                        f"dist-{statement.id}",
                        _("How people answered: %(s)s") % {"s": framework_text(statement.text)},
                        score.histogram.shares,
                        labels,
                    )
                    if score.histogram
                    else None,
                    "shares": [
                        (label, charts.percent(share), count, swatch)
                        for label, share, count, swatch in zip(
                            labels, score.histogram.shares, score.histogram.counts, swatches, strict=True
                        )
                    ]
                    if score.histogram
                    else [],
                    "gaps": results.gaps_for(statement.id),
                    "target": results.target(statement.id),
                    "ambition": results.ambition_gap(statement.id),
                }
            )
    context.update(
        theme=current,
        score=results.themes.get(theme_id) if results.visible else None,
        target=results.target(theme_id) if results.visible else None,
        ambition=results.ambition_gap(theme_id) if results.visible else None,
        chosen=results.chosen.get(theme_id) if results.visible else None,
        statements=statements,
        theme_gaps=results.gaps_for(theme_id) if results.visible else [],
        comments=comments,
        breakdown_names=BREAKDOWNS,
        scale_labels=labels,
    )
    return render(request, "results/theme.html", context)


def _by_breakdown(themes: list, statements: list) -> list:
    """The differences a table per breakdown: its themes, then its statements, each as (title,
    gap, theme, is_theme) in the order given (the strongest evidence first). Breakdowns without
    a difference are left out."""
    tables = []
    for key, name in BREAKDOWNS.items():
        rows = [(*entry, True) for entry in themes if entry[1].dimension == key]
        rows += [(*entry, False) for entry in statements if entry[1].dimension == key]
        if rows:
            tables.append((key, name, rows))
    return tables


@member_required(READ)
def differences(request, partnership, round_id):
    round_, released = released_for(request, partnership, round_id)
    context = _context(request, partnership, round_, released, "differences")
    results = context["results"]
    framework = context["framework"]
    titles = {t.id: t.title for t in framework.themes} | {s.id: s.text for s in framework.statements}
    flagged = results.differences() if results.visible else []
    disagreement = [
        (s, results.statements[s.id])
        for s in framework.statements
        if s.id in results.statements and results.statements[s.id].disagreement
    ]
    split_themes = [t for t in framework.themes if t.id in results.themes and results.themes[t.id].disagreement]
    theme_gaps = [(titles[g.item], g, framework.theme(g.item)) for g in flagged if g.item in results.themes]
    statement_gaps = [(titles[g.item], g, framework.theme_of(g.item)) for g in flagged if g.item in results.statements]
    context.update(
        split_themes=split_themes,
        theme_gaps=theme_gaps,
        statement_gaps=statement_gaps,
        tables=_by_breakdown(theme_gaps, statement_gaps),
        disagreement=disagreement,
        breakdown_names=BREAKDOWNS,
    )
    return render(request, "results/differences.html", context)


@member_required(READ)
def attention(request, partnership, round_id):
    round_, released = released_for(request, partnership, round_id)
    context = _context(request, partnership, round_, released, "attention")
    results = context["results"]
    framework = context["framework"]
    themes = [(a, framework.theme(a.item)) for a in results.attention if a.kind == "theme"]
    statements = [
        (a, framework.statement(a.item), framework.theme(a.theme_id))
        for a in results.attention
        if a.kind == "statement"
    ][:10]
    context.update(themes=themes, statements=statements)
    return render(request, "results/attention.html", context)


@member_required(READ)
def languages(request, partnership, round_id):
    """Theme scores and priorities by the language answers were sent in, where every language's
    part is large enough (:mod:`together.analysis.languages`)."""
    round_, released = released_for(request, partnership, round_id)
    context = _context(request, partnership, round_, released, "languages")
    if isinstance(released, Waiting) or released.languages is None:
        raise Http404("Answers came in one language only")
    context["languages"] = by_language.table(released, context["framework"])
    return render(request, "results/languages.html", context)


@member_required(READ)
def audience(request, partnership, round_id, variant: str):
    """What partners say beside what a variant's audience (residents) says, statement by mirrored
    statement, where enough of them answered (:mod:`together.analysis.audiences`)."""
    round_, released = released_for(request, partnership, round_id)
    context = _context(request, partnership, round_, released, f"audience-{variant}")
    if isinstance(released, Waiting) or variant not in released.audiences:
        raise Http404("No one answered that version of the questionnaire")
    context["audience"] = audiences.table(released, variant)
    return render(request, "results/audience.html", context)


@member_required(READ)
def heatmap(request, partnership, round_id):
    round_, released = released_for(request, partnership, round_id)
    dimension = request.GET.get("by", "organisation")
    if dimension not in BREAKDOWNS:
        dimension = "organisation"
    context = _context(request, partnership, round_, released, "heatmap")
    results = context["results"]
    if results.visible:
        framework = context["framework"]
        columns = _sizes(results, dimension)
        rows = []
        for item in framework.themes:
            by_key = {g.key: g for g in _groups(results, dimension, item.id)}
            rows.append((item, [by_key[c.key] for c in columns]))
        threshold = context["threshold"]
        context.update(
            dimension=dimension,
            dimension_name=BREAKDOWNS[dimension],
            breakdown_names=BREAKDOWNS,
            columns=columns,
            rows=rows,
            chart=charts.heatmap(
                "heatmap",
                _("Theme scores by %(d)s") % {"d": str(BREAKDOWNS[dimension]).lower()},
                [framework_text(t.title) for t, _cells in rows],
                [c.label for c in columns],
                [[cell.score.mean for cell in cells] for _t, cells in rows],
                [[_missing(cell.score, threshold) for cell in cells] for _t, cells in rows],
                framework.scale.minimum,
                framework.scale.maximum,
            ),
        )
    return render(request, "results/heatmap.html", context)


class ModerationForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why?"),
        help_text=gettext_lazy("Kept in the round's log. For example: names a member of staff."),
        max_length=500,
        error_messages={"required": gettext_lazy("Say why, so the decision can be checked later")},
    )


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def moderate(request, partnership, round_id, comment_id):
    round_, released = released_for(request, partnership, round_id)
    if isinstance(released, Waiting):
        raise Http404("Comments are shown once the round has closed")
    comment = get_object_or_404(Comment, pk=comment_id, response__round=round_, response__state="submitted")
    form = ModerationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        action = CommentModeration.Action.SHOW if comment.hidden else CommentModeration.Action.HIDE
        CommentModeration.objects.create(
            comment=comment, action=action, reason=form.cleaned_data["reason"], user=request.user
        )
        Comment.objects.filter(pk=comment.pk).update(hidden=action == CommentModeration.Action.HIDE)
        messages.success(request, _("Comment hidden.") if action == "hide" else _("Comment shown again."))
        return redirect("results-theme", partnership.pk, round_.pk, comment.theme_id)
    return render(
        request,
        "results/moderate.html",
        {
            "partnership": partnership,
            "round": round_,
            "comment": comment,
            "form": form,
            "log": comment.moderation.select_related("user"),
            "theme": round_.framework.theme(comment.theme_id),
        },
    )


@member_required(READ)
def change(request, partnership, round_id):
    """Change since the previous round of the same framework, with 95% intervals, and each
    theme's trend over all the partnership's rounds of that framework.

    Only rounds this member may see the results of take part, each through its own release: a
    viewer never sees an unpublished round's figures here, and nothing is read live."""
    from .changes import earlier_releases, other_framework_rounds, since_previous

    round_, released = released_for(request, partnership, round_id)
    context = _context(request, partnership, round_, released, "change")
    results = context["results"]
    earlier = earlier_releases(round_, request.membership.role, request.user)
    context["previous"] = earlier[-1].round if earlier else None
    context["other_frameworks"] = other_framework_rounds(round_)
    if not results.visible:
        return render(request, "results/change.html", context)
    since = since_previous(released, earlier)
    if since.previous is not None:
        context["same_version"] = since.same_version
        context["shared_count"] = since.shared_count
        context["pulse_compared"] = since.pulse_compared
    context["trend_shared_count"] = since.trend_shared_count
    context["rows"] = since.rows
    context["trends"] = since.trends
    context["trend_rounds"] = since.trend_rounds
    return render(request, "results/change.html", context)


WORKSHOP_STEPS = (
    ("headlines", gettext_lazy("Headline results")),
    ("differences", gettext_lazy("Where we see things differently")),
    ("attention", gettext_lazy("Where to pay attention")),
    ("actions", gettext_lazy("Agree actions")),
)


@member_required(READ)
@require_http_methods(["GET", "POST"])
def workshop(request, partnership, round_id, step: int = 1):
    """A presentation for the partnership meeting: one screen per step, large type, arrow keys."""
    from together.actions import lifecycle as action_lifecycle
    from together.actions.models import Action

    from .forms import WorkshopActionForm

    if not 1 <= step <= len(WORKSHOP_STEPS):
        raise Http404("No such step")
    key, title = WORKSHOP_STEPS[step - 1]
    round_, released = released_for(request, partnership, round_id)
    context = _context(request, partnership, round_, released, "workshop")
    results = context["results"]
    framework = context["framework"]
    context.update(
        step=step,
        steps=[(i + 1, name) for i, (_k, name) in enumerate(WORKSHOP_STEPS)],
        key=key,
        step_title=title,
        previous_step=step - 1 if step > 1 else None,
        next_step=step + 1 if step < len(WORKSHOP_STEPS) else None,
    )
    if results.visible and key == "headlines":
        themes = [(t, results.themes[t.id]) for t in framework.themes]
        context["chart"] = charts.bar_chart(
            "workshop-scores",
            _("Average score for each theme"),
            [_bar(t, score, context["threshold"]) for t, score in themes],
            framework.scale.minimum,
            framework.scale.maximum,
        )
        context["themes"] = themes
        context["strengths"] = sorted((row for row in themes if row[1].mean is not None), key=lambda r: -r[1].mean)[:3]
    elif results.visible and key == "differences":
        titles = {t.id: t.title for t in framework.themes}
        context["gaps"] = [(titles[g.item], g) for g in results.differences() if g.item in titles][:6]
    elif results.visible and key == "attention":
        context["priorities"] = [(a, framework.theme(a.item)) for a in results.attention if a.kind == "theme"][:3]
    elif key == "actions":
        form = WorkshopActionForm(
            request.POST if request.method == "POST" else None, partnership=partnership, framework=framework
        )
        if request.method == "POST":
            if not can_run(request.membership):
                raise PermissionDenied
            if form.is_valid():
                action = Action.objects.create(
                    partnership=partnership,
                    round=round_,
                    title=form.cleaned_data["title"],
                    theme_id=form.cleaned_data["theme_id"],
                    lead_organisation=form.cleaned_data["lead_organisation"],
                    due_date=form.cleaned_data["due_date"],
                    created_by=request.user,
                )
                if form.cleaned_data["agreed"]:
                    action_lifecycle.apply(action, "agree", request.user, facilitator=True, lead_member=False)
                messages.success(request, _("Added to the action plan: %(t)s") % {"t": action.title})
                return redirect("workshop-step", partnership.pk, round_.pk, step)
        context["form"] = form
        context["captured"] = Action.objects.filter(round=round_).select_related("lead_organisation").order_by("-pk")
    return render(request, "results/workshop.html", context)
