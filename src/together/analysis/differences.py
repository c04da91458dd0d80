"""Whether groups really see a statement or theme differently, allowing for chance.

Groups (organisations, sectors or respondent groups) are compared a breakdown at a time. Every
pair of shown groups is compared with Welch's t test, on each group's mean and its standard
error; the p-values of all the pairs in that breakdown are adjusted together by Holm's method,
so that the chance of flagging any pair of a statement's groups when none really differs stays
under :data:`ALPHA` however many groups there are. What is reported is the pair with the
highest and the lowest mean; it is flagged as seen differently when both:

- its difference is at least a quarter of the scale's range (:data:`LARGE_SHARE`; large enough
  to matter): one whole point on a 1 to 5 scale, 0.75 on a 1 to 4 scale, 1.5 on a 1 to 7
  scale (see :func:`large_difference`), and
- its Holm-adjusted p-value is below :data:`ALPHA` (unlikely to be chance).

Its interval is the ordinary 95% Welch interval of that one difference, for reading the size.

For a theme, each group's standard error is the mean of its statements' standard errors and
its n the fewest ratings of any of its statements (as in :mod:`.change`): the same people answer
every statement, so this errs towards calling a difference chance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import stdtr

from .change import t_quantile, welch_df

ALPHA = 0.05
LARGE_SHARE = 0.25  # of the scale's range, between the highest and lowest group
LARGE = 1.0  # what that is on a five-level scale, in scale points


def large_difference(points: int) -> float:
    """The difference, in scale points, that is large enough to matter on a scale of this many
    levels numbered 1 to ``points``: a quarter of its range."""
    return LARGE_SHARE * (points - 1)


@dataclass(frozen=True)
class Compared:
    """One group's figures for a comparison: its mean, standard error and n."""

    mean: float
    se: float
    n: int


@dataclass(frozen=True)
class Comparison:
    highest: int  # index into the groups compared
    lowest: int
    difference: float
    low: float
    high: float
    p_adjusted: float
    pairs: int
    large: float = LARGE  # the difference that matters on the scale compared

    @property
    def flagged(self) -> bool:
        return self.difference >= self.large - 1e-9 and self.p_adjusted < ALPHA


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment: the k-th smallest p is multiplied by (m − k + 1), and
    adjusted values never fall as p rises."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def compare(groups: Sequence[Compared], highest: int, lowest: int, large: float = LARGE) -> Comparison | None:
    """The evidence that the ``highest`` and ``lowest`` of the groups (indexes) differ, allowing
    for every pair of them; ``large`` is the difference that matters on their scale. None for
    fewer than two groups, or when a group has too few ratings for a standard error."""
    if len(groups) < 2 or highest == lowest or any(g.n < 2 for g in groups):
        return None
    means = np.array([g.mean for g in groups], dtype=float)
    variances = np.array([g.se**2 for g in groups], dtype=float)
    ns = np.array([g.n for g in groups], dtype=float)
    first, second = np.triu_indices(len(groups), k=1)
    gap = np.abs(means[first] - means[second])
    v1, v2 = variances[first], variances[second]
    pooled = v1 + v2
    parts = np.where(v1 > 0, v1**2 / (ns[first] - 1), 0.0) + np.where(v2 > 0, v2**2 / (ns[second] - 1), 0.0)
    df = np.where(parts > 0, pooled**2 / np.where(parts > 0, parts, 1.0), ns[first] + ns[second] - 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(pooled > 0, gap / np.sqrt(pooled), np.where(gap > 0, np.inf, 0.0))
    p = np.clip(2.0 * stdtr(df, -t), 0.0, 1.0)
    adjusted = holm(p.tolist())
    pair = next(k for k in range(len(first)) if {int(first[k]), int(second[k])} == {highest, lowest})
    top, bottom = groups[highest], groups[lowest]
    difference = top.mean - bottom.mean
    se = float(np.sqrt(top.se**2 + bottom.se**2))
    margin = t_quantile(0.975, welch_df(top.se**2, top.n, bottom.se**2, bottom.n)) * se
    return Comparison(
        highest=highest,
        lowest=lowest,
        difference=difference,
        low=difference - margin,
        high=difference + margin,
        p_adjusted=adjusted[pair],
        pairs=len(first),
        large=large,
    )
