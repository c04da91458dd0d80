"""Tokens for the links that set a password: Django's password reset tokens, which stop working
once the password changes or the person signs in, and here also when the account is disabled."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class ResetTokens(PasswordResetTokenGenerator):
    """Forgotten-password links; they expire after ``PASSWORD_RESET_TIMEOUT``."""

    key_salt = "together.accounts.tokens.ResetTokens"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{int(user.is_active)}"


class InvitationTokens(ResetTokens):
    """An invited person's first set-password link; it lasts ``INVITATION_TIMEOUT`` instead."""

    key_salt = "together.accounts.tokens.InvitationTokens"

    def check_token(self, user, token):
        if not (user and token) or token.count("-") != 1:
            return False
        stamp = token.split("-")[0]
        try:
            issued = base36_to_int(stamp)
        except ValueError:
            return False
        genuine = any(
            constant_time_compare(self._make_token_with_timestamp(user, issued, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )
        return genuine and self._num_seconds(self._now()) - issued <= settings.INVITATION_TIMEOUT


reset_tokens = ResetTokens()
invitation_tokens = InvitationTokens()
