"""The page that follows a file being made in the background, and its download.

Only the person who asked for the file, on the partnership and round it was asked for, in the
role it was made for, ever sees either: anyone else gets 404, as if there were no such file."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from together.partnerships.access import READ, member_required

from . import services
from .models import FileState, PreparedFile


def _own(request, partnership, round_id: int, file_id: int) -> PreparedFile:
    prepared = get_object_or_404(
        PreparedFile.objects.select_related("round__partnership"),
        pk=file_id,
        round_id=round_id,
        partnership=partnership,
        user=request.user,
    )
    if not services.still_allowed(prepared, request.membership.role):
        raise Http404("No such file")
    return prepared


@never_cache
@member_required(READ)
def progress(request, partnership, round_id, file_id):
    prepared = _own(request, partnership, round_id, file_id)
    kind = services.KINDS[prepared.kind]
    stalled = services.stalled(prepared)
    expired = services.expired(prepared)
    if expired:
        status = "expired"
    elif stalled or prepared.state == FileState.FAILED:
        status = "failed"
    elif prepared.state == FileState.READY:
        status = "ready"
    else:
        status = prepared.state
    return render(
        request,
        "jobs/progress.html",
        {
            "partnership": partnership,
            "round": prepared.round,
            "prepared": prepared,
            "kind": kind,
            "status": status,
            "reason": services.STOPPED if stalled else prepared.reason,
            "again": _ask_url(prepared),
            "hours": int(services.keep_for().total_seconds() // 3600),
        },
    )


def _ask_url(prepared: PreparedFile) -> str:
    from django.urls import reverse

    if prepared.kind == "report.pdf":
        return reverse("report-file", args=(prepared.partnership_id, prepared.round_id, "pdf"))
    return reverse("export", args=(prepared.partnership_id, prepared.round_id, prepared.kind))


@never_cache
@member_required(READ)
def download(request, partnership, round_id, file_id):
    prepared = _own(request, partnership, round_id, file_id)
    data = services.content(prepared)
    if data is None:
        raise Http404("The file is not ready, or no longer kept")
    kind = services.KINDS[prepared.kind]
    response = HttpResponse(data, content_type=kind.content_type)
    response["Content-Disposition"] = f'attachment; filename="{kind.download_name(prepared.round)}"'
    return response
