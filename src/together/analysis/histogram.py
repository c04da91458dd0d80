"""Counts of answers at each point of a rating scale, and the statistics drawn from them."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Histogram:
    """How many people chose each value 1..k, and how many said "don't know"."""

    counts: tuple[int, ...]
    dont_know: int = 0
    # People who chose a value on the scale; worked out once, as disclosure control asks often.
    answered: int = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "answered", sum(self.counts))

    @classmethod
    def empty(cls, points: int) -> Histogram:
        return cls((0,) * points, 0)

    @classmethod
    def from_values(cls, values: Iterable[int | None], points: int) -> Histogram:
        counts = [0] * points
        dont_know = 0
        for value in values:
            if value is None:
                dont_know += 1
            else:
                counts[value - 1] += 1
        return cls(tuple(counts), dont_know)

    @classmethod
    def from_cells(cls, cells: Mapping[int | None, int], points: int) -> Histogram:
        counts = tuple(int(cells.get(value, 0)) for value in range(1, points + 1))
        return cls(counts, int(cells.get(None, 0)))

    def __add__(self, other: Histogram) -> Histogram:
        return Histogram(
            tuple(a + b for a, b in zip(self.counts, other.counts, strict=True)),
            self.dont_know + other.dont_know,
        )

    @property
    def points(self) -> int:
        return len(self.counts)

    @property
    def responses(self) -> int:
        """Everyone who saw the statement, including "don't know"."""
        return self.answered + self.dont_know

    @property
    def mean(self) -> float | None:
        n = self.answered
        if not n:
            return None
        return sum(value * count for value, count in enumerate(self.counts, start=1)) / n

    @property
    def variance(self) -> float | None:
        """Sample variance (n − 1 in the denominator), as the rwg index uses."""
        n = self.answered
        if n < 2:
            return None
        mean = self.mean
        return sum(count * (value - mean) ** 2 for value, count in enumerate(self.counts, start=1)) / (n - 1)

    @property
    def sd(self) -> float | None:
        variance = self.variance
        return None if variance is None else math.sqrt(variance)

    @property
    def standard_error(self) -> float | None:
        """Of the mean: √(s² / n). None below two ratings."""
        variance = self.variance
        return None if variance is None else math.sqrt(variance / self.answered)

    @property
    def shares(self) -> tuple[float, ...]:
        """The share of those answering who chose each value."""
        n = self.answered
        return tuple(count / n for count in self.counts) if n else (0.0,) * self.points

    @property
    def dont_know_share(self) -> float:
        return self.dont_know / self.responses if self.responses else 0.0


@dataclass
class HistogramTable:
    """Histograms keyed by (item, group key): the shape the database returns."""

    points: int
    cells: dict[tuple[str, object], Histogram] = field(default_factory=dict)

    def add(self, item: str, group: object, value: int | None, count: int) -> None:
        current = self.cells.get((item, group)) or Histogram.empty(self.points)
        counts = list(current.counts)
        dont_know = current.dont_know
        if value is None:
            dont_know += count
        else:
            counts[value - 1] += count
        self.cells[(item, group)] = Histogram(tuple(counts), dont_know)
