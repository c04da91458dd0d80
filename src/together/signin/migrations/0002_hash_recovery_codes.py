"""Recovery codes kept until now by django-otp's StaticDevice, in plain text, move to the
service's own device as keyed hashes (see together.signin.codes), and the plain ones are deleted.

The hash is written out here rather than imported, so this migration keeps doing what it did
if the module changes. Going back is not possible (a hash cannot be turned back into its code):
migrating backwards removes the hashed codes, and people make new ones from Sign-in security.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations

_PURPOSE = b"together.signin.recovery-code:"


def _digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), _PURPOSE + code.encode(), hashlib.sha256).hexdigest()


def hash_codes(apps, schema_editor):
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    StaticToken = apps.get_model("otp_static", "StaticToken")
    RecoveryCodes = apps.get_model("signin", "RecoveryCodes")
    RecoveryCode = apps.get_model("signin", "RecoveryCode")
    for old in StaticDevice.objects.all().iterator():
        new = RecoveryCodes.objects.create(
            user_id=old.user_id,
            name=old.name,
            confirmed=old.confirmed,
            throttling_failure_timestamp=old.throttling_failure_timestamp,
            throttling_failure_count=old.throttling_failure_count,
            last_used_at=old.last_used_at,
        )
        tokens = StaticToken.objects.filter(device_id=old.pk).values_list("token", flat=True)
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device_id=new.pk, digest=_digest(token.strip().lower())) for token in tokens
        )
    StaticToken.objects.all().delete()
    StaticDevice.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("signin", "0001_initial"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_codes, migrations.RunPython.noop, elidable=False)]
