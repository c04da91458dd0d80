"""Paper questionnaires for a round: printing the form, and keying returned forms in. Thin: the
rules are in :mod:`.services`."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from together.partnerships.access import RUN, member_required
from together.reports import build
from together.reviews.models import Round

from . import services
from .forms import PaperSettingsForm, keyed_from
from .models import EntryState, PaperEntry


def _round(partnership, round_id) -> Round:
    return get_object_or_404(Round.objects.select_related("framework_version"), pk=round_id, partnership=partnership)


def form_code(round_: Round) -> str:
    """The code printed on the round's forms: says which round a returned form belongs to."""
    return round_.public_id.hex[:8].upper()


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def overview(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    paper = services.settings_of(round_)
    form = PaperSettingsForm(request.POST if request.method == "POST" else None, instance=paper)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.round = round_
        saved.save()
        messages.success(request, _("Paper form settings saved."))
        return redirect("paper", partnership.pk, round_.pk)
    entries = list(PaperEntry.objects.filter(round=round_).select_related("first_by", "second_by"))
    return render(
        request,
        "paper/overview.html",
        {
            "partnership": partnership,
            "round": round_,
            "form": form,
            "entries": entries,
            "waiting": [e for e in entries if e.state != EntryState.ENTERED],
            "entered": sum(1 for e in entries if e.state == EntryState.ENTERED),
            "paper_responses": services.paper_count(round_),
            "refusal": services.refusal(round_),
            "code": form_code(round_),
            "versions": [(v, v.title if v else None) for v in services.versions(round_)],
        },
    )


def _version(request, round_):
    """The version of the form asked for (``?version=``): None for the partners', else a Variant."""
    try:
        return services.version(round_, request.GET.get("version", "") or request.POST.get("variant", ""))
    except services.PaperRefused:
        raise Http404("No such version of the questionnaire") from None


def _printable(request, round_, *, pdf: bool):
    large = request.GET.get("large") == "1"
    paper = services.settings_of(round_)
    audience = _version(request, round_)
    framework = round_.questionnaire(audience.id if audience else "")
    context = {
        "round": round_,
        "partnership": round_.partnership,
        "framework": framework,
        "audience": audience,
        "pictures": _pictures(audience),
        "numbered": _numbered(framework),
        "levels": framework.scale.levels,
        "scale": framework.scale,
        "organisations": round_.partnership.organisations.all(),
        "groups": round_.partnership.groups.all(),
        "return_address": paper.return_address,
        "code": form_code(round_),
        "large": large,
        "pdf": pdf,
        "generated": timezone.localdate(),
    }
    if pdf:
        context["styles"] = build.paper_styles()
        data = build.pdf_from_html(render_to_string("paper/form.html", context, request=request))
        response = HttpResponse(data, content_type="application/pdf")
        kind = f" {audience.id}" if audience else ""
        name = slugify(f"{round_.partnership.name} {round_.name}{kind} paper form{' large print' if large else ''}")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return render(request, "paper/form.html", context)


def _pictures(audience) -> dict:
    """Statement id → (icon, its description in the page's language), for a pictured version."""
    if audience is None or not audience.pictured:
        return {}
    from together.web.languages import text

    return {s.id: (s.icon, text(s.icon_alt) if s.icon_alt else "") for s in audience.statements if s.icon}


def _numbered(framework):
    rows = services.numbering(framework)
    themes = []
    for index, theme in enumerate(framework.themes, start=1):
        themes.append({"number": index, "theme": theme, "statements": [(n, s) for n, t, s in rows if t is theme]})
    return themes


@member_required(RUN)
def printable(request, partnership, round_id):
    return _printable(request, _round(partnership, round_id), pdf=False)


@member_required(RUN)
def printable_pdf(request, partnership, round_id):
    return _printable(request, _round(partnership, round_id), pdf=True)


def _entry_page(request, partnership, round_, *, entry=None, keyed=None, problems=None, status=200, audience=None):
    if entry is not None:
        audience = services.version(round_, entry.first.get("variant", ""))
    framework = round_.questionnaire(audience.id if audience else "")
    return render(
        request,
        "paper/key.html",
        {
            "partnership": partnership,
            "round": round_,
            "framework": framework,
            "audience": audience,
            "numbered": _numbered(framework),
            "organisations": partnership.organisations.all(),
            "groups": partnership.groups.all(),
            "entry": entry,
            "keyed": keyed or {"ratings": {}, "targets": {}, "priorities": [], "comments": {}},
            "problems": problems or {},
            "double": services.settings_of(round_).double_keying,
        },
        status=status,
    )


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def key(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    refusal = services.refusal(round_)
    if refusal:
        messages.error(request, refusal)
        return redirect("paper", partnership.pk, round_.pk)
    audience = _version(request, round_)
    if request.method == "POST":
        keyed = keyed_from(request.POST)
        try:
            entry = services.key(round_, keyed, request.user)
        except services.KeyedInvalid as invalid:
            return _entry_page(request, partnership, round_, keyed=keyed, problems=invalid.problems, audience=audience)
        except services.PaperRefused as refused:
            messages.error(request, str(refused))
            return redirect("paper", partnership.pk, round_.pk)
        if entry.state == EntryState.ENTERED:
            messages.success(
                request,
                _("Form %(n)s entered. Write %(n)s on the paper form, then key the next.") % {"n": entry.number},
            )
        else:
            messages.success(
                request,
                _("Form %(n)s keyed once. Write %(n)s on the paper form: someone else keys it again.")
                % {"n": entry.number},
            )
        following = reverse("paper-key", args=[partnership.pk, round_.pk])
        return redirect(f"{following}?version={audience.id}" if audience else following)
    return _entry_page(request, partnership, round_, audience=audience)


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def key_again(request, partnership, round_id, entry_id):
    round_ = _round(partnership, round_id)
    entry = get_object_or_404(PaperEntry, pk=entry_id, round=round_, state=EntryState.AWAITING_CHECK)
    if request.method == "POST":
        keyed = keyed_from(request.POST)
        try:
            entry = services.key_again(entry, keyed, request.user)
        except services.KeyedInvalid as invalid:
            return _entry_page(request, partnership, round_, entry=entry, keyed=keyed, problems=invalid.problems)
        except services.PaperRefused as refused:
            messages.error(request, str(refused))
            return redirect("paper", partnership.pk, round_.pk)
        if entry.state == EntryState.ENTERED:
            messages.success(request, _("Form %(n)s: both keyings agree, and it is entered.") % {"n": entry.number})
            return redirect("paper", partnership.pk, round_.pk)
        return redirect("paper-resolve", partnership.pk, round_.pk, entry.pk)
    if entry.first_by_id == request.user.pk:
        messages.error(request, _("Someone other than the person who keyed the form first must key it again."))
        return redirect("paper", partnership.pk, round_.pk)
    return _entry_page(request, partnership, round_, entry=entry)


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def resolve(request, partnership, round_id, entry_id):
    round_ = _round(partnership, round_id)
    entry = get_object_or_404(PaperEntry, pk=entry_id, round=round_, state=EntryState.MISMATCH)
    found = services.differences(round_, entry.first, entry.second)
    problem = None
    if request.method == "POST":
        chosen = {d.field: request.POST.get(d.field, "") for d in found}
        try:
            services.resolve(entry, chosen, request.user)
        except services.KeyedInvalid as invalid:
            problem = invalid.problems["choices"]
        except services.PaperRefused as refused:
            messages.error(request, str(refused))
            return redirect("paper", partnership.pk, round_.pk)
        else:
            messages.success(request, _("Form %(n)s settled and entered.") % {"n": entry.number})
            return redirect("paper", partnership.pk, round_.pk)
    names = {str(o.pk): o.name for o in partnership.organisations.all()} | {
        f"g{g.pk}": g.name for g in partnership.groups.all()
    }
    rows = []
    for difference in found:
        rows.append(
            (difference, _shown(difference, difference.first, names), _shown(difference, difference.second, names))
        )
    return render(
        request,
        "paper/resolve.html",
        {"partnership": partnership, "round": round_, "entry": entry, "rows": rows, "problem": problem},
        status=200,
    )


def _shown(difference, value: str, names: dict) -> str:
    if value == "":
        return _("(left empty)")
    if value == services.DONT_KNOW:
        return _("Don't know")
    if difference.field == "organisation":
        return names.get(value, value)
    if difference.field == "group":
        return names.get(f"g{value}", value)
    return value
