"""Scales of 2 to 7 levels: the validator, and every analysis following the scale. Plain Python."""

from __future__ import annotations

import hashlib
import json
import random

import pytest

from tests.conftest import FRAMEWORK_FILE, MINIMAL_FILE
from together.analysis.agreement import rwg, rwg_j, uniform_variance
from together.analysis.differences import large_difference
from together.analysis.histogram import Histogram
from together.analysis.results import Dimension, Inputs, ThemeSpec, compute
from together.framework import FrameworkInvalid, load_framework_file, parse_framework
from together.results.charts import SCALE_COLOURS, heat_colour, scale_colours

MINIMAL = MINIMAL_FILE.read_text()


def scale_of(levels: int, dont_know: bool = True, descriptions: bool = True) -> str:
    lines = ["scale:", "  levels:"]
    for value in range(1, levels + 1):
        lines += [f"    - value: {value}", f"      label: {{en: Level {value}}}"]
        if descriptions:
            lines.append(f"      description: {{en: What level {value} looks like.}}")
    if dont_know:
        lines += ["  dont_know:", "    label: {en: Cannot say}"]
    return "\n".join(lines) + "\n"


def with_scale(scale: str) -> str:
    start, end = MINIMAL.index("scale:"), MINIMAL.index("themes:")
    return MINIMAL[:start] + scale + MINIMAL[end:]


def problems(text: str) -> list[str]:
    with pytest.raises(FrameworkInvalid) as raised:
        parse_framework(text, "f.yaml")
    return [str(problem) for problem in raised.value.problems]


@pytest.mark.parametrize("levels", [2, 3, 4, 5, 6, 7])
def test_scales_of_two_to_seven_levels_are_valid(levels):
    framework = parse_framework(with_scale(scale_of(levels)), "f.yaml")
    assert framework.scale.values == tuple(range(1, levels + 1))
    assert framework.scale.points == levels


def test_descriptions_and_dont_know_are_optional():
    scale = parse_framework(with_scale(scale_of(4, dont_know=False, descriptions=False)), "f.yaml").scale
    assert scale.dont_know is None
    assert all(level.description is None for level in scale.levels)
    assert scale.lowest.label.en == "Level 1" and scale.highest.label.en == "Level 4"


@pytest.mark.parametrize(("levels", "found"), [(1, 1), (8, 8)])
def test_too_few_or_too_many_levels(levels, found):
    assert problems(with_scale(scale_of(levels))) == [
        f"f.yaml:10: scale.levels: bad scale: needs 2 to 7 levels, found {found}"
    ]


def test_levels_are_numbered_from_one_in_order_whatever_their_number():
    text = with_scale(scale_of(4)).replace("- value: 3", "- value: 4", 1)
    assert problems(text) == [
        "f.yaml:17: scale.levels[2].value: bad scale: levels must be numbered 1 to 4 in order; expected 3, found 4"
    ]


def test_a_level_still_needs_a_label():
    text = with_scale(scale_of(3)).replace("      label: {en: Level 2}\n", "", 1)
    assert problems(text) == ["f.yaml:14: scale.levels[1].label: is required"]


@pytest.mark.parametrize(("points", "uniform"), [(2, 0.25), (4, 1.25), (5, 2.0), (7, 4.0)])
def test_rwg_uses_the_uniform_variance_of_the_scale(points, uniform):
    assert uniform_variance(points) == pytest.approx(uniform)
    # Half at the bottom, half at the top: on any scale as spread as it can be.
    ends = Histogram.from_values([1, 1, points, points], points)
    assert rwg(ends) == 0.0
    near = Histogram.from_values([1, 1, 2, 2], points)
    assert rwg(near) == pytest.approx(max(0.0, 1 - near.variance / uniform))
    assert rwg(Histogram.from_values([2, 2, 2], points)) == 1.0
    assert rwg_j([near, near]) is not None


def test_the_same_answers_agree_more_on_a_longer_scale():
    answers = [1, 2, 2, 3]
    assert rwg(Histogram.from_values(answers, 4)) < rwg(Histogram.from_values(answers, 7))


@pytest.mark.parametrize(("points", "large"), [(2, 0.25), (4, 0.75), (5, 1.0), (7, 1.5)])
def test_a_difference_that_matters_is_a_quarter_of_the_range(points, large):
    assert large_difference(points) == pytest.approx(large)


def _inputs(points: int, by_organisation: dict[str, list[int | None]]) -> Inputs:
    cells = {
        ("s1", organisation, None): Histogram.from_values(values, points)
        for organisation, values in by_organisation.items()
    }
    respondents = {(organisation, None): len(values) for organisation, values in by_organisation.items()}
    labels = {organisation: organisation for organisation in by_organisation}
    dimension = Dimension("organisation", labels, lambda organisation, group: organisation)
    return Inputs([ThemeSpec("t", ("s1",))], points, 5, cells, respondents, {}, [dimension])


@pytest.mark.parametrize(
    ("points", "low", "high", "flagged"),
    [
        # 0.8 apart: a difference on a 1 to 4 scale (over 0.75), not on a 1 to 5 one (under 1.0).
        (4, [2, 2, 2, 2, 3], [3, 3, 3, 3, 3, 3, 3, 3, 3, 3], True),
        (5, [2, 2, 2, 2, 3], [3, 3, 3, 3, 3, 3, 3, 3, 3, 3], False),
        # A whole point on a 1 to 7 scale is under 1.5: not a difference that matters.
        (7, [3, 3, 3, 3, 3], [4, 4, 4, 4, 4], False),
        (7, [2, 2, 2, 2, 2], [4, 4, 4, 4, 4], True),
        # On a yes/no scale a fifth of the range is too little; half of it is a difference.
        (2, [1, 1, 1, 1, 2], [1, 1, 1, 1, 1, 2, 2, 1, 1, 1], False),
        (2, [1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2, 2, 2, 1, 2], True),
    ],
)
def test_groups_are_seen_differently_relative_to_the_scale(points, low, high, flagged):
    results = compute(_inputs(points, {"A": low, "B": high}))
    (gap,) = results.gaps_for("s1")
    assert gap.flagged is flagged
    assert gap.comparison.large == pytest.approx(large_difference(points))


@pytest.mark.parametrize("points", [2, 4, 7])
def test_scores_histograms_and_attention_follow_the_scale(points):
    values = [1, points, points, points, None, 1]
    results = compute(_inputs(points, {"A": values}))
    score = results.statements["s1"]
    assert score.histogram.counts[0] == 2 and score.histogram.counts[-1] == 3 and len(score.histogram.counts) == points
    assert score.histogram.dont_know == 1
    assert score.mean == pytest.approx((2 + 3 * points) / 5)
    (entry, _statement) = results.attention
    # The low-score part of attention is the share of the range below the top: 0 at the top, 1 at the bottom.
    assert entry.low_score == pytest.approx((points - score.mean) / (points - 1))


def test_colours_follow_the_scale():
    assert scale_colours(5) == SCALE_COLOURS
    for points in range(2, 8):
        colours = scale_colours(points)
        assert len(colours) == points and len(set(colours)) == points
        assert colours[0] == SCALE_COLOURS[0] and colours[-1] == SCALE_COLOURS[-1]
    assert scale_colours(3)[1] == SCALE_COLOURS[2]
    # The heatmap's colour is by position on the scale, so the top of a 1 to 4 scale is green.
    assert heat_colour(4, 1, 4) == heat_colour(5, 1, 5) and heat_colour(1, 1, 4) == heat_colour(1, 1, 5)


# --- The Transforming Together Framework's five-level results are unchanged ------------------


def _rounded(value):
    if isinstance(value, float):
        return round(value, 12)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def five_level_digest() -> str:
    """Results of a seeded five-level round with two breakdowns, written out in full and hashed.
    The expected value below was computed with the analysis as it was before scales could vary."""
    rng = random.Random(20)  # noqa: S311 - a fixed sample, not a secret
    framework = load_framework_file(FRAMEWORK_FILE)
    themes = [ThemeSpec(t.id, tuple(s.id for s in t.statements)) for t in framework.themes]
    organisations = {f"org-{i}": ("public" if i < 3 else "voluntary") for i in range(6)}
    groups = ["frontline", "manager", "leader", None]
    cells, respondents, priorities = {}, {}, {}
    for organisation in organisations:
        for group in groups:
            people = rng.choice([0, 1, 3, 6, 9])
            if not people:
                continue
            respondents[(organisation, group)] = people
            lean = rng.uniform(-1.5, 1.5)
            for theme in framework.themes:
                priorities[(theme.id, organisation, group)] = rng.randint(0, people)
                for statement in theme.statements:
                    values = [
                        None if rng.random() < 0.1 else max(1, min(5, round(3 + lean + rng.gauss(0, 1))))
                        for _ in range(people)
                    ]
                    cells[(statement.id, organisation, group)] = Histogram.from_values(values, 5)
    organisation_labels = {key: key for key in organisations} | {"public": "Public", "voluntary": "Voluntary"}
    dimensions = [
        Dimension("organisation", organisation_labels, lambda o, g: o, parent_of=organisations, parent_key="sector"),
        Dimension("group", {g: str(g) for g in groups}, lambda o, g: g),
    ]
    results = compute(Inputs(themes, 5, 5, cells, respondents, priorities, dimensions))
    assert results.differences() and any(g.score.hidden for gs in results.breakdowns["group"].values() for g in gs)

    def score(s):
        return [s.n, s.mean, s.sd, s.agreement, s.hidden, s.se, s.agreement_j, s.split_share, s.hidden_reason]

    written = {
        "statements": {k: score(v) for k, v in sorted(results.statements.items())},
        "themes": {k: score(v) for k, v in sorted(results.themes.items())},
        "breakdowns": {
            d: {item: [[str(g.key), g.respondents, *score(g.score)] for g in gs] for item, gs in sorted(items.items())}
            for d, items in sorted(results.breakdowns.items())
        },
        "gaps": [[g.item, g.dimension, g.flagged, g.evidence, g.size] for g in results.gaps],
        "differences": [[g.item, g.dimension] for g in results.differences()],
        "attention": [[a.item, a.value, a.reason(5)] for a in results.attention],
    }
    text = json.dumps(_rounded(written), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


FIVE_LEVEL_DIGEST = "7f8993bf80b06cca76cb562808b6928751947423fcb90e37d5424296b7dca29d"


def test_five_level_results_are_unchanged():
    assert five_level_digest() == FIVE_LEVEL_DIGEST
