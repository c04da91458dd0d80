"""Results pages: who may see them, what is hidden, and a query count that does not grow with answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.integration.helpers import add_member, make_partnership, make_round
from together.accounts.models import User
from together.partnerships.models import Organisation, RespondentGroup, Role
from together.results.queries import round_results
from together.reviews import lifecycle
from together.reviews.models import Answer, Comment, CommentModeration, Priority, Response

pytestmark = pytest.mark.django_db


def add_responses(round_, organisation, group, count, value=3, comment=None):
    """Submitted responses written directly, as the questionnaire would leave them."""
    import datetime

    framework = round_.framework
    for index in range(count):
        response = Response.objects.create(
            round=round_,
            state="submitted",
            organisation=organisation,
            group=group,
            updated_on=datetime.date(2026, 3, 1),
            submitted_on=datetime.date(2026, 3, 1),
        )
        Answer.objects.bulk_create(
            Answer(
                response=response,
                round=round_,
                submitted=True,
                organisation=organisation,
                group=group,
                statement_id=s.id,
                value=value,
            )
            for s in framework.statements
        )
        Priority.objects.create(
            response=response,
            theme_id=framework.themes[0].id,
            round=round_,
            submitted=True,
            organisation=organisation,
            group=group,
        )
        if comment and index == 0:
            Comment.objects.create(response=response, theme_id=framework.themes[0].id, text=comment)


@pytest.fixture
def round_(facilitator, framework_version):
    partnership = make_partnership(
        facilitator, organisations=("Northbridge Council", "Northbridge NHS", "Small Charity")
    )
    return make_round(partnership, framework_version)


def orgs(round_):
    return {o.name: o for o in Organisation.objects.filter(partnership=round_.partnership)}


def test_results_stay_hidden_until_enough_people_respond(client, facilitator, round_):
    add_responses(round_, orgs(round_)["Northbridge Council"], None, 4)
    client.force_login(facilitator)
    url = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results/"
    html = client.get(url).content.decode()
    assert "Results appear when the round closes" in html and "There are 4 responses so far" in html
    lifecycle.apply(round_, "close", facilitator)
    html = client.get(url).content.decode()
    assert "Results are shown once at least 5 people have responded" in html
    assert "Theme scores" not in html


def test_small_groups_read_fewer_than_five_on_every_page(client, facilitator, round_):
    named = orgs(round_)
    add_responses(round_, named["Northbridge Council"], None, 8, value=4)
    add_responses(round_, named["Northbridge NHS"], None, 9, value=2)
    add_responses(round_, named["Small Charity"], None, 2, value=1)
    lifecycle.apply(round_, "close", facilitator)
    client.force_login(facilitator)
    base = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results"
    heatmap = client.get(f"{base}/heatmap/").content.decode()
    # The charity (2) and the council (8) hide 10 between them: enough to say which is which.
    assert "fewer than 5 responses" in heatmap and "hidden to protect a smaller group" in heatmap
    results = round_results(round_)
    charity = next(g for g in results.breakdowns["organisation"]["shared-purpose"] if g.label == "Small Charity")
    assert charity.score.hidden and charity.score.mean is None
    # Showing the council would reveal the charity (total minus NHS minus council), so it is hidden
    # too; only the NHS's figures are shown.
    shown = {
        round(g.score.mean, 6)
        for groups in results.breakdowns["organisation"].values()
        for g in groups
        if not g.score.hidden
        and g.score.mean is not None
        and g.key in (named["Northbridge Council"].pk, named["Northbridge NHS"].pk)
    }
    assert shown == {2.0}
    for page in ("", "/themes/shared-purpose", "/differences", "/attention", "/heatmap"):
        assert client.get(f"{base}{page}/").status_code == 200


def test_the_number_of_queries_does_not_grow_with_answers(round_):
    named = orgs(round_)
    group = RespondentGroup.objects.filter(partnership=round_.partnership).first()
    add_responses(round_, named["Northbridge Council"], group, 5)
    with CaptureQueriesContext(connection) as small:
        round_results(round_)
    add_responses(round_, named["Northbridge NHS"], group, 40, value=2)
    add_responses(round_, named["Northbridge Council"], None, 20, value=5)
    with CaptureQueriesContext(connection) as large:
        round_results(round_)
    assert len(small.captured_queries) == len(large.captured_queries) <= 8


def test_viewers_see_results_only_once_published(client, facilitator, round_):
    add_responses(round_, orgs(round_)["Northbridge Council"], None, 6)
    viewer = User.objects.create_user("board@northbridge.example", "pw-for-tests-only-1")
    add_member(round_.partnership, viewer, Role.VIEWER)
    client.force_login(viewer)
    url = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results/"
    assert client.get(url).status_code == 403
    lifecycle.apply(round_, "close", facilitator)
    lifecycle.apply(round_, "publish", facilitator)
    assert client.get(url).status_code == 200


def test_other_partnerships_and_anonymous_visitors_cannot_see_results(client, facilitator, round_):
    add_responses(round_, orgs(round_)["Northbridge Council"], None, 6)
    url = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results/"
    assert client.get(url).status_code == 302
    outsider = User.objects.create_user("someone@elsewhere.example", "pw-for-tests-only-1")
    make_partnership(outsider, name="Elsewhere")
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_a_hidden_comment_is_logged_and_left_out_for_viewers(client, facilitator, round_):
    add_responses(round_, orgs(round_)["Northbridge Council"], None, 5, comment="Sam in housing never replies")
    comment = Comment.objects.first()
    client.force_login(facilitator)
    base = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results"
    # No comments, and so no moderating them, while the round is open.
    assert client.post(f"{base}/comments/{comment.pk}/", {"reason": "x"}).status_code == 404
    lifecycle.apply(round_, "close", facilitator)
    page = client.post(f"{base}/comments/{comment.pk}/", {"reason": ""}).content.decode()
    assert "Say why, so the decision can be checked later" in page
    client.post(f"{base}/comments/{comment.pk}/", {"reason": "Names a member of staff"})
    comment.refresh_from_db()
    assert comment.hidden and comment.text == "Sam in housing never replies"
    log = CommentModeration.objects.get()
    assert (log.action, log.reason, log.user) == ("hide", "Names a member of staff", facilitator)
    lifecycle.apply(round_, "publish", facilitator)
    viewer = User.objects.create_user("board@northbridge.example", "pw-for-tests-only-1")
    add_member(round_.partnership, viewer, Role.VIEWER)
    client.force_login(viewer)
    html = client.get(f"{base}/themes/{comment.theme_id}/").content.decode()
    assert "Sam in housing" not in html
    assert client.post(f"{base}/comments/{comment.pk}/", {"reason": "x"}).status_code == 403


def test_comments_are_escaped_on_results_pages(client, facilitator, round_):
    add_responses(round_, orgs(round_)["Northbridge Council"], None, 5, comment="<img src=x onerror=alert(1)>")
    lifecycle.apply(round_, "close", facilitator)
    client.force_login(facilitator)
    theme = round_.framework.themes[0].id
    html = client.get(
        f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results/themes/{theme}/"
    ).content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_attention_reasons_and_exemplars_are_shown(client, facilitator, round_):
    add_responses(round_, orgs(round_)["Northbridge Council"], None, 6, value=2)
    lifecycle.apply(round_, "close", facilitator)
    client.force_login(facilitator)
    html = client.get(f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/results/attention/").content.decode()
    assert "Scored 2.0 of 5; 100% chose it." in html
    assert "South Tyneside" in html


def test_change_page_compares_with_the_previous_round_and_shows_actions(client, facilitator, framework_version):
    from together.actions.models import Action

    partnership = make_partnership(facilitator)
    council = Organisation.objects.get(partnership=partnership, name="Northbridge Council")
    first = make_round(partnership, framework_version)
    add_responses(first, council, None, 12, value=2)
    lifecycle.apply(first, "close", facilitator)
    Action.objects.create(
        partnership=partnership, round=first, title="Frontline listening sessions", theme_id="whole-workforce"
    )
    second = make_round(partnership, framework_version)
    import random

    rng = random.Random(3)  # noqa: S311 - test data
    for _ in range(12):
        add_responses(second, council, None, 1, value=rng.choice([3, 4]))
    lifecycle.apply(second, "close", facilitator)
    client.force_login(facilitator)
    html = client.get(f"/partnerships/{partnership.pk}/rounds/{second.pk}/results/change/").content.decode()
    assert "Compared with Spring review" in html
    assert "Improved" in html
    assert "Frontline listening sessions" in html
    assert html.count('class="app-chart"') == len(framework_version.framework.themes)
    first_html = client.get(f"/partnerships/{partnership.pk}/rounds/{first.pk}/results/change/").content.decode()
    assert "There is no earlier closed round of the Transforming Together Framework to compare with" in first_html


def test_the_differences_page_lists_each_difference_once_with_its_figures(client, facilitator, framework_version):
    from django.template.defaultfilters import floatformat

    from tests.integration.test_chart_figures import Page
    from together.analysis.figures import bound
    from together.partnerships.models import Membership
    from together.releases import services as releases
    from together.reviews.models import Round
    from together.web import demo

    partnership = demo.seed(facilitator, framework_version)
    Membership.objects.update_or_create(partnership=partnership, user=facilitator, defaults={"role": Role.OWNER})
    closed = Round.objects.get(partnership=partnership, name="Spring 2026 review")
    client.force_login(facilitator)
    html = client.get(f"/partnerships/{partnership.pk}/rounds/{closed.pk}/results/differences/").content.decode()
    gaps = releases.obtain(closed, Role.OWNER, facilitator).results.differences()
    assert gaps, "the demo round has differences to show"
    framework = closed.framework
    titles = {t.id: t.title.en for t in framework.themes} | {s.id: s.text.en for s in framework.statements}
    tables = [t for t in Page(html).tables if t.caption.startswith("Themes and statements seen differently by")]
    rows = {}
    for table in tables:
        order = [header.removeprefix("Theme ") for header, _cells in table.rows]
        # Within a breakdown: its themes, then its statements, each the strongest evidence first.
        dimension = table.caption.split(" by ")[1].split(",")[0]
        expected = [titles[g.item] for g in gaps if g.item in results_themes(framework) and _named(g, dimension)]
        expected += [titles[g.item] for g in gaps if g.item not in results_themes(framework) and _named(g, dimension)]
        assert order == expected
        rows.update(table.rows)
    assert sum(len(table.rows) for table in tables) == len(rows) == len(gaps)  # each once
    for gap in gaps:
        header = f"Theme {titles[gap.item]}" if gap.item in results_themes(framework) else titles[gap.item]
        highest, lowest, size = rows[header]
        assert highest == f"{gap.highest.label}: {floatformat(gap.highest.score.mean, 1)} (n = {gap.highest.score.n})"
        assert lowest == f"{gap.lowest.label}: {floatformat(gap.lowest.score.mean, 1)} (n = {gap.lowest.score.n})"
        assert size == (f"{floatformat(gap.size, 1)} ({bound(gap.comparison.low)} to {bound(gap.comparison.high)})")
        assert gap.flagged
    assert "Where people disagree" in html


def results_themes(framework):
    return {t.id for t in framework.themes}


def _named(gap, dimension: str) -> bool:
    return {"organisation": "organisation", "sector": "sector", "group": "respondent group"}[gap.dimension] == dimension
