"""Results pages in a real browser, on the demo partnership's closed round: accessible, and
never showing a figure for a small group."""

import pytest

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from together.partnerships.models import Membership, Role
from together.reviews.models import Comment, Round
from together.web import demo

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def closed_round(facilitator, framework_version):
    partnership = demo.seed(facilitator, framework_version)
    Membership.objects.update_or_create(partnership=partnership, user=facilitator, defaults={"role": Role.OWNER})
    return Round.objects.get(partnership=partnership, name="Spring 2026 review")


@pytest.mark.parametrize(
    "page_path",
    [
        "",
        "themes/whole-workforce/",
        "themes/leadership-and-relationships/",
        "differences/",
        "attention/",
        "heatmap/",
        "heatmap/?by=sector",
        "heatmap/?by=group",
        "change/",
    ],
)
def test_results_pages_are_accessible(page, facilitator, closed_round, page_path):
    sign_in(page, facilitator)
    visit(page, f"/partnerships/{closed_round.partnership_id}/rounds/{closed_round.pk}/results/{page_path}")
    assert page.locator("h1").count() == 1
    for chart in page.locator("svg.app-chart").all():
        assert chart.get_attribute("role") == "img"
        assert chart.locator("title").count() == 1 and chart.locator("desc").count() == 1
    assert_accessible(page)


def results_url(round_, path: str = "") -> str:
    return f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/{path}"


def test_every_theme_page_workshop_step_and_moderation_page_is_accessible(page, facilitator, closed_round):
    """The pages the list above leaves out: each theme, each workshop step, moderating a comment."""
    sign_in(page, facilitator)
    comment = Comment.objects.filter(response__round=closed_round, response__state="submitted").first()
    paths = [f"results/themes/{theme.id}/" for theme in closed_round.framework.themes]
    paths += ["workshop/", "workshop/2/", "workshop/3/", "workshop/4/", f"results/comments/{comment.pk}/"]
    for path in paths:
        visit(page, results_url(closed_round, path))
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)


# Every text of the page's charts: its size on screen in CSS pixels, whether it lies wholly
# inside its chart, and its words (the lines of a wrapped label joined by spaces).
CHART_TEXTS = """() => [...document.querySelectorAll('svg.app-chart')].flatMap(svg => {
  const frame = svg.getBoundingClientRect();
  const scale = svg.getScreenCTM().a || Math.hypot(svg.getScreenCTM().a, svg.getScreenCTM().b);
  return [...svg.querySelectorAll('text')].map(text => {
    const box = text.getBoundingClientRect();
    const spans = [...text.querySelectorAll('tspan')].map(span => span.textContent);
    return {
      chart: svg.id,
      words: spans.length ? spans.join(' ') : text.textContent,
      size: parseFloat(text.getAttribute('font-size')) * scale,
      inside: box.left >= frame.left - 1 && box.right <= frame.right + 1
        && box.top >= frame.top - 1 && box.bottom <= frame.bottom + 1,
    };
  });
})"""


@pytest.mark.parametrize("by", ["organisation", "sector", "group"])
def test_the_heatmap_is_readable_on_a_laptop_with_every_name_in_full(page, facilitator, closed_round, by):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, facilitator)
    visit(page, results_url(closed_round, f"results/heatmap/?by={by}"))
    texts = page.evaluate(CHART_TEXTS)
    assert texts and min(t["size"] for t in texts) >= 14
    assert all(t["inside"] for t in texts), [t["words"] for t in texts if not t["inside"]]
    # Every group the table heads a column with is named in full in the chart, and so is every theme.
    headers = page.locator(".app-heatmap-table thead th").all_inner_texts()[1:]
    themes = page.locator(".app-heatmap-table tbody th").all_inner_texts()
    words = {" ".join(t["words"].split()) for t in texts}
    for name in headers + themes:
        assert " ".join(name.split()) in words, name
    assert not any("…" in t["words"] for t in texts)
    # At 1280 pixels the chart fits the page without scrolling.
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_the_heatmap_table_scrolls_in_its_own_box_on_a_narrower_screen(page, facilitator, closed_round):
    page.set_viewport_size({"width": 1100, "height": 800})
    sign_in(page, facilitator)
    visit(page, results_url(closed_round, "results/heatmap/"))
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    box = page.locator(".app-table-scroll")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # the table is wider than its box…
    box.focus()
    page.keyboard.press("ArrowRight")
    # …and moves within it from the keyboard (the browser may animate the scroll).
    page.wait_for_function("() => document.querySelector('.app-table-scroll').scrollLeft > 0", timeout=3000)


def test_each_trend_has_its_theme_as_a_title_and_no_label_cut(page, facilitator, closed_round):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, facilitator)
    visit(page, results_url(closed_round, "results/change/"))
    themes = [theme.title.en for theme in closed_round.framework.themes]
    assert page.locator(".app-trend figcaption").all_inner_texts() == themes
    texts = [t for t in page.evaluate(CHART_TEXTS) if t["chart"].startswith("trend-")]
    assert texts and min(t["size"] for t in texts) >= 14
    assert all(t["inside"] for t in texts), [t["words"] for t in texts if not t["inside"]]
    rounds = page.locator("table", has_text="Theme scores in each round").locator("thead th").all_inner_texts()[1:]
    words = [t["words"] for t in texts]
    for name in rounds:
        assert words.count(name) == len(themes), name


def test_the_heatmap_table_can_be_reached_and_scrolled_by_keyboard(page, facilitator, closed_round):
    sign_in(page, facilitator)
    visit(page, f"/partnerships/{closed_round.partnership_id}/rounds/{closed_round.pk}/results/heatmap/")
    region = page.get_by_role("region", name="Theme scores by group, as a table")
    region.focus()
    assert page.evaluate("document.activeElement.classList.contains('app-table-scroll')")
    text = region.inner_text()
    assert all(theme.title.en in text for theme in closed_round.framework.themes)


def test_the_html_report_is_accessible(page, facilitator, closed_round):
    sign_in(page, facilitator)
    visit(page, f"/partnerships/{closed_round.partnership_id}/rounds/{closed_round.pk}/report/")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
