"""Per-client request limits kept in the database, so every server process shares them.

A fixed window per (purpose, client): the client's address is folded into a keyed hash and
never stored, and nothing here is linked to a response. The database is used because the usual
Django rate-limit library needs Redis or Memcached, which a default installation does not have.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from .models import RateLimitWindow


def client_id(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(request, purpose: str, limit: tuple[int, int]) -> bool:
    """Count one request; False once the client has made more than ``limit`` in the window."""
    count, seconds = limit
    window = int(time.time() // seconds)
    key = hmac.new(
        settings.SECRET_KEY.encode(), f"{purpose}|{client_id(request)}|{window}".encode(), hashlib.sha256
    ).hexdigest()
    expires = datetime.fromtimestamp((window + 1) * seconds, tz=UTC)
    with transaction.atomic():
        if not RateLimitWindow.objects.filter(key=key).update(hits=F("hits") + 1):
            try:
                with transaction.atomic():
                    RateLimitWindow.objects.create(key=key, hits=1, expires_at=expires)
            except IntegrityError:
                RateLimitWindow.objects.filter(key=key).update(hits=F("hits") + 1)
        hits = RateLimitWindow.objects.filter(key=key).values_list("hits", flat=True).first() or 0
    if hits == 1 and window % 16 == 0:
        # Now and then, forget windows that have ended.
        RateLimitWindow.objects.filter(expires_at__lt=datetime.now(tz=UTC)).delete()
    return hits <= count
