"""A synthetic partnership and its answers, for benchmarks that need a large round.

The plan (organisations, answers, comments) is plain Python and seeded, so every run of a
benchmark builds the same round; the functions at the end create it with Django, in a process
that has Django set up against the benchmark's database.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence

PLACES = (
    "Ashbourne",
    "Brackenfield",
    "Calder Vale",
    "Dunmere",
    "Eastwick",
    "Fairholme",
    "Glenbury",
    "Harwood",
    "Ilsington",
    "Kettleby",
    "Longmarsh",
    "Marlow Cross",
    "Netherby",
    "Oakhampton",
    "Pennington",
    "Queensbury",
    "Redmire",
    "Stanbridge",
    "Thornley",
    "Upperton",
)
# Sector, how many of the 100 organisations it has, the kinds of organisation (each with a
# relative number of respondents it sends), and a shift of its respondents' ratings in scale points.
SECTORS = (
    (
        "local-authority",
        12,
        (("County Council", 60), ("City Council", 45), ("Borough Council", 30), ("Town Council", 6)),
        0.1,
    ),
    (
        "nhs",
        14,
        (("Hospitals NHS Foundation Trust", 55), ("Integrated Care Board", 15), ("Community Health Services", 20)),
        0.0,
    ),
    ("police", 4, (("Police", 35), ("Office of the Police and Crime Commissioner", 5)), 0.1),
    ("fire", 3, (("Fire and Rescue Service", 15),), 0.2),
    ("housing", 12, (("Homes", 12), ("Housing Association", 8), ("Housing Trust", 6)), -0.1),
    ("education", 10, (("College", 10), ("Academy Trust", 8), ("University", 20)), 0.0),
    (
        "voluntary",
        30,
        (
            ("Council for Voluntary Service", 5),
            ("Carers' Centre", 3),
            ("Citizens Advice", 4),
            ("Youth Trust", 3),
            ("Food Bank", 2),
            ("Age Concern", 3),
            ("Mind", 3),
            ("Community Transport", 2),
            ("Women's Aid", 2),
            ("Gwasanaeth Gofalwyr Tân", 2),
        ),
        -0.4,
    ),
    (
        "business",
        10,
        (("Chamber of Commerce", 3), ("Business Improvement District", 2), ("Enterprise Partnership", 3)),
        -0.2,
    ),
    ("other", 5, (("Parish Forum", 2), ("Faith Network", 2), ("Healthwatch, Advice and Advocacy", 3)), -0.1),
)
# The six default respondent groups in their order: (relative number of respondents, shift).
GROUP_PROFILE = ((6, 0.4), (2, 0.3), (22, 0.0), (45, -0.3), (12, -0.2), (8, 0.0))
NOT_GIVEN = 0.05  # share leaving their organisation (and, separately, their group) blank
DONT_KNOW_SHARE = 0.06
PRIORITY_COUNT_WEIGHTS = ((0, 10), (1, 20), (2, 30), (3, 40))
COMMENT_SHARE = 0.2  # share of respondents leaving a comment (on one theme, some on two)
FIRST_DAY = datetime.date(2026, 3, 2)
DAYS_OPEN = 28

OPENINGS = (
    "Honestly,",
    "From where I sit on the front line,",
    "In my experience over the last year,",
    "Speaking for my team,",
    "I think",
    "It feels as though",
    "As a small organisation,",
    "Compared with two years ago,",
    "Most of the time",
    "When it matters,",
)
POSITIVE = (
    "partners genuinely pull together on {theme}, and the joint work on hospital discharge shows it",
    "the progress on {theme} is real: people know who to call and they pick up the phone",
    "{theme} is one of the things this partnership does best, and new staff notice it quickly",
    "leaders talk openly about {theme} and back it up with time and money",
    "we have got much better at {theme}; the shared training days made a big difference",
)
CRITICAL = (
    "{theme} is talked about at board level but rarely reaches the people doing the work",
    "smaller partners are not really listened to on {theme}, and decisions arrive already made",
    "{theme} depends on a few committed individuals and would fall apart if they moved on",
    "we keep starting again on {theme} whenever the funding or the chief executive changes",
    "there is a gap between what is said about {theme} in meetings and what happens on the ground",
)
CLOSINGS = (
    "",
    "It would help to hear back about what changes after this review.",
    "Please keep the voluntary sector at the table, not just invited at the end.",
    "Residents notice the difference when we get this right.",
    "More joint time for frontline staff would make the biggest difference.",
    "I hope the action plan is honest about this.",
    "We need to measure this properly rather than rely on anecdotes.",
)


def organisation_plan(count: int = 100, seed: int = 7) -> list[tuple[str, str, float]]:
    """``count`` (name, sector, weight) organisations across every sector, with unique names."""
    rng = random.Random(seed)
    total = sum(n for _s, n, _k, _x in SECTORS)
    plan: list[tuple[str, str, float]] = []
    names: set[str] = set()
    place = 0
    for sector, share, kinds, _shift in SECTORS:
        wanted = max(1, round(count * share / total))
        for index in range(wanted):
            kind, weight = kinds[index % len(kinds)]
            for _attempt in range(len(PLACES)):  # the next place without an organisation of this kind
                name = f"{PLACES[place % len(PLACES)]} {kind}"
                place += 1
                if name not in names:
                    break
            else:
                raise ValueError(f"too many organisations: more than {len(PLACES)} of the kind {kind!r}")
            names.add(name)
            plan.append((name, sector, weight * rng.uniform(0.6, 1.4)))
    return plan[:count]


def sector_shift(sector: str | None) -> float:
    return next((shift for name, _n, _k, shift in SECTORS if name == sector), 0.0)


def synthetic_answers(
    statements_by_theme: Sequence[tuple[str, Sequence[str]]],
    organisations: Sequence[tuple[object, str, float]],
    groups: Sequence[object],
    *,
    count: int,
    seed: int,
    points: int = 5,
    theme_titles: dict[str, str] | None = None,
) -> list[tuple]:
    """``count`` respondents as (organisation or None, group or None, day, {statement: value or None},
    [priority themes], {theme: comment}); organisations are (key, sector, weight), groups any keys."""
    rng = random.Random(seed)
    theme_titles = theme_titles or {}
    base = {s: rng.uniform(2.6, 4.0) for _t, statements in statements_by_theme for s in statements}
    org_weights = [weight for _key, _sector, weight in organisations]
    group_weights = [weight for weight, _shift in GROUP_PROFILE][: len(groups)]
    group_shifts = [shift for _weight, shift in GROUP_PROFILE][: len(groups)]
    counts = [n for n, _w in PRIORITY_COUNT_WEIGHTS]
    count_weights = [w for _n, w in PRIORITY_COUNT_WEIGHTS]
    rows = []
    for _ in range(count):
        org_index = rng.choices(range(len(organisations)), org_weights)[0]
        group_index = rng.choices(range(len(groups)), group_weights)[0]
        key, sector, _weight = organisations[org_index]
        mood = sector_shift(sector) + group_shifts[group_index] + rng.gauss(0.0, 0.5)
        answers: dict[str, int | None] = {}
        theme_means: dict[str, float] = {}
        for theme, statements in statements_by_theme:
            lean = mood + rng.gauss(0.0, 0.4)
            rated = []
            for statement in statements:
                if rng.random() < DONT_KNOW_SHARE:
                    answers[statement] = None
                else:
                    value = min(points, max(1, round(base[statement] + lean + rng.gauss(0.0, 0.8))))
                    answers[statement] = value
                    rated.append(value)
            theme_means[theme] = sum(rated) / len(rated) if rated else (points + 1) / 2
        themes = list(theme_means)
        chosen: list[str] = []
        for _pick in range(rng.choices(counts, count_weights)[0]):
            pool = [t for t in themes if t not in chosen]
            chosen.append(rng.choices(pool, [(points + 0.5 - theme_means[t]) ** 2 + 0.2 for t in pool])[0])
        comments = {}
        if rng.random() < COMMENT_SHARE:
            for theme in rng.sample(themes, 1 if rng.random() < 0.75 else 2):
                comments[theme] = _comment(rng, theme_titles.get(theme, theme), theme_means[theme] > 3.2)
        day = FIRST_DAY + datetime.timedelta(days=round(rng.triangular(0, DAYS_OPEN - 1, 0)))
        rows.append(
            (
                None if rng.random() < NOT_GIVEN else key,
                None if rng.random() < NOT_GIVEN else groups[group_index],
                day,
                answers,
                chosen,
                comments,
            )
        )
    return rows


def _comment(rng: random.Random, title: str, positive: bool) -> str:
    body = rng.choice(POSITIVE if positive else CRITICAL).format(theme=title.lower())
    sentence = f"{rng.choice(OPENINGS)} {body}."
    extra = [rng.choice(CLOSINGS) for _ in range(rng.choice((0, 1, 1, 2)))]
    return " ".join([sentence, *(e for e in dict.fromkeys(extra) if e)])


# Inside a process with Django set up against the benchmark database


def create_partnership_with_organisations(organisation_count: int, seed: int):
    """A user, a partnership with its default groups and ``organisation_count`` organisations."""
    from together.accounts.models import User
    from together.partnerships.models import Organisation
    from together.partnerships.services import create_partnership
    from together.reviews import keys

    user = User.objects.create_user("bench@example.invalid", keys.new_key())
    partnership = create_partnership(
        user,
        name="Riverlands Partnership",
        place="Riverlands",
        description="A large partnership of councils, the NHS, police, fire, housing, colleges, "
        "voluntary groups and businesses.",
        vision="By 2040 everyone in Riverlands can live a healthy, safe and independent life.",
        vision_horizon_year=2040,
    )
    plan = organisation_plan(organisation_count, seed)
    Organisation.objects.bulk_create(
        Organisation(partnership=partnership, name=name, sector=sector) for name, sector, _w in plan
    )
    by_name = {o.name: o for o in partnership.organisations.all()}
    organisations = [(by_name[name], sector, weight) for name, sector, weight in plan]
    groups = list(partnership.groups.order_by("position", "pk"))
    return user, partnership, organisations, groups


def new_round(partnership, user, name: str):
    """An open round on the latest stored version of the Transforming Together Framework."""
    from together.frameworks.models import FrameworkVersion
    from together.reviews import keys, lifecycle
    from together.reviews.models import Round

    version = FrameworkVersion.objects.filter(framework_id="transforming-together").order_by("-number").first()
    if version is None:
        raise RuntimeError("the framework is not loaded")
    round_ = Round.objects.create(
        partnership=partnership, name=name, framework_version=version, open_link_code=keys.new_key()
    )
    lifecycle.apply(round_, "open", user)
    return round_


ACTION_TITLES = (
    "Frontline listening sessions in every partner",
    "Residents' panel for the health and wellbeing strategy",
    "One-page shared outcomes agreed by every board",
    "Joint induction for new managers across partners",
    "Pooled budget pilot for hospital discharge",
    "Tell regulators about shared barriers",
    "Neighbourhood door-knocking month",
    "Shared data dashboard for early help",
    "Quarterly partnership learning review",
    "Voluntary sector seat on every programme board",
    "Councillor briefings on the joint programme",
    "Secondments between the council and the NHS",
)


def add_actions(partnership, round_, user, organisations) -> int:
    from together.actions.models import Action, ActionState

    themes = [t.id for t in round_.framework.themes]
    states = [ActionState.PROPOSED, ActionState.AGREED, ActionState.IN_PROGRESS, ActionState.DONE]
    for index, title in enumerate(ACTION_TITLES):
        action = Action.objects.create(
            partnership=partnership,
            round=round_,
            title=title,
            description="What we will do, who is involved and by when.",
            theme_id=themes[index % len(themes)],
            lead_organisation=organisations[(index * 7) % len(organisations)][0],
            due_date=FIRST_DAY + datetime.timedelta(days=60 + 30 * index),
            success_measure="A clear change in the next review's scores on this theme.",
            created_by=user,
        )
        Action.objects.filter(pk=action.pk).update(state=states[index % len(states)])
    return len(ACTION_TITLES)


def draft_round(partnership, name: str):
    """A round that has not opened, on the latest framework: the only kind the service imports into."""
    from together.frameworks.models import FrameworkVersion
    from together.reviews import keys
    from together.reviews.models import Round

    version = FrameworkVersion.objects.filter(framework_id="transforming-together").order_by("-number").first()
    return Round.objects.create(
        partnership=partnership, name=name, framework_version=version, open_link_code=keys.new_key()
    )
