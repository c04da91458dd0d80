"""An insider's toolkit: what can be worked out from the files a role downloads.

The attacker knows the partnership's structure (its organisations, their sectors and its
respondent groups, all public to members) and holds every output for a round: the results as
JSON (the same figures as every page, the report and the API) and, for facilitators, the
response-level rows. The unknowns are, for each cell (organisation × respondent group), how many
people it holds and how many of them gave each answer to each statement. Every shown figure is a
linear equation in those unknowns; counts are whole and never negative.

Two attacks use that:

- :func:`linear_leaks` – exact linear combination: is there a set of cells whose total is
  determined by the equations alone and holds 1 to threshold − 1 people? Asked as an integer
  programme over the set's indicator (0/1 per non-empty cell) and the equations' multipliers.
- :func:`bound_leaks` – integer programming: for each cell with 1 to threshold − 1 people, the
  least number of its people who can have given each answer, over every table of whole,
  non-negative counts that agrees with everything shown. At least one means that answer is
  known to come from one of fewer than threshold people.

The test knows the true cell counts (it made the round); the attacker does not, and each attack
uses them only to decide whether what it found is about fewer than the threshold.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

DK = "dk"


@dataclass
class Structure:
    """What every member knows: organisations with their sector labels, and the groups."""

    organisations: dict[int, tuple[str, str]]  # id → (name, sector label)
    groups: dict[int, str]  # id → name
    not_given: str = "Not given"

    @property
    def org_leaves(self) -> list:
        return [*self.organisations, None]

    @property
    def group_leaves(self) -> list:
        return [*self.groups, None]

    def cells(self) -> list[tuple]:
        return [(o, g) for o in self.org_leaves for g in self.group_leaves]

    def members(self, breakdown: str, label: str) -> set[tuple]:
        """The cells a shown figure adds up."""
        cells = self.cells()
        if breakdown == "all":
            return set(cells)
        if breakdown == "organisation":
            if label == self.not_given:
                return {c for c in cells if c[0] is None}
            return {c for c in cells if c[0] is not None and self.organisations[c[0]][0] == label}
        if breakdown == "sector":
            return {c for c in cells if c[0] is not None and self.organisations[c[0]][1] == label}
        if breakdown == "group":
            if label == self.not_given:
                return {c for c in cells if c[1] is None}
            return {c for c in cells if c[1] is not None and self.groups[c[1]] == label}
        raise ValueError(breakdown)


@dataclass
class Shown:
    """The equations an output gives: people per node, and per statement the count of each answer."""

    people: dict[frozenset, int] = field(default_factory=dict)
    answers: dict[str, dict[frozenset, dict]] = field(default_factory=lambda: defaultdict(dict))


def read_results(payload: dict, structure: Structure) -> Shown:
    """The equations in a round's results JSON."""
    shown = Shown()
    for row in payload["rows"]:
        if row["people"] is not None:
            shown.people[frozenset(structure.members(row["breakdown"], row["group"]))] = row["people"]
    for row in payload["rows"]:
        if row["level"] != "statement" or row["shown"] != "yes" or row["answered"] is None:
            continue
        cells = frozenset(structure.members(row["breakdown"], row["group"]))
        answered = row["answered"]
        counts = {v: round(row[f"share_{v}"] * answered) for v in range(1, 6)}
        people = shown.people.get(cells)
        if people is not None:
            # Every response answers every statement, with a rating or "don't know".
            counts[DK] = people - answered
        shown.answers[row["id"]][cells] = counts
    return shown


def read_rows(header: list[str], rows: list[list], structure: Structure) -> Shown:
    """The equations in response-level rows: each distinct set of labels is a node. A row with no
    organisation label belongs to the organisations no row names (within its sector, if it has
    one); a row with no group label to the groups no row names."""
    by_labels: dict[tuple, list] = defaultdict(list)
    for row in rows:
        by_labels[tuple(row[:3])].append(row)
    named_orgs = {labels[0] for labels in by_labels if labels[0]}
    named_groups = {labels[2] for labels in by_labels if labels[2]}
    org_name = {o: (structure.not_given if o is None else structure.organisations[o][0]) for o in structure.org_leaves}
    group_name = {g: (structure.not_given if g is None else structure.groups[g]) for g in structure.group_leaves}

    def organisations_for(organisation: str, sector: str) -> set:
        if organisation:
            return {o for o in structure.org_leaves if org_name[o] == organisation}
        unnamed = {o for o in structure.org_leaves if org_name[o] not in named_orgs}
        if sector:
            return {o for o in unnamed if o is not None and structure.organisations[o][1] == sector}
        named_sectors = {labels[1] for labels in by_labels if labels[1] and not labels[0]}
        return {o for o in unnamed if o is None or structure.organisations[o][1] not in named_sectors}

    shown = Shown()
    statements = header[3:-1]
    for (organisation, sector, group), members in by_labels.items():
        organisations = organisations_for(organisation, sector)
        groups = (
            {g for g in structure.group_leaves if group_name[g] == group}
            if group
            else {g for g in structure.group_leaves if group_name[g] not in named_groups}
        )
        key = frozenset((o, g) for o in organisations for g in groups)
        shown.people[key] = shown.people.get(key, 0) + len(members)
        for index, statement in enumerate(statements, start=3):
            if all(row[index] == "" for row in members):
                continue  # left empty: the rows say nothing of this statement
            counts = shown.answers[statement].setdefault(key, dict.fromkeys([1, 2, 3, 4, 5, DK], 0))
            for row in members:
                if row[index] != "":  # empty: this person left the statement unanswered
                    counts[DK if row[index] == "dk" else int(row[index])] += 1
    return shown


def combine(*outputs: Shown) -> Shown:
    together = Shown()
    for output in outputs:
        together.people.update(output.people)
        for statement, nodes in output.answers.items():
            together.answers[statement].update(nodes)
    return together


def _equations(nodes: dict[frozenset, int], cells: list) -> tuple[np.ndarray, np.ndarray]:
    index = {cell: i for i, cell in enumerate(cells)}
    rows, totals = [], []
    for members, total in nodes.items():
        row = np.zeros(len(cells))
        for cell in members:
            if cell in index:
                row[index[cell]] = 1
        rows.append(row)
        totals.append(total)
    return np.array(rows), np.array(totals, dtype=float)


def linear_leaks(nodes: dict[frozenset, int], truth: dict[tuple, int], threshold: int) -> list[set]:
    """Sets of cells whose total the shown figures determine exactly and that hold 1 to
    ``threshold − 1`` people. Found by integer programming over the set's 0/1 indicator z and
    real multipliers y with z = Aᵀy on the non-empty cells; one set is returned per round of
    search, excluding those already found, up to three."""
    cells = [c for c, n in truth.items() if n > 0]
    if not cells or not nodes:
        return []
    matrix, _totals = _equations(nodes, cells)
    n_cells, n_rows = len(cells), matrix.shape[0]
    people = np.array([truth[c] for c in cells], dtype=float)
    # Variables: z (n_cells, binary), then y (n_rows, free).
    equality = np.hstack([np.eye(n_cells), -matrix.T])
    constraints = [
        LinearConstraint(equality, np.zeros(n_cells), np.zeros(n_cells)),
        LinearConstraint(np.concatenate([people, np.zeros(n_rows)])[None, :], 1, threshold - 1),
    ]
    integrality = np.concatenate([np.ones(n_cells), np.zeros(n_rows)])
    bounds = Bounds(
        np.concatenate([np.zeros(n_cells), np.full(n_rows, -1e3)]),
        np.concatenate([np.ones(n_cells), np.full(n_rows, 1e3)]),
    )
    found: list[set] = []
    for _ in range(3):
        result = milp(np.zeros(n_cells + n_rows), constraints=constraints, integrality=integrality, bounds=bounds)
        if result.status != 0:
            break
        chosen = {cells[i] for i in range(n_cells) if result.x[i] > 0.5}
        # Check it exactly: the indicator must be in the row space (rank does not grow).
        vector = np.array([1.0 if c in chosen else 0.0 for c in cells])
        if np.linalg.matrix_rank(np.vstack([matrix, vector])) > np.linalg.matrix_rank(matrix):
            break
        found.append(chosen)
        cut = np.concatenate([np.where(vector > 0, 1.0, -1.0), np.zeros(n_rows)])
        constraints.append(LinearConstraint(cut[None, :], -np.inf, vector.sum() - 1))
    return found


def bound_leaks(shown: Shown, structure: Structure, truth: dict[tuple, int], threshold: int, statements) -> list:
    """(cell, statement, answer, least) for every small cell that must hold someone who gave that
    answer, whatever the unknown counts are (integer programming)."""
    cells = structure.cells()
    small = [c for c in cells if 0 < truth.get(c, 0) < threshold]
    values = [1, 2, 3, 4, 5, DK]
    leaks = []
    people_rows, people_totals = _equations(shown.people, cells)
    for statement in statements:
        nodes = shown.answers.get(statement, {})
        if not nodes or not small:
            continue
        n, m = len(cells), len(values)
        # Variables: x[cell, value] for every cell and answer, laid out cell-major.
        blocks, lower, upper = [], [], []
        for members, counts in nodes.items():
            for j, value in enumerate(values):
                if value not in counts:
                    continue
                row = np.zeros(n * m)
                for i, cell in enumerate(cells):
                    if cell in members:
                        row[i * m + j] = 1
                blocks.append(row)
                lower.append(counts[value])
                upper.append(counts[value])
        # People per node: the sum of a cell's answers is its people.
        for row, total in zip(people_rows, people_totals, strict=True):
            blocks.append(np.repeat(row, m))
            lower.append(total)
            upper.append(total)
        constraint = LinearConstraint(np.array(blocks), np.array(lower), np.array(upper))
        for cell in small:
            i = cells.index(cell)
            for j, value in enumerate(values):
                objective = np.zeros(n * m)
                objective[i * m + j] = 1
                result = milp(objective, constraints=[constraint], integrality=np.ones(n * m), bounds=Bounds(0, np.inf))
                if result.status == 0 and result.fun > 0.5:
                    leaks.append((cell, statement, value, round(result.fun)))
    return leaks


def frechet_leaks(shown: Shown, truth: dict[tuple, int], threshold: int) -> list:
    """The quick form of :func:`bound_leaks`: for two shown figures A and B of one statement and a
    shown figure U covering both (everyone, at least), at least count(A) + count(B) − count(U) of
    the people in both A and B gave that answer. A leak when A ∩ B holds 1 to threshold − 1."""
    leaks = []
    for statement, nodes in shown.answers.items():
        items = list(nodes.items())
        for a, (cells_a, counts_a) in enumerate(items):
            for cells_b, counts_b in items[a + 1 :]:
                both = cells_a & cells_b
                held = sum(truth.get(c, 0) for c in both)
                if not 0 < held < threshold:
                    continue
                covers = [counts for cells, counts in items if cells >= cells_a | cells_b]
                for value, count in counts_a.items():
                    if value not in counts_b:
                        continue
                    least = max((count + counts_b[value] - u[value] for u in covers if value in u), default=0)
                    if least > 0:
                        leaks.append((both, statement, value, least))
    return leaks
