"""Facilitator pages for review rounds: set-up, lifecycle, links, invitations and response rates."""

import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from together.frameworks import services as frameworks
from together.partnerships.access import READ, RUN, can_run, member_required

from . import invitations, lifecycle
from .forms import InvitationUploadForm, RoundForm
from .models import Round, RoundState


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _round(partnership, round_id) -> Round:
    return get_object_or_404(Round.objects.select_related("framework_version"), pk=round_id, partnership=partnership)


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def round_create(request, partnership):
    version = frameworks.current()
    if version is None:
        messages.error(request, _("No framework is loaded yet, so a round cannot be created. Ask an administrator."))
        return redirect("partnership", partnership.pk)
    form = RoundForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        from . import keys

        round_ = form.save(commit=False)
        round_.partnership = partnership
        round_.framework_version = version
        round_.open_link_code = keys.new_key()
        round_.save()
        messages.success(request, _("Round created. Check the details, then open it when you are ready."))
        return redirect("round", partnership.pk, round_.pk)
    return render(
        request,
        "partnerships/form.html",
        {
            "form": form,
            "title": _("Start a review round"),
            "partnership": partnership,
            "submit_label": _("Create round"),
        },
    )


@member_required(READ)
def round_detail(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    base = _base_url(request)
    return render(
        request,
        "reviews/round.html",
        {
            "partnership": partnership,
            "round": round_,
            "can_run": can_run(request.membership),
            "transitions": lifecycle.available(round_),
            "open_link": f"{base}{reverse('respond-open', args=[round_.open_link_code])}",
            "rates": invitations.response_rates(round_),
            "invitation_count": round_.invitations.count(),
            "unsent": round_.invitations.filter(sent_at__isnull=True).count(),
            "waiting": round_.invitations.filter(sent_at__isnull=False, responded=False).count(),
            "events": round_.events.select_related("user"),
            "framework": round_.framework,
        },
    )


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def round_edit(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    form = RoundForm(request.POST if request.method == "POST" else None, instance=round_)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Round details saved."))
        return redirect("round", partnership.pk, round_.pk)
    return render(
        request,
        "partnerships/form.html",
        {"form": form, "title": _("Edit round details"), "partnership": partnership},
    )


@member_required(RUN)
@require_POST
def round_transition(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    try:
        lifecycle.apply(round_, request.POST.get("transition", ""), request.user)
    except lifecycle.TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The round is now %(state)s.") % {"state": round_.get_state_display().lower()})
    return redirect("round", partnership.pk, round_.pk)


@member_required(RUN)
@require_POST
def round_open_link(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    enable = request.POST.get("enable") == "1"
    Round.objects.filter(pk=round_.pk).update(open_link_enabled=enable)
    messages.success(
        request,
        _("The open link now accepts answers.")
        if enable
        else _("The open link is closed. Personal invitations still work."),
    )
    return redirect("round", partnership.pk, round_.pk)


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def invitation_upload(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    form = InvitationUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    row_errors = []
    if round_.state not in (RoundState.DRAFT, RoundState.OPEN):
        messages.error(request, _("Invitations can be added only while a round is a draft or open."))
        return redirect("round", partnership.pk, round_.pk)
    if request.method == "POST" and form.is_valid():
        try:
            created = invitations.import_csv(round_, form.cleaned_data["file"].read())
        except invitations.InvitationsInvalid as invalid:
            row_errors = invalid.errors
            form.add_error("file", _("The file has %(n)s problem(s). Nothing was imported.") % {"n": len(row_errors)})
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s invitation added. It has not been emailed yet.",
                    "%(n)s invitations added. They have not been emailed yet.",
                    len(created),
                )
                % {"n": len(created)},
            )
            return redirect("round", partnership.pk, round_.pk)
    return render(
        request,
        "reviews/invitations_upload.html",
        {
            "form": form,
            "partnership": partnership,
            "round": round_,
            "row_errors": row_errors,
            "invitations": round_.invitations.select_related("organisation"),
        },
    )


@member_required(RUN)
@require_POST
def invitations_send(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    if round_.state != RoundState.OPEN:
        messages.error(request, _("Open the round before you send invitations."))
    else:
        sent = invitations.send_invitations(round_, _base_url(request))
        messages.success(request, ngettext("%(n)s invitation sent.", "%(n)s invitations sent.", sent) % {"n": sent})
    return redirect("round", partnership.pk, round_.pk)


@member_required(RUN)
@require_POST
def invitations_remind(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    if round_.state != RoundState.OPEN:
        messages.error(request, _("Reminders can be sent only while the round is open."))
    else:
        sent = invitations.send_reminders(round_, _base_url(request))
        messages.success(
            request,
            ngettext(
                "%(n)s reminder sent to someone who has not responded.",
                "%(n)s reminders sent to people who have not responded.",
                sent,
            )
            % {"n": sent},
        )
    return redirect("round", partnership.pk, round_.pk)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Upload a CSV file from another survey tool"),
        help_text=_(
            "One row per respondent and one column per statement, with a header row. Answers may be numbers "
            "(1 to 5), the scale's labels, or \"don't know\". Optional columns: organisation, group, priorities."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={"required": _("Choose a CSV file to upload")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 200 * 1024 * 1024:
            raise forms.ValidationError(_("The file must be smaller than 200 MB"))
        return upload


def _import_path(request, round_) -> Path | None:
    name = request.session.get(f"import-{round_.pk}")
    if not name:
        return None
    path = IMPORT_DIR / name
    return path if path.is_file() else None


IMPORT_DIR = Path(settings.BASE_DIR) / "var" / "imports"


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def import_upload(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    form = ImportUploadForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        IMPORT_DIR.mkdir(parents=True, exist_ok=True)
        name = f"{secrets.token_hex(16)}.csv"
        with (IMPORT_DIR / name).open("wb") as handle:
            for chunk in form.cleaned_data["file"].chunks():
                handle.write(chunk)
        request.session[f"import-{round_.pk}"] = name
        return redirect("import-map", partnership.pk, round_.pk)
    return render(
        request,
        "partnerships/form.html",
        {"form": form, "title": _("Import responses"), "partnership": partnership, "submit_label": _("Upload")},
    )


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def import_map(request, partnership, round_id):
    from . import importer

    round_ = _round(partnership, round_id)
    path = _import_path(request, round_)
    if path is None:
        messages.error(request, _("Upload the file first."))
        return redirect("import-upload", partnership.pk, round_.pk)
    framework = round_.framework
    with path.open("rb") as raw:
        header = importer.read_header(raw)
    suggested = importer.suggest_mapping(header, framework)
    choices = [
        ("", _("Choose…")),
        ("ignore", _("Ignore this column")),
        ("organisation", _("Organisation")),
        ("group", _("Respondent group")),
        ("priorities", _("Priority themes")),
    ]
    choices += [(s.id, s.text.en) for s in framework.statements]
    problems, more = [], 0
    if request.method == "POST":
        mapping = {column: request.POST.get(f"column-{index}", "") for index, column in enumerate(header)}
        mapping = {column: target for column, target in mapping.items() if target}
        with path.open("rb") as raw:
            try:
                stored = importer.import_file(raw, round_, mapping)
            except importer.ImportInvalid as invalid:
                problems, more = invalid.problems, invalid.more
            else:
                path.unlink(missing_ok=True)
                request.session.pop(f"import-{round_.pk}", None)
                messages.success(request, _("%(n)s responses imported.") % {"n": stored})
                return redirect("round", partnership.pk, round_.pk)
        suggested = mapping
    columns = [(index, column, suggested.get(column, "")) for index, column in enumerate(header)]
    return render(
        request,
        "reviews/import_map.html",
        {
            "partnership": partnership,
            "round": round_,
            "columns": columns,
            "choices": choices,
            "problems": problems,
            "more": more,
        },
    )
