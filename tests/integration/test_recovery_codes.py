"""Recovery codes are kept as keyed hashes: never the code itself; each works once; a key rotation
keeps them working; a wrong or reused code is refused; and the migration hashes codes that
django-otp's StaticDevice kept in plain text before."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from together.signin import codes, mfa
from together.signin.models import RecoveryCode, RecoveryCodes

pytestmark = pytest.mark.django_db


def test_only_a_keyed_hash_of_each_code_is_stored(facilitator, settings):
    made = mfa.regenerate_recovery_codes(facilitator)
    assert len(made) == mfa.RECOVERY_CODE_COUNT == mfa.recovery_codes_left(facilitator)
    stored = json.dumps(list(RecoveryCode.objects.values()) + list(RecoveryCodes.objects.values()), default=str)
    assert not any(code in stored for code in made)
    digests = set(RecoveryCode.objects.values_list("digest", flat=True))
    assert digests == {codes.digest(code) for code in made}
    # Keyed: the same code under another key hashes differently, so a copy of the database
    # without SECRET_KEY gives nothing to try codes against.
    assert codes.digest(made[0], key="another key") not in digests


def test_a_code_works_once_typed_as_people_type_it(facilitator):
    made = mfa.regenerate_recovery_codes(facilitator)
    typed = f"{made[3][:4].upper()} - {made[3][4:]}"
    assert mfa.verify(facilitator, typed) == "recovery"
    assert mfa.recovery_codes_left(facilitator) == 9
    assert mfa.verify(facilitator, made[3]) is None, "used up"
    assert mfa.verify(facilitator, "abcdefgh") is None
    assert mfa.verify(facilitator, made[4]) == "recovery"


def test_the_check_compares_every_stored_code_and_queries_the_same_way_for_right_and_wrong(facilitator):
    made = mfa.regenerate_recovery_codes(facilitator)
    device = RecoveryCodes.objects.get(user=facilitator)
    stored = list(device.codes.values_list("pk", "digest"))
    row = RecoveryCode.objects.get(digest=codes.digest(made[5])).pk
    assert codes.find(made[5], stored) == row
    assert codes.find("zzzzzzzz", stored) is None
    # The database is asked for the device's digests, never for a digest equal to the input.
    with CaptureQueriesContext(connection) as queries:
        device.verify_token("zzzzzzzz")
    assert not any(codes.digest("zzzzzzzz") in query["sql"] for query in queries.captured_queries)


def test_codes_keep_working_after_the_secret_key_is_rotated(facilitator, settings):
    made = mfa.regenerate_recovery_codes(facilitator)
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-for-the-rotation-test-0123456789abcdef"
    settings.SECRET_KEY_FALLBACKS = []
    assert mfa.verify(facilitator, made[0]) is None, "without the old key the codes cannot be checked"
    settings.SECRET_KEY_FALLBACKS = [old]
    assert mfa.verify(facilitator, made[0]) == "recovery"


def test_removing_the_app_removes_the_codes(facilitator):
    mfa.regenerate_recovery_codes(facilitator)
    mfa.remove(facilitator)
    assert not RecoveryCodes.objects.exists() and not RecoveryCode.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_hashes_plain_codes_from_before_and_they_keep_working(facilitator):
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    before = MigrationExecutor(connection)
    before.migrate([("signin", None)])
    old = StaticDevice.objects.create(user=facilitator, name="Recovery codes", confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=old, token=token) for token in ("abcdefgh", "stuvwxyz"))

    after = MigrationExecutor(connection)
    after.loader.build_graph()
    after.migrate([("signin", "0002_hash_recovery_codes")])

    assert not StaticDevice.objects.exists() and not StaticToken.objects.exists(), "no plain code is left"
    assert set(RecoveryCode.objects.values_list("digest", flat=True)) == {
        codes.digest("abcdefgh"),
        codes.digest("stuvwxyz"),
    }
    assert mfa.recovery_codes_left(facilitator) == 2
    assert mfa.verify(facilitator, "abcdefgh") == "recovery"
    assert mfa.verify(facilitator, "abcdefgh") is None
