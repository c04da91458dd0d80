from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_INTRODUCTION, MAX_TEXT


class SummaryForm(forms.Form):
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=MAX_INTRODUCTION,
        widget=forms.Textarea,
        help_text=_("Thank people for answering and say in a sentence or two what the partnership took from it."),
        error_messages={"max_length": _("The introduction must be %(limit_value)s characters or fewer")},
    )

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        for entry in entries:
            self.fields[f"theme-{entry.theme.id}"] = forms.CharField(
                label=_("What we are doing about it"),
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea,
                initial=entry.text,
                error_messages={"max_length": _("Each theme's text must be %(limit_value)s characters or fewer")},
            )

    def texts(self) -> dict[str, str]:
        return {
            name.removeprefix("theme-"): value for name, value in self.cleaned_data.items() if name.startswith("theme-")
        }
