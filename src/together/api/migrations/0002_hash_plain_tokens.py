"""Tokens from before hashing: each plain token of Django REST framework's ``authtoken`` app
becomes a hashed one that keeps working, named "Token from before expiry" and expiring 90 days
after the upgrade; then the plain table is dropped, with the app's content types and permissions.

``rest_framework.authtoken`` is no longer installed, so its table is read with SQL, and only if
it is there (a new installation never had it).
"""

from datetime import UTC, timedelta

from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.crypto import hash_token
from knox.settings import CONSTANTS

PLAIN_TABLE = "authtoken_token"
NAME = "Token from before expiry"
LIFETIME = timedelta(days=90)


def _aware(value):
    if isinstance(value, str):  # SQLite hands raw timestamps back as text
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def hash_plain_tokens(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if PLAIN_TABLE not in connection.introspection.table_names(cursor):
            return
        quote = schema_editor.quote_name
        cursor.execute(
            f"SELECT {quote('key')}, {quote('created')}, {quote('user_id')} FROM {quote(PLAIN_TABLE)}"  # noqa: S608
        )
        plain = cursor.fetchall()
    AuthToken = apps.get_model("knox", "AuthToken")
    ApiToken = apps.get_model("api", "ApiToken")
    database = connection.alias
    expiry = timezone.now() + LIFETIME
    for key, created, user_id in plain:
        # Knox finds a token by its first characters and checks the digest of the whole: a
        # 40-character key of before is checked exactly as a new 64-character one.
        digest = hash_token(key)
        auth_token = AuthToken.objects.using(database).create(
            digest=digest, token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH], user_id=user_id, expiry=expiry
        )
        # ``created`` is filled in on insert; keep the day the person made the token instead.
        AuthToken.objects.using(database).filter(pk=digest).update(created=_aware(created) or timezone.now())
        ApiToken.objects.using(database).create(token=auth_token, name=NAME)
    schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(PLAIN_TABLE)}")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(database).filter(app_label="authtoken").delete()  # and their permissions


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    # Not reversible in substance: the plain tokens are gone, as intended.
    operations = [migrations.RunPython(hash_plain_tokens, migrations.RunPython.noop)]
