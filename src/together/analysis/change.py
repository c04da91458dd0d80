"""Change between two rounds, with a 95% interval, from histograms alone.

For a statement the change is the difference of the two rounds' means. The two rounds are
answered by different (anonymous) people, so they are treated as independent samples, and the
standard error of the difference is Welch's, and so are the interval's degrees of freedom
(Welch–Satterthwaite), since the two rounds' spreads need not be equal:

    se = √(s₁²/n₁ + s₂²/n₂)
    df = se⁴ / ((s₁²/n₁)²/(n₁ − 1) + (s₂²/n₂)²/(n₂ − 1))
    interval = change ± t(0.975, df) × se

With five people a round, t is about 2.3 rather than the normal distribution's 1.96: an
interval from the normal distribution would be some 15% too narrow, and call chance "change".

For a theme the change is the difference of the theme scores (the mean of the statements'
means, over statements both rounds share and both show). The same people answer every statement
of a theme, so statements are not independent; the standard error of each round's theme score
is taken as the mean of its statements' standard errors, which can only overstate it (the
standard deviation of an average is never more than the average of the standard deviations).
Its degrees of freedom are Welch–Satterthwaite's with each round's fewest ratings of a compared
statement as its n, which can only widen the interval too.

The label is "improved" when the whole interval is above zero, "declined" when it is all below,
and "no clear change" otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from scipy.special import stdtrit

from .histogram import Histogram

LEVEL = 0.95
IMPROVED, DECLINED, NO_CLEAR_CHANGE = "improved", "declined", "no clear change"


def welch_df(v1: float, n1: int, v2: float, n2: int) -> float:
    """Welch–Satterthwaite degrees of freedom for two means whose squared standard errors are
    ``v1`` and ``v2`` (each a variance over its n). With no spread in either round the interval
    is a point whatever t is; n₁ + n₂ − 2 is then given."""
    denominator = (v1**2 / (n1 - 1) if v1 else 0.0) + (v2**2 / (n2 - 1) if v2 else 0.0)
    if denominator == 0:
        return float(n1 + n2 - 2)
    return (v1 + v2) ** 2 / denominator


def t_quantile(probability: float, df: float) -> float:
    """Student's t distribution's quantile (scipy's ``stdtrit``)."""
    return float(stdtrit(df, probability))


@dataclass(frozen=True)
class Change:
    before: float
    after: float
    se: float
    df: float

    @property
    def difference(self) -> float:
        return self.after - self.before

    @property
    def margin(self) -> float:
        return t_quantile(0.5 + LEVEL / 2, self.df) * self.se

    @property
    def low(self) -> float:
        return self.difference - self.margin

    @property
    def high(self) -> float:
        return self.difference + self.margin

    @property
    def label(self) -> str:
        if self.low > 0:
            return IMPROVED
        if self.high < 0:
            return DECLINED
        return NO_CLEAR_CHANGE


def _mean_se(histogram: Histogram) -> tuple[float, float] | None:
    se = histogram.standard_error
    return None if se is None else (histogram.mean, se)


def statement_change(before: Histogram, after: Histogram, threshold: int) -> Change | None:
    """None when either round has too few answers to show the statement."""
    if before.answered < threshold or after.answered < threshold:
        return None
    first, second = _mean_se(before), _mean_se(after)
    if first is None or second is None:
        return None
    v1, v2 = first[1] ** 2, second[1] ** 2
    return Change(first[0], second[0], math.sqrt(v1 + v2), welch_df(v1, before.answered, v2, after.answered))


def shared_statements(asked: Iterable[Iterable[str]]) -> set[str]:
    """The statements every round asked, given each round's statement ids: the only ones rounds
    are compared on, theme by theme. A pulse asks its framework's short form, so a pulse and a
    full review share at most the short form; no rounds share nothing."""
    sets = [set(ids) for ids in asked]
    return set.intersection(*sets) if sets else set()


def theme_change(
    statement_ids: Sequence[str], before: Mapping[str, Histogram], after: Mapping[str, Histogram], threshold: int
) -> tuple[Change | None, int]:
    """The theme's change over the statements both rounds can show, and how many those were."""
    pairs = []
    for statement in statement_ids:
        if statement not in before or statement not in after:
            continue
        first, second = before[statement], after[statement]
        if first.answered < threshold or second.answered < threshold:
            continue
        a, b = _mean_se(first), _mean_se(second)
        if a is None or b is None:
            continue
        pairs.append((a, b, first.answered, second.answered))
    if not pairs:
        return None, 0
    count = len(pairs)
    mean_before = sum(a[0] for a, *_ in pairs) / count
    mean_after = sum(b[0] for _, b, *_ in pairs) / count
    se_before = sum(a[1] for a, *_ in pairs) / count
    se_after = sum(b[1] for _, b, *_ in pairs) / count
    n_before, n_after = min(p[2] for p in pairs), min(p[3] for p in pairs)
    v1, v2 = se_before**2, se_after**2
    return Change(mean_before, mean_after, math.sqrt(v1 + v2), welch_df(v1, n_before, v2, n_after)), count


def theme_score(statement_ids: Sequence[str], histograms: Mapping[str, Histogram], threshold: int) -> float | None:
    """A round's theme score as the results pages compute it, from statements it can show."""
    means = [histograms[s].mean for s in statement_ids if s in histograms and histograms[s].answered >= threshold]
    return sum(means) / len(means) if means else None
