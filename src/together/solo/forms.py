"""The one form a solo review has beyond the questionnaire's: starting a partnership from it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TogetherForm(forms.Form):
    name = forms.CharField(
        label=_("Partnership name"),
        max_length=120,
        help_text=_("For example, Northbridge Partnership."),
        error_messages={
            "required": _("Enter the partnership's name"),
            "max_length": _("The partnership's name must be 120 characters or fewer"),
        },
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=120,
        help_text=_("The area it serves, such as a town or county."),
        error_messages={
            "required": _("Enter the place the partnership serves"),
            "max_length": _("The place must be 120 characters or fewer"),
        },
    )
    round_name = forms.CharField(
        label=_("Name of the first review round"),
        max_length=120,
        initial=_("First partnership review"),
        help_text=_("You can change it later, before the round opens."),
        error_messages={
            "required": _("Enter a name for the round"),
            "max_length": _("The round's name must be 120 characters or fewer"),
        },
    )
