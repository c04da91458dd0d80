"""Disclosure control: which groups' figures may be shown without revealing anyone.

A breakdown is a tree: everyone at the root, optionally parents (sectors) below it, and leaves
(organisations, or respondent groups) at the bottom. Each node has a count of people.

Rules, applied together:

1. **Primary suppression.** A node with 1 to ``threshold − 1`` people is hidden. Empty nodes are
   shown as having no responses: they reveal nothing.
2. **Complementary suppression.** Subtracting a shown node's visible parts from it reveals its
   *residual*: the people under it who are not inside any shown node nearer to them. For every
   shown node the residual must hold no one or at least ``threshold`` people. When it does not,
   the smallest shown part is hidden too, and the check runs again.

Every leaf belongs to the residual of exactly one shown node (its nearest shown ancestor), so the
residuals are disjoint and any sum or difference of shown figures is a combination of whole
residuals. Each residual is empty or holds at least ``threshold`` people, so no combination of
shown figures can isolate fewer than ``threshold`` people within a breakdown.

3. **Linked breakdowns.** The organisation and the respondent-group breakdowns count the same
   people, so they are checked together too (:func:`suppress_linked`): every *crossed block*
   (a block of one tree × a block of the other) must be empty or hold at least ``threshold``
   people. Everything both trees show is a function of the crossed blocks' figures, so not even
   bounds or integer programming over all of it can reach fewer than ``threshold`` people.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

ROOT = "__all__"

# Why a node is hidden, as a reader may be told it (see :func:`hidden_reasons`).
FEWER = "fewer"  # it has fewer than the threshold
PROTECTS = "protects"  # it has at least the threshold, and is hidden to protect a smaller group
WITHHELD = "withheld"  # either: telling which would itself narrow down a small group


@dataclass(frozen=True)
class Suppression:
    hidden: frozenset
    counts: Mapping[Hashable, int]

    def shown(self, key) -> bool:
        return key not in self.hidden


def suppress_small_groups(
    leaves: Mapping[Hashable, int],
    threshold: int,
    parent_of: Mapping[Hashable, Hashable] | None = None,
    hide: Iterable[Hashable] = (),
) -> Suppression:
    """Decide which nodes to hide. ``parent_of`` maps a leaf to its parent (two-level trees);
    ``hide`` names nodes that must be hidden whatever their size."""
    parent_of = parent_of or {}
    parents: dict[Hashable, int] = {}
    for leaf, count in leaves.items():
        if leaf in parent_of:
            parents[parent_of[leaf]] = parents.get(parent_of[leaf], 0) + count
    counts: dict[Hashable, int] = {**leaves, **parents, ROOT: sum(leaves.values())}
    children: dict[Hashable, list] = {ROOT: [*parents, *(leaf for leaf in leaves if leaf not in parent_of)]}
    for leaf in leaves:
        if leaf in parent_of:
            children.setdefault(parent_of[leaf], []).append(leaf)

    hidden = {node for node, count in counts.items() if 0 < count < threshold} | (set(hide) & set(counts) - {ROOT})

    def frontier(node) -> tuple[list, int]:
        """The shown nodes nearest below ``node``, and the people in its residual."""
        shown_parts, residual = [], 0
        for child in children.get(node, []):
            if child not in hidden:
                shown_parts.append(child)
            elif child in children:
                parts, rest = frontier(child)
                shown_parts.extend(parts)
                residual += rest
            else:
                residual += counts[child]
        return shown_parts, residual

    changed = True
    while changed:
        changed = False
        for node in [ROOT, *parents]:
            if node in hidden:
                continue
            parts, residual = frontier(node)
            if 0 < residual < threshold:
                hidden.add(_next_to_hide(node, parts, counts, children, frontier))
                changed = True
                break
    return Suppression(frozenset(hidden), counts)


def _next_to_hide(node, parts, counts, children, frontier):
    """The shown part whose hiding adds people to ``node``'s residual at the least cost.

    Hiding a leaf adds all its people; hiding a parent adds only its own residual, so a parent
    whose parts are all shown would add nobody. Among parts that add someone, the one covering
    fewest people is chosen; if none would, the smallest part is hidden and the check repeats.
    """

    def gain(part) -> int:
        return frontier(part)[1] if part in children else counts[part]

    useful = [p for p in parts if counts[p] > 0 and gain(p) > 0]
    if useful:
        return min(useful, key=lambda p: (counts[p], str(p)))
    candidates = [p for p in parts if counts[p] > 0]
    if candidates:
        return min(candidates, key=lambda p: (counts[p], str(p)))
    return node


def suppress_linked(
    cells: Mapping[tuple[Hashable, Hashable], int],
    threshold: int,
    leaves: tuple[Iterable[Hashable], Iterable[Hashable]],
    parent_of: tuple[Mapping[Hashable, Hashable] | None, Mapping[Hashable, Hashable] | None] = (None, None),
    hide: tuple[Iterable[Hashable], Iterable[Hashable]] = ((), ()),
) -> tuple[Suppression, Suppression]:
    """Suppress two breakdowns of the same people so that nothing shown, alone or together, and
    whatever the method used to combine it, reveals anything about fewer than ``threshold`` of them.

    ``cells`` counts people by (leaf of the first breakdown, leaf of the second), for example
    (organisation, respondent group); each breakdown is a tree as for :func:`suppress_small_groups`.

    Why and how: each tree's shown figures are sums over its *blocks*, the residuals of its shown
    nodes (see the module notes), so everything shown from both trees is a function of the figures
    of the *crossed blocks*: the people in (block of the first tree × block of the second). If one
    of those held 1 to ``threshold − 1`` people, subtraction would not always find it, but bounds
    could: when the only "strongly disagree" to a statement is in organisation A and also among
    elected members, the one elected member of A gave it. So every crossed block must be empty or
    hold at least ``threshold`` people. Then whatever is worked out, by linear algebra, by bounds
    or by integer programming, is at best a crossed block's figures, and within a block people
    cannot be told apart.

    While some crossed block is too small, one more node is hidden, which merges blocks. Four ways
    are tried — hiding on the first tree by preference, or on the second, and showing either tree
    alone — and the one that keeps most groups shown wins, the first tree (organisations) on a tie.
    Hiding only ever merges blocks, so each ends; with one tree hidden altogether the crossed
    blocks are the other tree's blocks, each empty or at least ``threshold`` by its own rules.
    """
    first_leaves, second_leaves = (dict.fromkeys(side, 0) for side in leaves)
    for (a, b), count in cells.items():
        first_leaves[a] = first_leaves.get(a, 0) + count
        second_leaves[b] = second_leaves.get(b, 0) + count
    totals = (first_leaves, second_leaves)

    def every_node(side: int) -> set:
        return set(totals[side]) | set((parent_of[side] or {}).values())

    def attempt(preferred: int, hidden_side: int | None = None) -> tuple[Suppression, Suppression]:
        forced = (set(hide[0]), set(hide[1]))
        if hidden_side is not None:
            forced[hidden_side].update(every_node(hidden_side))
        while True:
            found = tuple(suppress_small_groups(totals[i], threshold, parent_of[i], forced[i]) for i in (0, 1))
            blocks = _blocks(cells, found, parent_of)
            small = [(count, str(key), key) for key, count in blocks.items() if 0 < count < threshold]
            if not small:
                return found  # type: ignore[return-value]
            _count, _name, key = min(small)
            if key != (ROOT, ROOT):
                side = preferred if key[preferred] != ROOT else 1 - preferred
                forced[side].add(key[side])
                continue
            # The people in neither tree's shown groups are too few: merge a shown group into them.
            for side in (preferred, 1 - preferred):
                shown = [
                    (c, str(n), n) for n, c in found[side].counts.items() if n != ROOT and c and found[side].shown(n)
                ]
                if shown:
                    forced[side].add(min(shown)[2])
                    break
            else:
                # Nothing is shown below everyone: only the overall figure is left, and whether
                # that may be shown is decided by the threshold on the whole round (or statement).
                return found  # type: ignore[return-value]

    def kept(result) -> tuple[int, int]:
        shown = [sum(1 for node, count in s.counts.items() if node != ROOT and count and s.shown(node)) for s in result]
        return (sum(shown), shown[0])

    # Two greedy orders, and each tree alone (always safe): the one that shows most wins.
    return max((attempt(0), attempt(1), attempt(0, hidden_side=1), attempt(1, hidden_side=0)), key=kept)


def _owner(leaf, suppression: Suppression, parent_of: Mapping | None):
    """The shown node whose residual holds ``leaf``: itself, its parent, or everyone."""
    if suppression.shown(leaf):
        return leaf
    parent = (parent_of or {}).get(leaf)
    if parent is not None and suppression.shown(parent):
        return parent
    return ROOT


def _blocks(cells, suppressions, parent_of) -> dict[tuple, int]:
    blocks: dict[tuple, int] = {}
    for (a, b), count in cells.items():
        if count:
            key = (_owner(a, suppressions[0], parent_of[0]), _owner(b, suppressions[1], parent_of[1]))
            blocks[key] = blocks.get(key, 0) + count
    return blocks


def hidden_reasons(
    suppression: Suppression,
    threshold: int,
    parent_of: Mapping[Hashable, Hashable] | None = None,
    fixed: Iterable[Hashable] = (),
) -> dict[Hashable, str]:
    """Why each hidden node is hidden, in words a reader may be given: :data:`FEWER`,
    :data:`PROTECTS`, or :data:`WITHHELD` where telling which would itself disclose.

    For every shown node a reader can work out how many people its hidden parts hold between
    them (its residual, see the module notes). Being told that a part has fewer than the
    threshold is fair; being told as well that the others hold at least the threshold each can
    narrow that part down, to exactly one person at worst. With ``k`` hidden leaves in a residual
    of ``r`` people, whatever their sizes, a part with fewer than the threshold can still hold
    anything from 1 to ``threshold − 1`` however the others are labelled exactly when
    ``r ≥ k × threshold − 1``. Only then are the two reasons told apart in that residual; else its
    parts are all :data:`WITHHELD`. The test uses only what the reader already has (``r`` and
    ``k``), so falling back says nothing about which parts are small.

    A hidden parent with two or more hidden, non-empty parts is always :data:`WITHHELD` (calling
    it small would bound each of its parts more tightly), and so is everything when no one at all
    is shown. ``fixed`` names nodes whose reason the caller gives from another breakdown (a
    statement's cells take a group's reason from the people breakdown); a residual holding one of
    them is :data:`WITHHELD` throughout, as its reason would bound the others'.
    """
    parent_of = parent_of or {}
    counts, hidden, fixed = suppression.counts, suppression.hidden, set(fixed)
    parents = set(parent_of.values())
    children: dict[Hashable, list] = {ROOT: []}
    for node in counts:
        if node == ROOT:
            continue
        owner = parent_of.get(node, ROOT) if node not in parents else ROOT
        children.setdefault(owner, []).append(node)

    reasons = dict.fromkeys(hidden - {ROOT}, WITHHELD)
    for owner in [ROOT, *parents]:
        if owner in hidden or owner not in counts:
            continue
        parts = [child for child in children.get(owner, []) if child in hidden]
        leaves = [p for p in parts if p not in parents]
        inner = [p for p in parts if p in parents]
        for parent in inner:
            leaves.extend(child for child in children.get(parent, []) if child in hidden)
        residual = sum(counts[leaf] for leaf in leaves)
        if fixed & {*parts, *leaves} or residual < len(leaves) * threshold - 1:
            continue
        for node in leaves:
            reasons[node] = FEWER if counts[node] < threshold else PROTECTS
        for parent in inner:
            parts_within = [c for c in children.get(parent, []) if c in hidden and counts[c] > 0]
            if len(parts_within) < 2:
                reasons[parent] = FEWER if counts[parent] < threshold else PROTECTS
    for node in fixed:
        reasons.pop(node, None)
    return reasons
