"""Across outputs: everything a role can download for a round, taken together, isolates nobody.

Each attack runs against the service, where it must find nothing, and against a deliberately
weakened copy (the organisation and group breakdowns suppressed each on its own, as before the
crossed-block rule), where it must find something: so the attacks can fail.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import together.analysis.results as analysis_results
from together.analysis.disclosure import suppress_small_groups
from together.partnerships.models import Role
from together.releases import services as releases
from together.reviews.models import Round

from . import attacks
from .conftest import build_round, outputs, structure_of, truth_of

pytestmark = pytest.mark.django_db
THRESHOLD = 5


def _independently(cells, threshold, leaves, parent_of=(None, None), hide=((), ())):
    """The weakened copy: each breakdown suppressed on its own, the two never checked together."""
    totals = [dict.fromkeys(leaves[0], 0), dict.fromkeys(leaves[1], 0)]
    for (a, b), count in cells.items():
        totals[0][a] = totals[0].get(a, 0) + count
        totals[1][b] = totals[1].get(b, 0) + count
    return tuple(suppress_small_groups(totals[i], threshold, parent_of[i], hide[i]) for i in (0, 1))


@pytest.fixture
def weakened(monkeypatch):
    monkeypatch.setattr(analysis_results, "suppress_linked", _independently)
    releases._computed.clear()
    yield
    releases._computed.clear()


@pytest.fixture(autouse=True)
def _fresh_results():
    releases._computed.clear()
    yield
    releases._computed.clear()


def _everything(round_, role, with_rows=True):
    structure = structure_of(round_.partnership)
    released, payload, rows = outputs(round_, role, with_rows=with_rows)
    shown = attacks.read_results(payload, structure)
    if rows is not None:
        header, body = rows
        shown = attacks.combine(shown, attacks.read_rows(header, body, structure))
    return structure, shown, rows


def _answered_truth(round_, statement_id):
    """People per cell who rated the statement (not "don't know")."""
    from together.reviews.models import Answer

    truth: dict[tuple, int] = {}
    for organisation, group in Answer.objects.filter(
        round=round_, submitted=True, statement_id=statement_id, value__isnull=False
    ).values_list("organisation_id", "group_id"):
        truth[(organisation, group)] = truth.get((organisation, group), 0) + 1
    return truth


@pytest.mark.parametrize("name", ["Spring 2026 review", "Spring 2025 review"])
def test_the_demo_rounds_isolate_nobody_whatever_a_facilitator_combines(demo, name):
    round_ = Round.objects.get(partnership=demo, name=name)
    truth = truth_of(round_)
    structure, shown, rows = _everything(round_, Role.FACILITATOR)
    assert rows is not None, "the facilitator can download response-level rows for this round"
    assert attacks.linear_leaks(shown.people, truth, THRESHOLD) == []
    assert attacks.frechet_leaks(shown, truth, THRESHOLD) == []
    # Exact integer programming on the statements where the weakened copy leaks (below).
    statements = ["political-support-formal", "involving-people-early"]
    assert attacks.bound_leaks(shown, structure, truth, THRESHOLD, statements) == []
    # The tables also hide a group's figures for a statement that fewer than the threshold rated
    # (rather than "don't know"); no combination of the tables and the rows undoes that.
    for statement in [s.id for s in round_.framework.statements]:
        nodes = {cells: sum(counts[v] for v in range(1, 6)) for cells, counts in shown.answers[statement].items()}
        assert attacks.linear_leaks(nodes, _answered_truth(round_, statement), THRESHOLD) == [], statement


def test_the_attacks_find_the_demo_leaks_in_the_weakened_copy(demo, weakened):
    round_ = Round.objects.get(partnership=demo, name="Spring 2026 review")
    truth = truth_of(round_)
    structure, shown, _rows = _everything(round_, Role.FACILITATOR, with_rows=False)
    leaks = attacks.frechet_leaks(shown, truth, THRESHOLD)
    assert leaks, "bounds should pin a small cell's answer when both breakdowns are shown"
    statement = sorted({leak[1] for leak in leaks})[0]
    assert attacks.bound_leaks(shown, structure, truth, THRESHOLD, [statement])
    # And the weakened copy's response-level rows are refused rather than released.
    released = releases.obtain(round_, Role.FACILITATOR)
    with pytest.raises(releases.NotAvailable):
        released.response_rows()


# Small rounds: 2 to 3 organisations, 2 to 3 groups, up to 6 people a cell.
small_rounds = st.tuples(st.integers(2, 3), st.integers(2, 3)).flatmap(
    lambda shape: st.tuples(
        st.just(shape),
        st.lists(st.integers(0, 6), min_size=shape[0] * shape[1], max_size=shape[0] * shape[1]),
        st.integers(0, 10_000),
    )
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(small_rounds)
def test_small_generated_rounds_isolate_nobody(facilitator, minimal_version, example):
    (n_orgs, n_groups), sizes, seed = example
    cells = {(o, g): sizes[o * n_groups + g] for o in range(n_orgs) for g in range(n_groups)}
    if sum(cells.values()) < THRESHOLD:
        return
    round_ = build_round(facilitator, minimal_version, cells, seed)
    truth = truth_of(round_)
    structure, shown, _rows = _everything(round_, Role.FACILITATOR)
    assert attacks.linear_leaks(shown.people, truth, THRESHOLD) == []
    statements = [s.id for s in minimal_version.framework.statements]
    assert attacks.bound_leaks(shown, structure, truth, THRESHOLD, statements) == []


def test_a_generated_round_leaks_in_the_weakened_copy(facilitator, minimal_version, monkeypatch):
    monkeypatch.setattr(analysis_results, "suppress_linked", _independently)
    # Org 0 has one senior leader (group 0), who alone answers 1; both breakdowns are big enough
    # on their own, so each tree alone would show everything.
    cells = {(0, 0): 1, (0, 1): 6, (1, 0): 6, (1, 1): 6}
    round_ = build_round(facilitator, minimal_version, cells, answer=lambda o, g: 1 if (o, g) == (0, 0) else 4)
    truth = truth_of(round_)
    structure, shown, _rows = _everything(round_, Role.FACILITATOR, with_rows=False)
    statements = [s.id for s in minimal_version.framework.statements]
    leaks = attacks.bound_leaks(shown, structure, truth, THRESHOLD, statements)
    leader = next(cell for cell, n in truth.items() if n == 1)
    assert {(cell, value) for cell, _statement, value, _least in leaks} >= {(leader, 1)}
    # The service hides enough for the same round that nothing is found.
    monkeypatch.undo()
    releases._computed.clear()
    structure, shown, _rows = _everything(round_, Role.FACILITATOR)
    assert attacks.bound_leaks(shown, structure, truth, THRESHOLD, statements) == []


def test_rows_leave_out_statements_that_a_block_has_too_few_ratings_of(demo):
    round_ = Round.objects.get(partnership=demo, name="Spring 2025 review")
    _released, _payload, (header, rows) = outputs(round_, Role.FACILITATOR)
    emptied = []
    for index, statement in enumerate(header[3:-1], start=3):
        rated: dict[tuple, int] = {}
        for row in rows:
            if row[index] not in ("", "dk"):
                rated[tuple(row[:3])] = rated.get(tuple(row[:3]), 0) + 1
        assert all(count == 0 or count >= THRESHOLD for count in rated.values()), statement
        if all(row[index] == "" for row in rows):
            emptied.append(statement)
    # In this round some blocks have only a few ratings of some statements (the rest said "don't
    # know"): those statements are left empty, and only those.
    assert emptied and len(emptied) < len(header) - 4


def test_response_rows_carry_only_their_crossed_block_and_match_the_tables(demo):
    round_ = Round.objects.get(partnership=demo, name="Spring 2025 review")
    released, payload, (header, rows) = outputs(round_, Role.FACILITATOR)
    classes: dict[tuple, int] = {}
    for row in rows:
        classes[tuple(row[:3])] = classes.get(tuple(row[:3]), 0) + 1
    assert min(classes.values()) >= THRESHOLD
    # A label is kept for a group only if every one of its respondents keeps it: the rows with an
    # organisation's name are exactly as many as the results say that organisation has.
    shown_people = {
        (r["breakdown"], r["group"]): r["people"] for r in payload["rows"] if r["level"] == "theme" and r["people"]
    }
    for (breakdown, label), people in shown_people.items():
        column = {"organisation": 0, "sector": 1, "group": 2}.get(breakdown)
        if column is None:
            continue
        assert sum(1 for row in rows if row[column] == label) == people, (breakdown, label)
    labelled = {row[0] for row in rows if row[0]}
    assert labelled <= {label for (breakdown, label) in shown_people if breakdown == "organisation"}


def test_viewers_get_no_response_level_data(demo, client, settings):
    from django.contrib.auth import get_user_model

    # Served at once here; the same file made in the background is checked in test_prepared_files.
    settings.BACKGROUND_FILES_FROM = 10**6

    from tests.integration.helpers import add_member

    round_ = Round.objects.get(partnership=demo, name="Spring 2025 review")
    viewer = get_user_model().objects.create_user("viv@northbridge.example", "a long enough password 1", name="Viv")
    add_member(demo, viewer, Role.VIEWER)
    client.force_login(viewer)
    base = f"/partnerships/{demo.pk}/rounds/{round_.pk}"
    assert client.get(f"{base}/export/responses.csv").status_code == 403
    response = client.get(f"{base}/export/data.xlsx")
    assert response.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    assert load_workbook(BytesIO(response.content)).sheetnames == ["Results"]
