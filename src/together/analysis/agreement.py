"""Agreement between respondents: the rwg index and its plain-English bands.

rwg compares the variance people actually show with the variance they would show if they
answered at random, uniformly over the scale (James, Demaree and Wolf, 1984). For a scale with
A points that uniform variance is (A² − 1) / 12, which is 2.0 for five points.

    rwg = 1 − observed variance / uniform variance, kept within 0..1

For a theme with J statements the multi-item form is used:

    rwg(J) = J (1 − v̄/σ²) / (J (1 − v̄/σ²) + v̄/σ²), where v̄ is the mean of the statements' variances

Bands follow LeBreton and Senter (2008).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .histogram import Histogram

DISAGREEMENT_BELOW = 0.5


def uniform_variance(points: int) -> float:
    return (points**2 - 1) / 12


def rwg(histogram: Histogram) -> float | None:
    variance = histogram.variance
    if variance is None:
        return None
    return max(0.0, min(1.0, 1 - variance / uniform_variance(histogram.points)))


def rwg_j(histograms: Sequence[Histogram]) -> float | None:
    variances = [h.variance for h in histograms if h.variance is not None]
    if not variances:
        return None
    points = histograms[0].points
    ratio = min(1.0, (sum(variances) / len(variances)) / uniform_variance(points))
    j = len(variances)
    if ratio == 0:
        return 1.0
    value = j * (1 - ratio) / (j * (1 - ratio) + ratio)
    return max(0.0, min(1.0, value))


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    explanation: str


BANDS = (
    (
        0.9,
        Band("very-strong", "Very strong agreement", "Almost everyone gave the same or a neighbouring answer."),
    ),
    (0.7, Band("strong", "Strong agreement", "Most people see this the same way.")),
    (0.5, Band("moderate", "Moderate agreement", "People broadly agree, with some different views.")),
    (0.3, Band("weak", "Weak agreement", "Views are split: partners see this differently.")),
    (0.0, Band("none", "No agreement", "Answers are spread as widely as if chosen at random.")),
)


def band(value: float | None) -> Band | None:
    if value is None:
        return None
    for lower, found in BANDS:
        if value >= lower:
            return found
    return BANDS[-1][1]


def disagrees(value: float | None) -> bool:
    return value is not None and value < DISAGREEMENT_BELOW
