"""Recovery codes as a django-otp device of the service's own, which keeps only their hashes.

django-otp's ``StaticDevice`` stores its codes as they are; :class:`RecoveryCodes` is a device
in the same framework (same user, name, confirmed flag, throttling and last-used time) whose
codes are :class:`RecoveryCode` rows holding a keyed hash (see :mod:`.codes`). A code works
once: it is deleted as it is used, and of two sign-ins racing with the same code only the one
that deletes it succeeds.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

from . import codes


class RecoveryCodes(TimestampMixin, ThrottlingMixin, Device):
    def get_throttle_factor(self):
        # Off in settings (wrong codes are counted by together.signin instead).
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def add_codes(self, plain: list[str]) -> None:
        RecoveryCode.objects.bulk_create(RecoveryCode(device=self, digest=codes.digest(code)) for code in plain)

    def verify_token(self, token) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        stored = list(self.codes.values_list("pk", "digest"))
        match = codes.find(str(token), stored)
        used = match is not None and RecoveryCode.objects.filter(pk=match).delete()[0] == 1
        if used:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        else:
            self.throttle_increment()
        return used


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Recovery code {self.pk}"
