from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Organisation, Partnership, RespondentGroup, Role, Sector


class PartnershipForm(forms.ModelForm):
    class Meta:
        model = Partnership
        fields = ["name", "place", "description", "vision", "vision_horizon_year", "welsh_standards", "names_language"]
        labels = {"vision_horizon_year": _("Year the vision looks ahead to")}
        help_texts = {
            "name": _("For example, Northbridge Partnership."),
            "description": _("Who is in the partnership and what it works on. Optional."),
            "vision": _("The long-term vision partners have agreed, in their own words. Optional."),
            "vision_horizon_year": _("For example, 2040. Optional."),
        }
        error_messages = {
            "name": {"required": _("Enter the partnership's name")},
            "place": {"required": _("Enter the place the partnership serves")},
        }
        widgets = {"vision_horizon_year": forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out (a script posting the older form), names are taken to be in English.
        self.fields["names_language"].required = False

    def clean_names_language(self):
        return self.cleaned_data.get("names_language") or "en"

    def clean_vision_horizon_year(self):
        year = self.cleaned_data.get("vision_horizon_year")
        this_year = timezone.localdate().year
        if year is not None and not this_year <= year <= this_year + 100:
            raise forms.ValidationError(
                _("Enter a year between %(a)s and %(b)s") % {"a": this_year, "b": this_year + 100}
            )
        return year


class OrganisationForm(forms.ModelForm):
    sector = forms.ChoiceField(
        label=_("Sector"),
        choices=Sector.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the organisation's sector")},
    )

    class Meta:
        model = Organisation
        fields = ["name", "sector"]
        labels = {"name": _("Organisation name")}
        error_messages = {"name": {"required": _("Enter the organisation's name")}}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Organisation.objects.filter(partnership=self.partnership, name__iexact=name).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError(_("%(name)s is already a partner organisation") % {"name": name})
        return name


class GroupForm(forms.ModelForm):
    class Meta:
        model = RespondentGroup
        fields = ["name"]
        labels = {"name": _("Group name")}
        help_texts = {"name": _("A role or level respondents can say they belong to, such as Ward councillor.")}
        error_messages = {"name": {"required": _("Enter the group's name")}}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = RespondentGroup.objects.filter(partnership=self.partnership, name__iexact=name)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("There is already a group called %(name)s") % {"name": name})
        return name


ROLE_HINTS = {
    Role.OWNER: _("Everything a facilitator can do, and manage members"),
    Role.FACILITATOR: _("Set up organisations and rounds, invite respondents, see results"),
    Role.VIEWER: _("See the partnership, its rounds and results"),
}


class InviteMemberForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        error_messages={
            "required": _("Enter the colleague's email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.gov.uk"),
        },
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select a role")},
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select a role")},
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation they work for"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Not tied to an organisation"),
        help_text=_("Members of an action's lead organisation can record its progress."),
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = partnership.organisations.all()


class JoinForm(forms.Form):
    name = forms.CharField(
        label=_("Your full name"), max_length=150, error_messages={"required": _("Enter your full name")}
    )
    password = forms.CharField(
        label=_("Create a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. A few unrelated words make a strong password."),
        error_messages={"required": _("Create a password")},
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self):
        from django.contrib.auth.password_validation import validate_password

        from together.accounts.models import User

        password = self.cleaned_data["password"]
        validate_password(password, User(email=self.email, name=self.data.get("name", "")))
        return password
