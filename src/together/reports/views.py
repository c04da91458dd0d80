from django.http import Http404, HttpResponse
from django.utils.text import slugify

from together.partnerships.access import READ, member_required
from together.results.views import _round_for

from . import build


@member_required(READ)
def report(request, partnership, round_id, fmt: str = "html"):
    if fmt not in ("html", "pdf"):
        raise Http404("No such format")
    round_ = _round_for(request, partnership, round_id)
    if fmt == "pdf":
        response = HttpResponse(build.pdf(round_), content_type="application/pdf")
        name = slugify(f"{partnership.name} {round_.name}")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return HttpResponse(build.html(round_))


EXPORTS = {
    "results.csv": ("text/csv; charset=utf-8", "results.csv"),
    "results.json": ("application/json", "results.json"),
    "responses.csv": ("text/csv; charset=utf-8", "responses.csv"),
    "data.xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "data.xlsx"),
}


@member_required(READ)
def export(request, partnership, round_id, name: str):
    from . import exports

    if name not in EXPORTS:
        raise Http404("No such export")
    round_ = _round_for(request, partnership, round_id)
    body = {
        "results.csv": exports.results_csv,
        "results.json": exports.results_json,
        "responses.csv": exports.responses_csv,
        "data.xlsx": exports.workbook,
    }[name](round_)
    content_type, suffix = EXPORTS[name]
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{slugify(f"{partnership.name} {round_.name}")}-{suffix}"'
    return response
