from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from together.accounts.forms import PASSWORD_HINT
from together.accounts.models import User

from . import audit

_EMAIL_ERRORS = {
    "required": _("Enter an email address"),
    "invalid": _("Enter an email address in the correct format, like name@example.gov.uk"),
}


def _email(label=None):
    return forms.EmailField(
        label=label or _("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages=_EMAIL_ERRORS,
    )


class InviteForm(forms.Form):
    email = _email()
    name = forms.CharField(
        label=_("Full name"), max_length=150, error_messages={"required": _("Enter the person's full name")}
    )
    operator = forms.BooleanField(
        label=_("Make them an operator"),
        required=False,
        help_text=_("Operators can see every account, invite and disable people, and read the audit log."),
    )

    def __init__(self, *args, may_make_operators: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_make_operators:
            del self.fields["operator"]


class AccountSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by email address"), max_length=254, required=False)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    account = forms.CharField(
        label=_("Account email address"), max_length=254, required=False, help_text=_("The whole address")
    )

    def __init__(self, *args, recorded=(), **kwargs):
        super().__init__(*args, **kwargs)
        known = list(audit.LABELS)
        extra = sorted(set(recorded) - set(known))
        self.fields["action"].choices = [("", _("Any action"))] + [(a, audit.label(a)) for a in known + extra]


class RefuseForm(forms.Form):
    note = forms.CharField(
        label=_("Message to the person (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea,
        help_text=_("Included in the email telling them their request was refused."),
    )


class SignupForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=150, error_messages={"required": _("Enter your full name")})
    email = _email(_("Work email address"))
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=150,
        help_text=_("The council, NHS body or other organisation you work for."),
        error_messages={"required": _("Enter the organisation you work for")},
    )
    reason = forms.CharField(
        label=_("Why do you need an account?"),
        max_length=1000,
        widget=forms.Textarea,
        help_text=_("Say which partnership you would like to review and your part in it."),
        error_messages={
            "required": _("Say why you need an account"),
            "max_length": _("Why you need an account must be 1,000 characters or fewer"),
        },
    )
    email.widget.attrs["autocomplete"] = "email"
    name.widget.attrs["autocomplete"] = "name"
    organisation.widget.attrs["autocomplete"] = "organization"


class SignupPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=PASSWORD_HINT,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter a password")},
    )
    password2 = forms.CharField(
        label=_("Confirm your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter your password again")},
    )

    def __init__(self, *args, email: str, name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = User(email=email, name=name)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The passwords do not match. Enter the same password twice"))
        elif first:
            try:
                password_validation.validate_password(first, self.person)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned
