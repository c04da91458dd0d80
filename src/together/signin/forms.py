from django import forms
from django.utils.translation import gettext_lazy as _

from . import mfa

_CODE_ATTRS = {"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}


class SignInCodeForm(forms.Form):
    """The second page of signing in: a code from the app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        help_text=_("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
        max_length=40,
        widget=forms.TextInput(attrs=_CODE_ATTRS),
        error_messages={"required": _("Enter the code from your authenticator app, or a recovery code")},
    )

    def clean_code(self):
        code = mfa.normalise(self.cleaned_data["code"])
        if not (mfa.APP_CODE.match(code) or mfa.RECOVERY_CODE.match(code)):
            raise forms.ValidationError(
                _("Enter the 6 digits from your authenticator app, or a recovery code of 8 letters and numbers"),
                code="format",
            )
        return code


class SetupForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("Your app shows a new 6-digit code every 30 seconds."),
        max_length=20,
        widget=forms.TextInput(attrs={**_CODE_ATTRS, "inputmode": "numeric"}),
        error_messages={"required": _("Enter the 6-digit code from your authenticator app")},
    )

    def clean_code(self):
        code = mfa.normalise(self.cleaned_data["code"])
        if not mfa.APP_CODE.match(code):
            raise forms.ValidationError(_("Enter the code as 6 digits, like 123456"), code="format")
        return code


class ConfirmForm(forms.Form):
    """Proof that the person at the keyboard is the account's owner, before a change to it."""

    proof = forms.CharField(
        label=_("Your password, or a code from your authenticator app"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password or a code from your authenticator app")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.wrong = False

    def clean_proof(self):
        proof = self.cleaned_data["proof"]
        code = mfa.normalise(proof)
        if mfa.APP_CODE.match(code):
            device = mfa.authenticator(self.user)
            if device is not None and device.verify_token(code):
                return proof
        elif self.user.has_usable_password() and self.user.check_password(proof):
            return proof
        self.wrong = True
        raise forms.ValidationError(
            _("That is not your password or a current code from your authenticator app"), code="wrong"
        )
