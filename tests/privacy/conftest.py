"""Builders for the red-team tests: rounds with chosen small groups, and the attacker's view."""

from __future__ import annotations

import io
import json
import random

import pytest
from django.core.management import call_command

from tests.conftest import FRAMEWORK_FILE, MINIMAL_FILE
from tests.integration.helpers import make_partnership
from together.partnerships.models import Organisation, RespondentGroup
from together.releases import services as releases
from together.reports import exports
from together.reviews import importer, keys, lifecycle
from together.reviews.models import Response, ResponseState, Round

from .attacks import Structure


@pytest.fixture
def minimal_version(db):
    from together.frameworks import services

    return services.load(MINIMAL_FILE).version


@pytest.fixture
def demo(settings, db):
    settings.DEBUG = True
    call_command("framework", "load", str(FRAMEWORK_FILE), stdout=io.StringIO())
    call_command("demo", stdout=io.StringIO())
    return Round.objects.get(name="Spring 2026 review").partnership


def structure_of(partnership) -> Structure:
    from together.partnerships.models import Sector

    sectors = dict(Sector.choices)
    return Structure(
        organisations={o.pk: (o.name, str(sectors[o.sector])) for o in partnership.organisations.all()},
        groups={g.pk: g.name for g in partnership.groups.all()},
    )


def truth_of(round_: Round) -> dict[tuple, int]:
    """The real number of people in each (organisation, group) cell: the attacker's target."""
    truth: dict[tuple, int] = {}
    for organisation, group in Response.objects.filter(round=round_, state=ResponseState.SUBMITTED).values_list(
        "organisation_id", "group_id"
    ):
        truth[(organisation, group)] = truth.get((organisation, group), 0) + 1
    return truth


def build_round(
    owner, version, cells: dict[tuple[int, int], int], seed: int = 0, name="Small review", answer=None
) -> Round:
    """A closed round whose (organisation index, group index) cells hold the given numbers of
    people, each answering every statement at random (with some "don't know"), or as
    ``answer(organisation index, group index)`` says."""
    n_orgs = 1 + max((o for o, _g in cells), default=0)
    partnership = make_partnership(owner, name=f"{name} {seed}", organisations=[f"Org {i}" for i in range(n_orgs)])
    organisations = list(partnership.organisations.order_by("name"))
    groups = list(RespondentGroup.objects.filter(partnership=partnership).order_by("position", "name"))
    round_ = Round.objects.create(
        partnership=partnership, name=name, framework_version=version, open_link_code=keys.new_key()
    )
    framework = version.framework
    rng = random.Random(seed)  # noqa: S311 - made-up answers for a test, not a secret
    rows = []
    for (o, g), people in sorted(cells.items()):
        for _ in range(people):
            values = [
                (s.id, answer(o, g) if answer else rng.choice([1, 2, 3, 4, 5, 5, 4, None]))
                for s in framework.statements
            ]
            rows.append((organisations[o].pk, groups[g].pk, values, [], {}))
    if rows:
        importer.store(round_, importer.Parsed(header=[], mapping={}, rows=rows))
    lifecycle.apply(round_, "open")
    lifecycle.apply(round_, "close")
    return round_


def outputs(round_: Round, role: str, with_rows: bool = True):
    """Everything the role can download for the round: results JSON and, where allowed, rows."""
    released = releases.obtain(round_, role)
    payload = json.loads(exports.results_json(released))
    rows = released.response_rows() if with_rows and released.rows_available else None
    return released, payload, rows


__all__ = ["Organisation", "build_round", "outputs", "structure_of", "truth_of"]
