from django import forms
from django.utils.translation import gettext_lazy as _

from together.web.languages import text as framework_text


class WorkshopActionForm(forms.Form):
    """A quick way to capture an action during the meeting; details can be added later."""

    title = forms.CharField(
        label=_("Action"), max_length=150, error_messages={"required": _("Enter the action the meeting agreed")}
    )
    theme_id = forms.ChoiceField(label=_("Theme"), required=False)
    lead_organisation = forms.ModelChoiceField(
        label=_("Lead organisation"), queryset=None, required=False, empty_label=_("Decide later")
    )
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("For example, 30/9/2027. Optional."),
        error_messages={"invalid": _("Enter the due date as day/month/year, like 30/9/2027")},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    agreed = forms.BooleanField(label=_("Agreed at this meeting"), required=False, initial=True)

    def __init__(self, *args, partnership, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme_id"].choices = [("", _("Not linked to a theme"))] + [
            (t.id, framework_text(t.title)) for t in framework.themes
        ]
        self.fields["lead_organisation"].queryset = partnership.organisations.all()
