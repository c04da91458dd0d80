"""The answering-time estimate follows the framework's own length."""

from pathlib import Path

from together.framework import load_framework_file
from together.framework.estimate import WARN_MINUTES, WARN_STATEMENTS, estimate

SHIPPED = Path(__file__).parents[2] / "frameworks" / "transforming-together.yaml"


def test_shipped_framework_takes_about_twenty_five_minutes_with_its_guidance_read():
    found = estimate(load_framework_file(SHIPPED))
    assert found.statements == 43
    assert found.minutes == 25
    assert found.warnings == []
    assert estimate(load_framework_file(SHIPPED), guidance_shown=False).minutes == 20


def test_a_second_rating_per_statement_takes_longer():
    framework = load_framework_file(SHIPPED)
    assert estimate(framework, ratings_per_statement=2).minutes > estimate(framework).minutes


def test_a_short_framework_is_a_few_minutes_and_long_one_warns():
    framework = load_framework_file(SHIPPED)
    one_theme = framework.model_copy(update={"themes": framework.themes[:1]})
    short = estimate(one_theme)
    assert 2 <= short.minutes <= 6
    many = framework.model_copy(update={"themes": framework.themes * 2})
    long = estimate(many)
    assert long.statements > WARN_STATEMENTS
    assert long.minutes > WARN_MINUTES
    # Doubling the themes doubles the short form too, past what a pulse works best with.
    assert len(long.warnings) == 3
    assert "86 statements" in long.warnings[0]
    assert long.warnings[2] == "the short form has 24 statements, more than the 8 to 14 a pulse works best with"


def test_shipped_short_form_is_twelve_statements_and_about_fifteen_minutes():
    framework = load_framework_file(SHIPPED)
    assert estimate(framework).short_form == 12
    pulse = estimate(framework.short_form())
    assert pulse.statements == 12
    assert pulse.minutes == 15
    assert pulse.minutes < estimate(framework).minutes


def test_a_framework_asking_now_and_in_a_year_counts_two_ratings_a_statement():
    health = load_framework_file(SHIPPED.parent / "partnership-health-check.yaml")
    assert health.questions is not None
    assert estimate(health).minutes == estimate(health, ratings_per_statement=2).minutes
    assert estimate(health).minutes > estimate(health, ratings_per_statement=1).minutes
