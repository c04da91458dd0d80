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
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

ROOT = "__all__"


@dataclass(frozen=True)
class Suppression:
    hidden: frozenset
    counts: Mapping[Hashable, int]

    def shown(self, key) -> bool:
        return key not in self.hidden


def suppress_small_groups(
    leaves: Mapping[Hashable, int], threshold: int, parent_of: Mapping[Hashable, Hashable] | None = None
) -> Suppression:
    """Decide which nodes to hide. ``parent_of`` maps a leaf to its parent (two-level trees)."""
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

    hidden = {node for node, count in counts.items() if 0 < count < threshold}

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
