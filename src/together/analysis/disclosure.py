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
   people, so their figures are checked together too (:func:`suppress_linked`): no sum of cells
   (organisation × group) that can be worked out from both trees' shown figures may hold 1 to
   ``threshold − 1`` people. When one can, one more node is hidden and both trees are checked again.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

ROOT = "__all__"


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


# Beyond this many blocks on the smaller side, checking every combination would be slow; the
# smaller breakdown is then hidden altogether, which is always safe.
MAX_LINKED_BLOCKS = 16


def suppress_linked(
    cells: Mapping[tuple[Hashable, Hashable], int],
    threshold: int,
    leaves: tuple[Iterable[Hashable], Iterable[Hashable]],
    parent_of: tuple[Mapping[Hashable, Hashable] | None, Mapping[Hashable, Hashable] | None] = (None, None),
    hide: tuple[Iterable[Hashable], Iterable[Hashable]] = ((), ()),
) -> tuple[Suppression, Suppression]:
    """Suppress two breakdowns of the same people so that neither alone nor both together reveal
    fewer than ``threshold`` of them.

    ``cells`` counts people by (leaf of the first breakdown, leaf of the second), for example
    (organisation, respondent group); each breakdown is a tree as for :func:`suppress_small_groups`.

    Why and how: each tree's shown figures tell exactly the totals of its *blocks*, the residuals
    of its shown nodes (see the module notes). Someone who also knows which (block × block) cells
    are empty can work out the total of a set of cells S exactly when its indicator is
    f(row) + g(column) on every non-empty cell. The smallest such sets are the cells joining the
    rows that touch a chosen set of columns X to the columns outside X, provided no row outside
    those touches X; so checking every X over the breakdown with fewer blocks finds every
    combination that could isolate people. Each one holding 1 to ``threshold − 1`` people hides the
    smallest shown node involved, and the whole check repeats: hiding only ever merges blocks, so
    it ends, at worst with one block a side, which reveals nothing beyond the overall total.
    """
    first_leaves, second_leaves = (dict.fromkeys(side, 0) for side in leaves)
    for (a, b), count in cells.items():
        first_leaves[a] = first_leaves.get(a, 0) + count
        second_leaves[b] = second_leaves.get(b, 0) + count
    forced = (set(hide[0]), set(hide[1]))
    while True:
        first = suppress_small_groups(first_leaves, threshold, parent_of[0], forced[0])
        second = suppress_small_groups(second_leaves, threshold, parent_of[1], forced[1])
        blocks = _blocks(cells, (first, second), parent_of)
        rows_side = 0 if len({b for _a, b in blocks}) <= len({a for a, _b in blocks}) else 1
        columns = sorted({key[1 - rows_side] for key in blocks}, key=str)
        if len(columns) > MAX_LINKED_BLOCKS:
            everything = (first_leaves, second_leaves)[1 - rows_side].keys() | set(
                (parent_of[1 - rows_side] or {}).values()
            )
            forced[1 - rows_side].update(everything)
            continue
        found = _smallest_isolating_node(blocks, rows_side, columns, threshold, (first, second), parent_of)
        if found is None:
            return first, second
        side, node = found
        forced[side].add(node)


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


def _smallest_isolating_node(blocks, rows_side, columns, threshold, suppressions, parent_of):
    """A (side, node) to hide because some worked-out sum of cells is too small, or None."""
    index = {column: i for i, column in enumerate(columns)}
    cells_of_row: dict[Hashable, dict[int, int]] = {}
    for key, count in blocks.items():
        cells_of_row.setdefault(key[rows_side], {})[index[key[1 - rows_side]]] = count
    # Rows that touch the same columns behave alike: add them up, keeping who they are.
    groups: dict[int, tuple[list, list[int]]] = {}
    for row, cells in cells_of_row.items():
        mask = sum(1 << i for i in cells)
        rows, totals = groups.setdefault(mask, ([], [0] * len(columns)))
        rows.append(row)
        for i, count in cells.items():
            totals[i] += count
    bits = {mask: [i for i in range(len(columns)) if mask >> i & 1] for mask in groups}
    full = (1 << len(columns)) - 1
    for chosen in range(1, full):
        people = 0
        for mask, (_rows, totals) in groups.items():
            outside = mask & ~chosen
            if mask & chosen and outside:
                people += sum(totals[i] for i in bits[mask] if outside >> i & 1)
                if people >= threshold:
                    break
        if 0 < people < threshold:
            involved_rows, involved_columns = [], set()
            for mask, (rows, _totals) in groups.items():
                if mask & chosen and mask & ~chosen:
                    involved_rows.extend(rows)
                    involved_columns.update(columns[i] for i in bits[mask])
            candidates = [(rows_side, r) for r in involved_rows if r != ROOT] + [
                (1 - rows_side, c) for c in involved_columns if c != ROOT
            ]
            if not candidates:  # only the two "everyone else" blocks meet: hide a shown column
                candidates = [(1 - rows_side, c) for c in columns if c != ROOT]
            return _most_useful(candidates, blocks, suppressions, parent_of)
    return None


def _most_useful(candidates, blocks, suppressions, parent_of):
    """The candidate to hide. Hiding a node helps only when it joins a block that already holds
    people (otherwise the new block is the old node under another name), so such nodes come
    first; then the smallest."""
    held: tuple[dict, dict] = ({}, {})
    for key, count in blocks.items():
        for side in (0, 1):
            held[side][key[side]] = held[side].get(key[side], 0) + count

    def order(candidate):
        side, node = candidate
        parent = (parent_of[side] or {}).get(node)
        joins = parent if parent is not None and suppressions[side].shown(parent) else ROOT
        merges = joins != node and held[side].get(joins, 0) > 0
        return (not merges, suppressions[side].counts.get(node, 0), str(node), side)

    return min(candidates, key=order)
