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


@register.simple_tag
def rating_fields(form) -> str:
    """Every statement of a questionnaire page as GOV.UK radios, built in Python.

    The same markup as ``govuk/radios.html``; written out here because a theme page draws about
    thirty radios, and the template engine was the slowest part of answering one.
    """
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    parts = []
    for field in form.statement_fields():
        auto_id = field.auto_id
        name = field.html_name
        value = field.value()
        selected = "" if value is None else str(value)
        described = []
        hint = ""
        if field.help_text:
            hint = f'<div id="{auto_id}-hint" class="govuk-hint">{conditional_escape(field.help_text)}</div>'
            described.append(f"{auto_id}-hint")
        errors = ""
        for error in field.errors:
            errors += (
                f'<p id="{auto_id}-error" class="govuk-error-message">'
                f'<span class="govuk-visually-hidden">Error:</span> {conditional_escape(error)}</p>'
            )
        if field.errors:
            described.append(f"{auto_id}-error")
        aria = f' aria-describedby="{" ".join(described)}"' if described else ""
        items = []
        for index, (choice_value, choice_label) in enumerate(field.field.choices):
            option_id = f"{auto_id}_{index}"
            checked = " checked" if str(choice_value) == selected else ""
            items.append(
                f'<div class="govuk-radios__item"><input class="govuk-radios__input" id="{option_id}" '
                f'name="{name}" type="radio" value="{conditional_escape(choice_value)}"{checked}>'
                f'<label class="govuk-label govuk-radios__label" for="{option_id}">'
                f"{conditional_escape(choice_label)}</label></div>"
            )
        group_class = "govuk-form-group govuk-form-group--error" if field.errors else "govuk-form-group"
        parts.append(
            f'<div class="{group_class}"><fieldset class="govuk-fieldset"{aria}>'
            f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">'
            f"{conditional_escape(field.label)}</legend>{hint}{errors}"
            f'<div class="govuk-radios govuk-radios--small" data-module="govuk-radios">{"".join(items)}</div>'
            f"</fieldset></div>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@register.filter
def signed(value) -> str:
    """A change to one decimal place with its sign, rounding halves up: +0.4, −0.3, 0.0."""
    from decimal import ROUND_HALF_UP, Decimal

    if value is None:
        return ""
    rounded = Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if rounded > 0:
        return f"+{rounded}"
    if rounded < 0:
        return f"\u2212{abs(rounded)}"
    return "0.0"
