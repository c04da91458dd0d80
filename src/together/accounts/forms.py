"""Password forms in the GOV.UK style, built on Django's own."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from together.messaging import delivery

from .emails import queue_password_reset

PASSWORD_HINT = _(
    "Use at least 12 characters. Do not use a common password, only numbers, or something like your name or email "
    "address. Three or four random words work well."
)


class ResetRequestForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.gov.uk"),
        },
    )

    def get_users(self, email):
        # Active accounts only; an invited person who lost the invitation may set a first password
        # this way too, so accounts without a usable password are included.
        return get_user_model().objects.filter(email__iexact=email.strip(), is_active=True)

    def save(self, domain_override=None, use_https=False, request=None, **kwargs):
        """Queue a reset email for each active account with the address (there is at most one);
        the worker makes the link when it sends. Nothing is rendered, signed or sent here: a
        known address costs the request a write transaction with an audit record, an outbox row
        and a task; an unknown one a write transaction with a task that sends nothing. No mail
        server is waited on either way."""
        domain = domain_override or request.get_host()
        site = f"{'https' if use_https else 'http'}://{domain}"
        users = list(self.get_users(self.cleaned_data["email"]))
        for user in users:
            queue_password_reset(user, site)
        if not users:
            delivery.queue_nothing()  # the same kind of write as for a known address


class _NewPasswordFields:
    def _style_new_password_fields(self):
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label, first.help_text = _("New password"), PASSWORD_HINT
        first.error_messages["required"] = _("Enter a new password")
        second.label, second.help_text = _("Confirm your new password"), ""
        second.error_messages["required"] = _("Enter your new password again")
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": _("The passwords do not match. Enter the same password twice"),
        }


class NewPasswordForm(_NewPasswordFields, auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_new_password_fields()


class ChangePasswordForm(_NewPasswordFields, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_new_password_fields()
        current = self.fields["old_password"]
        current.label = _("Current password")
        current.widget.attrs.pop("autofocus", None)
        current.error_messages["required"] = _("Enter your current password")
        self.error_messages = {**self.error_messages, "password_incorrect": _("Your current password is not right")}
