"""Builders and a scripted respondent for the review tests."""

from __future__ import annotations

import re

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
