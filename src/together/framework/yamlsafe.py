"""YAML for framework files: bounded, and with errors in plain words.

Framework files may come from anyone (uploaded on the web, sent by email), so reading one must
never cost more than the file is worth: anchors and aliases are refused (an alias "bomb" of a few
hundred bytes expands to gigabytes), nesting is limited far beyond anything a framework needs,
and so are the number of values and the size of the file. Every failure becomes a line number and
a sentence an author can act on, rather than the parser's own vocabulary.
"""

from __future__ import annotations

import re

import yaml

MAX_BYTES = 2_000_000  # the shipped framework, in English and Welsh, is under 100 KB
MAX_DEPTH = 25  # a framework nests about 7 levels deep
MAX_VALUES = 200_000  # about 10 values a statement: room for thousands of statements


class Unreadable(Exception):
    """The text could not be read as a framework file: ``line`` (1-based) and a plain ``reason``."""

    def __init__(self, line: int, reason: str):
        self.line = line
        self.reason = reason
        super().__init__(f"line {line}: {reason}")


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses anchors and aliases and limits depth and size."""

    def __init__(self, text: str):
        try:
            super().__init__(text)
        except yaml.reader.ReaderError as error:
            raise _unprintable(error, text) from None
        self._text = text
        self._depth = 0
        self._values = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise Unreadable(
                line,
                "uses a YAML anchor or alias (& or *), which framework files may not: write each text out in full",
            )
        self._values += 1
        if self._values > MAX_VALUES:
            raise Unreadable(line, f"has more than {MAX_VALUES:,} values; a framework file is far smaller than this")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise Unreadable(line, f"is nested more than {MAX_DEPTH} levels deep; a framework file needs about 7")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self):
        try:
            return super().get_single_node()
        except yaml.reader.ReaderError as error:
            raise _unprintable(error, self._text) from None
        except yaml.MarkedYAMLError as error:
            raise plain(error) from None


def _unprintable(error: yaml.reader.ReaderError, text: str) -> Unreadable:
    line = text[: max(error.position, 0)].count("\n") + 1
    character = error.character if isinstance(error.character, str) else chr(error.character)
    return Unreadable(
        line,
        f"contains the invisible control character U+{ord(character):04X}, which a framework file cannot hold: "
        "delete it (it often comes with text copied from a word processor or a PDF)",
    )


_CANNOT_START = re.compile(r"found character '(.+)' that cannot start any token")


def plain(error: yaml.MarkedYAMLError) -> Unreadable:
    """The parser's complaint as the line at fault and what to do about it."""
    problem = error.problem or ""
    context = error.context or ""
    at = error.problem_mark or error.context_mark
    line = at.line + 1 if at else 1
    started = error.context_mark.line + 1 if error.context_mark else line
    if "'\\t'" in problem:
        return Unreadable(line, "is indented with a tab: use spaces, not tabs")
    cannot_start = _CANNOT_START.search(problem)
    if cannot_start:
        return Unreadable(
            line, f"has text starting with {cannot_start.group(1)}, which YAML reserves: put the text in quotes"
        )
    if problem == "mapping values are not allowed here":
        return Unreadable(
            line,
            "has a colon followed by a space inside text: put the whole text in double quotes, "
            'like en: "Purpose: why we work together"',
        )
    if "quoted scalar" in context:
        return Unreadable(started, "opens a quote mark that is never closed")
    if "could not find expected ':'" in problem:
        return Unreadable(
            started,
            "has a key without a colon after it, or text that runs onto the next line: write key: value, "
            "and put long text in quotes",
        )
    if "flow mapping" in context or "flow sequence" in context:
        if "<stream end>" in problem:
            return Unreadable(started, "opens a { or [ that is never closed")
        return Unreadable(
            line,
            "has a comma or colon inside text written as {en: …, cy: …}: put the text in quotes, or write it in "
            "block style with en: and cy: on lines of their own",
        )
    if "expected <block end>" in problem and "<scalar>" in problem:
        return Unreadable(
            line,
            "has more text after a closing quote mark: if the text holds an apostrophe, put it in double quotes "
            '(en: "it\'s ours")',
        )
    if "expected <block end>" in problem:
        return Unreadable(
            line,
            "is indented differently from the lines above it: keys at the same level need the same number of spaces",
        )
    if "undefined alias" in problem:
        return Unreadable(line, "uses a YAML alias (*), which framework files may not: write each text out in full")
    return Unreadable(line, f"cannot be read as YAML ({problem or context or 'unknown problem'})")
