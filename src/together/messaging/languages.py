"""Which language an email is written in, and a bilingual email where the reader's is not known.

The Welsh Language Standards ask that Welsh is not treated less favourably than English: an
email to someone whose language is not known goes in both, and for a partnership bound by the
Standards, Welsh first. Each language's part is rendered with that language active, so its
words come from the catalogue and its links open the service in that language (``/cy/…``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation

WELSH, ENGLISH = "cy", "en"
# Said at the top of a bilingual email, in the first part's language, so a reader of the other
# finds theirs. Written here rather than in the catalogue, as each must be in its own language
# whichever language the catalogue is rendering.
FOLLOWS = {
    WELSH: "Mae fersiwn Saesneg o'r neges hon isod. (An English version of this message follows.)",
    ENGLISH: "A Welsh version of this message follows. (Mae fersiwn Gymraeg o'r neges hon isod.)",
}
DIVIDER = "-" * 40


def email_languages(preferred: str, *, welsh_standards: bool, bilingual: bool = False) -> list[str]:
    """The languages to write in, in order: the reader's own where known; else both (Welsh first
    where the Standards apply, English first for another bilingual round); else English."""
    if preferred in (WELSH, ENGLISH):
        return [preferred]
    if welsh_standards:
        return [WELSH, ENGLISH]
    if bilingual:
        return [ENGLISH, WELSH]
    return [ENGLISH]


def prefixed(site: str, path: str, language: str) -> str:
    """An address on the service that opens in ``language``."""
    return f"{site}{'/cy' if language == WELSH else ''}{path}"


def write(languages: list[str], render: Callable[[str], tuple[str, str]]) -> tuple[str, str]:
    """(subject, body) in each language, joined where there are two. ``render(language)`` gives
    one language's subject and body; it is called with that language active."""
    parts = []
    for language in languages:
        with translation.override(language):
            subject, body = render(language)
        parts.append((" ".join(subject.split()), body.strip()))
    if len(parts) == 1:
        return parts[0][0], parts[0][1] + "\n"
    subject = " / ".join(subject for subject, _body in parts)
    bodies = [FOLLOWS[languages[0]], ""]
    for number, (_subject, body) in enumerate(parts):
        if number:
            bodies += ["", DIVIDER, ""]
        bodies.append(body)
    return subject, "\n".join(bodies) + "\n"
