"""Whether a failed send is worth trying again, and why it failed, in a few plain words.

Temporary: the mail server or GOV.UK Notify could not take the message now (SMTP 4xx, a
connection refused or cut, a timeout, Notify 429 or 5xx). Permanent: trying again will not
help (SMTP 5xx, such as an address the server refuses; Notify 400 or 403; a message that could
not be prepared). Permanent failures are shown on the round page at once; temporary ones are
tried again later, and shown once the attempts run out.
"""

from __future__ import annotations

import smtplib
import socket
from dataclasses import dataclass

from notifications_python_client.errors import APIError

from .headers import one_line

MAX_REASON = 200


@dataclass(frozen=True)
class Failure:
    temporary: bool
    reason: str


def _text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, list):  # Notify's errors: [{"error": ..., "message": ...}]
        value = "; ".join(str(item.get("message", item)) if isinstance(item, dict) else str(item) for item in value)
    return one_line(str(value))


def _short(reason: str) -> str:
    return reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"


def _smtp_code(code: int, message, refused: str, later: str) -> Failure:
    detail = _text(message)
    detail = f" ({code}{': ' + detail if detail else ''})"
    if 400 <= code < 500:
        return Failure(True, _short(later + detail))
    return Failure(False, _short(refused + detail))


def classify(error: BaseException) -> Failure:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, message = next(iter(error.recipients.values()), (550, b""))
        return _smtp_code(
            code, message, "The mail server refused this address", "The mail server could not take this address yet"
        )
    if isinstance(error, smtplib.SMTPSenderRefused):
        return _smtp_code(
            error.smtp_code,
            error.smtp_error,
            "The mail server refused the sender address",
            "The mail server could not take the sender address yet",
        )
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return _smtp_code(
            error.smtp_code,
            error.smtp_error,
            "The mail server refused the user name or password",
            "The mail server could not check the user name and password",
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return _smtp_code(
            error.smtp_code, error.smtp_error, "The mail server refused the message", "The mail server was busy"
        )
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return Failure(True, "The mail server closed the connection")
    if isinstance(error, ConnectionRefusedError):
        return Failure(True, "Could not reach the mail server (connection refused)")
    if isinstance(error, socket.timeout | TimeoutError):
        return Failure(True, "The mail server did not answer in time")
    if isinstance(error, APIError):
        status = error.status_code
        detail = _text(error.message)
        if status == 429:
            return Failure(True, _short(f"GOV.UK Notify asked us to slow down (429: {detail})"))
        if status >= 500:
            return Failure(True, _short(f"GOV.UK Notify could not take the message yet ({status}: {detail})"))
        if status == 403:
            return Failure(False, _short(f"GOV.UK Notify refused the API key (403: {detail})"))
        return Failure(False, _short(f"GOV.UK Notify refused the message ({status}: {detail})"))
    if isinstance(error, smtplib.SMTPException | OSError):
        return Failure(True, _short(f"Could not reach the mail server ({_text(error) or type(error).__name__})"))
    return Failure(False, _short(f"The message could not be sent ({type(error).__name__})"))
