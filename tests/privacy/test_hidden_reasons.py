"""Why a figure is hidden: "fewer than 5" only where true, "hidden to protect a smaller group"
where that is why, and neither where telling them apart would narrow a small group down.

The attack: a reader who sees every shown count, which groups are hidden and the words beside
them, and knows the rules, lists every set of group sizes that would have produced exactly that
page. Whatever a group said to have "fewer than 5" could hold on a page without the words, it
must still be able to hold with them.
"""

import itertools
from collections import defaultdict

from together.analysis.disclosure import FEWER, PROTECTS, ROOT, WITHHELD, hidden_reasons, suppress_small_groups
from together.analysis.histogram import Histogram
from together.analysis.results import Dimension, Inputs, ThemeSpec, compute

THRESHOLD = 3
# Two sectors of two organisations each, and one organisation in no sector.
PARENT_OF = {"a": "P", "b": "P", "c": "Q", "d": "Q"}
LEAVES = ("a", "b", "c", "d", "e")


def naive(suppression, threshold, parent_of=None, fixed=()):
    """A weakened copy: every hidden group's true reason, whatever it gives away."""
    return {node: FEWER if suppression.counts[node] < threshold else PROTECTS for node in suppression.hidden}


def page(sizes, label):
    """What a reader sees: each node's count or its hidden words."""
    found = suppress_small_groups(dict(zip(LEAVES, sizes, strict=True)), THRESHOLD, PARENT_OF)
    words = label(found, THRESHOLD, PARENT_OF)
    view = tuple(
        (node, words.get(node, WITHHELD) if node in found.hidden else found.counts[node])
        for node in sorted(found.counts, key=str)
    )
    return view, found, words


def narrowed(label, largest=6):
    """Groups said to have fewer than the threshold whose possible sizes the other words cut down."""
    with_words, without_words = defaultdict(list), defaultdict(list)
    for sizes in itertools.product(range(largest + 1), repeat=len(LEAVES)):
        view, found, words = page(sizes, label)
        with_words[view].append(sizes)
        plain = tuple((node, WITHHELD if isinstance(shown, str) else shown) for node, shown in view)
        without_words[plain].append((sizes, found))
    found_narrowed = []
    for view, worlds in with_words.items():
        plain = tuple((node, WITHHELD if isinstance(shown, str) else shown) for node, shown in view)
        for index, leaf in enumerate(LEAVES):
            if dict(view).get(leaf) != FEWER:
                continue
            possible = {sizes[index] for sizes in worlds}
            # Told only that this one group is small, the reader could not rule these out.
            owed = {sizes[index] for sizes, _found in without_words[plain] if sizes[index] < THRESHOLD}
            if possible != owed:
                found_narrowed.append((view, leaf, sorted(possible), sorted(owed)))
    return found_narrowed


def test_no_group_said_to_be_small_is_narrowed_down_by_the_other_words():
    assert narrowed(hidden_reasons) == []


def test_the_attack_finds_what_telling_every_reason_gives_away():
    # Telling every hidden group's real reason pins small groups down.
    leaks = narrowed(naive)
    assert leaks
    view, leaf, possible, owed = leaks[0]
    assert len(possible) < len(owed)


def test_a_group_hidden_only_to_protect_a_smaller_one_is_not_called_small():
    found = suppress_small_groups({"council": 20, "police": 9, "college": 2}, 5)
    assert found.hidden == {"police", "college"}
    reasons = hidden_reasons(found, 5)
    assert reasons == {"college": FEWER, "police": PROTECTS}


def test_small_groups_hidden_together_are_not_told_apart():
    # Between them 2 and 3 make 5; "fewer than 5" for both would say each holds 1 to 4, and with
    # the sum known each could hold only 1 to 3 (at 3 and 2 = 5, 4 is impossible).
    found = suppress_small_groups({"council": 20, "college": 2, "trust": 3}, 5)
    assert found.hidden == {"college", "trust"}
    assert hidden_reasons(found, 5) == {"college": WITHHELD, "trust": WITHHELD}


def test_the_choice_of_words_depends_only_on_what_is_shown():
    # Hidden sizes 1 and 6, or 3 and 4: both pages show 7 hidden people in two groups, so both
    # must withhold the words, or a reader would know which split it is (and that one is 1).
    first = suppress_small_groups({"council": 20, "college": 1, "trust": 6}, 5)
    second = suppress_small_groups({"council": 20, "college": 3, "trust": 4}, 5)
    assert first.hidden == second.hidden == {"college", "trust"}
    assert set(hidden_reasons(first, 5).values()) == set(hidden_reasons(second, 5).values()) == {WITHHELD}


def test_a_sector_with_two_hidden_organisations_is_not_called_small():
    # Hidden: a (1) and b (1) of sector S, and c (6) to protect them. Saying that S has fewer
    # than 3 would tell that a and b hold one person each.
    parent_of = {"a": "S", "b": "S"}
    found = suppress_small_groups({"a": 1, "b": 1, "c": 6, "big": 40}, 3, parent_of)
    assert found.hidden == {"a", "b", "c", "S"}
    reasons = hidden_reasons(found, 3, parent_of)
    assert reasons == {"a": FEWER, "b": FEWER, "c": PROTECTS, "S": WITHHELD}


def test_nothing_is_told_when_everyone_is_hidden():
    found = suppress_small_groups({"a": 1, "b": 1}, 5)
    assert ROOT in found.hidden
    assert set(hidden_reasons(found, 5).values()) == {WITHHELD}


def test_fixed_groups_keep_the_callers_reason_and_withhold_their_neighbours():
    found = suppress_small_groups({"council": 20, "police": 9, "college": 2}, 5, hide={"police"})
    reasons = hidden_reasons(found, 5, fixed={"police"})
    assert reasons == {"college": WITHHELD}


def _round(sizes_by_org, threshold=5):
    """A one-statement round whose organisations have these sizes; everyone rates it 3."""
    orgs = list(sizes_by_org)
    respondents = {(o, None): n for o, n in sizes_by_org.items() if n}
    cells = {("s1", o, None): Histogram.from_values([3] * n, 5) for o, n in sizes_by_org.items() if n}
    inputs = Inputs(
        themes=[ThemeSpec("t1", ("s1",))],
        points=5,
        threshold=threshold,
        respondents=respondents,
        cells=cells,
        priorities={},
        dimensions=[Dimension("organisation", {o: o for o in orgs}, lambda o, g: o)],
    )
    return compute(inputs)


def test_results_carry_the_words_on_group_sizes_theme_and_statement_cells():
    results = _round({"council": 20, "police": 9, "college": 2})
    sizes = {g.key: g.score for g in results.group_sizes["organisation"]}
    assert sizes["college"].hidden_reason == FEWER and sizes["police"].hidden_reason == PROTECTS
    assert sizes["council"].hidden_reason is None and not sizes["council"].hidden
    for item in ("t1", "s1"):
        cells = {g.key: g.score for g in results.breakdowns["organisation"][item]}
        assert cells["college"].hidden_reason == FEWER
        assert cells["police"].hidden_reason == PROTECTS
