"""Template helpers for framework text and GOV.UK form markup."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from together.framework.schema import Text

register = template.Library()


@register.filter
def tr(text: Text) -> str:
    """Framework text in the reader's language, in English where no Welsh exists yet.

    English shown to a Welsh reader is marked with ``lang="en"`` so screen readers pronounce it.
    """
    language = get_language() or "en"
    if text.falls_back(language):
        return format_html('<span lang="en">{}</span>', text.en)
    return text.get(language)


@register.filter
def tr_plain(text: Text) -> str:
    """Framework text in the reader's language, without markup (for page titles)."""
    return text.get(get_language() or "en")


@register.filter
def field_errors(form, name: str):
    return form.errors.get(name, [])
