from django import forms
from django.utils.translation import gettext_lazy as _

from together.framework import Framework
from together.web.languages import text as framework_text

from .models import Action


class ActionForm(forms.ModelForm):
    theme_id = forms.ChoiceField(label=_("Theme"), required=False)
    statement_ids = forms.MultipleChoiceField(
        label=_("Statements it responds to (optional)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y"],
        help_text=_("For example, 30/9/2027. Optional."),
        error_messages={"invalid": _("Enter the due date as day/month/year, like 30/9/2027")},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "theme_id",
            "statement_ids",
            "lead_organisation",
            "supporting_organisations",
            "due_date",
            "success_measure",
        ]
        widgets = {"supporting_organisations": forms.CheckboxSelectMultiple}
        help_texts = {
            "title": _("A short name, such as Joint councillor briefing on shared outcomes."),
            "success_measure": _("What people will see when it has worked, for example in the next review."),
        }
        error_messages = {"title": {"required": _("Enter a title for the action")}}

    def __init__(self, *args, partnership, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme_id"].choices = [("", _("Not linked to a theme"))] + [
            (t.id, framework_text(t.title)) for t in framework.themes
        ]
        self.fields["statement_ids"].choices = [(s.id, framework_text(s.text)) for s in framework.statements]
        organisations = partnership.organisations.all()
        self.fields["lead_organisation"].queryset = organisations
        self.fields["lead_organisation"].empty_label = _("No lead organisation yet")
        self.fields["supporting_organisations"].queryset = organisations
        self.framework = framework

    def clean(self):
        cleaned = super().clean()
        theme_id = cleaned.get("theme_id")
        statements = cleaned.get("statement_ids") or []
        if theme_id and statements:
            outside = [s for s in statements if self.framework.theme_of(s).id != theme_id]
            if outside:
                self.add_error("statement_ids", _("Choose only statements from the theme you linked"))
        lead = cleaned.get("lead_organisation")
        if lead and lead in (cleaned.get("supporting_organisations") or []):
            self.add_error("supporting_organisations", _("The lead organisation cannot also be a supporting one"))
        return cleaned


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": _("Enter the note"), "max_length": _("Keep the note to 2,000 characters")},
    )


class DropForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it being dropped?"),
        max_length=500,
        error_messages={"required": _("Say why the action is being dropped")},
    )
