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
