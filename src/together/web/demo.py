"""A fictional demo partnership, Northbridge, with synthetic answers from a seeded generator.

Everything here is made up: the place, its partner organisations and every answer. The same
seed gives the same answers every time, so the demo looks the same on every machine.

How the synthetic answers are shaped
------------------------------------

Each respondent's rating of a statement is built up, on the 1 to 5 scale, from:

- **a base level per theme** (:data:`THEME_BASE`). Northbridge is strong on shared purpose and
  political support, middling on relationships, delivery and working as one system, and weak on
  involving residents and on working with the national context;
- **a small fixed offset per statement**, so statements within a theme differ a little. It is
  derived from the statement's id, so it is the same in every round;
- **sector effects** (:data:`SECTOR_EFFECTS`): the voluntary and community sector is clearly less
  positive about leadership and relationships and about residents, place and working as one
  system;
- **group effects** (:data:`GROUP_EFFECTS`, :data:`GROUP_GENERAL`): frontline staff are less
  positive about involving the whole workforce (and middle managers a little), senior leaders
  are more positive about it and a little rosier overall, elected members are more positive
  about political support, and residents and service users less positive about involving people;
- **genuine disagreement** on two themes (:data:`DISAGREEMENT`): each respondent leans clearly one
  way or the other, so those themes have a wide, two-humped spread rather than a consensus;
- **noise**: a general mood per respondent, a smaller lean per respondent and theme, and noise
  per answer; the sum is rounded and clipped to the scale.

"Don't know" is chosen about 6% of the time, more often by frontline staff and residents on
political support and the national context. The open round is given a small improvement on a
few themes (:data:`AUTUMN_IMPROVEMENT`), as if the partnership had acted on the spring review.

Respondents choose up to as many priority themes as the framework asks for (three for the
Transforming Together Framework), leaning towards the themes they rated lowest.
About a quarter leave a short comment on one or two themes, taken from :data:`COMMENTS` with a
tone that matches how they rated the theme; a comment is not used twice in one round.

Anonymity is kept as the questionnaire keeps it: submitted responses have no resume digest, a
random id and dates to the day only, and about one in ten respondents leaves their organisation
or their group blank ("rather not say").
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from together.actions import lifecycle as action_lifecycle
from together.actions.models import Action, ActionNote
from together.framework import Framework
from together.partnerships.models import Organisation, Partnership, Sector
from together.partnerships.services import create_partnership
from together.reviews import keys, lifecycle
from together.reviews.models import (
    Answer,
    Comment,
    Priority,
    Response,
    ResponseState,
    Round,
    RoundEvent,
    VariantLink,
)

SEED = 2040

PARTNERSHIP_NAME = "Northbridge Partnership"
PLACE = "Northbridge"
DESCRIPTION = (
    "The councils, NHS, police, fire and rescue, housing, further education, voluntary and "
    "community organisations and businesses of Northbridge, working together on early help, "
    "ageing well and a thriving town centre."
)
VISION = (
    "By 2040 everyone in Northbridge can live a healthy, safe and independent life in a place "
    "they are proud of, with services that work as one around them and help early, before "
    "problems grow."
)
VISION_HORIZON_YEAR = 2040

# Name, sector, and how many respondents it sends relative to the others.
ORGANISATIONS: tuple[tuple[str, str, int], ...] = (
    ("Northbridge City Council", Sector.LOCAL_AUTHORITY, 22),
    ("Northbridge County Council", Sector.LOCAL_AUTHORITY, 15),
    ("Northbridge and District NHS Foundation Trust", Sector.NHS, 19),
    ("NHS Northbridge Integrated Care Board", Sector.NHS, 9),
    ("Northbridge Constabulary", Sector.POLICE, 11),
    ("Northbridge Fire and Rescue Service", Sector.FIRE, 8),
    ("Northbridge Riverside Housing Association", Sector.HOUSING, 9),
    ("Northbridge College", Sector.EDUCATION, 7),
    ("Northbridge Council for Voluntary Service", Sector.VOLUNTARY, 9),
    ("Northbridge Advice and Advocacy Network", Sector.VOLUNTARY, 7),
    ("Northbridge Young People's Trust", Sector.VOLUNTARY, 6),
    ("Northbridge Business Partnership", Sector.BUSINESS, 4),
)

THEME_BASE: dict[str, float] = {
    "shared-purpose": 3.7,
    "political-support": 3.6,
    "residents-and-place": 3.1,
    "leadership-and-relationships": 3.4,
    "whole-workforce": 2.9,
    "involving-people": 2.4,
    "learning-step-by-step": 3.0,
    "persistent-delivery": 3.1,
    "national-context": 2.2,
}
DEFAULT_BASE = 3.0

SECTOR_EFFECTS: dict[tuple[str, str], float] = {
    (Sector.VOLUNTARY, "leadership-and-relationships"): -0.9,
    (Sector.VOLUNTARY, "residents-and-place"): -0.7,
    (Sector.VOLUNTARY, "involving-people"): -0.2,
    (Sector.LOCAL_AUTHORITY, "political-support"): 0.2,
    (Sector.BUSINESS, "national-context"): -0.3,
}

GROUP_EFFECTS: dict[tuple[str, str], float] = {
    ("Frontline staff", "whole-workforce"): -0.9,
    ("Middle manager", "whole-workforce"): -0.3,
    ("Senior leader", "whole-workforce"): 0.4,
    ("Elected member", "political-support"): 0.8,
    ("Service user or resident", "involving-people"): -0.5,
}
GROUP_GENERAL: dict[str, float] = {"Senior leader": 0.25, "Frontline staff": -0.1}

# Themes where partners genuinely disagree: each respondent leans this far up or down.
DISAGREEMENT: dict[str, float] = {"learning-step-by-step": 0.9, "persistent-delivery": 1.0}

# How much better the autumn (open) round looks than the spring one, per theme.
AUTUMN_IMPROVEMENT: dict[str, float] = {
    "shared-purpose": 0.2,
    "whole-workforce": 0.4,
    "involving-people": 0.45,
    "learning-step-by-step": 0.25,
}

# How often each group answers, and changes by sector (only councils and the fire authority
# have elected members on the partnership; residents mostly answer through the voluntary sector
# and housing).
GROUP_WEIGHTS: dict[str, float] = {
    "Senior leader": 10,
    "Elected member": 0,
    "Middle manager": 25,
    "Frontline staff": 38,
    "Service user or resident": 3,
    "Other": 6,
}
GROUP_WEIGHTS_BY_SECTOR: dict[str, dict[str, float]] = {
    Sector.LOCAL_AUTHORITY: {"Elected member": 16},
    Sector.FIRE: {"Elected member": 5},
    Sector.VOLUNTARY: {"Service user or resident": 25},
    Sector.HOUSING: {"Service user or resident": 18},
}

DONT_KNOW = 0.05
DONT_KNOW_MORE: dict[tuple[str, str], float] = {
    ("Frontline staff", "political-support"): 0.15,
    ("Frontline staff", "national-context"): 0.18,
    ("Service user or resident", "political-support"): 0.2,
    ("Service user or resident", "national-context"): 0.25,
    ("Service user or resident", "whole-workforce"): 0.2,
}

RATHER_NOT_SAY = 0.1
COMMENT_RATE = 0.25
# Chance of choosing 0, 1, 2 or 3 priority themes.
PRIORITY_COUNTS = (0.08, 0.12, 0.2, 0.6)

MOOD_SD = 0.45  # a respondent's general mood
LEAN_SD = 0.35  # a respondent's lean on one theme
ANSWER_SD = 0.55  # noise on each answer
STATEMENT_SD = 0.25  # fixed offsets between statements of a theme

POSITIVE, CRITICAL = "+", "-"

# Theme, tone, text. Short, plain, and about the work, never about a person.
COMMENTS: tuple[tuple[str, str, str], ...] = (
    (
        "shared-purpose",
        POSITIVE,
        "The one-page vision has really helped. People quote it in meetings now, which they did not a year ago.",
    ),
    (
        "shared-purpose",
        POSITIVE,
        "We are much clearer on the three outcomes that matter most, and new projects are tested against them.",
    ),
    (
        "shared-purpose",
        CRITICAL,
        "Everyone signs up to the vision at the board, but it rarely shapes what happens in my service day to day.",
    ),
    (
        "shared-purpose",
        CRITICAL,
        "There are still too many priorities. When everything is a priority, nothing is.",
    ),
    (
        "shared-purpose",
        CRITICAL,
        "The vision is fine but it is written in partnership language. Most of my team would not recognise it.",
    ),
    (
        "political-support",
        POSITIVE,
        "Councillors from all parties have backed the prevention work, even when it meant "
        "smaller savings in the short term.",
    ),
    (
        "political-support",
        POSITIVE,
        "Members ask good questions at scrutiny and hold us to the shared outcomes, which keeps us honest.",
    ),
    (
        "political-support",
        CRITICAL,
        "Support is strong in public but wobbles when a decision is unpopular locally.",
    ),
    (
        "political-support",
        CRITICAL,
        "Backing for the partnership depends on a few people and might not survive the next election.",
    ),
    (
        "residents-and-place",
        POSITIVE,
        "The joint work on the town centre shows what we can do when we start from what residents need.",
    ),
    (
        "residents-and-place",
        POSITIVE,
        "The neighbourhood teams are a good example of partners sharing roles rather than arguing about them.",
    ),
    (
        "residents-and-place",
        CRITICAL,
        "Budgets are still held tightly by each organisation, so 'one system' is more of a slogan than a reality.",
    ),
    (
        "residents-and-place",
        CRITICAL,
        "From the voluntary sector it often feels as if decisions about the area have been made before we are asked.",
    ),
    (
        "residents-and-place",
        CRITICAL,
        "We still design services around organisational boundaries. Residents have to tell "
        "their story again and again.",
    ),
    (
        "leadership-and-relationships",
        POSITIVE,
        "Relationships between senior leaders are the best I have known here. People pick up the phone to each other.",
    ),
    (
        "leadership-and-relationships",
        POSITIVE,
        "Leaders have been honest about the financial pressures they face, and that has built a lot of trust.",
    ),
    (
        "leadership-and-relationships",
        CRITICAL,
        "Smaller charities are treated as providers, not partners. We are rarely in the room when it matters.",
    ),
    (
        "leadership-and-relationships",
        CRITICAL,
        "Commitments made at the board are not always followed through, and nobody seems to mind.",
    ),
    (
        "leadership-and-relationships",
        CRITICAL,
        "It can feel as if the statutory partners agree things among themselves before the wider partnership meets.",
    ),
    (
        "whole-workforce",
        POSITIVE,
        "Managers now have real permission to solve problems with colleagues in other organisations.",
    ),
    (
        "whole-workforce",
        POSITIVE,
        "The joint locality team shows how well it works when staff from different services sit together.",
    ),
    (
        "whole-workforce",
        CRITICAL,
        "Frontline staff hear about new joint projects after they have been designed. Ask us "
        "first: we know where the problems are.",
    ),
    (
        "whole-workforce",
        CRITICAL,
        "Middle managers are squeezed between the partnership's ambitions and their own organisation's targets.",
    ),
    (
        "whole-workforce",
        CRITICAL,
        "Good ideas from the front line go up the line and never come back down.",
    ),
    (
        "involving-people",
        POSITIVE,
        "The 'you said, we did' updates have gone down well. People notice when we close the loop.",
    ),
    (
        "involving-people",
        POSITIVE,
        "Knocking on doors told us far more than any survey, and some of those residents have stayed involved.",
    ),
    (
        "involving-people",
        CRITICAL,
        "We consult residents once a plan is almost finished. That is not the same as involving them.",
    ),
    (
        "involving-people",
        CRITICAL,
        "The same small group of residents is asked every time. We hardly ever hear from young people or carers.",
    ),
    (
        "involving-people",
        CRITICAL,
        "We collect lots of feedback, but I could not tell you what changed as a result.",
    ),
    (
        "learning-step-by-step",
        POSITIVE,
        "Trying things on a small scale first has taken some of the fear out of new ideas.",
    ),
    (
        "learning-step-by-step",
        POSITIVE,
        "The review of the hospital discharge pilot was refreshingly honest about what did not work.",
    ),
    (
        "learning-step-by-step",
        CRITICAL,
        "Pilots start with enthusiasm, but we rarely agree in advance what success would look like.",
    ),
    (
        "learning-step-by-step",
        CRITICAL,
        "We are good at starting pilots and bad at deciding whether to stop them or spread them.",
    ),
    (
        "learning-step-by-step",
        CRITICAL,
        "When a pilot goes badly people go quiet about it instead of sharing what they learned.",
    ),
    (
        "persistent-delivery",
        POSITIVE,
        "The partnership stuck with the early help work through two difficult winters, and it is paying off.",
    ),
    (
        "persistent-delivery",
        POSITIVE,
        "Having fewer, bigger priorities this year has made it easier to keep going.",
    ),
    (
        "persistent-delivery",
        CRITICAL,
        "Too many initiatives are launched and then quietly dropped when the funding or the lead moves on.",
    ),
    (
        "persistent-delivery",
        CRITICAL,
        "Progress checks report activity rather than whether anything is better for residents.",
    ),
    (
        "persistent-delivery",
        CRITICAL,
        "Staff turnover means we keep restarting the same conversations.",
    ),
    (
        "national-context",
        POSITIVE,
        "We have started raising shared barriers with government departments together, which carries more weight.",
    ),
    (
        "national-context",
        POSITIVE,
        "Reporting jointly to the regulator on the ageing well work was a step forward and saved a lot of duplication.",
    ),
    (
        "national-context",
        CRITICAL,
        "National targets still pull each organisation in a different direction, and inspection "
        "does not reward joint work.",
    ),
    (
        "national-context",
        CRITICAL,
        "Short-term national funding makes it very hard to plan anything for longer than a year.",
    ),
    (
        "national-context",
        CRITICAL,
        "I am not sure who in the partnership is responsible for telling national bodies what gets in the way.",
    ),
)


@dataclass(frozen=True)
class RoundPlan:
    name: str
    seed: int
    count: int
    first_day: date
    last_day: date
    close: bool
    closes_on: date | None = None
    improvement: Mapping[str, float] = field(default_factory=dict)
    publish: bool = False
    residents: int = 0  # residents answering the residents' version through their own link


# Two earlier yearly reviews, weaker where the partnership later acted, so trends show change.
EARLIER_2024 = {
    "whole-workforce": -0.6,
    "involving-people": -0.5,
    "shared-purpose": -0.4,
    "residents-and-place": -0.3,
    "political-support": -0.2,
}
EARLIER_2025 = {"whole-workforce": -0.3, "involving-people": -0.3, "shared-purpose": -0.1}

ROUNDS: tuple[RoundPlan, ...] = (
    RoundPlan(
        "Spring 2024 review",
        seed=SEED + 3,
        count=118,
        first_day=date(2024, 3, 4),
        last_day=date(2024, 3, 29),
        closes_on=date(2024, 3, 29),
        close=True,
        publish=True,
        improvement=EARLIER_2024,
    ),
    RoundPlan(
        "Spring 2025 review",
        seed=SEED + 4,
        count=137,
        first_day=date(2025, 3, 3),
        last_day=date(2025, 3, 28),
        closes_on=date(2025, 3, 28),
        close=True,
        publish=True,
        improvement=EARLIER_2025,
    ),
    RoundPlan(
        "Spring 2026 review",
        seed=SEED + 1,
        count=164,
        first_day=date(2026, 3, 2),
        last_day=date(2026, 3, 27),
        closes_on=date(2026, 3, 27),
        close=True,
        residents=38,
    ),
    RoundPlan(
        "Autumn 2026 review",
        seed=SEED + 2,
        count=12,
        first_day=date(2026, 11, 2),
        last_day=date(2026, 11, 20),
        close=False,
        improvement=AUTUMN_IMPROVEMENT,
        residents=9,
    ),
)

# How residents see each theme (on the framework's 1 to 5), where they see it differently from
# partners: having to tell their story again and again, and not hearing back, are what residents
# notice most; keeping going with what works, less so.
RESIDENTS_BASE = 2.9
RESIDENTS_VIEW = {
    "residents-and-place": -1.0,
    "political-support": 0.8,
    "involving-people": -0.7,
    "leadership-and-relationships": -0.3,
    "persistent-delivery": 0.1,
    "shared-purpose": 0.2,
}
# Residents know least of councillors and national rules, so say "don't know" most there.
RESIDENTS_DONT_KNOW = {"political-support": 0.35, "national-context": 0.5}
RESIDENTS_DONT_KNOW_ELSE = 0.12


@dataclass
class SyntheticResponse:
    """One made-up respondent. ``organisation`` and ``group`` are whatever the caller passed in."""

    organisation: Any
    group: Any
    day: date
    answers: dict[str, int | None]
    priorities: list[str]
    comments: dict[str, str]


# --- The generator: plain functions of a seeded random.Random ---------------------------------


def statement_offsets(framework: Framework) -> dict[str, float]:
    """A fixed offset per statement, the same in every round (seeded by the statement's id)."""
    return {
        s.id: random.Random(f"statement:{s.id}").gauss(0, STATEMENT_SD)  # noqa: S311 - not security
        for s in framework.statements
    }


def _weighted(rng: random.Random, items: Sequence[Any], weights: Sequence[float]) -> Any:
    return rng.choices(items, weights=weights, k=1)[0]


def choose_organisation(rng: random.Random, organisations: Sequence[Any]) -> Any:
    weights_by_name = {name: weight for name, _sector, weight in ORGANISATIONS}
    return _weighted(rng, organisations, [weights_by_name.get(o.name, 5) for o in organisations])


def choose_group(rng: random.Random, groups: Sequence[Any], sector: str | None) -> Any:
    weights = {**GROUP_WEIGHTS, **GROUP_WEIGHTS_BY_SECTOR.get(sector, {})}
    return _weighted(rng, groups, [weights.get(g.name, 1) for g in groups])


def theme_level(
    rng: random.Random,
    theme_id: str,
    sector: str | None,
    group_name: str | None,
    mood: float,
    improvement: Mapping[str, float],
) -> float:
    """Where one respondent stands on one theme, before statement offsets and answer noise."""
    level = THEME_BASE.get(theme_id, DEFAULT_BASE) + improvement.get(theme_id, 0.0) + mood
    level += SECTOR_EFFECTS.get((sector, theme_id), 0.0)
    level += GROUP_EFFECTS.get((group_name, theme_id), 0.0) + GROUP_GENERAL.get(group_name, 0.0)
    if theme_id in DISAGREEMENT:
        level += rng.choice((-1, 1)) * DISAGREEMENT[theme_id] + rng.gauss(0, LEAN_SD / 2)
    else:
        level += rng.gauss(0, LEAN_SD)
    return level


def rate(rng: random.Random, level: float, low: int, high: int) -> int:
    return min(high, max(low, math.floor(level + rng.gauss(0, ANSWER_SD) + 0.5)))


def choose_priorities(rng: random.Random, theme_means: Mapping[str, float], high: int, most: int = 3) -> list[str]:
    """Up to ``most`` themes, leaning towards those the respondent rated lowest."""
    how_many = min(most, _weighted(rng, range(len(PRIORITY_COUNTS)), PRIORITY_COUNTS))
    pool = dict(theme_means)
    chosen: list[str] = []
    for _ in range(min(how_many, len(pool))):
        themes = list(pool)
        pick = _weighted(rng, themes, [(high + 0.5 - pool[t]) ** 2 + 0.2 for t in themes])
        chosen.append(pick)
        del pool[pick]
    return chosen


def choose_comments(
    rng: random.Random, theme_means: Mapping[str, float], used: set[str], midpoint: float
) -> dict[str, str]:
    """One or two comments on the themes the respondent feels most strongly about, tone to match."""
    if rng.random() >= COMMENT_RATE:
        return {}
    wanted = 1 if rng.random() < 0.7 else 2
    themes = sorted(theme_means, key=lambda t: abs(theme_means[t] - midpoint) + rng.random(), reverse=True)
    comments: dict[str, str] = {}
    for theme_id in themes:
        if len(comments) == wanted:
            break
        tone = POSITIVE if theme_means[theme_id] > midpoint else CRITICAL
        unused = [(kind, text) for theme, kind, text in COMMENTS if theme == theme_id and text not in used]
        candidates = [text for kind, text in unused if kind == tone] or [text for _kind, text in unused]
        if candidates:
            text = rng.choice(candidates)
            used.add(text)
            comments[theme_id] = text
    return comments


def choose_day(rng: random.Random, first_day: date, last_day: date) -> date:
    """Most answers come early; few come at weekends."""
    span = (last_day - first_day).days
    day = first_day + timedelta(days=round(rng.triangular(0, span, 0)))
    if day.weekday() >= 5 and rng.random() < 0.8:
        day += timedelta(days=7 - day.weekday())
    return min(day, last_day)


def generate_responses(
    framework: Framework,
    organisations: Sequence[Any],
    groups: Sequence[Any],
    *,
    count: int,
    seed: int,
    first_day: date,
    last_day: date,
    improvement: Mapping[str, float] | None = None,
) -> list[SyntheticResponse]:
    """``count`` synthetic respondents; the same arguments always give the same answers.

    ``organisations`` need ``name`` and ``sector`` and ``groups`` need ``name``, such as the
    partnership's rows; they are handed back as they are.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    improvement = improvement or {}
    offsets = statement_offsets(framework)
    low, high = framework.scale.minimum, framework.scale.maximum
    midpoint = (low + high) / 2 + 0.3  # people call "partly in place" a criticism
    used_comments: set[str] = set()
    responses = []
    for _ in range(count):
        organisation = choose_organisation(rng, organisations)
        group = choose_group(rng, groups, organisation.sector)
        mood = rng.gauss(0, MOOD_SD)
        answers: dict[str, int | None] = {}
        theme_means: dict[str, float] = {}
        for theme in framework.themes:
            level = theme_level(rng, theme.id, organisation.sector, group.name, mood, improvement)
            theme_means[theme.id] = min(high, max(low, level))
            dont_know = DONT_KNOW_MORE.get((group.name, theme.id), DONT_KNOW)
            for statement in theme.statements:
                if rng.random() < dont_know:
                    answers[statement.id] = None
                else:
                    answers[statement.id] = rate(rng, level + offsets[statement.id], low, high)
        responses.append(
            SyntheticResponse(
                organisation=None if rng.random() < RATHER_NOT_SAY else organisation,
                group=None if rng.random() < RATHER_NOT_SAY else group,
                day=choose_day(rng, first_day, last_day),
                answers=answers,
                priorities=choose_priorities(rng, theme_means, high, framework.priority_count),
                comments=choose_comments(rng, theme_means, used_comments, midpoint),
            )
        )
    return responses


def generate_residents(framework: Framework, variant_id: str, *, count: int, seed: int, first_day, last_day) -> list:
    """``count`` residents' answers to the variant: (day, {statement: value or None}) each, on
    the variant's own scale; the same arguments always give the same answers."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    variant = framework.variant(variant_id)
    asked = framework.as_variant(variant_id)
    low, high = asked.scale.minimum, asked.scale.maximum
    # A level on the framework's scale, answered as the variant's nearest level.
    levels = [(variant.maps_to(value), value) for value in asked.scale.values]
    found = []
    for _ in range(count):
        mood = rng.gauss(0, MOOD_SD)
        answers: dict[str, int | None] = {}
        for theme in asked.themes:
            level = RESIDENTS_BASE + RESIDENTS_VIEW.get(theme.id, 0.0) + mood + rng.gauss(0, LEAN_SD)
            dont_know = RESIDENTS_DONT_KNOW.get(theme.id, RESIDENTS_DONT_KNOW_ELSE)
            for statement in theme.statements:
                if rng.random() < dont_know:
                    answers[statement.id] = None
                    continue
                on_framework = rate(rng, level, variant.maps_to(low), variant.maps_to(high))
                answers[statement.id] = min(levels, key=lambda pair: abs(pair[0] - on_framework))[1]
        found.append((choose_day(rng, first_day, last_day), answers))
    return found


def store_residents(round_: Round, variant_id: str, answered: Sequence, today: date) -> None:
    """Save residents' submitted answers as their questionnaire leaves them: no organisation,
    group, priorities or comments; the variant's own statements."""
    themes = [theme.id for theme in round_.questionnaire(variant_id).themes]
    rows = [
        Response(
            round=round_,
            state=ResponseState.SUBMITTED,
            resume_digest=None,
            about_done=True,
            themes_done=themes,
            priorities_done=True,
            updated_on=min(day, today),
            submitted_on=min(day, today),
            variant=variant_id,
        )
        for day, _answers in answered
    ]
    Response.objects.bulk_create(rows)
    Answer.objects.bulk_create(
        Answer(response=row, round=round_, submitted=True, statement_id=statement_id, value=value)
        for row, (_day, answers) in zip(rows, answered, strict=True)
        for statement_id, value in answers.items()
    )


# --- Storing it ---------------------------------------------------------------------------------


def find() -> Partnership | None:
    return Partnership.objects.filter(name=PARTNERSHIP_NAME).first()


def store_responses(round_: Round, synthetic: Sequence[SyntheticResponse], today: date) -> None:
    """Save submitted responses as the questionnaire would leave them, in a few bulk inserts."""
    theme_ids = [theme.id for theme in round_.framework.themes]
    rows = []
    for item in synthetic:
        day = min(item.day, today)  # never dated in the future, whatever the clock says
        rows.append(
            Response(
                round=round_,
                state=ResponseState.SUBMITTED,
                resume_digest=None,
                organisation=item.organisation,
                group=item.group,
                about_done=True,
                themes_done=theme_ids,
                priorities_done=True,
                updated_on=day,
                submitted_on=day,
            )
        )
    Response.objects.bulk_create(rows)
    Answer.objects.bulk_create(
        Answer(
            response=row,
            round=round_,
            submitted=True,
            organisation=item.organisation,
            group=item.group,
            statement_id=statement_id,
            value=value,
        )
        for row, item in zip(rows, synthetic, strict=True)
        for statement_id, value in item.answers.items()
    )
    Priority.objects.bulk_create(
        Priority(
            response=row,
            theme_id=theme_id,
            round=round_,
            submitted=True,
            organisation=item.organisation,
            group=item.group,
        )
        for row, item in zip(rows, synthetic, strict=True)
        for theme_id in item.priorities
    )
    Comment.objects.bulk_create(
        Comment(response=row, theme_id=theme_id, text=text)
        for row, item in zip(rows, synthetic, strict=True)
        for theme_id, text in item.comments.items()
    )


@transaction.atomic
def seed(user, framework_version, today: date | None = None) -> Partnership:
    """Create Northbridge, owned by ``user``, with its organisations, rounds and responses."""
    today = today or timezone.localdate()
    partnership = create_partnership(
        user,
        name=PARTNERSHIP_NAME,
        place=PLACE,
        description=DESCRIPTION,
        vision=VISION,
        vision_horizon_year=VISION_HORIZON_YEAR,
    )
    Organisation.objects.bulk_create(
        Organisation(partnership=partnership, name=name, sector=sector) for name, sector, _w in ORGANISATIONS
    )
    organisations = list(partnership.organisations.order_by("pk"))
    groups = list(partnership.groups.order_by("position", "pk"))
    for plan in ROUNDS:
        round_ = Round.objects.create(
            partnership=partnership,
            name=plan.name,
            framework_version=framework_version,
            open_link_code=keys.new_key(),
            closes_on=plan.closes_on,
        )
        lifecycle.apply(round_, "open", user)
        synthetic = generate_responses(
            framework_version.framework,
            organisations,
            groups,
            count=plan.count,
            seed=plan.seed,
            first_day=plan.first_day,
            last_day=plan.last_day,
            improvement=plan.improvement,
        )
        store_responses(round_, synthetic, today)
        if plan.residents:
            VariantLink.objects.create(round=round_, variant="residents", code=keys.new_key())
            residents = generate_residents(
                framework_version.framework,
                "residents",
                count=plan.residents,
                seed=plan.seed + 100,
                first_day=plan.first_day,
                last_day=plan.last_day,
            )
            store_residents(round_, "residents", residents, today)
        if plan.close:
            lifecycle.apply(round_, "close", user)
        if plan.publish:
            lifecycle.apply(round_, "publish", user)
        # Rounds are ordered by when they began; date them as the story has it.
        began = timezone.make_aware(datetime.combine(min(plan.first_day, today), time(9, 0)))
        Round.objects.filter(pk=round_.pk).update(created_at=began, began_at=began)
        RoundEvent.objects.filter(round=round_).update(at=began)
    seed_imported(partnership, user, framework_version, organisations, groups)
    seed_actions(partnership, user, organisations, today)
    seed_paper(partnership, user)
    seed_engagement(partnership, user, today)
    seed_feedback(partnership, user)
    return partnership


@dataclass(frozen=True)
class ActionPlan:
    title: str
    round_name: str
    theme_id: str
    lead: str
    due: date
    state: str
    description: str
    success: str
    progress: tuple[tuple[date, str], ...] = ()
    drop_reason: str = ""


ACTIONS: tuple[ActionPlan, ...] = (
    ActionPlan(
        "Frontline listening sessions in every partner",
        "Spring 2024 review",
        "whole-workforce",
        "Northbridge City Council",
        date(2024, 12, 20),
        "done",
        "Each partner runs two sessions a year where frontline staff tell senior leaders what gets in the way of "
        "joint work, and leaders report back what changed.",
        "Frontline staff rate the whole-workforce statements higher in the next review.",
        (
            (date(2024, 7, 10), "First six sessions held; 140 staff took part."),
            (date(2024, 12, 2), "All partners have held two sessions; a 'you said, we did' note went to every team."),
        ),
    ),
    ActionPlan(
        "Residents' panel for the Children's Plan refresh",
        "Spring 2024 review",
        "involving-people",
        "Northbridge Young People's Trust",
        date(2025, 2, 28),
        "done",
        "Recruit a panel of young people and parents to shape the refresh, in the way Cheshire East involved "
        "children and young people in its plan.",
        "The refreshed plan names what the panel changed.",
        ((date(2024, 11, 5), "Panel of 18 young people and 9 parents meets monthly."),),
    ),
    ActionPlan(
        "One-page shared outcomes agreed by every board",
        "Spring 2025 review",
        "shared-purpose",
        "Northbridge County Council",
        date(2025, 10, 31),
        "done",
        "Agree no more than five shared outcomes for residents and take them to every partner's board.",
        "Every partner's board minutes record agreement; staff can name the outcomes.",
        ((date(2025, 9, 18), "Agreed by 11 of 12 boards; the college governors meet in October."),),
    ),
    ActionPlan(
        "Neighbourhood door-knocking month in Eastfield",
        "Spring 2025 review",
        "involving-people",
        "Northbridge Riverside Housing Association",
        date(2026, 6, 30),
        "in_progress",
        "Officers from several partners spend a month knocking on doors in Eastfield to hear residents' concerns "
        "first hand, as Wigan's officers did in a local area there.",
        "A published summary of what residents said, and three changes made because of it.",
        ((date(2026, 5, 12), "Two weeks done; 600 conversations recorded."),),
    ),
    ActionPlan(
        "Tell regulators about shared barriers",
        "Spring 2026 review",
        "national-context",
        "NHS Northbridge Integrated Care Board",
        date(2026, 9, 30),
        "agreed",
        "Write jointly to the main inspectorates about the rules that most get in the way of joint services.",
        "A reply from each regulator, and the issue raised at the next national meeting.",
    ),
    ActionPlan(
        "Pooled budget pilot for hospital discharge",
        "Spring 2026 review",
        "residents-and-place",
        "Northbridge and District NHS Foundation Trust",
        date(2027, 3, 31),
        "proposed",
        "Test a small pooled budget between health and social care for getting people home from hospital.",
        "Fewer delayed discharges, and partners agree to continue after the pilot.",
    ),
    ActionPlan(
        "Partnership away day on relationships",
        "Spring 2025 review",
        "leadership-and-relationships",
        "Northbridge Council for Voluntary Service",
        date(2025, 11, 30),
        "dropped",
        "A facilitated day for partner leaders on how they work together.",
        "",
        drop_reason="Folded into the quarterly partnership meetings, which now open with each partner's pressures.",
    ),
)

_STEPS = {
    "proposed": (),
    "agreed": ("agree",),
    "in_progress": ("agree", "start"),
    "done": ("agree", "start", "finish"),
    "dropped": ("agree", "drop"),
}


# The staff survey Northbridge ran in another tool before it used this service: brought in as a
# round of its history, dated by when it ran, with no priorities (that survey did not ask them).
IMPORTED = RoundPlan(
    "Autumn 2023 staff survey",
    seed=SEED + 5,
    count=72,
    first_day=date(2023, 10, 2),
    last_day=date(2023, 10, 27),
    close=True,
    improvement={theme: change - 0.2 for theme, change in EARLIER_2024.items()},
)
IMPORTED_FILE = "northbridge-staff-survey-2023.csv"


def seed_imported(partnership: Partnership, user, framework_version, organisations, groups) -> None:
    """Import the 2023 survey's file as an officer would: its own round, dated by its fieldwork,
    closed once imported."""
    import csv
    import io

    from together.imports import services as imports

    plan = IMPORTED
    framework = framework_version.framework
    statements = [s.id for s in framework.statements]
    synthetic = generate_responses(
        framework,
        organisations,
        groups,
        count=plan.count,
        seed=plan.seed,
        first_day=plan.first_day,
        last_day=plan.last_day,
        improvement=plan.improvement,
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["organisation", "group", *statements])
    for item in synthetic:
        cells = ["don't know" if item.answers[s] is None else str(item.answers[s]) for s in statements]
        writer.writerow(
            [item.organisation.name if item.organisation else "", item.group.name if item.group else "", *cells]
        )
    round_ = Round.objects.create(
        partnership=partnership,
        name=plan.name,
        framework_version=framework_version,
        open_link_code=keys.new_key(),
        open_link_enabled=False,
    )
    imports.import_file(
        io.BytesIO(out.getvalue().encode("utf-8")),
        round_,
        file_name=IMPORTED_FILE,
        user=user,
        fieldwork=(plan.first_day, plan.last_day),
        close_round=True,
    )
    ended = timezone.make_aware(datetime.combine(plan.last_day, time(17, 0)))
    Round.objects.filter(pk=round_.pk).update(created_at=ended)
    RoundEvent.objects.filter(round=round_).update(at=ended)


def seed_actions(partnership: Partnership, user, organisations: Sequence[Organisation], today: date) -> None:
    """The actions agreed after each review, moved on through their lifecycle."""
    rounds = {r.name: r for r in partnership.rounds.all()}
    by_name = {o.name: o for o in organisations}
    for plan in ACTIONS:
        action = Action.objects.create(
            partnership=partnership,
            round=rounds.get(plan.round_name),
            title=plan.title,
            description=plan.description,
            theme_id=plan.theme_id,
            lead_organisation=by_name.get(plan.lead),
            due_date=plan.due,
            success_measure=plan.success,
            created_by=user,
        )
        for step in _STEPS[plan.state]:
            action_lifecycle.apply(action, step, user, facilitator=True, lead_member=False, reason=plan.drop_reason)
        for day, text in plan.progress:
            ActionNote.objects.create(
                action=action, kind=ActionNote.Kind.PROGRESS, text=text, author=user, on=min(day, today)
            )


# Paper forms returned to the open round: most keyed once, one waiting for its second keying.
PAPER_FORMS = 7
PAPER_SEED = SEED + 7


RESIDENT_PAPER_FORMS = 3


def seed_paper(partnership: Partnership, user) -> None:
    """A few returned paper forms keyed into the open round, as a facilitator would."""
    from together.paper import services as paper
    from together.paper.models import PaperSettings

    round_ = partnership.rounds.filter(state="open").order_by("-pk").first()
    if round_ is None:
        return
    framework = round_.framework
    rng = random.Random(PAPER_SEED)  # noqa: S311 - reproducible demo data, not security
    PaperSettings.objects.create(
        round=round_, return_address="Freepost NORTHBRIDGE PARTNERSHIP REVIEW\nTown Hall, Northbridge NB1 1AA"
    )
    organisations = list(partnership.organisations.order_by("pk"))
    groups = list(partnership.groups.order_by("position", "pk"))
    low, high = framework.scale.minimum, framework.scale.maximum

    def keyed() -> dict:
        return {
            "organisation": str(rng.choice(organisations).pk) if rng.random() < 0.8 else "",
            "group": str(rng.choice(groups).pk),
            "ratings": {
                s.id: ("d" if rng.random() < 0.05 else "" if rng.random() < 0.03 else str(rng.randint(low, high)))
                for s in framework.statements
            },
            "targets": {},
            "priorities": rng.sample([t.id for t in framework.themes], 2),
            "comments": {},
        }

    for _ in range(PAPER_FORMS - 1):
        paper.key(round_, keyed(), user)
    # Residents' forms handed out at the community hub, keyed in as the residents' version.
    asked = round_.questionnaire("residents")
    for _ in range(RESIDENT_PAPER_FORMS):
        paper.key(
            round_,
            {
                "variant": "residents",
                "ratings": {s.id: str(rng.randint(1, 4)) if rng.random() > 0.1 else "d" for s in asked.statements},
            },
            user,
        )
    PaperSettings.objects.filter(round=round_).update(double_keying=True)
    paper.key(round_, keyed(), user)


ENGAGEMENT = (
    (
        "A month of door-knocking in Eastfield",
        "door-knocking",
        date(2026, 5, 4),
        date(2026, 5, 29),
        "About 600 households on the Eastfield estate, many of them older people living alone",
        600,
        "People said they had to tell their story again to every service, and that nobody followed up after a "
        "hospital stay. Several did not know the community hub existed.",
        ("involving-people", "residents-and-place"),
        "Spring 2026 review",
        "Neighbourhood door-knocking month in Eastfield",
    ),
    (
        "Young people's panel for the Children's Plan",
        "panel",
        date(2024, 10, 1),
        date(2025, 2, 28),
        "18 young people aged 12 to 18 and 9 parents, recruited through schools and youth clubs",
        27,
        "The panel asked for one place to go for help, and for services to explain decisions in plain words. "
        "Both are now in the refreshed plan.",
        ("involving-people", "shared-purpose"),
        "Spring 2025 review",
        "Residents' panel for the Children's Plan refresh",
    ),
    (
        "Research with people in debt",
        "research",
        date(2025, 9, 8),
        None,
        "Interviews with 40 people using the debt advice service, led by the Council for Voluntary Service",
        40,
        "Most had contacted three or more services before getting advice. Early warning signs were visible to "
        "housing and the GP surgery months before.",
        ("residents-and-place", "learning-step-by-step"),
        None,
        None,
    ),
)


def seed_engagement(partnership: Partnership, user, today: date) -> None:
    """What the partnership did to hear from residents, linked to its rounds and actions."""
    from together.engagement.models import EngagementNote

    rounds = {r.name: r for r in partnership.rounds.all()}
    actions = {a.title: a for a in partnership.actions.all()}
    for title, method, start, end, reached, people, learned, themes, round_name, action in ENGAGEMENT:
        note = EngagementNote.objects.create(
            partnership=partnership,
            round=rounds.get(round_name) if round_name else None,
            title=title,
            method=method,
            held_on=min(start, today),
            ended_on=min(end, today) if end else None,
            reached=reached,
            people=people,
            learned=learned,
            theme_ids=list(themes),
            created_by=user,
        )
        if action and action in actions:
            note.actions.add(actions[action])


def seed_feedback(partnership: Partnership, user) -> None:
    """The "you said, we did" written after the published Spring 2025 review."""
    from together.feedback import services as feedback

    round_ = partnership.rounds.filter(name="Spring 2025 review").first()
    if round_ is None:
        return
    feedback.save(
        round_,
        user,
        "Thank you to the 137 people from every partner who answered. You told us where the partnership "
        "works well and where it needs to change. This is what we are doing about it.",
        {
            "shared-purpose": "Every partner's board has now agreed the same five outcomes for residents, on one "
            "page, so that everyone can name them.",
            "involving-people": "Officers from several partners are spending a month knocking on doors in "
            "Eastfield, and we will publish what residents tell us.",
            "whole-workforce": "Frontline listening sessions continue in every partner, twice a year.",
        },
    )


# --- A Welsh partnership ------------------------------------------------------------------------

# Aberhedd is a fictional county in Wales. Its partnership is bound by the Welsh Language
# Standards, so its round is bilingual and its invitations go in each person's language.
WELSH_NAME = "Partneriaeth Aberhedd"
WELSH_PLACE = "Aberhedd"
WELSH_DESCRIPTION = (
    "Cyngor Sir Aberhedd, y bwrdd iechyd, yr heddlu, y gwasanaeth tân ac achub, cymdeithas dai'r sir a'r "
    "cyngor gwirfoddol, yn gweithio gyda'i gilydd ar iechyd meddwl pobl ifanc ac ar gadw pobl hŷn yn "
    "annibynnol yn eu cartrefi."
)
WELSH_VISION = (
    "Erbyn 2035, bydd pawb yn Aberhedd yn cael yr help iawn yn gynnar, yn eu dewis iaith, gan wasanaethau "
    "sy'n gweithio fel un."
)
WELSH_ORGANISATIONS: tuple[tuple[str, str], ...] = (
    ("Cyngor Sir Aberhedd", Sector.LOCAL_AUTHORITY),
    ("Bwrdd Iechyd Aberhedd", Sector.NHS),
    ("Heddlu Aberhedd", Sector.POLICE),
    ("Gwasanaeth Tân ac Achub Aberhedd", Sector.FIRE),
    ("Cymdeithas Tai Aberhedd", Sector.HOUSING),
    ("Cyngor Gwirfoddol Aberhedd", Sector.VOLUNTARY),
)
WELSH_ROUND = "Adolygiad Hydref 2026"
WELSH_SHARE = 0.6  # of the synthetic respondents, those who answered in Welsh
WELSH_INVITATIONS = (
    "name,email,organisation,language\n"
    "Eleri Morgan,eleri.morgan@aberhedd.example,Cyngor Sir Aberhedd,cy\n"
    "Tom Price,tom.price@aberhedd.example,Bwrdd Iechyd Aberhedd,en\n"
    "Siân Rees,sian.rees@aberhedd.example,Cymdeithas Tai Aberhedd,\n"
)


def find_welsh() -> Partnership | None:
    return Partnership.objects.filter(name=WELSH_NAME).first()


def seed_welsh(user, framework_version, today: date | None = None) -> Partnership:
    """Create Aberhedd, owned by ``user``: Welsh Language Standards, an open bilingual round with
    answers in both languages, and personal invitations in Welsh, English and not known."""
    from together.reviews import invitations

    today = today or timezone.localdate()
    partnership = create_partnership(
        user,
        name=WELSH_NAME,
        place=WELSH_PLACE,
        description=WELSH_DESCRIPTION,
        vision=WELSH_VISION,
        vision_horizon_year=2035,
    )
    Partnership.objects.filter(pk=partnership.pk).update(welsh_standards=True, names_language="cy")
    partnership.refresh_from_db()
    Organisation.objects.bulk_create(
        Organisation(partnership=partnership, name=name, sector=sector) for name, sector in WELSH_ORGANISATIONS
    )
    organisations = list(partnership.organisations.order_by("pk"))
    groups = list(partnership.groups.order_by("position", "pk"))
    round_ = Round.objects.create(
        partnership=partnership,
        name=WELSH_ROUND,
        framework_version=framework_version,
        open_link_code=keys.new_key(),
        closes_on=date(2026, 12, 18),
        bilingual=True,
    )
    lifecycle.apply(round_, "open", user)
    first_day = min(date(2026, 11, 9), today)
    synthetic = generate_responses(
        framework_version.framework,
        organisations,
        groups,
        count=41,
        seed=SEED + 7,
        first_day=first_day,
        last_day=min(date(2026, 11, 27), today),
    )
    store_responses(round_, synthetic, today)
    rng = random.Random(SEED + 8)  # noqa: S311 - reproducible demo data, not security
    sent = sorted(round_.responses.values_list("pk", flat=True))
    rng.shuffle(sent)
    Response.objects.filter(pk__in=sent[: round(len(sent) * WELSH_SHARE)]).update(language="cy")
    Response.objects.filter(pk__in=sent[round(len(sent) * WELSH_SHARE) :]).update(language="en")
    invitations.import_csv(round_, WELSH_INVITATIONS.encode("utf-8"))
    began = timezone.make_aware(datetime.combine(first_day, time(9, 0)))
    Round.objects.filter(pk=round_.pk).update(created_at=began, began_at=began)
    RoundEvent.objects.filter(round=round_).update(at=began)
    return partnership
