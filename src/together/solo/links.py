"""The private link that finds a solo review: a random token shown once, and its keyed hash.

Only ``HMAC(SECRET_KEY, "solo:" + token)`` is stored, so neither the database nor a backup
holds a usable link. The token travels in the link's address once; the service then keeps it
in a signed, HTTP-only cookie and redirects to addresses without it. The path ``/solo/r/…``
is redacted from the service's logs by :func:`together.reviews.keys.redact` (its ``/r/``
rule), as an open link's code is.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

TOKEN_BYTES = 32  # 256 bits


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"solo:{token}".encode(), hashlib.sha256).hexdigest()
