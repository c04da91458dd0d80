"""The service's own pictures for easy read and young people's statements.

A framework file names one of these for each such statement (``icon``), with the words a
screen reader says for it (``icon_alt``); the drawings are SVG files in the web service's
static files (``images/icons/<name>.svg``), one per name here. What each shows:
"""

from __future__ import annotations

ICONS: dict[str, str] = {
    "shared-goal": "people around one target",
    "keep-going": "a path that carries on into the distance",
    "councillor": "a person speaking at a lectern",
    "tell-once": "one speech bubble passed between two services",
    "better-place": "houses, a tree and a sun",
    "promise": "two hands shaking",
    "honest": "a speech bubble with a tick",
    "know-help": "a person pointing to a signpost",
    "teamwork": "two people fitting puzzle pieces together",
    "asked": "a question mark in a speech bubble",
    "everyone-heard": "an ear beside several small people",
    "told-changes": "a letter with an arrow going back",
    "fix": "a spanner",
    "see-it-through": "a flag at the end of steps",
    "speak-up": "a megaphone",
    "safe": "a shield",
}
