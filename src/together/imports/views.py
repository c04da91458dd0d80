"""The import wizard's pages: upload, columns, values, dry run, import. Thin: the steps are in
:mod:`.wizard`, reading and matching in :mod:`together.importing`."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from together.importing import layouts, matching, values
from together.importing import mapping as mappings
from together.partnerships.access import RUN, member_required
from together.partnerships.models import Sector
from together.reviews.models import Round
from together.web.languages import text as framework_text

from . import services, wizard
from .models import BatchState, NextStep, UploadState

MAX_UPLOAD = 20 * 1000 * 1000
NEW = "new:"  # "add it to the partnership": new:SECTOR for an organisation, new: for a group
SHOWN_UNMATCHED = 60  # unmatched columns offered one by one; a saved mapping file covers the rest
SHOWN_VALUES = 200
SHOWN_ROWS = 50  # rows left out offered one by one; a saved mapping file's keep_rows covers the rest
# Where the reading page sends the officer once the worker has finished with their file.
NEXT_PAGES = {NextStep.COLUMNS: "import-map", NextStep.VALUES: "import-values", NextStep.CHECK: "import-check"}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Upload the export: a CSV or Excel (.xlsx) file"),
        help_text=gettext_lazy(
            "As your survey tool saved it: Microsoft Forms, SurveyMonkey, Google Forms, Smart Survey, Qualtrics, "
            "LimeSurvey or a spreadsheet of your own, with one row per respondent. You will check how its columns "
            "and answers are read before anything is imported."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
        error_messages={"required": gettext_lazy("Choose the CSV or XLSX file to upload")},
    )
    saved = forms.FileField(
        label=gettext_lazy("A saved mapping file (optional)"),
        required=False,
        help_text=gettext_lazy(
            "The mapping.json downloaded from an earlier import of a file from the same tool: "
            "its choices are used again."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file must be smaller than 20 MB"))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty"))
        return upload


DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y", "%d.%m.%Y"]


def _day_field(label, hint, invalid) -> forms.DateField:
    """A day typed as day/month/year (other common ways are read too), optional."""
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        help_text=hint,
        error_messages={"invalid": invalid},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )


class FieldworkForm(forms.Form):
    """When the file's answers were given, and whether the round closes once it is imported."""

    fieldwork_from = _day_field(
        gettext_lazy("First day answers were given"),
        gettext_lazy("Day/month/year, for example 3/3/2025"),
        gettext_lazy("Enter the first day as day/month/year, like 3/3/2025"),
    )
    fieldwork_to = _day_field(
        gettext_lazy("Last day answers were given"),
        gettext_lazy("Day/month/year, for example 28/3/2025"),
        gettext_lazy("Enter the last day as day/month/year, like 28/3/2025"),
    )
    close_round = forms.BooleanField(
        label=gettext_lazy("This file is the whole survey: close the round once it is imported"),
        required=False,
        help_text=gettext_lazy(
            "Its results can then be seen. Leave this unticked to import another file into the round first, "
            "for example one per organisation; you can close the round from its page later."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("fieldwork_from"), cleaned.get("fieldwork_to")
        if self.errors:
            return cleaned
        if bool(first) != bool(last):
            missing = "fieldwork_to" if first else "fieldwork_from"
            self.add_error(missing, _("Enter both days, or neither if you do not know when the survey ran"))
        elif first and last:
            today = timezone.localdate()
            if first > last:
                self.add_error("fieldwork_to", _("The last day must be the same as or after the first day"))
            elif last > today:
                self.add_error("fieldwork_to", _("The last day cannot be in the future"))
        return cleaned


def _day(day) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def _round(partnership, round_id) -> Round:
    return get_object_or_404(Round.objects.select_related("framework_version"), pk=round_id, partnership=partnership)


def _upload_or_start(request, partnership, round_):
    """The officer's file, read and ready for this step; else None (the caller sends them to
    the upload page). A file still being read sends them to the reading page instead."""
    upload = wizard.find(round_, request.user)
    if upload is None:
        messages.error(request, _("Upload the file first: files are kept for the import for a day at most."))
    elif upload.state != UploadState.READY:
        raise _NotRead
    return upload


class _NotRead(Exception):
    """The file is still being read, or could not be: the reading page says which."""


def _waits_for_reading(view):
    """Send the officer to the reading page while their file is not yet read."""
    from functools import wraps

    @wraps(view)
    def wrapped(request, partnership, round_id, *args, **kwargs):
        try:
            return view(request, partnership, round_id, *args, **kwargs)
        except _NotRead:
            return redirect("import-reading", partnership.pk, round_id)

    return wrapped


@member_required(RUN)
def reading(request, partnership, round_id):
    """While the worker reads a large file: how it is going, and where to go once it is read."""
    round_ = _round(partnership, round_id)
    held = wizard.find(round_, request.user)
    if held is None:
        messages.error(request, _("Upload the file first: files are kept for the import for a day at most."))
        return redirect("import-upload", partnership.pk, round_.pk)
    if held.state == UploadState.READY:
        return redirect(NEXT_PAGES.get(held.next_step, "import-map"), partnership.pk, round_.pk)
    failed = held.state == UploadState.FAILED
    problems = list(held.problems) if failed else []
    if failed:
        wizard.cancel(held)  # nothing of a file that could not be read is kept
    response = render(
        request,
        "imports/reading.html",
        {
            "partnership": partnership,
            "round": round_,
            "upload": held,
            "failed": failed,
            "checking": held.state == UploadState.CHECKING,
            "problems": problems,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _refused(request, partnership, round_):
    reason = services.refusal(round_)
    if reason:
        messages.error(request, reason)
        return redirect("round", partnership.pk, round_.pk)
    return None


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def upload(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    refused = _refused(request, partnership, round_)
    if refused:
        return refused
    posted = request.method == "POST"
    held = wizard.find(round_, request.user)
    if not posted and held is not None and held.state in (UploadState.READING, UploadState.CHECKING):
        return redirect("import-reading", partnership.pk, round_.pk)
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    problems = []
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["file"]
        data = b"".join(chosen.chunks())
        name = Path(chosen.name).name
        saved = form.cleaned_data.get("saved")
        saved_text = ""
        if saved:
            try:
                saved_text = saved.read().decode("utf-8")
                mappings.ImportMapping.from_json(saved_text, round_.framework)
            except (UnicodeDecodeError, mappings.MappingInvalid) as invalid:
                detail = invalid.messages if isinstance(invalid, mappings.MappingInvalid) else [_("not UTF-8")]
                problems = [f"{Path(saved.name).name}: {message}" for message in detail]
        if not problems:
            try:
                held = wizard.begin(round_, request.user, name, data, saved=saved_text)
            except wizard.WizardError as error:
                problems = error.messages
            else:
                if held.state == UploadState.READING:
                    return redirect("import-reading", partnership.pk, round_.pk)
                if saved_text:
                    messages.success(request, _("The saved mapping was used: check each column below."))
                return redirect("import-map", partnership.pk, round_.pk)
    return render(
        request,
        "imports/upload.html",
        {"partnership": partnership, "round": round_, "form": form, "problems": problems},
    )


def _choices(framework) -> list[tuple[str, str]]:
    """Every place a column can go, as "use:target" values."""
    choices = [(f"{matching.IGNORE}:", _("Ignore this column"))]
    choices += [(f"{matching.STATEMENT}:{s.id}", f"{n} {framework_text(s.text)}") for n, s in _numbered(framework)]
    if framework.asks_target:
        prompt = framework_text(framework.questions.target.prompt)
        choices += [
            (f"{matching.TARGET}:{s.id}", f"{n} {framework_text(s.text)} ({prompt})") for n, s in _numbered(framework)
        ]
    choices.append((f"{matching.PRIORITIES}:", _("Priority themes, all in this column")))
    choices += [
        (
            f"{matching.PRIORITY}:{t.id}",
            _("Priority: %(theme)s chosen (one column per theme)") % {"theme": framework_text(t.title)},
        )
        for t in framework.themes
    ]
    choices.append((f"{matching.COMMENT}:", _("Comment, on no theme in particular")))
    choices += [
        (f"{matching.COMMENT}:{t.id}", _("Comment on %(theme)s") % {"theme": framework_text(t.title)})
        for t in framework.themes
    ]
    choices += [(f"{matching.ORGANISATION}:", _("Organisation")), (f"{matching.GROUP}:", _("Respondent group"))]
    return choices


def _numbered(framework):
    return [
        (f"{t}.{s}", statement)
        for t, theme in enumerate(framework.themes, start=1)
        for s, statement in enumerate(theme.statements, start=1)
    ]


def _how(column) -> str:
    if column.use in (matching.IGNORE, matching.DROP) or column.confidence is None:
        return ""
    if column.how == "text" and (column.confidence or 0) < 1:
        return _("similar text, %(n)s%%") % {"n": round(100 * column.confidence)}
    return {
        "id": _("by its id"),
        "text": _("exact text"),
        "heading": _("by its heading"),
        "cells": _("by its answers"),
    }.get(column.how, column.how) + (
        "" if (column.confidence or 0) >= 1 else f", {round(100 * (column.confidence or 0))}%"
    )


@member_required(RUN)
@require_http_methods(["GET", "POST"])
@_waits_for_reading
def columns(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    refused = _refused(request, partnership, round_)
    if refused:
        return refused
    held = _upload_or_start(request, partnership, round_)
    if held is None:
        return redirect("import-upload", partnership.pk, round_.pk)
    framework = round_.framework
    problems = []
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "header-rows":
                rows = request.POST.get("header_rows", "")
                if not rows.isdigit() or not 1 <= int(rows) <= 10:
                    raise wizard.WizardError([_("Enter the number of header rows, from 1 to 10")])
                if wizard.header_rows(held, int(rows)):
                    return redirect("import-reading", partnership.pk, round_.pk)
                messages.success(request, _("The file was read again with %(n)s header rows.") % {"n": rows})
                return redirect("import-map", partnership.pk, round_.pk)
            if action == "sheet":
                if wizard.choose_sheet(held, request.POST.get("sheet", "")):
                    return redirect("import-reading", partnership.pk, round_.pk)
                return redirect("import-map", partnership.pk, round_.pk)
        except wizard.WizardError as error:
            problems = error.messages
        else:
            chosen_mapping = wizard.mapping_of(held)
            valid = {value for value, _label in _choices(framework)}
            for column in chosen_mapping.columns:
                if column.use == matching.DROP:
                    continue
                chosen = request.POST.get(f"column-{column.column}")
                if chosen is None:
                    continue
                if chosen not in valid:
                    problems.append(_("Column %(n)s: choose where it goes from the list") % {"n": column.column})
                    continue
                use, target = chosen.split(":", 1)
                if (use, target) != (column.use, column.target):
                    column.use, column.target, column.how, column.confidence = use, target, "chosen", 1.0
            if not problems:
                if wizard.save_columns(held, chosen_mapping):
                    return redirect("import-reading", partnership.pk, round_.pk)
                return redirect("import-values", partnership.pk, round_.pk)
    step = wizard.load(held)
    mapping = step.mapping
    dropped = [c for c in mapping.columns if c.use == matching.DROP]
    matched = [c for c in mapping.columns if c.use not in (matching.DROP, matching.IGNORE)]
    unmatched = [c for c in mapping.columns if c.use == matching.IGNORE]
    return render(
        request,
        "imports/columns.html",
        {
            "partnership": partnership,
            "round": round_,
            "upload": held,
            "tool": layouts.TOOL_NAMES.get(mapping.tool, mapping.tool),
            "plain": mapping.tool == layouts.PLAIN,
            "mapping": mapping,
            "table": step.table,
            "choices": _choices(framework),
            "matched": [(c, f"{c.use}:{c.target}", _how(c)) for c in matched],
            "unmatched": [(c, f"{c.use}:{c.target}") for c in unmatched[:SHOWN_UNMATCHED]],
            "unmatched_more": max(len(unmatched) - SHOWN_UNMATCHED, 0),
            "unmatched_count": len(unmatched),
            "dropped": dropped,
            "problems": problems,
        },
    )


def _value_choices(framework) -> list[tuple[str, str]]:
    scale = framework.scale
    choices = [("", _("Choose…"))]
    choices += [(str(level.value), f"{level.value} – {framework_text(level.label)}") for level in scale.levels]
    if scale.dont_know is not None:
        choices.append((values.DONT_KNOW, framework_text(scale.dont_know.label)))
    choices.append((values.NOT_ANSWERED, _("Not answered")))
    return choices


@member_required(RUN)
@require_http_methods(["GET", "POST"])
@_waits_for_reading
def answer_values(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    refused = _refused(request, partnership, round_)
    if refused:
        return refused
    held = _upload_or_start(request, partnership, round_)
    if held is None:
        return redirect("import-upload", partnership.pk, round_.pk)
    framework = round_.framework
    organisations, groups = wizard.names(round_)
    mapping = wizard.mapping_of(held)
    # Names added to the partnership since the file was read are found again.
    for found, names in ((mapping.organisations, organisations), (mapping.groups, groups)):
        for value, name in mappings.named([v for v, n in found.items() if n is None], names).items():
            if name:
                found[value] = name
    problems = []
    if request.method == "POST":
        allowed = {value for value, _label in _value_choices(framework)}
        for index, value in enumerate(list(mapping.values)[:SHOWN_VALUES]):
            chosen = request.POST.get(f"value-{index}", "")
            if chosen not in allowed:
                problems.append(_("Choose where %(value)s goes on the scale") % {"value": repr(value)})
                continue
            mapping.values[value] = None if chosen == "" else int(chosen) if chosen.isdigit() else chosen
        sectors = {key for key, _label in Sector.choices}
        additions: list[tuple[str, str, str]] = []  # (kind, name, sector)
        for prefix, found, names in (
            ("organisation", mapping.organisations, organisations),
            ("group", mapping.groups, groups),
        ):
            for index, value in enumerate(list(found)):
                chosen = request.POST.get(f"{prefix}-{index}", "")
                if chosen.startswith(NEW):
                    sector = chosen[len(NEW) :]
                    name = " ".join(value.split())
                    limit = 150 if prefix == "organisation" else 80
                    if prefix == "organisation" and sector not in sectors:
                        message = _("Choose a sector for the new organisation %(value)s")
                        problems.append(message % {"value": repr(value)})
                    elif not name or len(name) > limit:
                        problems.append(
                            _("%(value)s cannot be a name: it must have 1 to %(limit)s characters")
                            % {"value": repr(value[:40]), "limit": limit}
                        )
                    else:
                        additions.append((prefix, name, sector))
                        found[value] = name
                    continue
                if chosen and chosen not in names:
                    problems.append(_("Choose one of the partnership's names for %(value)s") % {"value": repr(value)})
                    continue
                found[value] = chosen or None
        if not problems:
            added = wizard.add_names(round_, additions)
            wizard.save(held, mapping)
            if added:
                messages.success(
                    request,
                    _("Added to the partnership: %(names)s. You can change their details on the partnership's page.")
                    % {"names": ", ".join(added)},
                )
            return redirect("import-check", partnership.pk, round_.pk)
    scale_values = list(mapping.values.items())
    return render(
        request,
        "imports/values.html",
        {
            "partnership": partnership,
            "round": round_,
            "upload": held,
            "values": [
                (index, value, mapping.value_counts.get(value, 0), "" if place is None else str(place))
                for index, (value, place) in enumerate(scale_values[:SHOWN_VALUES])
            ],
            "values_more": max(len(scale_values) - SHOWN_VALUES, 0),
            "value_choices": _value_choices(framework),
            "organisations": [(i, v, n or "") for i, (v, n) in enumerate(mapping.organisations.items())],
            "groups": [(i, v, n or "") for i, (v, n) in enumerate(mapping.groups.items())],
            "organisation_names": organisations,
            "group_names": groups,
            "sectors": [(f"{NEW}{key}", label) for key, label in Sector.choices],
            "new_group": NEW,
            "warnings": mapping.warnings,
            "problems": problems,
        },
    )


@member_required(RUN)
@require_http_methods(["GET", "POST"])
@_waits_for_reading
def check(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    refused = _refused(request, partnership, round_)
    if refused:
        return refused
    held = _upload_or_start(request, partnership, round_)
    if held is None:
        return redirect("import-upload", partnership.pk, round_.pk)
    result = wizard.prepare(held)
    if result is None:  # a large file: the worker is working out what would be imported
        return redirect("import-reading", partnership.pk, round_.pk)
    mapping, prepared = result
    run = prepared.dry_run
    if request.method == "POST" and request.POST.get("action") == "rows":
        # Rows found not to be respondents: each shown with a tick to leave it out; unticked, kept.
        shown = [number for number, _why in run.rows_left_out[:SHOWN_ROWS]] + [n for n, _w in run.rows_kept]
        ticked = {value for value in request.POST.getlist("leave_out") if value.isdigit()}
        kept = set(mapping.keep_rows) - set(shown)
        kept |= {number for number in shown if str(number) not in ticked}
        mapping.keep_rows = sorted(kept)
        wizard.save(held, mapping)
        messages.success(request, _("The rows to leave out were changed: check the figures again."))
        return redirect("import-check", partnership.pk, round_.pk)
    found = run.fieldwork
    first_file = not round_.import_batches.filter(removed_at__isnull=True).exists()
    initial = {"close_round": first_file}
    if found is not None:
        initial |= {"fieldwork_from": _day(found.first), "fieldwork_to": _day(found.last)}
    form = FieldworkForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        first, last = form.cleaned_data["fieldwork_from"], form.cleaned_data["fieldwork_to"]
        try:
            batch = wizard.finish(
                held,
                request.user,
                fieldwork=(first, last) if first and last else None,
                close_round=form.cleaned_data["close_round"],
                prepared=result,
            )
        except wizard.WizardError as error:
            messages.error(request, "; ".join(error.messages[:3]))
            return redirect("import-check", partnership.pk, round_.pk)
        except services.ImportRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("round", partnership.pk, round_.pk)
        if batch.state == BatchState.COMPLETE:
            messages.success(
                request, _("%(n)s responses imported from %(file)s.") % {"n": batch.rows, "file": batch.file_name}
            )
            return redirect("round", partnership.pk, round_.pk)
        return redirect("import-progress", partnership.pk, round_.pk, batch.pk)
    framework = round_.framework
    themes = [(theme, run.theme_means.get(theme.id)) for theme in framework.themes]
    statements = [(n, s, run.answers.get(s.id, 0)) for n, s in _numbered(framework)]
    return render(
        request,
        "imports/check.html",
        {
            "partnership": partnership,
            "round": round_,
            "upload": held,
            "tool": layouts.TOOL_NAMES.get(mapping.tool, mapping.tool),
            "run": run,
            "themes": themes,
            "statements": statements,
            "chosen": [(t, run.chosen.get(t.id, 0)) for t in framework.themes if run.chosen.get(t.id)],
            "rows_left_out": run.rows_left_out[:SHOWN_ROWS],
            "rows_left_more": max(len(run.rows_left_out) - SHOWN_ROWS, 0),
            "rows_kept": run.rows_kept,
            "problems": prepared.problems,
            "form": form,
            "fieldwork": found,
        },
    )


@member_required(RUN)
def mapping_file(request, partnership, round_id):
    """The mapping chosen so far, as the JSON file ``together import --mapping`` and the next
    upload from the same tool can use."""
    round_ = _round(partnership, round_id)
    held = wizard.find(round_, request.user)
    if held is None:
        return redirect("import-upload", partnership.pk, round_.pk)
    if held.state != UploadState.READY:
        return redirect("import-reading", partnership.pk, round_.pk)
    response = HttpResponse(held.mapping, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mapping.json"'
    return response


@member_required(RUN)
@require_POST
def cancel(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    held = wizard.find(round_, request.user)
    if held is not None:
        wizard.cancel(held)
    messages.success(request, _("The import was cancelled and the uploaded file deleted."))
    return redirect("round", partnership.pk, round_.pk)
