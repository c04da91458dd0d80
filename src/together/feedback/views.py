"""The partnership writes its "you said, we did"; respondents read it through their own link."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from together.partnerships.access import RUN, member_required
from together.reviews.models import Round

from . import services
from .forms import SummaryForm
from .models import Summary


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def edit(request, partnership, round_id):
    round_ = get_object_or_404(Round.objects.select_related("framework_version"), pk=round_id, partnership=partnership)
    if round_.state not in services.WRITABLE:
        messages.error(request, _("Close the round before you write what you did with its answers."))
        return redirect("round", partnership.pk, round_.pk)
    summary = Summary.objects.filter(round=round_).first()
    results = services.results_for(round_, request.membership.role, request.user)
    entries = services.entries(round_, results, summary, only_written=False)
    form = SummaryForm(
        request.POST if request.method == "POST" else None,
        entries=entries,
        initial={"introduction": summary.introduction if summary else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save(round_, request.user, form.cleaned_data["introduction"], form.texts())
        except services.SummaryInvalid as invalid:
            for name, problem in invalid.problems.items():
                form.add_error(name if name in form.fields else None, problem)
        else:
            if round_.state in services.SHOWN_TO_RESPONDENTS:
                messages.success(request, _("Saved. Respondents can read it through the link they answered with."))
            else:
                messages.success(request, _("Saved. Respondents can read it once the round's results are published."))
            return redirect("round", partnership.pk, round_.pk)
    return render(
        request,
        "feedback/edit.html",
        {
            "partnership": partnership,
            "round": round_,
            "framework": round_.framework,
            "form": form,
            "rows": [(entry, form[f"theme-{entry.theme.id}"]) for entry in entries],
            "results_shown": results is not None,
            "shown_to_respondents": round_.state in services.SHOWN_TO_RESPONDENTS,
            "summary_exists": summary is not None and summary.written,
        },
    )


def summary(request, public_id):
    """The published summary, for anyone holding a link into the round (respondents have one)."""
    round_ = Round.objects.select_related("partnership", "framework_version").filter(public_id=public_id).first()
    if round_ is None:
        raise Http404
    written = services.published(round_)
    if written is None:
        raise Http404
    results = services.results_for(round_, services.RESPONDENT_ROLE)
    return render(
        request,
        "feedback/summary.html",
        {
            "round": round_,
            "partnership": round_.partnership,
            "framework": round_.framework,
            "summary": written,
            "entries": services.entries(round_, results, written, only_written=True),
            "results": results,
        },
    )
