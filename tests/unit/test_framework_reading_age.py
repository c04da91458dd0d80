"""The shipped framework's versions for residents and young people read at the age they are written for.

Readability is measured with the Flesch-Kincaid grade (textstat, with the CMU pronouncing dictionary
for syllables). A UK reading age is about the US school grade plus five, so "reading age about 9"
is a grade of at most 4. Each version is measured over everything its respondent reads in English:
the introduction, the theme summaries, the statements with their guidance, and the word list.
"""

import pytest
import textstat

from tests.conftest import FRAMEWORK_FILE
from together.framework import load_framework_file
from together.framework.schema import Variant

FRAMEWORK = load_framework_file(FRAMEWORK_FILE)

# The highest grade each version may read at, and the reading age that grade stands for.
HIGHEST_GRADE = {
    "residents": 4.0,  # reading age 9
    "easy-read": 4.0,  # reading age 9, in shorter sentences still (below)
    "young-people-8-11": 3.5,  # reading age 8 to 9, for the youngest answering
    "young-people-12-18": 5.0,  # reading age 10, below the youngest in the band
}
# Easy read keeps to one short idea a sentence.
EASY_READ_LONGEST_SENTENCE = 12


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!")) else text + "."


def what_a_respondent_reads(variant: Variant) -> list[str]:
    texts = [variant.introduction.en]
    texts += [theme.summary.en for theme in variant.themes if theme.summary]
    for statement in variant.statements:
        texts.append(statement.text.en)
        if statement.guidance:
            texts.append(statement.guidance.en)
    texts += [entry.meaning.en for entry in variant.glossary]
    return [_sentence(text) for text in texts]


def grade(texts: list[str]) -> float:
    return textstat.flesch_kincaid_grade(" ".join(texts))


def test_every_shipped_version_has_a_limit():
    assert sorted(variant.id for variant in FRAMEWORK.variants) == sorted(HIGHEST_GRADE)


@pytest.mark.parametrize("variant_id", sorted(HIGHEST_GRADE))
def test_each_version_reads_at_the_age_it_is_written_for(variant_id):
    variant = FRAMEWORK.variant(variant_id)
    measured = grade(what_a_respondent_reads(variant))
    assert measured <= HIGHEST_GRADE[variant_id], f"{variant_id} reads at grade {measured:.1f}"


@pytest.mark.parametrize("variant_id", sorted(HIGHEST_GRADE))
def test_the_statements_alone_read_at_that_age_too(variant_id):
    variant = FRAMEWORK.variant(variant_id)
    measured = grade([_sentence(statement.text.en) for statement in variant.statements])
    assert measured <= HIGHEST_GRADE[variant_id], f"{variant_id}'s statements read at grade {measured:.1f}"


def test_easy_read_statements_are_short():
    for statement in FRAMEWORK.variant("easy-read").statements:
        words = statement.text.en.split()
        assert len(words) <= EASY_READ_LONGEST_SENTENCE, statement.id


def test_the_measure_tells_insiders_wording_from_plain_words():
    """The partners' statements are written for people who run services, and measure as such."""
    insiders = [_sentence(statement.text.en) for theme in FRAMEWORK.themes for statement in theme.statements]
    assert grade(insiders) > HIGHEST_GRADE["residents"] + 2
