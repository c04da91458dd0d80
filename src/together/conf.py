"""Every setting the service reads from its environment, declared once.

Each entry has a name, a default and help text. ``settings.py`` reads them through
:func:`read`; the README's configuration table shows the same list, and a test fails when
the two disagree.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEFAULT_DATABASE = f"sqlite:///{BASE_DIR / 'var' / 'together.sqlite3'}"


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("must be true or false")


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def _rate(value: str) -> tuple[int, int]:
    """``"200/hour"`` becomes ``(200, 3600)``, and ``"10/15minutes"`` ``(10, 900)``."""
    count, _, period = value.strip().partition("/")
    times = period.rstrip("abcdefghijklmnopqrstuvwxyz") or "1"
    unit = period[len(times) :] if period[:1].isdigit() else period
    unit = unit[:-1] if unit.endswith("s") and unit[:-1] in _UNITS else unit
    if not count.isdigit() or int(count) < 1 or unit not in _UNITS or not times.isdigit() or int(times) < 1:
        raise ValueError("must be a count per period, like 200/hour or 10/15minutes (second, minute, hour, day)")
    return int(count), int(times) * _UNITS[unit]


def _shown_rate(count: int, seconds: int) -> str:
    for name, size in reversed(_UNITS.items()):
        if seconds % size == 0:
            times = seconds // size
            return f"{count}/{name}" if times == 1 else f"{count}/{times}{name}s"
    return f"{count}/{seconds}seconds"


MESSAGE_KINDS = (
    "invitation",
    "reminder",
    "password-reset",
    "account-invite",
    "signup-approved",
    "signup-existing",
    "signup-confirm",
    "signup-received",
    "signup-refused",
    "join",
)


def _templates(value: str) -> dict[str, str]:
    """``"reminder=abc,invitation=def"`` becomes ``{"reminder": "abc", "invitation": "def"}``."""
    pairs: dict[str, str] = {}
    for item in _list(value):
        kind, _, template = item.partition("=")
        kind, template = kind.strip(), template.strip()
        if kind not in MESSAGE_KINDS or not template:
            raise ValueError(f"must be kind=template-id pairs separated by commas; kinds: {', '.join(MESSAGE_KINDS)}")
        pairs[kind] = template
    return pairs


def _int_at_least(minimum: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise ValueError("must be a whole number") from None
        if number < minimum:
            raise ValueError(f"must be at least {minimum}")
        return number

    return parse


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        lowered = value.strip().lower()
        if lowered not in allowed:
            raise ValueError("must be one of " + ", ".join(allowed))
        return lowered

    return parse


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str
    secret: bool = False
    shown: str | None = None  # the default in words, when it depends on another setting

    @property
    def shown_default(self) -> str:
        """The default as the README shows it, with paths relative to the checkout."""
        if self.shown is not None:
            return self.shown
        if self.default is None:
            return "(none)"
        if self.default in ("", [], {}):
            return "(empty)"
        if isinstance(self.default, bool):
            return "true" if self.default else "false"
        if isinstance(self.default, list):
            return ",".join(self.default)
        if self.parse is _rate:
            return _shown_rate(*self.default)
        return str(self.default).replace(f"{BASE_DIR}/", "")


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "SECRET_KEY",
        None,
        "Long random string that signs sessions and tokens. Required unless DEBUG is on.",
        secret=True,
    ),
    Setting("DEBUG", False, "Show detailed error pages. Never turn on in production.", _bool),
    Setting(
        "ALLOWED_HOSTS",
        ["localhost", "127.0.0.1"],
        "Comma-separated host names the service answers to, such as review.example.gov.uk.",
        _list,
    ),
    Setting(
        "CSRF_TRUSTED_ORIGINS",
        [],
        "Comma-separated origins (https://host) trusted for form posts when behind a proxy.",
        _list,
    ),
    Setting(
        "DATABASE_URL",
        DEFAULT_DATABASE,
        "Database location. SQLite by default; postgres://user:password@host:5432/name for PostgreSQL.",
    ),
    Setting(
        "POSTGRES_PREPARED_STATEMENTS",
        True,
        "On PostgreSQL, send values apart from the SQL and prepare the statements each connection "
        "repeats: about half the database's work per page. Turn off only behind a pooler without "
        "prepared statement support (PgBouncer before 1.21 in transaction mode).",
        _bool,
    ),
    Setting(
        "REDIS_URL",
        "",
        "Redis for several instances, like redis://host:6379/0: the shared cache, the rate-limit "
        "counts and a copy of each session are kept there. Empty: all of them stay in the database.",
        secret=True,
    ),
    Setting(
        "TASK_QUEUE",
        "database",
        "Where background tasks wait for together worker: database (a table, the default) or redis "
        "(RQ on REDIS_URL; see docs/deploying.md before choosing it).",
        _choice("database", "redis"),
    ),
    Setting(
        "MIN_GROUP_SIZE",
        5,
        "Anonymity threshold: no result is shown for a group with fewer respondents than this.",
        _int_at_least(3),
    ),
    Setting(
        "RESPONSE_RATE_LIMIT",
        (300, 3600),
        "Most questionnaires one client address may start or send in a period, like 300/hour. "
        "Generous, because a whole office may share one address.",
        _rate,
    ),
    Setting(
        "SIGN_IN_RATE_LIMIT",
        (10, 60),
        "Most sign-in attempts one client address may make in a period, like 10/minute.",
        _rate,
    ),
    Setting(
        "API_RATE_LIMIT",
        (120, 60),
        "Most JSON API requests one API token may make in a period, like 120/minute; more get 429 "
        "with Retry-After. Counted in the database, so it holds across instances.",
        _rate,
    ),
    Setting(
        "SESSION_HOURS",
        12,
        "How long a signed-in session lasts at most, in hours; it also ends when the browser closes. "
        "The privacy notice states it.",
        _int_at_least(1),
    ),
    Setting(
        "MAX_REQUEST_MB",
        50,
        "Largest request body accepted, in megabytes (imports are the largest); bigger ones get 413.",
        _int_at_least(1),
    ),
    Setting(
        "HEALTH_MIN_FREE_MB",
        200,
        "The health check (/healthz) answers 503 when the disk holding the database or temporary "
        "files has less free space than this, in megabytes.",
        _int_at_least(0),
    ),
    Setting(
        "OPERATOR_NAME",
        "",
        "Organisation that runs this installation, named in the privacy notice and accessibility statement.",
    ),
    Setting("SUPPORT_EMAIL", "", "Address people can write to about access needs, privacy or problems."),
    Setting(
        "SECURE_SSL_REDIRECT",
        True,
        "Redirect plain HTTP to HTTPS when DEBUG is off. Turn off only if a proxy already does it.",
        _bool,
    ),
    Setting(
        "TRUSTED_PROXIES",
        [],
        "Comma-separated addresses or networks of the proxies in front of the service (such as "
        "127.0.0.1 or 10.0.0.0/8), whose X-Forwarded-For header gives the client's address for rate "
        "limits and sign-in lockout. Empty: the connection's own address is used.",
        _list,
    ),
    Setting(
        "SIGN_IN_LOCKOUT",
        (10, 900),
        "Wrong passwords for one account, from anywhere, before that account is locked for the "
        "period, like 10/15minutes (minute, hour and day also work).",
        _rate,
    ),
    Setting(
        "MFA_REQUIRED",
        None,
        "Owners and facilitators of any partnership, and staff, must set up an authenticator app "
        "before they can use the service. Viewers may choose to. On unless DEBUG is on.",
        _bool,
        shown="true unless DEBUG",
    ),
    Setting(
        "OIDC_ISSUER",
        "",
        "Single sign-on: the OpenID Connect issuer, such as https://login.microsoftonline.com/TENANT-ID/v2.0 "
        "for Microsoft Entra ID. Its endpoints are discovered from it. Empty: no single sign-on.",
    ),
    Setting(
        "OIDC_AUTHORIZATION_ENDPOINT",
        "",
        "Single sign-on: the provider's authorization endpoint, for a provider without discovery (or to "
        "override it). Needs OIDC_TOKEN_ENDPOINT, OIDC_USERINFO_ENDPOINT and OIDC_JWKS_ENDPOINT too.",
    ),
    Setting(
        "OIDC_TOKEN_ENDPOINT",
        "",
        "Single sign-on: the provider's token endpoint (see OIDC_AUTHORIZATION_ENDPOINT).",
    ),
    Setting(
        "OIDC_USERINFO_ENDPOINT",
        "",
        "Single sign-on: the provider's userinfo endpoint (see OIDC_AUTHORIZATION_ENDPOINT).",
    ),
    Setting(
        "OIDC_JWKS_ENDPOINT",
        "",
        "Single sign-on: the address of the provider's signing keys (see OIDC_AUTHORIZATION_ENDPOINT).",
    ),
    Setting("OIDC_CLIENT_ID", "", "Single sign-on: the client (application) ID registered with the provider."),
    Setting("OIDC_CLIENT_SECRET", "", "Single sign-on: the client secret registered with the provider.", secret=True),
    Setting(
        "OIDC_SCOPES",
        "openid email profile",
        "Single sign-on: the scopes asked for, separated by spaces. openid and email are needed.",
    ),
    Setting(
        "OIDC_BUTTON_LABEL",
        "Sign in with Microsoft",
        "Single sign-on: the text of the button on the sign-in page.",
    ),
    Setting(
        "OIDC_ALLOWED_DOMAINS",
        [],
        "Single sign-on: comma-separated email domains accepted, such as northbridge.gov.uk. Needed when the "
        "provider does not say that addresses are verified (Microsoft Entra ID does not). Empty: any domain "
        "the provider says it has verified.",
        _list,
    ),
    Setting(
        "OIDC_CREATE_ACCOUNTS",
        False,
        "Single sign-on: make an account for someone signing in whose email address has none. Off: only "
        "people who already have an account (by invitation) can sign in.",
        _bool,
    ),
    Setting(
        "OIDC_TRUSTS_MFA",
        True,
        "Single sign-on: people who sign in through the provider are not asked for this service's own "
        "authenticator code, because the provider asks for a second factor. Turn off if it does not.",
        _bool,
    ),
    Setting(
        "PASSWORD_RESET_HOURS",
        1,
        "How long a link to reset a forgotten password works, in hours. It also stops working once used.",
        _int_at_least(1),
    ),
    Setting(
        "PASSWORD_RESET_RATE_LIMIT",
        (10, 3600),
        "Most password reset requests one client address may make in a period, like 10/hour.",
        _rate,
    ),
    Setting(
        "PASSWORD_RESET_ACCOUNT_LIMIT",
        (3, 3600),
        "Most password reset emails sent to one address in a period, like 3/hour, whoever asks. "
        "Requests beyond it are answered as usual but send nothing.",
        _rate,
    ),
    Setting(
        "INVITATION_DAYS",
        7,
        "How long the set-password link in an operator's invitation (or an approved sign-up) works, in days.",
        _int_at_least(1),
    ),
    Setting(
        "SIGNUP",
        "on",
        "Whether a new partnership lead can ask for an account at /sign-up/: on or off.",
        _choice("on", "off"),
    ),
    Setting(
        "SIGNUP_OPEN_DOMAINS",
        [],
        "Comma-separated email domain patterns, like *.gov.uk,*.nhs.uk,*.nhs.net,*.police.uk, whose "
        "people get an account as soon as they confirm their address. Everyone else's sign-up waits "
        "for an operator to approve it. Empty: every sign-up waits for approval.",
        _list,
    ),
    Setting(
        "SIGNUP_LINK_HOURS",
        24,
        "How long the link that confirms a sign-up's email address works, in hours.",
        _int_at_least(1),
    ),
    Setting(
        "SIGNUP_RATE_LIMIT",
        (5, 3600),
        "Most sign-up requests one client address may make in a period, like 5/hour.",
        _rate,
    ),
    Setting(
        "AUDIT_LOG_DAYS",
        365,
        "How many days the audit log keeps its records; together prune-audit, run daily, removes older ones.",
        _int_at_least(1),
    ),
    Setting(
        "SOLO_RETENTION_DAYS",
        90,
        "How many days a solo review (a leader's own, answered without an account) is kept after it is "
        "started; together clean_solo, run daily, removes older ones. The solo pages state it.",
        _int_at_least(1),
    ),
    Setting(
        "SECURE_PROXY_SSL_HEADER",
        "",
        "Header a trusted proxy sets on HTTPS requests, such as X-Forwarded-Proto. Empty without a proxy.",
    ),
    Setting("STATIC_ROOT", str(BASE_DIR / "var" / "static"), "Folder that collectstatic fills for production."),
    Setting(
        "EMAIL_BACKEND",
        "django.core.mail.backends.smtp.EmailBackend",
        "How email is sent: SMTP by default; together.messaging.notify.NotifyEmailBackend for GOV.UK "
        "Notify. The demo uses django.core.mail.backends.console.EmailBackend.",
    ),
    Setting("EMAIL_HOST", "localhost", "SMTP server for invitations and reminders."),
    Setting("EMAIL_PORT", 587, "SMTP port.", _int_at_least(1)),
    Setting("EMAIL_HOST_USER", "", "SMTP user name."),
    Setting("EMAIL_HOST_PASSWORD", "", "SMTP password.", secret=True),
    Setting("EMAIL_USE_TLS", True, "Use STARTTLS with the SMTP server.", _bool),
    Setting(
        "EMAIL_TIMEOUT",
        30,
        "Seconds the worker waits for the mail server or GOV.UK Notify before counting an attempt as failed.",
        _int_at_least(1),
    ),
    Setting(
        "EMAIL_MAX_ATTEMPTS",
        5,
        "Attempts at sending one email, when the mail server or Notify cannot take it for now, before it "
        "is shown as failed. A refused address fails at once.",
        _int_at_least(1),
    ),
    Setting(
        "EMAIL_RETRY_SECONDS",
        60,
        "Wait before the second attempt at an email, in seconds; each later wait is twice the one before.",
        _int_at_least(1),
    ),
    Setting(
        "BACKGROUND_FILES_FROM",
        100,
        "Rounds with at least this many responses have their PDF report, response-level CSV and XLSX "
        "made by the background worker (together worker), with a page to follow it; smaller rounds' "
        "files are made at once. 0: always in the background.",
        _int_at_least(0),
    ),
    Setting(
        "PREPARED_FILE_HOURS",
        1,
        "How long a file made in the background can be downloaded, in hours; then it is deleted.",
        _int_at_least(1),
    ),
    Setting(
        "CLEANUP_MINUTES",
        60,
        "How often together worker runs the clean-ups (pruning the audit log, giving up stopped imports, "
        "removing old finished tasks), in minutes. 0 turns them off (run the commands from cron instead).",
        _int_at_least(0),
    ),
    Setting(
        "TASK_RESULT_DAYS",
        30,
        "How many days finished background tasks are kept (they hold only row ids and counts).",
        _int_at_least(1),
    ),
    Setting("NOTIFY_API_KEY", "", "GOV.UK Notify API key, when EMAIL_BACKEND is the Notify backend.", secret=True),
    Setting(
        "NOTIFY_TEMPLATE_ID",
        "",
        "Id of the GOV.UK Notify email template with subject ((subject)) and message ((body)) that every email uses.",
    ),
    Setting(
        "NOTIFY_TEMPLATE_IDS",
        {},
        "Other Notify templates for some kinds of message, like reminder=TEMPLATE-ID,invitation=TEMPLATE-ID "
        "(kinds: invitation, reminder, password-reset, account-invite, signup-approved, signup-existing, "
        "signup-confirm, signup-received, signup-refused, join); the others use NOTIFY_TEMPLATE_ID.",
        _templates,
    ),
    Setting(
        "NOTIFY_BASE_URL",
        "https://api.notifications.service.gov.uk",
        "Address of the GOV.UK Notify API.",
    ),
    Setting(
        "DEFAULT_FROM_EMAIL",
        "Transforming Together <no-reply@localhost>",
        "Sender address for invitations and reminders.",
    ),
)


_help_only = False


def for_help_only() -> None:
    """Let the settings load without a ``SECRET_KEY``, for a process that only prints help.

    Set in-process by the ``together`` command when it is asked for help; never from the
    environment, so no configuration can switch the check off for a running service."""
    global _help_only
    _help_only = True


def read(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read every setting from ``environ``, with a clear error naming the setting at fault."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.name not in environ:
            values[setting.name] = setting.default
            continue
        try:
            values[setting.name] = setting.parse(environ[setting.name])
        except ValueError as error:
            raise ImproperlyConfigured(f"{setting.name}: {error} (got {environ[setting.name]!r})") from None
    if not values["SECRET_KEY"] and _help_only:
        values["SECRET_KEY"] = secrets.token_urlsafe(50)  # a throwaway: nothing runs, help is printed
    if not values["SECRET_KEY"]:
        if not values["DEBUG"]:
            raise ImproperlyConfigured(
                "SECRET_KEY: is required when DEBUG is off. Generate one with: "
                "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
            )
        values["SECRET_KEY"] = "development-only-key-not-for-production"  # noqa: S105 - DEBUG only
    if values["MFA_REQUIRED"] is None:
        values["MFA_REQUIRED"] = not values["DEBUG"]
    endpoints = ("OIDC_AUTHORIZATION_ENDPOINT", "OIDC_TOKEN_ENDPOINT", "OIDC_USERINFO_ENDPOINT", "OIDC_JWKS_ENDPOINT")
    if values["OIDC_CLIENT_ID"]:
        missing = [name for name in endpoints if not values[name]]
        if not values["OIDC_ISSUER"] and missing:
            raise ImproperlyConfigured(
                "OIDC_CLIENT_ID: single sign-on needs OIDC_ISSUER, or else every endpoint ("
                + ", ".join(missing)
                + " missing)"
            )
        if not values["OIDC_CLIENT_SECRET"]:
            raise ImproperlyConfigured("OIDC_CLIENT_SECRET: is required when OIDC_CLIENT_ID is set")
        if "openid" not in values["OIDC_SCOPES"].split() or "email" not in values["OIDC_SCOPES"].split():
            raise ImproperlyConfigured(f"OIDC_SCOPES: must include openid and email (got {values['OIDC_SCOPES']!r})")
    if values["TASK_QUEUE"] == "redis" and not values["REDIS_URL"]:
        raise ImproperlyConfigured("TASK_QUEUE: redis needs REDIS_URL to say which Redis server")
    if values["REDIS_URL"] and not values["REDIS_URL"].startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("REDIS_URL: must start with redis://, rediss:// or unix:// (got another scheme)")
    values["OIDC_ALLOWED_DOMAINS"] = [domain.lower().lstrip("@") for domain in values["OIDC_ALLOWED_DOMAINS"]]
    return values
