"""Builders and a scripted respondent for the review tests."""

from __future__ import annotations

import re
import time

from django.test import Client

from together.partnerships import services as partnerships
from together.partnerships.models import Organisation, Role, Sector
from together.reviews import keys, lifecycle
from together.reviews.models import Round


def make_partnership(owner, name="Northbridge Partnership", organisations=("Northbridge Council", "Northbridge NHS")):
    partnership = partnerships.create_partnership(owner, name=name, place="Northbridge")
    sectors = [Sector.LOCAL_AUTHORITY, Sector.NHS, Sector.VOLUNTARY, Sector.POLICE]
    for index, org in enumerate(organisations):
        Organisation.objects.create(partnership=partnership, name=org, sector=sectors[index % len(sectors)])
    return partnership


def make_round(partnership, version, open_=True, user=None) -> Round:
    round_ = Round.objects.create(
        partnership=partnership,
        name="Spring review",
        framework_version=version,
        open_link_code=keys.new_key(),
    )
    if open_:
        lifecycle.apply(round_, "open", user)
    return round_


def add_member(partnership, user, role=Role.FACILITATOR):
    from together.partnerships.models import Membership

    return Membership.objects.create(partnership=partnership, user=user, role=role)


def csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def complete_questionnaire(
    client: Client, round_: Round, start_url: str, value="3", submit=True, target: str | None = None, prefix=""
) -> str:
    """Walk every page as a respondent would; return the final page's HTML. Where the framework
    asks where to be in a year, every target is ``target`` (``value`` if not given). ``prefix``
    is "/cy" to answer in Welsh."""
    response = client.post(start_url)
    assert response.status_code == 302, response.content[:500]
    base = f"{prefix}/respond/{round_.public_id}"
    organisation = round_.partnership.organisations.first()
    group = round_.partnership.groups.first()
    response = client.post(f"{base}/about/", {"organisation": organisation.pk, "group": group.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    for theme in round_.framework.themes:
        data = {f"rating-{s.id}": value for s in theme.statements}
        if round_.framework.asks_target:
            data |= {f"target-{s.id}": target or value for s in theme.statements}
        data["comment"] = f"Comment on {theme.id}"
        response = client.post(f"{base}/theme/{theme.id}/", data)
        assert response.status_code == 302, response.content.decode()[:3000]
    priorities = [t.id for t in round_.framework.themes[:3]]
    response = client.post(f"{base}/priorities/", {"themes": priorities})
    assert response.status_code == 302
    if submit:
        response = client.post(f"{base}/check/", follow=True)
        assert response.status_code == 200
    return response.content.decode()


def close(round_: Round, user=None) -> Round:
    """Close an open round, so that its results exist."""
    lifecycle.apply(round_, "close", user)
    return round_


def released(round_: Round, role: str = "operator"):
    """The round's released results, as the given role sees them (the command line by default)."""
    from together.releases import services as releases

    return releases.obtain(round_, role)


def selected_in_page(html: str) -> dict[str, str]:
    """Every select's chosen value in a page's forms, as a browser would post them."""
    found = {}
    for match in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        name, options = match.group(1), match.group(2)
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        first = re.search(r'<option value="([^"]*)"', options)
        found[name] = chosen.group(1) if chosen else (first.group(1) if first else "")
    return found


def typed_in_page(html: str) -> dict[str, str]:
    """Every text input's value in a page's forms, as a browser would post them."""
    found = {}
    for match in re.finditer(r'<input class="govuk-input[^"]*" id="[^"]*" name="([^"]+)" type="text"([^>]*)>', html):
        value = re.search(r' value="([^"]*)"', match.group(2))
        found[match.group(1)] = value.group(1) if value else ""
    return found


def web_import(
    client: Client,
    round_: Round,
    name: str,
    data: bytes,
    columns: dict | None = None,
    check: dict | None = None,
):
    """Take a file through the import wizard as an officer accepting its suggestions (and
    ``columns``: {"column-N": "use:target"} changes); return the response to "Import", posted
    with the fieldwork days the check page offers (and ``check``'s fields: "close_round": "on"
    closes the round once the file is in)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    base = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/import"
    response = client.post(f"{base}/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(f"{base}/columns/").content.decode()
    chosen = {k: v for k, v in selected_in_page(page).items() if k.startswith("column-")} | (columns or {})
    response = client.post(f"{base}/columns/", {"action": "save", **chosen})
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(f"{base}/values/").content.decode()
    response = client.post(f"{base}/values/", selected_in_page(page))
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(f"{base}/check/").content.decode()
    return client.post(f"{base}/check/", typed_in_page(page) | (check or {}))


def wait_for_a_fresh_window(seconds: int = 60, needed: float = 15.0) -> None:
    """Rate limits count in fixed windows (``time // seconds``) on this machine's clock. A test
    that counts up to a limit and straddled a window's end would count in two windows and never
    reach it, so start it where at least ``needed`` seconds of a window are left."""
    left = seconds - time.time() % seconds
    if left < needed:
        time.sleep(left + 0.2)
