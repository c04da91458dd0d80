"""A second factor: an authenticator app (TOTP, RFC 6238) and ten one-time recovery codes.

Devices are django-otp's: one confirmed ``TOTPDevice`` and one :class:`.models.RecoveryCodes`
(a django-otp device of the service's own that stores only keyed hashes of the codes) per
person. Wrong codes are counted with the service's rate-limit windows
(:mod:`together.reviews.ratelimit`): per sign-in attempt, so that a half-signed-in session is
dropped after ``CODE_ATTEMPTS`` wrong codes, and per account from any address, so that starting
again with the password does not give anyone endless guesses.
"""

from __future__ import annotations

import re
import time
from base64 import b32encode
from binascii import unhexlify

import segno
from django.conf import settings
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from together.partnerships.models import Membership, Role
from together.reviews import ratelimit

from . import signals
from .models import RecoveryCode, RecoveryCodes

RECOVERY_CODE_COUNT = 10
CODE_ATTEMPTS = 5
"""Wrong codes one sign-in may make before it is dropped and the password is asked for again."""

APP_CODE = re.compile(r"^\d{6}$")
RECOVERY_CODE = re.compile(r"^[a-z2-7]{8}$")


def authenticator(user) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def expected_to_use(user) -> bool:
    """Staff, and owners and facilitators of any partnership: they reach people's names and
    emails and unpublished results, so ``MFA_REQUIRED`` applies to them. Viewers may choose."""
    if user.is_staff:
        return True
    return Membership.objects.filter(user=user, role__in=(Role.OWNER, Role.FACILITATOR)).exists()


# Set in the session of someone signed in through single sign-on when OIDC_TRUSTS_MFA is on.
SECOND_FACTOR_AT_PROVIDER = "signin_second_factor_at_provider"


def must_enrol(user) -> bool:
    return settings.MFA_REQUIRED and expected_to_use(user) and not has_device(user)


def normalise(code: str) -> str:
    """What people type, as stored: spaces and hyphens removed, lower case."""
    return re.sub(r"[\s-]+", "", code or "").lower()


# --- Setting up -------------------------------------------------------------------------------


def new_secret() -> str:
    """A new 160-bit secret, as hex (django-otp's form)."""
    return random_hex(20)


def setup_address(user, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return TOTPDevice(user=user, key=secret).config_url


def qr_code(address: str) -> str:
    """The QR code as an SVG ``data:`` address, for an ``img`` (the policy refuses inline styles)."""
    return segno.make(address, error="m").svg_data_uri(scale=5, border=4, dark="#0b0c0c", light="#ffffff")


def secret_for_typing(secret: str) -> str:
    """The secret in base32, as authenticator apps ask for it, in groups of four."""
    text = b32encode(unhexlify(secret)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def enrol(user, secret: str, code: str) -> list[str] | None:
    """Confirm the app with a code made from ``secret``; on success store it, replacing any
    earlier device, and return a fresh set of recovery codes. None when the code is wrong."""
    code = normalise(code)
    device = TOTPDevice(user=user, key=secret, name="Authenticator app", confirmed=True)
    if not APP_CODE.match(code):
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(code), device.tolerance):
        return None
    device.last_t = totp.t()  # the code just used cannot be used again to sign in
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device.save()
        codes = _new_recovery_codes(user)
    signals.send(user, signals.MFA_ENROLLED, "Authenticator app set up, with new recovery codes")
    return codes


def regenerate_recovery_codes(user) -> list[str]:
    with transaction.atomic():
        codes = _new_recovery_codes(user)
    signals.send(user, signals.RECOVERY_CODES_REGENERATED, "New recovery codes made; the old ones no longer work")
    return codes


def _new_recovery_codes(user) -> list[str]:
    """Ten new codes, returned to be shown once; only their hashes are stored."""
    StaticDevice.objects.filter(user=user).delete()  # any plain codes from before
    RecoveryCodes.objects.filter(user=user).delete()
    device = RecoveryCodes.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        token = StaticToken.random_token()  # django-otp's: 8 base32 characters from os.urandom
        if token not in codes:
            codes.append(token)
    device.add_codes(codes)
    return codes


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()


def remove(user, *, by=None, request=None) -> None:
    """Remove the app and recovery codes; ``by`` is the operator who did it, when not the user."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCodes.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    detail = "Authenticator app and recovery codes removed" + (" by an operator" if by is not None else "")
    signals.send(user, signals.MFA_REMOVED, detail, request, actor=by)


# --- Checking codes ---------------------------------------------------------------------------


def verify(user, code: str) -> str | None:
    """``"app"`` or ``"recovery"`` when ``code`` is right (a recovery code is used up), else None."""
    code = normalise(code)
    if APP_CODE.match(code):
        device = authenticator(user)
        if device is not None and device.verify_token(code):
            return "app"
        return None
    if RECOVERY_CODE.match(code):
        for device in RecoveryCodes.objects.filter(user=user, confirmed=True):
            if device.verify_token(code):
                left = recovery_codes_left(user)
                signals.send(user, signals.RECOVERY_CODE_USED, f"Recovery code used; {left} left")
                return "recovery"
    return None


def account_locked(user) -> bool:
    """True while the account has had ``SIGN_IN_LOCKOUT``'s number of wrong codes in its period."""
    return ratelimit.hits(_account_subject(user), settings.SIGN_IN_LOCKOUT) >= settings.SIGN_IN_LOCKOUT[0]


def count_wrong_code(user, where: str) -> None:
    """Record a wrong code against the account, from wherever it came."""
    signals.send(user, signals.WRONG_CODE, f"Wrong code entered {where}")
    ratelimit.allow_subject(_account_subject(user), settings.SIGN_IN_LOCKOUT)


def count_wrong_attempt(attempt: str) -> int:
    """Record a wrong code in one sign-in attempt; return how many more it may try."""
    subject = f"mfa-attempt|{attempt}"
    ratelimit.allow_subject(subject, _ATTEMPT_WINDOW)
    return max(CODE_ATTEMPTS - ratelimit.hits(subject, _ATTEMPT_WINDOW), 0)


# One sign-in attempt lasts minutes; the day-long window only bounds how long its count is kept.
_ATTEMPT_WINDOW = (CODE_ATTEMPTS, 86400)


def _account_subject(user) -> str:
    return f"mfa-account|{user.pk}"
