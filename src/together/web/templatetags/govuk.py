"""Template helpers for framework text and GOV.UK form markup."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.templatetags.static import static
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from together.framework.schema import Text
from together.web import languages

register = template.Library()


@register.filter
def answering_minutes(framework) -> int:
    """About how many minutes a framework's questionnaire takes, as respondents are told."""
    from together.reviews.questionnaire import answering_minutes as minutes

    return minutes(framework)


@register.filter
def tr(text: Text) -> str:
    """Framework text in the reader's language, in English where no Welsh exists yet.

    English shown to a Welsh reader is marked with ``lang="en"`` so screen readers pronounce it.
    Text a framework leaves out (an optional field) reads as nothing.
    """
    if text is None:
        return ""
    language = get_language() or "en"
    if text.falls_back(language):
        return format_html('<span lang="en">{}</span>', text.en)
    return text.get(language)


@register.filter
def entered(value, partnership=None) -> str:
    """Text someone typed (a partnership's, organisation's or round's name), marked with the
    language the partnership writes its names in wherever the page is in the other one, so that
    screen readers pronounce it in its own language: English names on a Welsh page, and Welsh
    names (a partnership's setting) on an English page."""
    if value is None or value == "":
        return ""
    written = getattr(partnership, "names_language", "") or languages.ENGLISH
    if languages.page_language() != written:
        return format_html('<span lang="{}">{}</span>', written, value)
    return conditional_escape(value)


@register.filter
def group_name(group, partnership=None) -> str:
    """The name of a group in the results: an organisation or a respondent group, as someone
    typed it (marked with its language where the page is in the other), or a sector or "not
    said", in the page's words."""
    key = getattr(group, "key", None)
    if isinstance(key, int) and not isinstance(key, bool):
        return entered(group.label, partnership)
    return conditional_escape(group.label)


@register.filter
def tr_plain(text: Text) -> str:
    """Framework text in the reader's language, without markup (for page titles)."""
    if text is None:
        return ""
    return text.get(get_language() or "en")


@register.simple_tag
def scale_range(scale) -> str:
    """The ends of a framework's scale as its own labels name them, in the reader's language:
    "1 (Not started) to 4 (Leading)"."""
    language = get_language() or "en"
    return gettext("%(low)s (%(low_label)s) to %(high)s (%(high_label)s)") % {
        "low": scale.minimum,
        "low_label": scale.lowest.label.get(language),
        "high": scale.maximum,
        "high_label": scale.highest.label.get(language),
    }


@register.simple_tag
def scale_numbers(scale) -> str:
    """The numbers a framework's scale runs over: "1 to 4"."""
    return gettext("%(low)s to %(high)s") % {"low": scale.minimum, "high": scale.maximum}


@register.simple_tag
def large_gap(scale) -> str:
    """The difference between groups that is large enough to matter on this scale, in points, as
    precisely as it is set: "1.0" on a 1 to 5 scale, "0.75" on a 1 to 4 scale."""
    from together.analysis.differences import large_difference

    written = f"{large_difference(scale.points):.2f}".rstrip("0")
    return written + "0" if written.endswith(".") else written


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
    """The plain reason an item is ranked where it is in "Where to pay attention", in the
    reader's language: its score, the share choosing it (where priorities were asked), and
    whether partners disagree. (``Attention.reason`` is the same in English, for plain Python.)"""
    from django.utils.translation import gettext

    from together.analysis.figures import one_place
    from together.analysis.figures import percent as written

    parts = [gettext("scored %(score)s of %(maximum)s") % {"score": one_place(entry.score), "maximum": maximum}]
    if entry.chosen_share is not None:
        parts.append(gettext("%(share)s chose it") % {"share": written(entry.chosen_share)})
    if entry.split:
        parts.append(gettext("partners disagree"))
    return "; ".join(parts)


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

    Where the framework asks two questions of each statement (now, and in a year), the statement
    is a heading with its guidance under it, then one group of radios per question; each group's
    legend starts with the statement, hidden on screen, so a screen reader announces both.
    """
    parts = []
    escaped_choices = {}  # the statements of a page share one scale: escape its options once
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
                f'<span class="govuk-visually-hidden">{_error_prefix()}</span> {conditional_escape(error)}</p>'
            )
        if field.errors:
            described.append(f"{auto_id}-error")
        legend = conditional_escape(field.label)
        statement_text = getattr(field.field, "statement_text", None)
        if statement_text is not None:
            hidden = conditional_escape(statement_text)
            legend = f'<span class="govuk-visually-hidden">{hidden} – </span>{legend}'
            if field.field.first:
                heading = f'<h2 class="govuk-heading-s govuk-!-margin-bottom-2">{hidden}</h2>'
                if field.field.guidance:
                    heading += (
                        f'<div id="{auto_id}-guidance" class="govuk-hint">{conditional_escape(field.field.guidance)}'
                        "</div>"
                    )
                    described.insert(0, f"{auto_id}-guidance")
                parts.append(heading)
        picture = getattr(field.field, "picture", None)
        if picture is not None:
            # Easy read and young people: the statement's picture beside its words, with its own
            # description (the words a screen reader says for it).
            icon, alt = picture
            source = conditional_escape(static(f"images/icons/{icon}.svg"))
            legend = (
                f'<span class="app-statement-picture"><img src="{source}" alt="{conditional_escape(alt)}" '
                f'width="64" height="64"><span>{legend}</span></span>'
            )
        aria = f' aria-describedby="{" ".join(described)}"' if described else ""
        choices = tuple(field.field.choices)
        options = escaped_choices.get(choices)
        if options is None:
            options = escaped_choices[choices] = [
                (str(choice_value), conditional_escape(choice_value), conditional_escape(choice_label))
                for choice_value, choice_label in choices
            ]
        items = []
        for index, (choice_value, escaped_value, escaped_label) in enumerate(options):
            option_id = f"{auto_id}_{index}"
            checked = " checked" if choice_value == selected else ""
            items.append(
                f'<div class="govuk-radios__item"><input class="govuk-radios__input" id="{option_id}" '
                f'name="{name}" type="radio" value="{escaped_value}"{checked}>'
                f'<label class="govuk-label govuk-radios__label" for="{option_id}">'
                f"{escaped_label}</label></div>"
            )
        group_class = "govuk-form-group govuk-form-group--error" if field.errors else "govuk-form-group"
        # Pictured pages have full-size radios: bigger to see and to tap.
        radios = "govuk-radios" if picture is not None else "govuk-radios govuk-radios--small"
        legend_size = "m" if picture is not None else "s"
        parts.append(
            f'<div class="{group_class}"><fieldset class="govuk-fieldset"{aria}>'
            f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--{legend_size}">'
            f"{legend}</legend>{hint}{errors}"
            f'<div class="{radios}" data-module="govuk-radios">{"".join(items)}</div>'
            f"</fieldset></div>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def _error_prefix() -> str:
    """What a screen reader says before an error message, in the page's language."""
    return conditional_escape(gettext("Error:"))


def _hint_and_errors(field) -> str:
    """What ``govuk/_hint_error.html`` draws: the field's hint, then its error messages."""
    auto_id = field.auto_id
    hint = ""
    if field.help_text:
        hint = f'<div id="{auto_id}-hint" class="govuk-hint">{conditional_escape(field.help_text)}</div>'
    errors = "".join(
        f'<p id="{auto_id}-error" class="govuk-error-message">'
        f'<span class="govuk-visually-hidden">{_error_prefix()}</span> {conditional_escape(error)}</p>'
        for error in field.errors
    )
    return f"{hint}\n{errors}"


@register.simple_tag
def govuk_choices(field, legend_class: str = "govuk-fieldset__legend--s", heading=False) -> str:
    """GOV.UK radios or checkboxes for one choice field, built in Python.

    What ``govuk_field`` draws with ``govuk/radios.html`` or ``govuk/checkboxes.html``, without
    Django's per-option widget machinery, which made the questionnaire's choice pages slow.
    """
    widget = field.field.widget
    kind = "checkboxes" if widget.allow_multiple_selected else "radios"
    auto_id = field.auto_id
    name = field.html_name
    errors = field.errors
    value = field.value()
    if value is None:
        value = []
    elif not isinstance(value, list | tuple):
        value = [value]
    selected = {"" if v is None else str(v) for v in value}
    label = conditional_escape(field.label)
    if heading:
        label = f'<h1 class="govuk-fieldset__heading">{label}</h1>'
    aria = ""
    if field.help_text or errors:
        hint_id = f"{auto_id}-hint" if field.help_text else ""
        error_id = f" {auto_id}-error" if errors else ""
        aria = f' aria-describedby="{hint_id}{error_id}"'
    hint = _hint_and_errors(field)
    small = " govuk-radios--small" if kind == "radios" and widget.attrs.get("small") else ""
    input_type = "checkbox" if kind == "checkboxes" else "radio"
    items = []
    found = False
    for index, (choice_value, choice_label) in enumerate(field.field.choices):
        option_id = f"{auto_id}_{index}"
        # As Django's widgets choose: radios check only the first match.
        checked = str(choice_value) in selected and (kind == "checkboxes" or not found)
        found = found or checked
        items.append(
            f'\n      <div class="govuk-{kind}__item">\n'
            f'        <input class="govuk-{kind}__input" id="{option_id}" name="{name}" type="{input_type}" '
            f'value="{conditional_escape(choice_value)}"{" checked" if checked else ""}>\n'
            f'        <label class="govuk-label govuk-{kind}__label" for="{option_id}">'
            f"{conditional_escape(choice_label)}</label>\n"
            f"      </div>\n      "
        )
    error_class = " govuk-form-group--error" if errors else ""
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<div class="govuk-form-group{error_class}">\n'
        f'  <fieldset class="govuk-fieldset"{aria}>\n'
        f'    <legend class="govuk-fieldset__legend {conditional_escape(legend_class)}">{label}</legend>\n'
        f"    {hint}\n\n"
        f'    <div class="govuk-{kind}{small}" data-module="govuk-{kind}">\n      {"".join(items)}\n'
        f"    </div>\n"
        f"  </fieldset>\n"
        f"</div>\n\n"
    )


@register.simple_tag
def govuk_textarea(field, label_class: str = "") -> str:
    """A GOV.UK textarea for one form field, built in Python: what ``govuk_field`` draws for it."""
    auto_id = field.auto_id
    errors = field.errors
    label_classes = f"govuk-label {conditional_escape(label_class)}" if label_class else "govuk-label"
    hint = _hint_and_errors(field)
    aria = ""
    if field.help_text or errors:
        hint_id = f"{auto_id}-hint" if field.help_text else ""
        error_id = f" {auto_id}-error" if errors else ""
        aria = f' aria-describedby="{hint_id}{error_id}"'
    max_length = field.field.max_length
    maxlength = f' maxlength="{max_length}"' if max_length else ""
    value = field.value()
    error_class = " govuk-form-group--error" if errors else ""
    textarea_error = " govuk-textarea--error" if errors else ""
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<div class="govuk-form-group{error_class}">\n'
        f'  <label class="{label_classes}" for="{field.id_for_label}">{conditional_escape(field.label)}</label>\n'
        f"  {hint}\n\n"
        f'  <textarea class="govuk-textarea{textarea_error}" id="{field.id_for_label}" name="{field.html_name}" '
        f'rows="5"{maxlength}{aria}>{conditional_escape("" if value is None else value)}</textarea>\n'
        f"</div>\n\n"
    )


# The scale explained on every questionnaire page never changes for a framework and language, so
# its markup is built once. The scale is kept with it, so its id() cannot be reused meanwhile.
_SCALE_DETAILS: dict[tuple[int, str], tuple[object, str]] = {}


@register.simple_tag
def scale_details(scale) -> str:
    """Each level of the rating scale, and "don't know", with what it means: rows of a summary list."""
    language = get_language() or "en"
    cached = _SCALE_DETAILS.get((id(scale), language))
    if cached is None or cached[0] is not scale:
        rows = [
            '<div class="govuk-summary-list__row">'
            f'<dt class="govuk-summary-list__key">{_tr_html(level.label, language)}</dt>'
            f'<dd class="govuk-summary-list__value">{_tr_html(level.description, language)}</dd></div>'
            for level in [*scale.levels, *([scale.dont_know] if scale.dont_know else [])]
        ]
        html = "".join(rows[:-1]) + "\n      " + rows[-1]
        if len(_SCALE_DETAILS) > 64:
            _SCALE_DETAILS.clear()
        cached = _SCALE_DETAILS[(id(scale), language)] = (scale, mark_safe(html))  # noqa: S308 - escaped above
    return cached[1]


@register.filter
def bound(value) -> str:
    """An end of an interval (see together.analysis.figures.bound)."""
    from together.analysis.figures import bound as written

    return "" if value is None else written(value)


@register.filter
def signed(value) -> str:
    """A change to one decimal place with its sign, rounding halves up: +0.4, −0.3, 0.0."""
    from together.analysis.figures import signed as written

    return "" if value is None else written(value)


def _tr_html(text: Text, language: str) -> str:
    """What ``{{ text|tr }}`` writes: escaped, and marked as English where Welsh is missing."""
    if text is None:
        return ""
    if text.falls_back(language):
        return f'<span lang="en">{escape(text.en)}</span>'
    return escape(text.get(language))


@register.simple_tag
def answer_summaries(sections, round_) -> str:
    """The check-your-answers lists, one per theme, built in Python.

    The same markup as GOV.UK's summary list written out in the template would give (it was the
    slowest part of that page: about fifty rows). ``sections`` is what ``respond.check`` builds.
    """
    language = get_language() or "en"
    start = f"{languages.prefix(language)}/respond/{round_.public_id}/"
    change = escape(gettext("Change"))
    not_answered = f'<strong class="govuk-tag govuk-tag--red">{escape(gettext("Not answered"))}</strong>'
    your_comment = escape(gettext("Your comment"))
    no_comment = escape(gettext("None"))
    your_answer_to = gettext("your answer to: %(s)s")
    your_comment_on = gettext("your comment on %(t)s")
    parts = []
    for section in sections:
        theme = section["theme"]
        href = f"{start}theme/{escape(theme.id)}/?return=check"
        parts.append(
            f'<h2 class="govuk-heading-m">{_tr_html(theme.title, language)}</h2>\n<dl class="govuk-summary-list">\n'
        )
        for row in section["rows"]:
            statement = row["statement"]
            if isinstance(row["answer"], list):  # two questions: a line for each
                answer = "<br>".join(escape(line) for line in row["answer"])
            else:
                answer = escape(row["answer"]) if row["answer"] else not_answered
            hidden = your_answer_to % {"s": _tr_html(statement.text, language)}
            parts.append(
                f'  <div class="govuk-summary-list__row">\n'
                f'    <dt class="govuk-summary-list__key">{_tr_html(statement.text, language)}</dt>\n'
                f'    <dd class="govuk-summary-list__value">{answer}</dd>\n'
                f'    <dd class="govuk-summary-list__actions"><a class="govuk-link" href="{href}">{change}'
                f'<span class="govuk-visually-hidden"> {hidden}</span></a></dd>\n'
                f"  </div>\n"
            )
        if section["comment"] is None:  # a questionnaire that asks no comment
            parts.append("</dl>\n\n")
            continue
        comment = linebreaksbr(section["comment"], autoescape=True) or no_comment
        hidden = your_comment_on % {"t": _tr_html(theme.title, language)}
        parts.append(
            f'  <div class="govuk-summary-list__row">\n'
            f'    <dt class="govuk-summary-list__key">{your_comment}</dt>\n'
            f'    <dd class="govuk-summary-list__value">{comment}</dd>\n'
            f'    <dd class="govuk-summary-list__actions"><a class="govuk-link" href="{href}">{change}'
            f'<span class="govuk-visually-hidden"> {hidden}</span></a></dd>\n'
            f"  </div>\n</dl>\n\n"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@register.filter
def hidden_words(score, threshold) -> str:
    """Why a hidden score is not shown: ``{{ score|hidden_words:threshold }}``."""
    from together.results.wording import hidden_words as words

    return words(getattr(score, "hidden_reason", None), int(threshold))


@register.filter
def minutes(duration) -> int:
    """A timedelta in whole minutes, rounded up: how long to wait."""
    return max(1, -(-int(duration.total_seconds()) // 60))


@register.filter
def percent(share) -> str:
    """A share as a whole percentage, halves rounded up (see together.analysis.figures.percent)."""
    from together.analysis.figures import percent as written

    return "" if share is None else written(share)
