"""Pages of a long list, with GOV.UK pagination links that keep the list's filters."""

from django.core.paginator import Paginator


def paginate(request, items, per_page: int):
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()

    def href(number: int) -> str:
        query["page"] = number
        return "?" + query.urlencode()

    links = []
    shown = {1, paginator.num_pages, page.number - 1, page.number, page.number + 1}
    for number in range(1, paginator.num_pages + 1):
        if number in shown:
            links.append({"number": number, "href": href(number), "current": number == page.number})
        elif links and links[-1] is not None:
            links.append(None)  # an ellipsis
    return {
        "page": page,
        "links": links if paginator.num_pages > 1 else [],
        "previous": href(page.previous_page_number()) if page.has_previous() else None,
        "next": href(page.next_page_number()) if page.has_next() else None,
    }
