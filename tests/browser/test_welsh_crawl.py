"""Every page a facilitator can reach, in Welsh: followed link by link from the partnership's
page, each must answer, declare Welsh, and pass axe with no violations."""

import re
from collections import deque

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_facilitator_pages import sign_in
from together.partnerships.models import Membership, Role
from together.web import demo

pytestmark = pytest.mark.django_db(transaction=True)

# Files and moves rather than pages: downloads, and the one link that signs out.
SKIP = re.compile(r"(\.(csv|xlsx|pdf|json|yaml)(\?|$)|/download|/export/|/sign-out/|/files/|mapping\.json)")
LIMIT = 200


def shape(path: str) -> str:
    """A round's pages that differ only by theme or statement are one page to check: the first is
    visited, as are a partnership's organisations, groups, actions and notes, and a workshop's
    steps. (Rounds differ by state, so each round's pages are visited.)"""
    path = re.sub(r"/(organisations|groups|actions|engagement|workshop|paper)/\d+/", r"/\1/N/", path)
    return re.sub(r"/(themes|framework|statements)/[a-z0-9-]+/", r"/\1/S/", path)


def test_every_facilitator_page_reached_from_the_partnership_is_welsh_and_accessible(
    page, facilitator, framework_version
):
    partnership = demo.seed(facilitator, framework_version)
    Membership.objects.update_or_create(partnership=partnership, user=facilitator, defaults={"role": Role.OWNER})
    sign_in(page, facilitator)
    start = f"/cy/partnerships/{partnership.pk}/"
    queue, seen, checked = deque([start]), {shape(start)}, []
    while queue and len(checked) < LIMIT:
        path = queue.popleft()
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
        assert page.locator("html").get_attribute("lang") == "cy", path
        assert_accessible(page)
        checked.append(path)
        for href in page.locator("main a[href]").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
            href = href.split("#", 1)[0]
            if not href.startswith("/cy/partnerships/") or SKIP.search(href) or shape(href) in seen:
                continue
            seen.add(shape(href))
            queue.append(href)
    assert len(checked) >= 60, checked  # the partnership, its rounds, results, actions, library…
