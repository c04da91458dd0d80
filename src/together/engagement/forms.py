from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from together.web.languages import text as framework_text

from .models import EngagementNote

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y"]


class EngagementForm(forms.ModelForm):
    held_on = forms.DateField(
        label=_("When did it start?"),
        input_formats=DATE_FORMATS,
        help_text=_("For example, 3/3/2026."),
        error_messages={
            "required": _("Enter the date it started"),
            "invalid": _("Enter the date it started as day/month/year, like 3/3/2026"),
        },
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    ended_on = forms.DateField(
        label=_("When did it end? (optional)"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_("Leave empty for a single day."),
        error_messages={"invalid": _("Enter the date it ended as day/month/year, like 28/3/2026")},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    theme_ids = forms.MultipleChoiceField(
        label=_("Which themes does it speak to?"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = EngagementNote
        fields = [
            "title",
            "method",
            "held_on",
            "ended_on",
            "reached",
            "people",
            "learned",
            "theme_ids",
            "round",
            "actions",
        ]
        labels = {
            "title": _("What did you do?"),
            "method": _("How did you hear from people?"),
            "reached": _("Who did you reach?"),
            "people": _("Roughly how many people? (optional)"),
            "learned": _("What did you learn?"),
            "round": _("Which review round does it inform? (optional)"),
            "actions": _("Which actions did it lead to? (optional)"),
        }
        help_texts = {
            "title": _("For example, A month of door-knocking in Marsh ward."),
            "reached": _("For example, about 120 households, mostly families with young children."),
            "learned": _("What people told you, in a few sentences. Do not name anyone."),
        }
        widgets = {
            "method": forms.RadioSelect,
            "learned": forms.Textarea(attrs={"rows": 5}),
            "actions": forms.CheckboxSelectMultiple,
            "people": forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        }
        error_messages = {
            "title": {"required": _("Enter what you did")},
            "method": {"required": _("Choose how you heard from people")},
            "reached": {"required": _("Enter who you reached")},
            "learned": {"required": _("Enter what you learned")},
            "people": {"invalid": _("Enter how many people as a whole number, like 120")},
        }

    def __init__(self, *args, partnership, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = partnership.rounds.all()
        self.fields["round"].empty_label = _("Not linked to a round")
        self.fields["round"].label_from_instance = lambda round_: round_.name
        self.fields["actions"].queryset = partnership.actions.all()
        self.fields["theme_ids"].choices = (
            [(t.id, framework_text(t.title)) for t in framework.themes] if framework else []
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("held_on"), cleaned.get("ended_on")
        today = timezone.localdate()
        if start and start > today:
            self.add_error("held_on", _("The date it started must be today or in the past"))
        if start and end and end < start:
            self.add_error("ended_on", _("The date it ended must be the same as or after the date it started"))
        return cleaned
