"""How long a framework's questionnaire takes to answer, worked out from its own content.

Plain Python, no Django. The figure is what respondents are told before they start, what a
facilitator sees when choosing a framework, and what the validator warns about, so it must
come from the framework's length rather than a fixed sentence.

The model is deliberately simple and errs long: reading at 180 words a minute (plain-English
guidance suggests slower readers manage about that), 8 seconds to settle on each rating once
read, a theme's introduction read once with 20 seconds for its optional comment, and two
minutes for the start, "about you", priorities and check pages together.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

WORDS_PER_MINUTE = 180
SECONDS_TO_RATE = 8
SECONDS_FOR_COMMENT = 20
FIXED_SECONDS = 120

# Above either of these the validator warns: respondents stop before the end.
WARN_STATEMENTS = 60
WARN_MINUTES = 25
# A short form (for pulse rounds) outside this range is allowed, but said: fewer statements say
# little about a theme, more stop being quick.
SHORT_FORM_FEWEST = 8
SHORT_FORM_MOST = 14

_WORD = re.compile(r"\w+")


def _words(text) -> int:
    if text is None:
        return 0
    return len(_WORD.findall(str(text)))


@dataclass(frozen=True)
class Estimate:
    statements: int
    minutes: int
    # How many statements the framework's short form has (0: it has none).
    short_form: int = 0

    @property
    def warnings(self) -> list[str]:
        found = []
        if self.statements > WARN_STATEMENTS:
            found.append(
                f"{self.statements} statements: over {WARN_STATEMENTS}, many respondents will stop before the "
                "end; consider a shorter framework or splitting it"
            )
        if self.minutes > WARN_MINUTES:
            found.append(
                f"about {self.minutes} minutes to answer: over {WARN_MINUTES}, many respondents will stop before "
                "the end"
            )
        if self.short_form and not SHORT_FORM_FEWEST <= self.short_form <= SHORT_FORM_MOST:
            side = "fewer" if self.short_form < SHORT_FORM_FEWEST else "more"
            found.append(
                f"the short form has {self.short_form} statements, {side} than the {SHORT_FORM_FEWEST} to "
                f"{SHORT_FORM_MOST} a pulse works best with"
            )
        return found


def estimate(framework, ratings_per_statement: int | None = None, guidance_shown: bool = True) -> Estimate:
    """Estimate answering time for ``framework`` (a :class:`~together.framework.schema.Framework`).

    ``ratings_per_statement`` is 2 when each statement asks both where things are now and where
    they should be; by default it is read from the framework's ``questions``. The questionnaire
    shows each statement's guidance beside it, so by default it counts as read;
    ``guidance_shown=False`` leaves it out.
    """
    if ratings_per_statement is None:
        # A framework that asks where things are now and where they should be rates each statement twice.
        ratings_per_statement = 2 if getattr(framework, "asks_target", False) else 1
    seconds = FIXED_SECONDS
    count = 0
    for theme in framework.themes:
        seconds += _words(theme.title) * 60 / WORDS_PER_MINUTE
        seconds += _words(getattr(theme, "summary", None)) * 60 / WORDS_PER_MINUTE
        seconds += SECONDS_FOR_COMMENT
        for statement in theme.statements:
            count += 1
            words = _words(statement.text)
            if guidance_shown:
                words += _words(getattr(statement, "guidance", None))
            seconds += words * 60 / WORDS_PER_MINUTE + SECONDS_TO_RATE * ratings_per_statement
    marked = sum(1 for statement in _statements(framework) if getattr(statement, "short_form", False))
    return Estimate(statements=count, minutes=_round_minutes(seconds), short_form=marked)


def _statements(framework):
    return [statement for theme in framework.themes for statement in theme.statements]


def _round_minutes(seconds: float) -> int:
    minutes = max(1, math.ceil(seconds / 60))
    if minutes <= 10:
        return minutes
    # "About 17 minutes" claims a precision the model does not have: give multiples of 5 above 10.
    return 5 * math.ceil(minutes / 5)
