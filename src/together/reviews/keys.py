"""Secrets that let a respondent come back to their draft, and what is stored of them.

An invitation's token is derived from a random id with the service's secret key, so the
database alone never holds a usable token. A draft response is found by a keyed hash of the
random key in its browser's cookie, and an invitation's draft also by a keyed hash of the
invitation's token; both hashes are erased when the response is submitted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets

from django.conf import settings

KEY_BYTES = 32  # 256 bits; at least 128 are needed to be unguessable


def _mac(purpose: str, value: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()


def new_key() -> str:
    """A fresh respondent key for an open-link respondent (256 random bits)."""
    return secrets.token_urlsafe(KEY_BYTES)


def new_invitation_seed() -> str:
    return secrets.token_hex(16)


def invitation_token(seed: str) -> str:
    return base64.urlsafe_b64encode(_mac("invitation-token", seed)).rstrip(b"=").decode()


def token_digest(token: str) -> str:
    """How an invitation is looked up from its token."""
    return hashlib.sha256(token.encode()).hexdigest()


def draft_digest(key: str) -> str:
    """How a draft response is looked up from its respondent's key."""
    return _mac("draft", key).hex()


def invitation_draft_digest(token: str) -> str:
    """How an invitation's draft is found from the invitation's token, whichever browser holds it."""
    return _mac("invitation-draft", token).hex()


def used_digest(key: str) -> str:
    """What is kept of a key once it has submitted, to recognise a repeat."""
    return _mac("used", key).hex()


# Paths whose last part is a secret: an open link's code, an invitation's token, a resume link's
# key, a membership invitation's token, a sign-up's confirmation and a password link's token.
# Logs keep the route with the secret replaced by "…".
_SECRET_PATHS = re.compile(
    r"(/(?:r|i|join|sign-up/confirm)/|/resume/[0-9A-Fa-f-]{32,36}/"
    r"|/account/(?:password-reset|set-password)/[^/\s?#\"']+/)[^/\s?#\"']+"
)


def redact(text: str) -> str:
    """``text`` with the secret part of every respondent or joining link in it replaced by "…"."""
    return _SECRET_PATHS.sub(r"\1…", text)


class RedactTokens(logging.Filter):
    """A logging filter that takes tokens out of a record's message (request lines, "Not Found:
    /i/…/"), so the service's own logs never hold a link that leads to a draft."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
