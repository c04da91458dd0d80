"""How recovery codes are kept: a keyed hash of each, never the code.

A code is 8 random base32 characters, 40 bits. That is plenty against guessing at the sign-in
page, where wrong codes are counted and the account locked (see :mod:`.mfa`), but a fast
unkeyed hash of 40 bits could be reversed by trying every code on a copy of the database in
minutes, salted or not. So each is stored as HMAC-SHA256 keyed with the service's
``SECRET_KEY`` (the same key that signs sessions and derives respondents' tokens): a copy of the
database without the key reveals nothing, and with the key every session could be forged
anyway. A slow hash would add nothing the key does not already give, and would slow each sign-in
by ten hashes. ``SECRET_KEY_FALLBACKS`` are tried too, so codes outlive a key rotation.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

_PURPOSE = b"together.signin.recovery-code:"


def digest(code: str, key: str | None = None) -> str:
    """The stored form of ``code`` (already normalised: lower case, no spaces)."""
    secret = (settings.SECRET_KEY if key is None else key).encode()
    return hmac.new(secret, _PURPOSE + code.encode(), hashlib.sha256).hexdigest()


def find(code: str, stored: list[tuple[int, str]]) -> int | None:
    """The id among ``stored`` ``(id, digest)`` pairs whose digest is ``code``'s, or None.

    Every stored digest is compared with every key's digest of the code, with
    ``hmac.compare_digest`` and no early exit, so the time taken does not depend on which code,
    if any, matched."""
    candidates = [digest(code, key) for key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)]
    found = None
    for pk, value in stored:
        for candidate in candidates:
            if hmac.compare_digest(candidate, value) and found is None:
                found = pk
    return found
