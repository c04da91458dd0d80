"""The action plan pages: list, propose, view, update progress, change state, export."""

from __future__ import annotations

from collections import OrderedDict

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from together.frameworks import services as frameworks
from together.partnerships.access import READ, RUN, can_run, member_required
from together.reviews.models import Round
from together.web.languages import text as framework_text

from . import exports, lifecycle
from .forms import ActionForm, DropForm, NoteForm
from .models import Action, ActionNote


def _framework_for(partnership, round_=None):
    if round_ is not None:
        return round_.framework
    latest = partnership.rounds.select_related("framework_version").first()
    if latest is not None:
        return latest.framework
    # No round yet: the framework the partnership's next round would most likely use.
    version = frameworks.default_for(partnership)
    return version.framework if version else None


def _actions(partnership):
    return (
        Action.objects.filter(partnership=partnership)
        .select_related("lead_organisation", "round")
        .prefetch_related("supporting_organisations", Prefetch("notes", queryset=ActionNote.objects.all()))
    )


def _sorted(actions):
    # Overdue first, then by due date (undated last), then title.
    return sorted(actions, key=lambda a: (not a.overdue, a.due_date is None, a.due_date or 0, a.title.lower()))


@member_required(READ)
def action_plan(request, partnership):
    framework = _framework_for(partnership)
    by = request.GET.get("by", "theme")
    if by not in ("theme", "organisation"):
        by = "theme"
    actions = list(_actions(partnership))
    groups: OrderedDict[str, list] = OrderedDict()
    if by == "theme":
        titles = {t.id: framework_text(t.title) for t in framework.themes} if framework else {}
        for title in titles.values():
            groups[title] = []
        for action in actions:
            groups.setdefault(titles.get(action.theme_id, _("Not linked to a theme")), []).append(action)
    else:
        for organisation in partnership.organisations.all():
            groups[organisation.name] = []
        for action in actions:
            name = action.lead_organisation.name if action.lead_organisation else _("No lead organisation")
            groups.setdefault(name, []).append(action)
    grouped = [(name, _sorted(items)) for name, items in groups.items() if items]
    return render(
        request,
        "actions/plan.html",
        {
            "partnership": partnership,
            "by": by,
            "grouped": grouped,
            "count": len(actions),
            "overdue": sum(1 for a in actions if a.overdue),
            "can_run": can_run(request.membership),
        },
    )


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def action_form(request, partnership, action_id=None):
    action = get_object_or_404(Action, pk=action_id, partnership=partnership) if action_id else None
    round_ = None
    round_id = request.GET.get("round") or (action.round_id if action else None)
    if round_id:
        round_ = Round.objects.filter(pk=round_id, partnership=partnership).first()
    framework = _framework_for(partnership, round_)
    if framework is None:
        messages.error(request, _("Load the framework before adding actions."))
        return redirect("partnership", partnership.pk)
    initial = {}
    if action is None:
        initial = {"theme_id": request.GET.get("theme", ""), "statement_ids": request.GET.getlist("statement")}
        statement = request.GET.get("statement")
        if statement and not initial["theme_id"]:
            try:
                initial["theme_id"] = framework.theme_of(statement).id
            except KeyError:
                initial["statement_ids"] = []
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        instance=action,
        initial=initial,
        partnership=partnership,
        framework=framework,
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.partnership = partnership
        if action is None:
            saved.created_by = request.user
            saved.round = round_
        saved.save()
        form.save_m2m()
        messages.success(request, _("Action saved.") if action else _("Action proposed. Agree it with partners next."))
        return redirect("action", partnership.pk, saved.pk)
    theme = None
    if initial.get("theme_id"):
        try:
            theme = framework.theme(initial["theme_id"])
        except KeyError:
            theme = None
    return render(
        request,
        "actions/form.html",
        {"form": form, "partnership": partnership, "action": action, "theme": theme, "round": round_},
    )


@member_required(READ)
def action_detail(request, partnership, action_id):
    action = get_object_or_404(_actions(partnership), pk=action_id)
    framework = _framework_for(partnership, action.round)
    membership = request.membership
    facilitator = can_run(membership)
    lead_member = bool(membership.organisation_id and membership.organisation_id == action.lead_organisation_id)
    theme = None
    statements = []
    if framework and action.theme_id:
        try:
            theme = framework.theme(action.theme_id)
        except KeyError:
            theme = None
    if framework:
        for statement_id in action.statement_ids:
            try:
                statements.append(framework.statement(statement_id))
            except KeyError:
                continue
    return render(
        request,
        "actions/detail.html",
        {
            "partnership": partnership,
            "action": action,
            "theme": theme,
            "statements": statements,
            "changes": lifecycle.available(action, facilitator=facilitator, lead_member=lead_member),
            "can_run": facilitator,
            "can_update": facilitator or lead_member,
            "note_form": NoteForm(),
            "drop_form": DropForm(),
            "events": action.events.select_related("user"),
            "notes": action.notes.select_related("author"),
        },
    )


@member_required(READ)
@require_POST
def action_change(request, partnership, action_id):
    action = get_object_or_404(Action, pk=action_id, partnership=partnership)
    membership = request.membership
    try:
        lifecycle.apply(
            action,
            request.POST.get("change", ""),
            request.user,
            facilitator=can_run(membership),
            lead_member=bool(membership.organisation_id and membership.organisation_id == action.lead_organisation_id),
            reason=request.POST.get("reason", ""),
        )
    except lifecycle.ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The action is now %(state)s.") % {"state": action.get_state_display().lower()})
    return redirect("action", partnership.pk, action.pk)


@member_required(READ)
@require_POST
def action_note(request, partnership, action_id):
    action = get_object_or_404(Action, pk=action_id, partnership=partnership)
    membership = request.membership
    facilitator = can_run(membership)
    lead_member = bool(membership.organisation_id and membership.organisation_id == action.lead_organisation_id)
    kind = ActionNote.Kind.PROGRESS if request.POST.get("kind") == "progress" else ActionNote.Kind.COMMENT
    if kind == ActionNote.Kind.PROGRESS and not (facilitator or lead_member):
        messages.error(request, _("Only facilitators and the lead organisation's members can record progress."))
        return redirect("action", partnership.pk, action.pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        ActionNote.objects.create(action=action, kind=kind, text=form.cleaned_data["text"], author=request.user)
        messages.success(request, _("Progress recorded.") if kind == "progress" else _("Comment added."))
    else:
        messages.error(request, form.errors["text"][0])
    return redirect("action", partnership.pk, action.pk)


@member_required(READ)
def action_export(request, partnership, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    framework = _framework_for(partnership)
    actions = _sorted(_actions(partnership))
    name = f"{slugify(partnership.name)}-action-plan"
    if fmt == "xlsx":
        body = exports.as_xlsx(actions, framework, f"{partnership.name}: action plan")
        response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(exports.as_csv(actions, framework), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
