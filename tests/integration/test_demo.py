"""`together demo`: the fictional Northbridge Partnership and its synthetic, anonymous responses."""

import io
import statistics
from collections import defaultdict
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import models

from tests.conftest import FRAMEWORK_FILE
from together.accounts.models import User
from together.partnerships.models import (
    Membership,
    Organisation,
    Partnership,
    RespondentGroup,
    Role,
    Sector,
)
from together.reviews.models import (
    Answer,
    Comment,
    Priority,
    Response,
    ResponseState,
    Round,
    RoundEvent,
    RoundState,
)
from together.web import demo
from together.web.management.commands.demo import DEMO_EMAIL, DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def run_demo(*args) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_output(settings):
    settings.DEBUG = True
    call_command("framework", "load", str(FRAMEWORK_FILE), stdout=io.StringIO())
    return run_demo()


@pytest.fixture
def closed_round(demo_output):
    return Round.objects.get(name="Spring 2026 review")


def theme_values(round_, theme_id, **filters) -> list[int]:
    statement_ids = [s.id for s in round_.framework.theme(theme_id).statements]
    return list(
        Answer.objects.filter(
            response__round=round_, statement_id__in=statement_ids, value__isnull=False, **filters
        ).values_list("value", flat=True)
    )


def counts() -> dict[str, int]:
    models = [
        User,
        Partnership,
        Organisation,
        RespondentGroup,
        Membership,
        Round,
        RoundEvent,
        Response,
        Answer,
        Comment,
        Priority,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_creates_one_fictional_partnership_owned_by_the_demo_facilitator(demo_output):
    partnership = Partnership.objects.get(name="Northbridge Partnership")
    assert partnership.place == "Northbridge"
    assert partnership.vision and partnership.description
    assert partnership.vision_horizon_year == 2040
    membership = Membership.objects.get(partnership=partnership)
    assert membership.user.email == DEMO_EMAIL and membership.role == Role.OWNER
    assert partnership.groups.count() == 6  # the default groups
    organisations = list(partnership.organisations.all())
    assert 10 <= len(organisations) <= 14
    assert all("Northbridge" in o.name for o in organisations)
    sectors = [o.sector for o in organisations]
    assert sectors.count(Sector.LOCAL_AUTHORITY) == 2
    assert sectors.count(Sector.NHS) == 2
    assert sectors.count(Sector.VOLUNTARY) == 3
    assert {Sector.POLICE, Sector.FIRE, Sector.HOUSING, Sector.EDUCATION, Sector.BUSINESS} <= set(sectors)


def test_closed_round_has_complete_anonymous_submitted_responses(closed_round):
    assert closed_round.state == RoundState.CLOSED
    framework = closed_round.framework
    responses = Response.objects.filter(round=closed_round, variant="")  # the partners'
    assert responses.count() >= 150
    assert not responses.exclude(state=ResponseState.SUBMITTED).exists()
    assert not responses.filter(resume_digest__isnull=False).exists()
    assert not responses.filter(submitted_on__isnull=True).exists()
    first, last = date(2026, 3, 1), date(2026, 3, 31)
    assert all(first <= d <= last for d in responses.values_list("submitted_on", flat=True))

    answered = defaultdict(list)
    values = []
    for response_id, statement_id, value in Answer.objects.filter(
        response__round=closed_round, response__variant=""
    ).values_list("response_id", "statement_id", "value"):
        answered[response_id].append(statement_id)
        values.append(value)
    expected = sorted(s.id for s in framework.statements)
    assert len(answered) == responses.count()
    assert all(sorted(ids) == expected for ids in answered.values())
    assert set(values) <= {None, 1, 2, 3, 4, 5}
    assert 0.03 <= values.count(None) / len(values) <= 0.1  # "don't know" at a modest rate

    theme_ids = {t.id for t in framework.themes}
    chosen = defaultdict(list)
    for response_id, theme_id in Priority.objects.filter(response__round=closed_round).values_list(
        "response_id", "theme_id"
    ):
        chosen[response_id].append(theme_id)
    assert all(len(themes) <= 3 and set(themes) <= theme_ids for themes in chosen.values())
    comments = Comment.objects.filter(response__round=closed_round)
    assert set(comments.values_list("theme_id", flat=True)) <= theme_ids
    commenting = comments.values("response").distinct().count()
    assert 0.1 <= commenting / responses.count() <= 0.4
    # Most say where they work and at what level; some would rather not say.
    assert 0.8 <= responses.filter(organisation__isnull=False).count() / responses.count() < 1
    assert 0.8 <= responses.filter(group__isnull=False).count() / responses.count() < 1


def test_open_round_is_open_with_a_few_responses_and_its_link_on(demo_output, client):
    round_ = Round.objects.get(name="Autumn 2026 review")
    assert round_.state == RoundState.OPEN
    assert round_.open_link_enabled
    assert 5 <= round_.responses.filter(state=ResponseState.SUBMITTED).count() < 50
    assert client.get(f"/r/{round_.open_link_code}/").status_code == 200


def test_residents_answered_so_the_results_set_their_view_beside_the_partners(closed_round, demo_output, client):
    from together.releases import services as releases
    from together.reviews.models import VariantLink

    residents = Response.objects.filter(round=closed_round, variant="residents", state=ResponseState.SUBMITTED)
    assert residents.count() == 38
    assert not residents.filter(organisation__isnull=False).exists()
    asked = {s.id for s in closed_round.questionnaire("residents").statements}
    assert set(Answer.objects.filter(response__in=residents).values_list("statement_id", flat=True)) == asked
    comparison = releases.obtain(closed_round, "owner").audiences["residents"]
    assert comparison.shown and comparison.respondents == 38
    widest = comparison.most_telling
    assert widest.gap < -1 and widest.theme in ("residents-and-place", "involving-people")
    owner = Membership.objects.get(partnership=closed_round.partnership).user
    client.force_login(owner)
    page = client.get(f"/partnerships/{closed_round.partnership_id}/rounds/{closed_round.pk}/results/views/residents/")
    assert page.status_code == 200 and "38 people answered this version." in page.content.decode()
    open_round = Round.objects.get(name="Autumn 2026 review")
    link = VariantLink.objects.get(round=open_round, variant="residents")
    # Nine answered online and three on paper forms keyed in.
    assert link.enabled and open_round.responses.filter(variant="residents").count() == 12
    assert open_round.responses.filter(variant="residents", channel="paper").count() == 3
    assert client.get(f"/r/{link.code}/").status_code == 200


def test_rounds_were_moved_only_through_the_lifecycle(demo_output):
    steps = list(
        RoundEvent.objects.filter(round__partnership__name="Northbridge Partnership")
        .order_by("round__name", "pk")
        .values_list("round__name", "from_state", "to_state")
    )
    assert steps == [
        ("Autumn 2023 staff survey", "draft", "closed"),  # imported, so it never opened
        ("Autumn 2026 review", "draft", "open"),
        ("Spring 2024 review", "draft", "open"),
        ("Spring 2024 review", "open", "closed"),
        ("Spring 2024 review", "closed", "published"),
        ("Spring 2025 review", "draft", "open"),
        ("Spring 2025 review", "open", "closed"),
        ("Spring 2025 review", "closed", "published"),
        ("Spring 2026 review", "draft", "open"),
        ("Spring 2026 review", "open", "closed"),
    ]


def releases_of(round_):
    from together.releases import services as releases

    return releases.obtain(round_, "owner", round_.partnership.memberships.first().user)


def test_three_yearly_rounds_with_actions_between_them_show_a_trend(demo_output):
    from together.actions.models import Action
    from together.analysis.change import IMPROVED, theme_change
    from together.results.queries import earlier_rounds, statement_histograms

    spring_2026 = Round.objects.get(name="Spring 2026 review")
    earlier = earlier_rounds(spring_2026)
    # The survey imported from another tool takes its place by when it ran, not when it was imported.
    assert [r.name for r in earlier] == ["Autumn 2023 staff survey", "Spring 2024 review", "Spring 2025 review"]
    assert [r.began_at.year for r in earlier] == [2023, 2024, 2025]
    assert earlier[0].fieldwork_from.isoformat() == "2023-10-02"
    assert releases_of(earlier[0]).results.priorities_asked is False
    earlier = earlier[1:]
    states = set(Action.objects.values_list("state", flat=True))
    assert states == {"proposed", "agreed", "in_progress", "done", "dropped"}
    theme = spring_2026.framework.theme("whole-workforce")
    ids = [s.id for s in theme.statements]
    change, compared = theme_change(ids, statement_histograms(earlier[0]), statement_histograms(spring_2026), 5)
    assert compared == len(ids)
    assert change.label == IMPROVED


def test_running_twice_duplicates_nothing(demo_output):
    before = counts()
    output = run_demo()
    assert counts() == before
    assert "already set up" in output


def test_prints_the_login_and_the_respondent_link(demo_output):
    round_ = Round.objects.get(name="Autumn 2026 review")
    assert DEMO_EMAIL in demo_output and DEMO_PASSWORD in demo_output
    assert f"http://127.0.0.1:8000/r/{round_.open_link_code}/" in demo_output
    residents = round_.variant_links.get(variant="residents")
    assert f"Residents' link (residents): http://127.0.0.1:8000/r/{residents.code}/" in demo_output
    assert "Autumn 2026 review: open, 18 responses and 12 from residents" in demo_output
    again = run_demo("--host", "http://localhost:9000")
    assert f"Respondent link: http://localhost:9000/r/{round_.open_link_code}/" in again


def test_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run_demo()
    assert not Partnership.objects.exists()


def test_generator_is_deterministic(framework_version):
    framework = framework_version.framework
    organisations = [SimpleNamespace(name=name, sector=sector) for name, sector, _w in demo.ORGANISATIONS]
    groups = [SimpleNamespace(name=name) for name in demo.GROUP_WEIGHTS]

    def generate(seed):
        return demo.generate_responses(
            framework,
            organisations,
            groups,
            count=40,
            seed=seed,
            first_day=date(2026, 3, 2),
            last_day=date(2026, 3, 27),
        )

    first, second = generate(7), generate(7)
    assert first == second
    assert generate(8) != first
    assert all(len(item.answers) == len(framework.statements) for item in first)


def test_frontline_staff_rate_whole_workforce_lower(closed_round):
    frontline = theme_values(closed_round, "whole-workforce", response__group__name="Frontline staff")
    everyone = theme_values(closed_round, "whole-workforce")
    assert statistics.mean(frontline) < statistics.mean(everyone) - 0.2


def test_voluntary_sector_rates_leadership_and_relationships_lower(closed_round):
    theme = "leadership-and-relationships"
    voluntary = theme_values(closed_round, theme, response__organisation__sector=Sector.VOLUNTARY)
    others = theme_values(
        closed_round,
        theme,
        response__organisation__isnull=False,
        response__organisation__sector__in=[s for s in Sector.values if s != Sector.VOLUNTARY],
    )
    assert voluntary and others
    assert statistics.mean(voluntary) < statistics.mean(others) - 0.3


def test_some_themes_show_more_disagreement_than_others(closed_round):
    spread = {
        theme.id: statistics.pstdev(theme_values(closed_round, theme.id)) for theme in closed_round.framework.themes
    }
    for theme_id in demo.DISAGREEMENT:
        assert spread[theme_id] > statistics.median(spread.values())


def test_the_open_round_has_paper_forms_and_the_partnership_its_engagement_and_feedback(demo_output, client):
    from together.engagement.models import EngagementNote
    from together.feedback.models import Summary
    from together.paper.models import EntryState, PaperEntry
    from together.reviews.models import Channel

    round_ = Round.objects.get(name="Autumn 2026 review")
    assert round_.responses.filter(state=ResponseState.SUBMITTED, channel=Channel.PAPER, variant="").count() == 6
    assert PaperEntry.objects.filter(round=round_, state=EntryState.AWAITING_CHECK).count() == 1
    assert EngagementNote.objects.count() == 3
    assert EngagementNote.objects.filter(actions__isnull=False).count() == 2
    published = Round.objects.get(name="Spring 2025 review")
    summary = Summary.objects.get(round=published)
    assert summary.written and summary.items.count() == 3
    page = client.get(f"/respond/{published.public_id}/you-said-we-did/")
    assert page.status_code == 200 and "Eastfield" in page.content.decode()


def test_a_welsh_partnership_under_the_standards_runs_a_bilingual_round(demo_output, client):
    from together.reviews.models import Invitation

    welsh = Partnership.objects.get(name="Partneriaeth Aberhedd")
    assert welsh.welsh_standards
    round_ = welsh.rounds.get()
    assert round_.bilingual and round_.state == RoundState.OPEN
    languages = dict(
        round_.responses.filter(state=ResponseState.SUBMITTED)
        .values_list("language")
        .annotate(n=models.Count("*"))
        .order_by()
    )
    assert set(languages) == {"cy", "en"} and languages["cy"] > languages["en"]
    assert sorted(Invitation.objects.filter(round=round_).values_list("language", flat=True)) == ["", "cy", "en"]
    assert "Partneriaeth Aberhedd" in demo_output and "Adolygiad Hydref 2026: open" in demo_output
    page = client.get(f"/cy/r/{round_.open_link_code}/")
    assert page.status_code == 200 and '<html lang="cy"' in page.content.decode()
