from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from together.framework import Framework
from together.partnerships.models import Organisation, RespondentGroup
from together.web.languages import text as framework_text

from . import sql
from .models import Round, RoundKind

DONT_KNOW = "dk"
# "I'd rather not say", where a scale offers it: kept as 0, which is neither a rating nor "don't know".
RATHER_NOT = "rns"
RATHER_NOT_VALUE = 0


class RoundForm(forms.ModelForm):
    closes_on = forms.DateField(
        label=_("Closing date"),
        required=False,
        help_text=_("Shown to respondents, for example 31/3/2027. The round stays open until you close it. Optional."),
        input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y"],
        error_messages={"invalid": _("Enter the closing date as day/month/year, like 31/3/2027")},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )

    class Meta:
        model = Round
        fields = ["name", "closes_on", "open_link_enabled", "bilingual"]
        labels = {"name": _("Round name")}
        help_texts = {"name": _("For example, Spring 2027 review.")}
        error_messages = {"name": {"required": _("Enter a name for the round")}}

    def __init__(self, *args, frameworks=None, version=None, **kwargs):
        """``frameworks``: the library entries a new round may use (none when editing a round);
        ``version``: the version the round will pin, when not the chosen entry's current one."""
        super().__init__(*args, **kwargs)
        self.frameworks = list(frameworks or [])
        self.version = version
        if self.frameworks:
            self.fields = {
                "framework": forms.TypedChoiceField(
                    label=_("Which framework should this round ask about?"),
                    coerce=int,
                    choices=[(entry.pk, framework_text(entry.current.framework.title)) for entry in self.frameworks],
                    initial=self.frameworks[0].pk,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose the framework this round asks about")},
                    help_text=_("The round keeps the version shown, even if a newer one is published later."),
                ),
                "kind": forms.ChoiceField(
                    label=_("Full review or pulse?"),
                    choices=RoundKind.choices,
                    initial=RoundKind.FULL,
                    # Left out (a script posting the older form), a round is a full review.
                    required=False,
                    widget=forms.RadioSelect,
                    help_text=_(
                        "A pulse asks only the framework's short form, one or two statements a theme, for a "
                        "quick check between full reviews. Only frameworks with a short form offer it."
                    ),
                ),
                **self.fields,
            }

    def chosen_entry(self):
        """The library entry chosen, from those offered."""
        chosen = self.cleaned_data["framework"]
        return next(entry for entry in self.frameworks if entry.pk == chosen)

    def clean_framework(self):
        chosen = self.cleaned_data["framework"]
        if chosen not in {entry.pk for entry in self.frameworks}:
            raise forms.ValidationError(_("Choose one of the frameworks listed"))
        return chosen

    def clean_kind(self):
        return self.cleaned_data.get("kind") or RoundKind.FULL

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == RoundKind.PULSE and cleaned.get("framework") is not None:
            framework = (self.version or self.chosen_entry().current).framework
            if not framework.has_short_form:
                self.add_error(
                    "kind",
                    _("The %(title)s has no short form, so a pulse cannot ask it: choose a full review")
                    % {"title": framework_text(framework.title)},
                )
        return cleaned

    def clean_bilingual(self):
        bilingual = self.cleaned_data.get("bilingual")
        round_ = self.instance
        if bilingual and round_.pk and round_.state != "draft" and not round_.bilingual:
            from together.framework.rules import missing_welsh

            if missing_welsh(round_.framework):
                raise forms.ValidationError(
                    _("This round is open and its questions do not all have Welsh, so it cannot become bilingual")
                )
        return bilingual

    def clean_closes_on(self):
        closes_on = self.cleaned_data.get("closes_on")
        if closes_on and closes_on < timezone.localdate():
            raise forms.ValidationError(_("The closing date must be today or in the future"))
        return closes_on


class InvitationUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Upload a CSV file"),
        help_text=_(
            "One person per row, with a header row. Columns: name, email, organisation, language. "
            "Only email is required; organisation must match a partner organisation's name; language is en or cy "
            "(English or Welsh), the language of the person's emails."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={"required": _("Choose a CSV file to upload")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file must be smaller than 2 MB"))
        return upload


NOT_SAY = "not-say"


def _id_or_none(value: str) -> int | None:
    return None if value == NOT_SAY else int(value)


class AboutYouForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label=_("Which organisation do you work for or represent?"),
        required=False,
        coerce=_id_or_none,
        empty_value=None,
        widget=forms.RadioSelect,
        help_text=_("Optional. Results for an organisation are shown only when enough of its people answer."),
    )
    group = forms.TypedChoiceField(
        label=_("Which of these best describes you?"),
        required=False,
        coerce=_id_or_none,
        empty_value=None,
        widget=forms.RadioSelect,
        help_text=_("Optional."),
    )

    def __init__(self, *args, partnership_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices are kept, so the chosen ones need not be read again to be saved.
        organisations, groups = sql.about_choices(partnership_id)
        self.organisations = {o.pk: o for o in organisations}
        self.groups = {g.pk: g for g in groups}
        # A real value for "rather not say", so that nothing is chosen before the respondent chooses.
        not_say = [(NOT_SAY, _("I would rather not say"))]
        self.fields["organisation"].choices = [(pk, o.name) for pk, o in self.organisations.items()] + not_say
        self.fields["group"].choices = [(pk, g.name) for pk, g in self.groups.items()] + not_say

    def chosen(self) -> tuple[Organisation | None, RespondentGroup | None]:
        """The organisation and group chosen, or None for "rather not say" (once valid)."""
        organisation = self.cleaned_data["organisation"]
        group = self.cleaned_data["group"]
        return (
            self.organisations[organisation] if organisation else None,
            self.groups[group] if group else None,
        )


def rating_field_name(statement_id: str) -> str:
    return f"rating-{statement_id}"


def target_field_name(statement_id: str) -> str:
    """The field of a statement's second rating: where the partnership should be in a year."""
    return f"target-{statement_id}"


# The fields of each questionnaire page, built once per framework, theme and language and then
# shared by every form of that page: they hold only the framework's public text, and nothing in
# Django's forms changes a field once it is built (each form keeps its own data, errors and
# bound fields). The framework is kept with its fields, so its id() cannot be reused meanwhile.
_THEME_FIELDS: dict[tuple[int, str, str], tuple[Framework, dict[str, forms.Field]]] = {}
_THEME_FIELDS_MAX = 256


def _theme_fields(framework: Framework, theme_id: str, language: str, variant=None) -> dict[str, forms.Field]:
    """``variant``: the framework's Variant whose page this is (such as residents'), whose
    statements are agreed with or not, rather than rated as a description of the partnership,
    and which asks no comment; an easy read or young people's statement has its picture."""
    key = (id(framework), theme_id, language)
    cached = _THEME_FIELDS.get(key)
    if cached is not None and cached[0] is framework:
        return cached[1]
    theme = framework.theme(theme_id)
    scale = framework.scale
    choices = [(str(level.value), level.label.get(language)) for level in scale.levels]
    if scale.dont_know is not None:
        choices.append((DONT_KNOW, scale.dont_know.label.get(language)))
    if scale.rather_not_say is not None:
        choices.append((RATHER_NOT, scale.rather_not_say.label.get(language)))
    if scale.dont_know is not None:
        required = (
            _("Select how much you agree, or Don't know")
            if variant is not None
            else _("Select how far this describes your partnership, or Don't know")
        )
    elif variant is not None:
        required = _("Select how much you agree")
    else:
        # A scale without "don't know" asks for a rating of every statement (see docs/framework-format.md).
        required = _("Select how far this describes your partnership")
    questions = framework.questions
    fields: dict[str, forms.Field] = {}
    for statement in theme.statements:
        text = statement.text.get(language)
        guidance = statement.guidance.get(language) if statement.guidance else ""
        if questions is None:
            fields[rating_field_name(statement.id)] = field = forms.ChoiceField(
                label=text,
                help_text=guidance,
                choices=choices,
                widget=forms.RadioSelect(attrs={"small": True}),
                error_messages={
                    "required": required,
                    "invalid_choice": _("Select one of the options for this statement"),
                },
            )
            if variant is not None and variant.pictured:
                own = variant.statement(statement.id)
                field.picture = (own.icon, own.icon_alt.get(language) if own.icon_alt else "")
            continue
        # Two ratings of the statement: each group's legend is the statement and its question, so
        # that a screen reader announces what is being asked wherever its user lands.
        for name, question in (
            (rating_field_name(statement.id), questions.current),
            (target_field_name(statement.id), questions.target),
        ):
            prompt = question.prompt.get(language)
            if scale.dont_know is not None:
                missing = _("Answer “%(prompt)s” for this statement, or choose Don't know") % {"prompt": prompt}
            else:
                missing = _("Answer “%(prompt)s” for this statement") % {"prompt": prompt}
            field = forms.ChoiceField(
                label=prompt,
                help_text=question.hint.get(language) if question.hint else "",
                choices=choices,
                widget=forms.RadioSelect(attrs={"small": True}),
                error_messages={
                    "required": missing,
                    "invalid_choice": _("Select one of the options for “%(prompt)s”") % {"prompt": prompt},
                },
            )
            field.statement = statement  # what the page shows above the two questions
            field.statement_text = text
            field.guidance = guidance
            field.first = name == rating_field_name(statement.id)
            fields[name] = field
    if variant is None:
        fields["comment"] = _comment_field()
    if len(_THEME_FIELDS) >= _THEME_FIELDS_MAX:
        _THEME_FIELDS.clear()
    _THEME_FIELDS[key] = (framework, fields)
    return fields


def _comment_field() -> forms.CharField:
    return forms.CharField(
        label=_("Anything you want to add about this theme? (optional)"),
        help_text=_("Do not include your name or anything that could identify you or someone else."),
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"max_length": _("Your comment must be 2,000 characters or fewer")},
    )


class ThemeForm(forms.Form):
    """One page of the questionnaire: every statement of a theme, and an optional comment."""

    def __init__(self, *args, framework: Framework, theme_id: str, language: str = "en", variant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework
        self.theme = framework.theme(theme_id)
        # A form's own dict of shared, never-changed fields (see _theme_fields).
        self.fields = dict(_theme_fields(framework, theme_id, language, variant))

    @property
    def asks_comment(self) -> bool:
        return "comment" in self.fields

    def comment(self) -> str:
        return self.cleaned_data.get("comment", "") if self.asks_comment else ""

    def clean_kind(self):
        return self.cleaned_data.get("kind") or RoundKind.FULL

    def clean(self):
        cleaned = super().clean()
        expected = self.fields.keys()
        unknown = [key for key in self.data if key.startswith(("rating-", "target-")) and key not in expected]
        if unknown:
            raise forms.ValidationError(
                _("The form included a statement that is not part of this page. Nothing was saved: try again.")
            )
        return cleaned

    def ratings(self) -> dict[str, int | None]:
        return self._values(rating_field_name)

    def targets(self) -> dict[str, int | None] | None:
        """Each statement's rating for a year's time; None where the framework asks one question."""
        if not self.framework.asks_target:
            return None
        return self._values(target_field_name)

    def _values(self, field_name) -> dict[str, int | None]:
        result = {}
        for statement in self.theme.statements:
            value = self.cleaned_data[field_name(statement.id)]
            if value == DONT_KNOW:
                result[statement.id] = None
            elif value == RATHER_NOT:
                result[statement.id] = RATHER_NOT_VALUE
            else:
                result[statement.id] = int(value)
        return result

    def statement_fields(self):
        if not self.framework.asks_target:
            return [self[rating_field_name(s.id)] for s in self.theme.statements]
        return [self[name(s.id)] for s in self.theme.statements for name in (rating_field_name, target_field_name)]


class PrioritiesForm(forms.Form):
    themes = forms.MultipleChoiceField(
        label=_("Which themes most need the partnership's attention now?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, framework: Framework, language: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.most = framework.priority_count
        field = self.fields["themes"]
        field.choices = [(t.id, t.title.get(language)) for t in framework.themes]
        if self.most == 1:
            field.label = _("Which theme most needs the partnership's attention now?")
            field.help_text = _("Choose one, or none.")
        else:
            field.help_text = _("Choose up to %(most)d.") % {"most": self.most}

    def clean_themes(self):
        themes = self.cleaned_data["themes"]
        if len(themes) > self.most:
            if self.most == 1:
                raise forms.ValidationError(_("Choose only one theme"))
            raise forms.ValidationError(_("Choose no more than %(most)d themes") % {"most": self.most})
        return themes
