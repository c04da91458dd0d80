"""The framework library pages, for a partnership's members and for operators (shared frameworks).

Each page is written once against a :class:`Place`: a partnership (members see shared frameworks
and their own; facilitators manage their own) or the operator area (shared frameworks only).
Anything of another owner is "Page not found", whatever its id.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from together.framework.estimate import estimate
from together.operator.access import staff_required
from together.partnerships.access import READ, RUN, can_run, member_required
from together.reviews.forms import PrioritiesForm, ThemeForm

from . import lifecycle, services, uploads
from .forms import TranslationForm, UploadForm


@dataclass(frozen=True)
class Place:
    partnership: object | None  # None: the operator area's shared library
    can_manage: bool

    def url(self, name: str, *args) -> str:
        if self.partnership is None:
            return reverse(f"operator:library-{name}", args=args)
        return reverse(f"library-{name}", args=[self.partnership.pk, *args])

    def manages(self, entry) -> bool:
        return self.can_manage and entry.partnership_id == (self.partnership.pk if self.partnership else None)

    def context(self, **extra) -> dict:
        return {"place": self, "partnership": self.partnership, **extra}


def _entry(place: Place, library_id: int):
    try:
        if place.partnership is None:
            return services.shared_entry(library_id)
        return services.entry(library_id, place.partnership)
    except LookupError:
        raise Http404("No such framework") from None


def _draft(place: Place, draft_id: int):
    try:
        return services.draft(draft_id, place.partnership)
    except LookupError:
        raise Http404("No such draft") from None


def _version(entry, number: int):
    version = entry.versions.filter(number=number).first()
    if version is None:
        raise Http404("No such version")
    return version


def _summary(framework) -> dict:
    found = estimate(framework)
    pulse = estimate(framework.short_form()) if framework.has_short_form else None
    return {"statements": found.statements, "minutes": found.minutes, "warnings": found.warnings, "pulse": pulse}


# The pages, written once


def _library(request, place: Place):
    entries = services.visible(place.partnership) if place.partnership else services.shared()
    rows = []
    for entry in entries:
        current = entry.current
        rows.append(
            {
                "entry": entry,
                "title": current.framework.title if current else None,
                "summary": _summary(current.framework) if current else None,
            }
        )
    drafts = services.drafts(place.partnership) if place.can_manage else []
    return render(request, "frameworks/library.html", place.context(rows=rows, drafts=drafts))


def _upload(request, place: Place):
    if not place.can_manage:
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    problems, refused = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = uploads.check_bounded(upload.name, upload.read())
        except uploads.CheckFailed as failed:
            refused = _("The file was refused: %(reason)s. Nothing was stored.") % {"reason": failed}
            form.add_error("file", refused)
        else:
            if checked.problems:
                problems = checked.problems
                form.add_error("file", _("Fix the problems listed above, then upload the file again"))
            else:
                draft = services.add_draft(checked.framework, upload.name, place.partnership, request.user)
                return redirect(place.url("draft", draft.pk))
    return render(request, "frameworks/upload.html", place.context(form=form, problems=problems))


def _draft_page(request, place: Place, draft_id: int):
    if not place.can_manage:
        raise PermissionDenied
    draft = _draft(place, draft_id)
    framework = draft.framework
    existing = services.LibraryFramework.objects.filter(
        framework_id=draft.framework_id, partnership=place.partnership
    ).first()
    same = existing.versions.filter(content_hash=draft.content_hash).first() if existing else None
    shadowed = place.partnership is not None and services.current(draft.framework_id) is not None
    from together.framework import translation

    stale = []
    if existing is not None and existing.current is not None:
        stale = translation.out_of_date(framework, existing.current.framework)
    return render(
        request,
        "frameworks/draft.html",
        place.context(
            draft=draft,
            framework=framework,
            summary=_summary(framework),
            existing=existing,
            next_number=(existing.versions.count() + 1) if existing else 1,
            same=same,
            shadowed=shadowed,
            stale=stale[:20],
            stale_count=len(stale),
        ),
    )


def _draft_move(request, place: Place, draft_id: int, move: str):
    if not place.can_manage:
        raise PermissionDenied
    draft = _draft(place, draft_id)
    try:
        if move == "publish":
            loaded = services.publish(draft, request.user)
        else:
            services.discard(draft, request.user)
    except lifecycle.MoveRefused as refused:
        messages.error(request, str(refused))
        return redirect(place.url("home"))
    if move == "discard":
        messages.success(request, _("The draft was discarded. Nothing else changed."))
        return redirect(place.url("home"))
    version = loaded.version
    if loaded.created:
        text = _("Published as version %(n)s. New rounds will use it; rounds already set up keep theirs.")
    else:
        text = _("This content was already version %(n)s, which is now current. New rounds will use it.")
    messages.success(request, text % {"n": version.number})
    return redirect(place.url("framework", version.library_id))


def _framework_page(request, place: Place, library_id: int):
    entry = _entry(place, library_id)
    versions = list(entry.versions.select_related("published_by").order_by("-number"))
    if place.partnership is not None:
        by_version = services.rounds_by_version(entry, place.partnership)
        counts = {}
    else:
        by_version = {}
        counts = services.round_counts(entry)
    rows = [
        {
            "version": version,
            "current": version.pk == entry.current_id,
            "summary": _summary(version.framework),
            "rounds": by_version.get(version.pk, []),
            "round_count": counts.get(version.pk, 0),
        }
        for version in versions
    ]
    current = entry.current.framework if entry.current else None
    welsh = None
    if current is not None:
        from collections import Counter

        from together.framework import translation

        before = _previous(entry, entry.current)
        counted = Counter(row.status for row in translation.rows(current, before.framework if before else None))
        welsh = {
            "done": counted[translation.DONE],
            "missing": counted[translation.MISSING],
            "out_of_date": counted[translation.OUT_OF_DATE],
            "number": entry.current.number,
        }
    return render(
        request,
        "frameworks/framework.html",
        place.context(
            entry=entry,
            rows=rows,
            framework=current,
            welsh=welsh,
            translation_form=TranslationForm(),
            manages=place.manages(entry),
            download_formats=[("xlsx", _("Download as a spreadsheet")), ("yaml", _("Download as YAML"))],
        ),
    )


def _make_current(request, place: Place, library_id: int, number: int):
    entry = _entry(place, library_id)
    if not place.manages(entry):
        raise PermissionDenied
    try:
        version = services.make_current(entry, number, request.user)
    except lifecycle.MoveRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("Version %(n)s is now current. New rounds will use it; rounds already set up keep theirs.")
            % {"n": version.number},
        )
    return redirect(place.url("framework", entry.pk))


# Files: the spreadsheet template, and any version as YAML or as a workbook, to edit and upload again.

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _template(request, place: Place):
    from together.framework.xlsx import template_bytes

    return _attachment(template_bytes(), XLSX_TYPE, "framework-template.xlsx")


def _version_download(request, place: Place, library_id: int, number: int, fmt: str):
    if fmt not in ("yaml", "xlsx"):
        raise Http404("No such format")
    version = _version(_entry(place, library_id), number)
    name = f"{version.framework_id}-version-{version.number}.{fmt}"
    if fmt == "xlsx":
        from together.framework.xlsx import write_xlsx

        return _attachment(write_xlsx(version.framework), XLSX_TYPE, name)
    from together.framework.yamlwrite import to_yaml

    return _attachment(to_yaml(version.framework).encode(), "application/yaml; charset=utf-8", name)


# The translator's file: every text with its English and Welsh, to fill in the Welsh.


def _previous(entry, version):
    """The version before ``version``, whose English tells which Welsh is out of date."""
    return entry.versions.filter(number__lt=version.number).order_by("-number").first()


def _translation_download(request, place: Place, library_id: int, number: int, fmt: str):
    from together.framework import translation

    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    entry = _entry(place, library_id)
    version = _version(entry, number)
    before = _previous(entry, version)
    found = translation.rows(version.framework, before.framework if before else None)
    name = f"{version.framework_id}-version-{version.number}-welsh.{fmt}"
    if fmt == "csv":
        return _attachment(translation.to_csv(found), "text/csv; charset=utf-8", name)
    title = f"{version.framework.title.en}, version {version.number}: Welsh"
    return _attachment(translation.to_xlsx(found, title), XLSX_TYPE, name)


def _translation_upload(request, place: Place, library_id: int):
    """Read a translator's file against the current version: a draft with its Welsh, to preview
    and publish as the next version; or every problem, and nothing kept."""
    from together.framework import FrameworkInvalid, translation

    entry = _entry(place, library_id)
    if not place.manages(entry):
        raise PermissionDenied
    version = entry.current
    form = TranslationForm(request.POST, request.FILES)
    problems = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            welsh = translation.read(upload.read(), upload.name, version.framework)
            framework = translation.apply(version.framework, welsh)
        except translation.TranslationInvalid as invalid:
            problems = [f"{upload.name}: {problem}" for problem in invalid.problems]
        except FrameworkInvalid as invalid:
            problems = [f"{upload.name}: {problem}" for problem in invalid.problems[:20]]
        else:
            draft = services.add_draft(framework, upload.name, place.partnership, request.user)
            messages.success(
                request,
                _("The Welsh of %(n)s texts was read. Check the draft, then publish it as the next version.")
                % {"n": len(welsh)},
            )
            return redirect(place.url("draft", draft.pk))
    else:
        problems = [error for errors in form.errors.values() for error in errors]
    for problem in problems[:20]:
        messages.error(request, problem)
    return redirect(place.url("framework", entry.pk))


# Preview: the questionnaire's own templates and forms, with nothing saved.


def _preview(request, place: Place, framework, digest: str, base: str, step: str, title: str, exit_url: str):
    """``step`` is "" (start), a theme id, "priorities" or "end". ``base`` is the preview's address."""
    language = get_language() or "en"
    themes = [t.id for t in framework.themes]
    steps = ["", *themes, "priorities", "end"]
    if step not in steps:
        raise Http404("No such page")
    index = steps.index(step)
    nxt = f"{base}{steps[index + 1]}/" if index + 1 < len(steps) else base
    previous = f"{base}{steps[index - 1]}/" if index > 1 else base
    round_ = SimpleNamespace(name=_("Preview"), closes_on=None, framework_version_id=f"preview-{digest}")
    partnership = place.partnership or SimpleNamespace(name=_("Your partnership"), place=_("your area"))
    context = place.context(
        round=round_,
        framework=framework,
        preview_title=title,
        exit_url=exit_url,
        partnership=partnership,
        back_url=previous,
        resume_link=None,
    )
    if step == "":
        if request.method == "POST":
            return redirect(nxt)
        return render(
            request,
            "frameworks/preview_start.html",
            {**context, "action": nxt, "invited": False, "min_group_size": settings.MIN_GROUP_SIZE},
        )
    if step == "end":
        return render(request, "frameworks/preview_end.html", context)
    if step == "priorities":
        form = PrioritiesForm(
            request.POST if request.method == "POST" else None, framework=framework, language=language
        )
        if request.method == "POST" and form.is_valid():
            return redirect(nxt)
        return render(request, "frameworks/preview_priorities.html", {**context, "form": form})
    form = ThemeForm(
        request.POST if request.method == "POST" else None, framework=framework, theme_id=step, language=language
    )
    if request.method == "POST" and form.is_valid():
        return redirect(nxt)  # checked as a respondent's page is, and then forgotten
    return render(
        request,
        "frameworks/preview_theme.html",
        {
            **context,
            "form": form,
            "theme": framework.theme(step),
            "number": index,
            "total": len(themes),
            "scale": framework.scale,
        },
    )


def _draft_preview(request, place: Place, draft_id: int, step: str = ""):
    if not place.can_manage:
        raise PermissionDenied
    draft = _draft(place, draft_id)
    base = place.url("draft-preview", draft.pk)
    title = _("Preview of the draft from %(file)s") % {"file": draft.source_name}
    exit_url = place.url("draft", draft.pk)
    return _preview(request, place, draft.framework, draft.content_hash, base, step, title, exit_url)


def _version_preview(request, place: Place, library_id: int, number: int, step: str = ""):
    entry = _entry(place, library_id)
    version = _version(entry, number)
    base = place.url("version-preview", entry.pk, number)
    title = _("Preview of version %(n)s") % {"n": number}
    exit_url = place.url("framework", entry.pk)
    return _preview(request, place, version.framework, version.content_hash, base, step, title, exit_url)


# Partnership members


def _member_place(request, partnership) -> Place:
    return Place(partnership, can_run(request.membership))


@member_required(READ)
def library(request, partnership):
    return _library(request, _member_place(request, partnership))


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def upload(request, partnership):
    return _upload(request, _member_place(request, partnership))


@member_required(RUN)
def draft(request, partnership, draft_id):
    return _draft_page(request, _member_place(request, partnership), draft_id)


@member_required(RUN)
@require_POST
def draft_publish(request, partnership, draft_id):
    return _draft_move(request, _member_place(request, partnership), draft_id, "publish")


@member_required(RUN)
@require_POST
def draft_discard(request, partnership, draft_id):
    return _draft_move(request, _member_place(request, partnership), draft_id, "discard")


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def draft_preview(request, partnership, draft_id, step=""):
    return _draft_preview(request, _member_place(request, partnership), draft_id, step)


@member_required(READ)
def framework(request, partnership, library_id):
    return _framework_page(request, _member_place(request, partnership), library_id)


@member_required(RUN)
@require_POST
def make_current(request, partnership, library_id, number):
    return _make_current(request, _member_place(request, partnership), library_id, number)


@member_required(READ)
@require_http_methods(["GET", "POST"])
def version_preview(request, partnership, library_id, number, step=""):
    return _version_preview(request, _member_place(request, partnership), library_id, number, step)


@member_required(READ)
def template(request, partnership):
    return _template(request, _member_place(request, partnership))


@member_required(READ)
def version_download(request, partnership, library_id, number, fmt):
    return _version_download(request, _member_place(request, partnership), library_id, number, fmt)


@member_required(READ)
def translation_download(request, partnership, library_id, number, fmt):
    return _translation_download(request, _member_place(request, partnership), library_id, number, fmt)


@member_required(RUN)
@require_POST
def translation_upload(request, partnership, library_id):
    return _translation_upload(request, _member_place(request, partnership), library_id)


# Operators: the shared library

OPERATOR = Place(None, True)


@staff_required
def operator_library(request):
    return _library(request, OPERATOR)


@staff_required
@require_http_methods(["GET", "POST"])
def operator_upload(request):
    return _upload(request, OPERATOR)


@staff_required
def operator_draft(request, draft_id):
    return _draft_page(request, OPERATOR, draft_id)


@staff_required
@require_POST
def operator_draft_publish(request, draft_id):
    return _draft_move(request, OPERATOR, draft_id, "publish")


@staff_required
@require_POST
def operator_draft_discard(request, draft_id):
    return _draft_move(request, OPERATOR, draft_id, "discard")


@staff_required
@require_http_methods(["GET", "POST"])
def operator_draft_preview(request, draft_id, step=""):
    return _draft_preview(request, OPERATOR, draft_id, step)


@staff_required
def operator_framework(request, library_id):
    return _framework_page(request, OPERATOR, library_id)


@staff_required
@require_POST
def operator_make_current(request, library_id, number):
    return _make_current(request, OPERATOR, library_id, number)


@staff_required
@require_http_methods(["GET", "POST"])
def operator_version_preview(request, library_id, number, step=""):
    return _version_preview(request, OPERATOR, library_id, number, step)


@staff_required
def operator_template(request):
    return _template(request, OPERATOR)


@staff_required
def operator_version_download(request, library_id, number, fmt):
    return _version_download(request, OPERATOR, library_id, number, fmt)


@staff_required
def operator_translation_download(request, library_id, number, fmt):
    return _translation_download(request, OPERATOR, library_id, number, fmt)


@staff_required
@require_POST
def operator_translation_upload(request, library_id):
    return _translation_upload(request, OPERATOR, library_id)
