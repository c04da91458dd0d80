"""Per-client request limits that every server process and every instance shares.

A fixed window per (purpose, client): the client's address is folded into a keyed hash and
never stored, and nothing here is linked to a response. The count is kept in one of two stores,
behind the same functions: the database (table RateLimitWindow, the default, so an installation
needs no other server), or Django's cache when it is Redis (``REDIS_URL``), where each count is
one atomic increment of a key that expires on its own. ``settings.RATE_LIMIT_STORE`` says which.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router

from together.web.clients import client_address

from .models import RateLimitWindow


def client_id(request) -> str:
    """The client's address, read through trusted proxies (see :mod:`together.web.clients`)."""
    return client_address(request)


def allow(request, purpose: str, limit: tuple[int, int]) -> bool:
    """Count one request; False once the client has made more than ``limit`` in the window."""
    return allow_subject(f"{purpose}|{client_id(request)}", limit)


def allow_for(subject: str, purpose: str, limit: tuple[int, int]) -> bool:
    """Count one use by ``subject`` (an address, or an account's email for per-account limits)
    for ``purpose``; False once it has made more than ``limit`` in the window."""
    return allow_subject(f"{purpose}|{subject}", limit)


def allow_subject(subject: str, limit: tuple[int, int]) -> bool:
    """Count one event for ``subject`` (such as an account's wrong codes, from any address);
    False once there have been more than ``limit`` in the window. Only a keyed hash is stored."""
    count, seconds = limit
    window = int(time.time() // seconds)
    return _add_one(_key(subject, window), window, seconds) <= count


def count(purpose: str, identity: str, limit: tuple[int, int]) -> tuple[bool, int]:
    """Count one request by ``identity`` (such as an API token's digest) for ``purpose``.

    Returns whether it is within ``limit`` and the whole seconds until the window ends, which is
    when a refused caller may try again. Only a keyed hash of the identity is stored.
    """
    most, seconds = limit
    now = time.time()
    window = int(now // seconds)
    used = _add_one(_key(f"{purpose}|{identity}", window), window, seconds)
    return used <= most, max(1, math.ceil((window + 1) * seconds - now))


def hits(subject: str, limit: tuple[int, int]) -> int:
    """How many events ``subject`` has had in ``limit``'s current window; counts nothing."""
    window = int(time.time() // limit[1])
    key = _key(subject, window)
    if _in_cache():
        return cache.get(_CACHE_PREFIX + key) or 0
    found = RateLimitWindow.objects.filter(key=key).values_list("hits", flat=True).first()
    return found or 0


def _key(subject: str, window: int) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{subject}|{window}".encode(), hashlib.sha256).hexdigest()


def _in_cache() -> bool:
    return settings.RATE_LIMIT_STORE == "cache"


def _add_one(key: str, window: int, seconds: int) -> int:
    """Add one hit to the window ``key`` (of ``seconds``) and return its hits so far."""
    ends = (window + 1) * seconds
    if _in_cache():
        return _count_in_cache(_CACHE_PREFIX + key, ends)
    hits = _count(key, datetime.fromtimestamp(ends, tz=UTC))
    if hits == 1 and window % 16 == 0:
        # Now and then, forget windows that have ended (keys in the cache expire by themselves).
        RateLimitWindow.objects.filter(expires_at__lt=datetime.now(tz=UTC)).delete()
    return hits


# A window's key outlives its window by this much, so that no request still counting in it can
# find it gone (after the window ends, new requests count in the next window's key).
_CACHE_GRACE_SECONDS = 60
_CACHE_PREFIX = "ratelimit:"


def _count_in_cache(key: str, ends: float) -> int:
    """One atomic increment in the cache (Redis INCR), the key made first if it is new.

    ``add`` makes the key with its expiry only when it is missing, so two instances counting the
    first hit at once both increment the same key: one becomes 1, the other 2.
    """
    timeout = max(1, math.ceil(ends - time.time())) + _CACHE_GRACE_SECONDS
    for _attempt in range(3):
        cache.add(key, 0, timeout)
        try:
            return cache.incr(key)
        except ValueError:  # gone between add and incr (evicted): make it again
            continue
    raise RuntimeError("the rate-limit count could not be kept in the cache")


def _count(key: str, expires: datetime) -> int:
    """Add one hit to the window and return its hits: one statement, atomic on its own.

    ``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` is the same on SQLite (3.35 or later) and
    PostgreSQL; Django's ORM cannot add to a counter in an upsert, so it is written out here.
    """
    connection = connections[router.db_for_write(RateLimitWindow)]
    meta = RateLimitWindow._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    key_column, hits_column, expires_column = (quote(meta.get_field(name).column) for name in _COLUMNS)
    # Only names from the model, quoted, are written into the statement; values are parameters.
    sql = (
        f"INSERT INTO {table} ({key_column}, {hits_column}, {expires_column}) VALUES (%s, 1, %s) "  # noqa: S608
        f"ON CONFLICT ({key_column}) DO UPDATE SET {hits_column} = {table}.{hits_column} + 1 "
        f"RETURNING {hits_column}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, connection.ops.adapt_datetimefield_value(expires)])
        return cursor.fetchone()[0]


_COLUMNS = ("key", "hits", "expires_at")
