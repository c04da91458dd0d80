"""Half signed in: the password (or the identity provider) is done, the code is not yet.

The session holds only the account's id, where to go next, when the attempt ends and a random
name for the attempt (for counting its wrong codes). Nobody is signed in until the code is right:
``request.user`` stays anonymous, so no page but the code page treats the session as anyone's.
"""

from __future__ import annotations

import secrets
import time

from django.contrib import auth
from django.contrib.auth import get_user_model
from django.shortcuts import redirect

KEY = "together.signin.pending"
SECONDS = 600
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def begin(request, user, next_url: str, via: str):
    """Remember who is half signed in and send them to the code page."""
    request.session.cycle_key()
    request.session[KEY] = {
        "user": user.pk,
        "next": next_url,
        "via": via,
        "attempt": secrets.token_urlsafe(18),
        "until": time.time() + SECONDS,
    }
    return redirect("sign-in-code")


def current(request):
    """``(user, pending)`` for a live attempt, else None (an ended one is dropped)."""
    pending = request.session.get(KEY)
    if not isinstance(pending, dict):
        return None
    if pending.get("until", 0) < time.time():
        drop(request)
        return None
    user = get_user_model().objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None:
        drop(request)
        return None
    return user, pending


def drop(request) -> None:
    request.session.pop(KEY, None)


def finish(request, user) -> None:
    """Sign in for real. ``login`` gives the session a new key, so the half-signed-in one is gone."""
    drop(request)
    auth.login(request, user, backend=SESSION_BACKEND)
