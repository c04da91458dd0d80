"""A person's account page, and changing, resetting and first setting a password, with Django's
own views: links carry Django's password reset tokens, which stop working once used."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from together.operator import audit
from together.reviews import ratelimit

from .forms import ChangePasswordForm, NewPasswordForm, ResetRequestForm
from .tokens import invitation_tokens, reset_tokens


@login_required
@require_GET
def account(request):
    return render(request, "accounts/account.html")


class PasswordChange(auth_views.PasswordChangeView):
    """Changing a password keeps this session (Django's update_session_auth_hash) and ends every
    other one: each session carries a hash of the password it signed in with."""

    form_class = ChangePasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(audit.PASSWORD_CHANGED, actor=self.request.user, request=self.request)
        messages.success(
            self.request, _("Your password has been changed. Any other signed-in browsers are signed out.")
        )
        return response


class PasswordReset(auth_views.PasswordResetView):
    """Ask for a reset link. Known or not, every address gets the same page; only an active
    account's address is sent an email, and at most PASSWORD_RESET_ACCOUNT_LIMIT of them."""

    form_class = ResetRequestForm
    template_name = "accounts/password_reset.html"
    token_generator = reset_tokens
    success_url = reverse_lazy("password-reset-sent")

    def post(self, request, *args, **kwargs):
        if not ratelimit.allow(request, "password-reset", settings.PASSWORD_RESET_RATE_LIMIT):
            return render(request, "accounts/too_many_resets.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        if not ratelimit.allow_for(email, "password-reset-account", settings.PASSWORD_RESET_ACCOUNT_LIMIT):
            return redirect(self.success_url)
        # One short write transaction for a known address (the audit record, the queued email
        # and its task), none for an unknown one; no mail server is waited on either way.
        with transaction.atomic():
            for user in form.get_users(email):
                audit.record(audit.PASSWORD_RESET_REQUESTED, actor=None, target=user, request=self.request)
            return super().form_valid(form)


class PasswordResetSent(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """The link from the email: Django swaps its token for the session at once, so the address
    that shows the form holds no token."""

    form_class = NewPasswordForm
    template_name = "accounts/password_set.html"
    token_generator = reset_tokens
    success_url = reverse_lazy("sign-in")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(audit.PASSWORD_RESET, actor=form.user, request=self.request)
        messages.success(self.request, _("Your password has been reset. Sign in with your new password."))
        return response


class SetPassword(auth_views.PasswordResetConfirmView):
    """An invited person's first password, from the link an operator's invitation sent."""

    form_class = NewPasswordForm
    template_name = "accounts/password_set.html"
    token_generator = invitation_tokens
    success_url = reverse_lazy("partnerships")
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    extra_context = {"invitation": True}

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(audit.PASSWORD_SET, actor=form.user, request=self.request)
        messages.success(self.request, _("Your password is set and you are signed in."))
        return response
