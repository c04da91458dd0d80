from functools import lru_cache
from pathlib import Path

from django import template
from django.contrib.staticfiles import finders
from django.utils.html import escape
from django.utils.safestring import mark_safe

from together.framework.icons import ICONS

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]``, or None: the keying page's values and problems by field name."""
    if not hasattr(mapping, "get"):
        return None
    return mapping.get(key)


@lru_cache(maxsize=64)
def _drawing(name: str) -> str:
    found = finders.find(f"images/icons/{name}.svg")
    return Path(found).read_text(encoding="utf-8").strip() if found else ""


@register.simple_tag
def icon_svg(name, alt) -> str:
    """A statement's picture drawn inline (a printed form and its PDF load nothing from outside),
    named for a screen reader by its description."""
    if name not in ICONS:
        return ""
    drawing = _drawing(name)
    if not drawing.startswith("<svg "):
        return ""
    labelled = f'<svg class="picture" role="img" aria-label="{escape(alt)}" ' + drawing[len("<svg ") :]
    return mark_safe(labelled)  # noqa: S308 - the service's own drawing, its label escaped
