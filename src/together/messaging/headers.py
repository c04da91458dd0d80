"""Text that goes into an email's headers: one line, no control characters.

A partnership or a person's name is typed by people and could hold a line break, which in a
subject or a display name would start a new header ("Bcc: ...") or make Django refuse the
message. Control characters and line or paragraph separators become spaces, and runs of
spaces one, so the name still reads and nothing can be injected.
"""

from __future__ import annotations

import unicodedata
from email.utils import formataddr, parseaddr

_BREAKING = {"Cc", "Zl", "Zp"}


def one_line(text: str) -> str:
    """``text`` without control characters or line breaks, its spaces collapsed."""
    cleaned = "".join(" " if unicodedata.category(char) in _BREAKING else char for char in str(text))
    return " ".join(cleaned.split())


def address(name: str, email: str) -> str:
    """``Name <email>`` with a name safe for a header, or the bare address without a name."""
    name = one_line(name)
    email = one_line(email).replace(" ", "")
    return formataddr((name, email)) if name else email


def clean_address(value: str) -> str:
    """A configured ``Name <address>`` (such as DEFAULT_FROM_EMAIL) made safe in the same way."""
    name, email = parseaddr(one_line(value))
    return address(name, email or one_line(value))
