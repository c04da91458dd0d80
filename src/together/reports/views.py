"""The round's report and exports: each reads the round's release for the member's role.

A large round's PDF, response-level CSV and workbook are made by the background worker instead
(:mod:`together.jobs`): the request only queues the file (or finds the one already being made)
and sends the member to the page that follows it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.text import slugify
from django.views.decorators.cache import never_cache

from together.jobs import services as prepared_files
from together.partnerships.access import READ, member_required
from together.releases import services as releases
from together.results.views import Waiting, released_for

from . import build

EXPORTS = {
    "results.csv": ("text/csv; charset=utf-8", "results.csv"),
    "results.json": ("application/json", "results.json"),
    "responses.csv": ("text/csv; charset=utf-8", "responses.csv"),
    "data.xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "data.xlsx"),
}


def _released(request, partnership, round_id):
    """The release for this member, or a redirect to the results page, which says why there is none."""
    round_, released = released_for(request, partnership, round_id)
    if isinstance(released, Waiting):
        return round_, redirect("results", partnership.pk, round_.pk)
    return round_, released


@never_cache
@member_required(READ)
def report(request, partnership, round_id, fmt: str = "html"):
    if fmt not in ("html", "pdf"):
        raise Http404("No such format")
    round_, released = _released(request, partnership, round_id)
    if not isinstance(released, releases.Released):
        return released
    if fmt == "pdf":
        if prepared_files.in_background(round_):
            return _prepare(request, partnership, round_, "report.pdf")
        response = HttpResponse(build.pdf(released, request.user), content_type="application/pdf")
        name = slugify(f"{partnership.name} {round_.name}")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return HttpResponse(build.html(released, user=request.user, inline=False))


@never_cache
@member_required(READ)
def export(request, partnership, round_id, name: str):
    from . import exports

    if name not in EXPORTS:
        raise Http404("No such export")
    round_, released = _released(request, partnership, round_id)
    if not isinstance(released, releases.Released):
        return released
    if name == "responses.csv" and not released.can_run:
        raise PermissionDenied
    if name in prepared_files.KINDS and prepared_files.in_background(round_):
        return _prepare(request, partnership, round_, name)
    try:
        body = {
            "results.csv": exports.results_csv,
            "results.json": exports.results_json,
            "responses.csv": exports.responses_csv,
            "data.xlsx": exports.workbook,
        }[name](released)
    except releases.NotAvailable as refused:
        messages.error(request, refused.message)
        return redirect("results", partnership.pk, round_.pk)
    content_type, suffix = EXPORTS[name]
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{slugify(f"{partnership.name} {round_.name}")}-{suffix}"'
    return response


def _prepare(request, partnership, round_, kind: str):
    """Queue the file for the worker, or find the one being made, and follow it."""
    prepared = prepared_files.ask(round_, kind, user=request.user, role=request.membership.role)
    return redirect("prepared-file", partnership.pk, round_.pk, prepared.pk)
