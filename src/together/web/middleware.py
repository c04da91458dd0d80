"""Requests the service cannot store, and a database or disk out of room, shown as what they
are: 400 for text no database column can hold (NUL), 503 "try again later" for a full disk."""

from __future__ import annotations

import errno

from django.db import DatabaseError, DataError
from django.http import JsonResponse
from django.shortcuts import render
from redis.exceptions import ConnectionError as RedisUnreachable
from redis.exceptions import TimeoutError as RedisTimeout

from together.web import views

# PostgreSQL's class 53, "insufficient resources": disk full, out of memory, too many connections.
_RESOURCES = "53"
_SQLITE_PHRASES = ("database or disk is full", "database is locked")


def is_out_of_room(exception: BaseException) -> bool:
    """The database or the disk cannot take more just now (as opposed to a fault in the code)."""
    if isinstance(exception, OSError) and exception.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    if isinstance(exception, RedisUnreachable | RedisTimeout):
        return True  # REDIS_URL's server is down or too slow: nothing was counted or saved
    if isinstance(exception, DatabaseError):
        cause = exception.__cause__
        state = getattr(cause, "sqlstate", None) or getattr(exception, "sqlstate", None)
        if isinstance(state, str) and state.startswith(_RESOURCES):
            return True
        return any(phrase in str(exception) for phrase in _SQLITE_PHRASES)
    return False


def unavailable(request):
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": "The service cannot save anything just now. Try again later."}, status=503)
    else:
        response = render(request, "503.html", status=503)
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response


class UnavailableWhenFull:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_out_of_room(exception):
            return unavailable(request)
        return None


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(request) -> bool:
    """NUL anywhere in the address, the query or a form field. PostgreSQL's text cannot hold it,
    and no person types it, so such a request is refused before anything looks it up."""
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if request.method == "POST" and request.content_type in _FORMS:
        return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists())
    return False


class RefuseUnstorableText:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            return views.bad_request(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        # Anything else a database cannot store (NUL inside JSON, for example) is the client's.
        if isinstance(exception, DataError) and "NUL" in str(exception):
            return views.bad_request(request)
        return None


NO_STORE = "no-store, private"


class NoStore:
    """No browser, proxy or shared computer keeps a copy of any page or file the service makes:
    results, reports, exports, invitees' addresses, tokens and drafts are on most of them, and
    the rest cost nothing to make again. Static files (served earlier, by WhiteNoise) keep their
    long cache lifetimes. A view that already decided, for instance with ``never_cache``, keeps
    its own header, as long as it says no-store."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = NO_STORE
        return response
