"""Drafts found by an invitation's token, and "has responded" kept in UsedKey alone.

The data step records, for every invitation already marked as responded, the keyed hash of its
token in UsedKey (where a submission through the link has already put it, this changes nothing),
and gives every unsent invitation draft its two new digests, so the invitation link finds it.
The hashes are written out here rather than imported from ``together.reviews.keys`` so that this
migration keeps doing what it did when it was written.
"""

import base64
import hashlib
import hmac

from django.conf import settings
from django.db import migrations, models


def _mac(purpose: str, value: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()


def _token(seed: str) -> str:
    return base64.urlsafe_b64encode(_mac("invitation-token", seed)).rstrip(b"=").decode()


def forwards(apps, schema_editor):
    Invitation = apps.get_model("reviews", "Invitation")
    Response = apps.get_model("reviews", "Response")
    UsedKey = apps.get_model("reviews", "UsedKey")
    alias = schema_editor.connection.alias
    used = []
    for invitation in Invitation.objects.using(alias).only("seed", "round_id", "responded").iterator():
        token = _token(invitation.seed)
        if invitation.responded:
            used.append(UsedKey(digest=_mac("used", token).hex(), round_id=invitation.round_id))
        else:
            Response.objects.using(alias).filter(
                round_id=invitation.round_id, state="draft", resume_digest=_mac("draft", token).hex()
            ).update(invitation_digest=_mac("invitation-draft", token).hex(), used_digest=_mac("used", token).hex())
    UsedKey.objects.using(alias).bulk_create(used, batch_size=500, ignore_conflicts=True)


def backwards(apps, schema_editor):
    Invitation = apps.get_model("reviews", "Invitation")
    UsedKey = apps.get_model("reviews", "UsedKey")
    alias = schema_editor.connection.alias
    digests = set(UsedKey.objects.using(alias).values_list("digest", flat=True))
    responded = [
        invitation.pk
        for invitation in Invitation.objects.using(alias).only("seed").iterator()
        if _mac("used", _token(invitation.seed)).hex() in digests
    ]
    Invitation.objects.using(alias).filter(pk__in=responded).update(responded=True)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0004_drop_covered_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="invitation_digest",
            field=models.CharField(editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="response",
            name="used_digest",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
