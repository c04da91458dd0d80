"""A partnership's record of how it heard from residents. Thin: the form checks the input."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from together.frameworks import services as frameworks
from together.partnerships.access import READ, RUN, can_run, member_required

from .forms import EngagementForm
from .models import EngagementNote


def _framework(partnership):
    latest = partnership.rounds.select_related("framework_version").first()
    if latest is not None:
        return latest.framework
    version = frameworks.default_for(partnership)
    return version.framework if version else None


@member_required(READ)
def notes(request, partnership):
    framework = _framework(partnership)
    titles = {t.id: t.title for t in framework.themes} if framework else {}
    entries = [
        (note, [titles[t] for t in note.theme_ids if t in titles])
        for note in EngagementNote.objects.filter(partnership=partnership)
        .select_related("round")
        .prefetch_related("actions")
    ]
    return render(
        request,
        "engagement/list.html",
        {"partnership": partnership, "entries": entries, "can_run": can_run(request.membership)},
    )


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def note_form(request, partnership, note_id=None):
    note = get_object_or_404(EngagementNote, pk=note_id, partnership=partnership) if note_id else None
    framework = _framework(partnership)
    initial = {}
    if note is None and request.GET.get("round"):
        initial["round"] = (
            partnership.rounds.filter(pk=request.GET["round"]).first() if request.GET["round"].isdigit() else None
        )
    form = EngagementForm(
        request.POST if request.method == "POST" else None,
        instance=note,
        initial=initial,
        partnership=partnership,
        framework=framework,
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.partnership = partnership
        if note is None:
            saved.created_by = request.user
        saved.save()
        form.save_m2m()
        messages.success(request, _("Engagement note saved."))
        return redirect("engagement", partnership.pk)
    return render(
        request,
        "engagement/form.html",
        {"partnership": partnership, "form": form, "note": note},
    )


@member_required(RUN)
@require_POST
def note_delete(request, partnership, note_id):
    note = get_object_or_404(EngagementNote, pk=note_id, partnership=partnership)
    note.delete()
    messages.success(request, _("Engagement note removed."))
    return redirect("engagement", partnership.pk)
