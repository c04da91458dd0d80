"""What partners say beside what another audience says (residents, say), statement by statement.

A variant of the framework (``Framework.variants``) asks its audience its own statements, each
mirroring one of the framework's. The two views of a mirrored pair are set side by side, each on
the framework's scale: a variant's answers count as the framework's values they map to.

Disclosure control, as everywhere:

- Nothing is compared unless at least the threshold of the audience answered and the partners'
  results can be shown at all.
- Each side of a pair is shown only where at least the threshold gave it a rating (not "don't
  know"). The partners' side is the partners' own statement score from the round's results, so
  it is shown exactly where the results show it, and hidden where they hide it.
- The audience and the partners are different people, answering different questions, and no
  figure for both together is shown anywhere, so neither can be had by subtracting the other.

A gap is flagged as telling when it is large enough to matter (a quarter of the scale's range,
as between groups: :func:`.differences.large_difference`) and unlikely to be chance: Welch's t
test of the two means, with the p-values of all the round's pairs adjusted together by Holm's
method, so that looking at many pairs does not make one look telling by luck.

Plain Python: the release layer hands in what it froze.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .differences import ALPHA, Compared, compare, holm, large_difference
from .histogram import Histogram
from .results import Score


@dataclass(frozen=True)
class Side:
    """One population's view of one statement, on the framework's scale. None when hidden."""

    answered: int
    mean: float | None
    se: float | None = None

    @property
    def hidden(self) -> bool:
        return self.mean is None


@dataclass(frozen=True)
class Pair:
    theme: str
    statement: str  # the framework's statement: what partners were asked
    mirror: str  # the variant's statement that mirrors it: what the audience was asked
    partners: Side
    audience: Side
    p_adjusted: float | None = None
    large: float = 1.0

    @property
    def gap(self) -> float | None:
        """The audience's mean less the partners': below zero where the audience sees it worse."""
        if self.partners.hidden or self.audience.hidden:
            return None
        return self.audience.mean - self.partners.mean

    @property
    def telling(self) -> bool:
        gap = self.gap
        return (
            gap is not None
            and abs(gap) >= self.large - 1e-9
            and self.p_adjusted is not None
            and self.p_adjusted < ALPHA
        )


@dataclass
class AudienceComparison:
    variant: str
    shown: bool
    threshold: int
    points: int  # the framework's scale
    respondents: int | None = None  # the audience's, where shown
    pairs: list[Pair] = field(default_factory=list)

    def widest(self) -> list[Pair]:
        """The pairs with both sides shown, the widest gap first (then in questionnaire order)."""
        order = {pair.mirror: index for index, pair in enumerate(self.pairs)}
        return sorted(
            (pair for pair in self.pairs if pair.gap is not None),
            key=lambda pair: (-round(abs(pair.gap), 9), order[pair.mirror]),
        )

    @property
    def most_telling(self) -> Pair | None:
        """The widest gap that is telling, or else the widest gap of all."""
        widest = self.widest()
        telling = [pair for pair in widest if pair.telling]
        return (telling or widest or [None])[0]

    def for_theme(self, theme: str) -> list[Pair]:
        return [pair for pair in self.pairs if pair.theme == theme]


def on_framework_scale(histogram: Histogram, maps_to: Sequence[int], points: int) -> Histogram:
    """A variant's answers counted as the framework's values: level v counts as ``maps_to[v-1]``."""
    counts = [0] * points
    for value, count in enumerate(histogram.counts, start=1):
        counts[maps_to[value - 1] - 1] += count
    return Histogram(tuple(counts), histogram.dont_know)


def compare_audience(
    variant: str,
    mirrors: Sequence[tuple[str, str, str]],
    partners: Mapping[str, Score],
    partners_visible: bool,
    respondents: int,
    cells: Mapping[str, Histogram],
    maps_to: Sequence[int],
    points: int,
    threshold: int,
) -> AudienceComparison:
    """``mirrors``: (theme, framework statement, variant statement) in questionnaire order;
    ``partners``: the round's statement scores (already under disclosure control); ``cells``:
    the audience's answers to each variant statement on the variant's own scale."""
    if respondents < threshold or not partners_visible:
        return AudienceComparison(variant=variant, shown=False, threshold=threshold, points=points)
    large = large_difference(points)
    sides = []
    for theme, statement, mirror in mirrors:
        own = cells.get(mirror)
        mapped = on_framework_scale(own, maps_to, points) if own is not None else Histogram.empty(points)
        if mapped.answered >= threshold:
            audience = Side(mapped.answered, mapped.mean, mapped.standard_error)
        else:
            audience = Side(0, None)  # too few ratings: not even their number is given
        score = partners.get(statement)
        if score is None or score.hidden or score.mean is None:
            partner_side = Side(0, None)
        else:
            partner_side = Side(score.n, score.mean, score.se)
        sides.append((theme, statement, mirror, partner_side, audience))
    # Welch's test of each pair both of whose sides are shown, adjusted together (Holm).
    tested = []
    for index, (_theme, _statement, _mirror, mine, theirs) in enumerate(sides):
        if mine.hidden or theirs.hidden or mine.se is None or theirs.se is None:
            continue
        groups = [Compared(mine.mean, mine.se, mine.answered), Compared(theirs.mean, theirs.se, theirs.answered)]
        highest, lowest = (0, 1) if mine.mean >= theirs.mean else (1, 0)
        found = compare(groups, highest, lowest, large)
        if found is not None:
            tested.append((index, found.p_adjusted))
    adjusted = dict(zip((i for i, _ in tested), holm([p for _, p in tested]), strict=True))
    comparison = AudienceComparison(
        variant=variant, shown=True, threshold=threshold, points=points, respondents=respondents
    )
    for index, (theme, statement, mirror, mine, theirs) in enumerate(sides):
        comparison.pairs.append(Pair(theme, statement, mirror, mine, theirs, adjusted.get(index), large))
    return comparison
