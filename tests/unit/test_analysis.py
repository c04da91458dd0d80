"""The analysis core: worked examples checked by hand, and properties that must always hold."""

import itertools
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from together.analysis import disclosure
from together.analysis.agreement import band, rwg, rwg_j
from together.analysis.disclosure import ROOT, suppress_small_groups
from together.analysis.histogram import Histogram
from together.analysis.results import Dimension, Inputs, ThemeSpec, compute

# Worked examples ----------------------------------------------------------------------------


def test_statement_statistics_worked_example():
    # Six people answer 2, 3, 3, 4, 4, 5 and one says "don't know".
    histogram = Histogram.from_values([2, 3, 3, 4, 4, 5, None], points=5)
    assert histogram.counts == (0, 1, 2, 2, 1)
    assert histogram.answered == 6 and histogram.dont_know == 1
    assert histogram.mean == pytest.approx(3.5)
    # Squared deviations 2.25, 0.25, 0.25, 0.25, 0.25, 2.25 sum to 5.5; divided by n − 1 = 5.
    assert histogram.variance == pytest.approx(1.1)
    assert histogram.dont_know_share == pytest.approx(1 / 7)
    # Uniform variance on five points is (25 − 1) / 12 = 2, so rwg = 1 − 1.1 / 2.
    assert rwg(histogram) == pytest.approx(0.45)
    assert band(rwg(histogram)).label == "Weak agreement"


def test_theme_agreement_worked_example():
    first = Histogram.from_values([2, 3, 3, 4, 4, 5], 5)  # variance 1.1
    second = Histogram.from_values([3, 4, 4, 4, 5], 5)  # mean 4; squared deviations 1 + 1 over 4
    assert second.variance == pytest.approx(0.5)
    # Mean variance 0.8 over uniform 2 is 0.4; rwg(J) = 2 × 0.6 / (2 × 0.6 + 0.4) = 0.75.
    assert rwg_j([first, second]) == pytest.approx(0.75)


def test_perfect_agreement_and_random_answers():
    assert rwg(Histogram.from_values([4] * 10, 5)) == 1.0
    assert rwg(Histogram.from_values([1, 5] * 10, 5)) == 0.0  # wider than random: kept at 0
    assert rwg(Histogram.from_values([3], 5)) is None  # one answer has no spread


def _simple_inputs(values_by_org, threshold=5, priorities=None):
    cells, respondents = {}, {}
    for organisation, values in values_by_org.items():
        cells[("s1", organisation, None)] = Histogram.from_values(values, 5)
        respondents[(organisation, None)] = len(values)
    labels = {organisation: organisation for organisation in values_by_org} | {None: "Not given"}
    return Inputs(
        themes=[ThemeSpec("t1", ("s1",))],
        points=5,
        threshold=threshold,
        cells=cells,
        respondents=respondents,
        priorities=priorities or {},
        dimensions=[Dimension("organisation", labels, lambda o, g: o)],
    )


def test_attention_worked_example():
    # Ten people score the only statement 2, 2, 2, 2, 2, 2, 2, 2, 3, 1: mean 2.0.
    values = [2] * 8 + [3, 1]
    results = compute(_simple_inputs({"council": values}, priorities={("t1", "council", None): 4}))
    entry = next(a for a in results.attention if a.kind == "theme")
    # Variance 2/9 → rwg 1 − (2/9)/2 = 8/9. Low score (5 − 2) / 4 = 0.75. 4 of 10 chose it.
    assert entry.low_score == pytest.approx(0.75)
    assert entry.chosen_share == pytest.approx(0.4)
    assert entry.agreement == pytest.approx(8 / 9)
    assert entry.value == pytest.approx(0.5 * 0.75 + 0.3 * 0.4 + 0.2 * (1 / 9))
    assert entry.reason(5) == "scored 2.0 of 5; 40% chose it"


def test_perception_gap_is_flagged_at_one_scale_point():
    results = compute(_simple_inputs({"council": [4] * 6, "charity": [3] * 5 + [2], "police": [4, 3, 4, 3, 4]}))
    gap = next(g for g in results.gaps if g.item == "s1")
    assert (gap.highest.key, gap.lowest.key) == ("council", "charity")
    assert gap.size == pytest.approx(4 - 17 / 6)
    assert gap.flagged
    results = compute(_simple_inputs({"council": [4] * 6, "charity": [3] * 5 + [4]}))
    assert not next(g for g in results.gaps if g.item == "s1").flagged


def test_results_stay_hidden_below_the_threshold():
    results = compute(_simple_inputs({"council": [4, 4, 3, 2]}))
    assert not results.visible
    assert results.statements == {} and results.themes == {} and results.attention == []


def test_a_small_group_and_its_complement_are_hidden():
    results = compute(_simple_inputs({"council": [4] * 10, "charity": [1, 2]}))
    by_org = {g.key: g.score for g in results.breakdowns["organisation"]["s1"]}
    assert by_org["charity"].hidden and by_org["charity"].mean is None
    # Otherwise the charity's answers would be the total minus the council's.
    assert by_org["council"].hidden
    assert results.statements["s1"].mean == pytest.approx(43 / 12)
    assert not [g for g in results.gaps if g.item == "s1"]


# Properties ---------------------------------------------------------------------------------

histograms = st.lists(st.integers(0, 30), min_size=5, max_size=5).flatmap(
    lambda counts: st.integers(0, 10).map(lambda dk: Histogram(tuple(counts), dk))
)


@given(histograms)
def test_scores_stay_within_the_scale(histogram):
    if histogram.answered:
        assert 1 <= histogram.mean <= 5
        assert abs(sum(histogram.shares) - 1) < 1e-9
    value = rwg(histogram)
    assert value is None or 0 <= value <= 1


@given(st.lists(histograms, min_size=1, max_size=6))
def test_theme_agreement_stays_within_bounds(items):
    value = rwg_j(items)
    assert value is None or 0 <= value <= 1


organisation_values = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d", "e", None]),
    st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=0, max_size=12),
    min_size=1,
)


@settings(max_examples=60, deadline=None)
@given(organisation_values, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_response_order(values_by_org, rng):
    first = compute(_simple_inputs(values_by_org))
    shuffled = {}
    keys = list(values_by_org)
    rng.shuffle(keys)
    for key in keys:
        values = list(values_by_org[key])
        rng.shuffle(values)
        shuffled[key] = values
    second = compute(_simple_inputs(shuffled))
    assert first.visible == second.visible
    assert first.statements == second.statements
    assert first.themes == second.themes
    assert [(a.item, round(a.value, 12)) for a in first.attention] == [
        (a.item, round(a.value, 12)) for a in second.attention
    ]
    if first.visible:
        for item, groups in first.breakdowns["organisation"].items():
            by_key = {g.key: g for g in second.breakdowns["organisation"][item]}
            assert {g.key: g for g in groups} == by_key


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [list(r) for r in rows]
    rank, column = 0, 0
    width = len(rows[0]) if rows else 0
    while rank < len(rows) and column < width:
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            column += 1
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][column] != 0:
                factor = rows[i][column] / rows[rank][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
        column += 1
    return rank


trees = st.integers(2, 8).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 14), min_size=n, max_size=n),
        st.lists(st.one_of(st.none(), st.sampled_from(["p", "q", "r"])), min_size=n, max_size=n),
        st.integers(3, 6),
    )
)


@settings(max_examples=300, deadline=None)
@given(trees)
def test_no_combination_of_shown_figures_isolates_fewer_than_the_threshold(tree):
    sizes, parents, threshold = tree
    leaves = {f"org{i}": size for i, size in enumerate(sizes)}
    parent_of = {f"org{i}": parent for i, parent in enumerate(parents) if parent}
    result = suppress_small_groups(leaves, threshold, parent_of)

    # Every figure shown covers either no one or at least the threshold.
    for node, count in result.counts.items():
        if result.shown(node):
            assert count == 0 or count >= threshold

    # Work in the space of people-holding leaves: a shown figure is the sum over its leaves.
    people = [leaf for leaf, count in leaves.items() if count > 0]
    if not people:
        return

    def members(node):
        if node == ROOT:
            return set(people)
        if node in leaves:
            return {node} & set(people)
        return {leaf for leaf in people if parent_of.get(leaf) == node}

    shown = [[Fraction(int(leaf in members(node))) for leaf in people] for node in result.counts if result.shown(node)]
    shown = [row for row in shown if any(row)]
    base = _rank(shown) if shown else 0
    for size in range(1, len(people) + 1):
        for subset in itertools.combinations(people, size):
            total = sum(leaves[leaf] for leaf in subset)
            if total >= threshold:
                continue
            vector = [Fraction(int(leaf in subset)) for leaf in people]
            assert _rank([*shown, vector]) > base, f"{subset} ({total} people) can be worked out from shown figures"


def test_suppression_keeps_what_it_safely_can():
    leaves = {"big": 40, "medium": 12, "small": 2, "also-small": 3}
    result = suppress_small_groups(leaves, 5)
    # The two small groups together hold 5 people, so nothing else need be hidden.
    assert result.hidden == {"small", "also-small"}


def test_random_rounds_never_show_a_figure_for_fewer_than_the_threshold():
    rng = random.Random(7)  # noqa: S311 - reproducible test data
    for _ in range(50):
        values = {f"org{i}": [rng.choice([1, 2, 3, 4, 5, None]) for _ in range(rng.randint(0, 9))] for i in range(6)}
        results = compute(_simple_inputs(values))
        if not results.visible:
            continue
        for groups in results.breakdowns["organisation"].values():
            for group in groups:
                if not group.score.hidden and group.score.histogram is not None:
                    assert group.score.histogram.answered == 0 or group.score.histogram.answered >= 5


def test_a_hidden_statement_cannot_be_worked_out_from_its_theme():
    # Ten people rate s1; only two rate s2 (the rest say "don't know"), so s2 is hidden.
    cells = {
        ("s1", "council", None): Histogram.from_values([3] * 10, 5),
        ("s2", "council", None): Histogram.from_values([5, 5] + [None] * 8, 5),
    }
    inputs = Inputs(
        themes=[ThemeSpec("t1", ("s1", "s2"))],
        points=5,
        threshold=5,
        cells=cells,
        respondents={("council", None): 10},
        priorities={},
        dimensions=[Dimension("organisation", {"council": "Council", None: "Not given"}, lambda o, g: o)],
    )
    results = compute(inputs)
    assert results.statements["s2"].hidden
    # Were s2 counted, the theme would read 4.0 and 2 × 4.0 − 3.0 would give s2's hidden 5.0.
    assert results.themes["t1"].mean == pytest.approx(3.0)
    council = next(g for g in results.breakdowns["organisation"]["t1"] if g.key == "council")
    assert council.score.mean == pytest.approx(3.0)


def test_an_empty_group_reads_no_responses_not_hidden():
    results = compute(_simple_inputs({"council": [4] * 6, "charity": []}))
    charity = next(g for g in results.breakdowns["organisation"]["t1"] if g.key == "charity")
    assert not charity.score.hidden and charity.score.mean is None


def test_reasons_round_half_up_like_the_pages():
    from together.analysis.results import Attention

    entry = Attention("t1", "t1", "theme", 0.5, 2.25, 0.375, 0.9, 0.6875)
    assert entry.reason(5) == "scored 2.3 of 5; 38% chose it"


# Both breakdowns together ---------------------------------------------------------------------

linked_tables = st.tuples(
    st.integers(2, 5),  # organisations
    st.integers(2, 3),  # respondent groups
    st.integers(3, 5),  # threshold
).flatmap(
    lambda shape: st.tuples(
        st.lists(st.integers(0, 9), min_size=shape[0] * shape[1], max_size=shape[0] * shape[1]),
        st.lists(st.one_of(st.none(), st.sampled_from(["p", "q"])), min_size=shape[0], max_size=shape[0]),
        st.just(shape),
    )
)


def _unpack(table):
    """Organisations, groups, (organisation, group) cell counts, sectors and the threshold."""
    sizes, sectors, (n_orgs, n_groups, threshold) = table
    orgs = [f"org{i}" for i in range(n_orgs)]
    groups = [f"grp{j}" for j in range(n_groups)]
    cells = {(o, g): sizes[i * n_groups + j] for i, o in enumerate(orgs) for j, g in enumerate(groups)}
    parent_of = {o: sector for o, sector in zip(orgs, sectors, strict=True) if sector}
    return orgs, groups, cells, parent_of, threshold


@settings(max_examples=250, deadline=None)
@given(linked_tables)
def test_no_combination_of_both_breakdowns_isolates_fewer_than_the_threshold(table):
    orgs, groups, cells, parent_of, threshold = _unpack(table)
    by_org, by_group = disclosure.suppress_linked(cells, threshold, (orgs, groups), (parent_of, None))

    # The unknowns are the non-empty cells (someone may know which are empty); a shown node's
    # figure is the sum of the cells beneath it.
    people = [cell for cell, count in cells.items() if count > 0]
    if not people:
        return

    def under(node, side, suppression):
        if node == ROOT:
            return set(people)
        if side == 0:
            return {c for c in people if c[0] == node or parent_of.get(c[0]) == node}
        return {c for c in people if c[1] == node}

    shown = []
    for side, suppression in ((0, by_org), (1, by_group)):
        for node, count in suppression.counts.items():
            if suppression.shown(node):
                assert count == 0 or count >= threshold
                members = under(node, side, suppression)
                shown.append([Fraction(int(c in members)) for c in people])
    base = _rank(shown)
    small = [c for c in people if cells[c] < threshold]
    for size in range(1, len(small) + 1):
        for subset in itertools.combinations(small, size):
            total = sum(cells[c] for c in subset)
            if total >= threshold:
                continue
            vector = [Fraction(int(c in subset)) for c in people]
            assert _rank([*shown, vector]) > base, f"{subset} ({total} people) can be worked out from both breakdowns"


def test_a_group_living_in_one_organisation_cannot_expose_its_colleagues():
    # The council has 5 elected members and 2 frontline staff; everyone else is frontline.
    # Council (7) and elected members (5) are each big enough, but council − elected members
    # would give the council's 2 frontline staff, so something more must be hidden.
    cells = {
        ("council", "member"): 5,
        ("council", "frontline"): 2,
        ("police", "frontline"): 10,
        ("nhs", "frontline"): 10,
    }
    orgs, groups = ("council", "police", "nhs"), ("member", "frontline")
    by_org, by_group = disclosure.suppress_linked(cells, 5, (orgs, groups))
    # Each tree on its own would hide nothing.
    assert not suppress_small_groups({"council": 7, "police": 10, "nhs": 10}, 5).hidden
    assert not suppress_small_groups({"member": 5, "frontline": 22}, 5).hidden
    # Hiding both groups merges them (hiding only one would leave it as the total less the other);
    # the organisations, which reveal nothing on their own, all stay.
    assert by_group.hidden == {"member", "frontline"}
    assert by_org.hidden == set()


def test_linked_suppression_reaches_every_output():
    # The same council example through compute(): no group score for elected members or
    # frontline staff, while the organisations' scores are shown.
    cells, respondents = {}, {}
    for (organisation, group), n in {
        ("council", "member"): 5,
        ("council", "frontline"): 2,
        ("police", "frontline"): 10,
        ("nhs", "frontline"): 10,
    }.items():
        cells[("s1", organisation, group)] = Histogram.from_values([4] * n, 5)
        respondents[(organisation, group)] = n
    organisations = {"council": "Council", "police": "Police", "nhs": "NHS", None: "Not given"}
    groups = {"member": "Elected member", "frontline": "Frontline", None: "Not given"}
    inputs = Inputs(
        themes=[ThemeSpec("t1", ("s1",))],
        points=5,
        threshold=5,
        cells=cells,
        respondents=respondents,
        priorities={},
        dimensions=[
            Dimension("organisation", organisations, lambda o, g: o),
            Dimension("group", groups, lambda o, g: g),
        ],
    )
    results = compute(inputs)
    for item in ("s1", "t1"):
        shown_groups = {g.key for g in results.breakdowns["group"][item] if not g.score.hidden and g.score.n}
        shown_orgs = {g.key for g in results.breakdowns["organisation"][item] if not g.score.hidden and g.score.n}
        assert shown_groups == set()
        assert shown_orgs == {"council", "police", "nhs"}


@settings(max_examples=250, deadline=None)
@given(linked_tables)
def test_every_crossed_block_is_empty_or_at_least_the_threshold(table):
    # The stronger rule, which also defeats bounds and integer programming: the figures of both
    # breakdowns are all sums of crossed blocks, so none may hold 1 to threshold − 1 people.
    orgs, groups, cells, parent_of, threshold = _unpack(table)
    if sum(cells.values()) < threshold:
        return  # too few for any results at all: nothing is shown
    found = disclosure.suppress_linked(cells, threshold, (orgs, groups), (parent_of, None))
    blocks = disclosure._blocks(cells, found, (parent_of, None))
    assert all(count == 0 or count >= threshold for count in blocks.values()), blocks
    # Each tree alone is always a safe answer, so the chosen one never shows fewer groups than it.
    alone = suppress_small_groups({o: sum(cells[(o, g)] for g in groups) for o in orgs}, threshold, parent_of)
    shown = sum(1 for s in found for node, n in s.counts.items() if node != ROOT and n and s.shown(node))
    assert shown >= sum(1 for node, n in alone.counts.items() if node != ROOT and n and alone.shown(node))
