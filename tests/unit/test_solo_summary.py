"""The private report's sums and the solo review's lifecycle: plain Python."""

import pytest

from tests.conftest import FRAMEWORK_FILE
from together.framework import load_framework_file
from together.solo import lifecycle
from together.solo.summary import private_report

FRAMEWORK = load_framework_file(FRAMEWORK_FILE)


def all_answered(value):
    return {s.id: value for s in FRAMEWORK.statements}


def test_theme_scores_leave_out_dont_know_and_the_lowest_three_break_ties_in_framework_order():
    answers = all_answered(4)
    first, second, third, fourth = FRAMEWORK.themes[:4]
    answers[first.statements[0].id] = None
    for statement in second.statements:
        answers[statement.id] = 2
    for theme in (third, fourth):
        for statement in theme.statements:
            answers[statement.id] = 3
    for statement in FRAMEWORK.themes[-1].statements:
        answers[statement.id] = None  # no score at all
    report = private_report(FRAMEWORK, answers)
    scores = {row.theme.id: row.score for row in report.themes}
    assert scores[first.id] == 4.0 and scores[second.id] == 2.0
    assert scores[FRAMEWORK.themes[-1].id] is None
    assert [row.theme.id for row in report.lowest] == [second.id, third.id, fourth.id]
    assert report.questions[0] == (first, first.statements[0])
    assert len(report.questions) == 1 + len(FRAMEWORK.themes[-1].statements)


def test_every_dont_know_gives_no_lowest_themes():
    report = private_report(FRAMEWORK, all_answered(None))
    assert report.lowest == []
    assert len(report.questions) == len(FRAMEWORK.statements)


def test_lifecycle_allows_only_its_transitions():
    assert lifecycle.next_state("draft", "send") == "sent"
    assert lifecycle.next_state("sent", "delete") == "deleted"
    assert lifecycle.next_state("draft", "expire") == "expired"
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.next_state("sent", "send")
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.next_state("deleted", "send")
