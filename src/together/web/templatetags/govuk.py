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


_WIDGET_TEMPLATES = {
    "radioselect": "govuk/radios.html",
    "checkboxselectmultiple": "govuk/checkboxes.html",
    "textarea": "govuk/textarea.html",
    "select": "govuk/select.html",
    "clearablefileinput": "govuk/file.html",
    "fileinput": "govuk/file.html",
    "checkboxinput": "govuk/checkbox.html",
}


@register.inclusion_tag("govuk/field.html")
def govuk_field(
    field,
    label_class: str = "",
    input_class: str = "",
    legend_class: str = "govuk-fieldset__legend--s",
    heading=False,
):
    """Render a form field with the GOV.UK component that suits its widget."""
    widget = field.field.widget.__class__.__name__.lower()
    return {
        "field": field,
        "template": _WIDGET_TEMPLATES.get(widget, "govuk/input.html"),
        "label_class": label_class,
        "input_class": input_class,
        "legend_class": legend_class,
        "heading": heading,
    }


@register.filter
def reason(entry, maximum: int) -> str:
    """The plain-English reason an item is ranked where it is in "Where to pay attention"."""
    return entry.reason(maximum)


_DIMENSIONS = {"organisation": "organisation", "sector": "sector", "group": "respondent group"}


@register.filter
def dimension_name(key: str) -> str:
    from django.utils.translation import gettext

    return gettext(_DIMENSIONS.get(key, key))
