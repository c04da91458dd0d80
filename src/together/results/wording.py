"""The words a reader sees for a figure that is not shown, the same on every page, chart, report
and export (see ``docs/statistics.md``, "Hidden figures")."""

from __future__ import annotations

from django.utils.translation import gettext as _

from together.analysis.disclosure import FEWER, PROTECTS


def hidden_words(reason: str | None, threshold: int) -> str:
    """What a hidden figure reads: fewer than the threshold, hidden to protect a smaller group,
    or, where telling which would itself narrow a small group down, just "not shown"."""
    if reason == FEWER:
        return _("fewer than %(threshold)s responses") % {"threshold": threshold}
    if reason == PROTECTS:
        return _("hidden to protect a smaller group")
    return _("not shown, to protect anonymity")
