"""A person's API tokens: made with a name and a lifetime, listed, revoked.

The token is returned once, when it is made, and is never stored: the database keeps knox's
digest of it. A token stops working when it expires (knox refuses and deletes it), when it is
revoked (deleted), or when its owner's account is disabled.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from .models import ApiToken

LIFETIMES = (30, 90, 365)  # days
DEFAULT_LIFETIME = 90
MOST_TOKENS = 20


class TokenError(Exception):
    pass


def tokens_of(user):
    """The person's tokens, newest first.

    Expired tokens, anyone's, are deleted first: they can never work again, and knox on its own
    deletes one only when it is tried.
    """
    AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return ApiToken.objects.filter(token__user=user).select_related("token").order_by("-token__created", "-pk")


@transaction.atomic
def issue(user, name: str, days: int = DEFAULT_LIFETIME) -> tuple[ApiToken, str]:
    """Make a token; return it with the token itself, which exists nowhere else from now on."""
    if days not in LIFETIMES:
        raise TokenError(_("Select 30, 90 or 365 days"))
    if tokens_of(user).count() >= MOST_TOKENS:
        raise TokenError(
            _("You already have %(most)s tokens, the most allowed. Revoke one you no longer use first.")
            % {"most": MOST_TOKENS}
        )
    auth_token, key = AuthToken.objects.create(user=user, expiry=timedelta(days=days))
    return ApiToken.objects.create(token=auth_token, name=name), key


def find(user, token_id: int) -> ApiToken | None:
    """One of the person's own tokens; None for anyone else's, so it cannot be told apart from no token."""
    return ApiToken.objects.filter(pk=token_id, token__user=user).select_related("token").first()


def revoke(api_token: ApiToken) -> None:
    """Delete the token: knox finds nothing to match it against, so it stops working at once."""
    api_token.token.delete()


def used_today(auth_token: AuthToken) -> None:
    """Note the day a token was used: one read a request, and one write a day at most."""
    today = timezone.localdate()
    details = ApiToken.objects.filter(token=auth_token)
    # Read first: an UPDATE that changes nothing would still take SQLite's write lock every request.
    if details.values_list("last_used_on", flat=True).first() != today:
        details.update(last_used_on=today)
