"""What each kind of message says, supplied by the app it belongs to.

The app that owns a kind of message registers how to write it (``render``) and what to record
once it has gone (``delivered``), from its ``AppConfig.ready``. The worker calls them when it
sends, so the words and the link are made then and never stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime


class NotSent(Exception):
    """Raised by a ``render`` when the message no longer makes sense (the account it is about was
    disabled after it was queued); the message fails at once, with the exception's words as the
    reason."""


@dataclass(frozen=True)
class Letter:
    to_email: str
    subject: str
    body: str
    to_name: str = ""


@dataclass(frozen=True)
class Handler:
    render: Callable  # (OutgoingEmail) -> Letter
    delivered: Callable | None = None  # (list of OutgoingEmail, when) -> None
    related: Sequence[str] = field(default_factory=tuple)  # select_related paths render uses


_handlers: dict[str, Handler] = {}


def register(kind: str, handler: Handler) -> None:
    _handlers[kind] = handler


def handler(kind: str) -> Handler:
    try:
        return _handlers[kind]
    except KeyError:
        raise LookupError(f"no app has registered how to write a {kind!r} message") from None


def related() -> list[str]:
    return sorted({path for h in _handlers.values() for path in h.related})


def when_delivered(kind: str, emails: list, at: datetime) -> None:
    callback = handler(kind).delivered
    if callback is not None and emails:
        callback(emails, at)
