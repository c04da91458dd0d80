from django import forms
from django.utils.translation import gettext_lazy as _

from . import tokens


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("So you can tell your tokens apart, like “Power BI dashboard”. Up to 100 characters."),
        error_messages={
            "required": _("Enter a name for the token"),
            "max_length": _("Name must be 100 characters or fewer"),
        },
    )
    days = forms.TypedChoiceField(
        label=_("Expires after"),
        choices=[(days, _("%(days)s days") % {"days": days}) for days in tokens.LIFETIMES],
        coerce=int,
        initial=tokens.DEFAULT_LIFETIME,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select when the token expires"),
            "invalid_choice": _("Select 30, 90 or 365 days"),
        },
    )
