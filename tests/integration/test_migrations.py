import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_a_migration():
    # Exits with status 1 (SystemExit) when a model has changed without a migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


PLAIN_KEY = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"  # a rest_framework.authtoken key: 40 hex digits


def _plain_token_table(connection, user, created):
    """The table rest_framework.authtoken made, with one token in it, as an installation had it."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {quote('authtoken_token')} ({quote('key')} varchar(40) NOT NULL PRIMARY KEY, "
            f"{quote('created')} {connection.data_types['DateTimeField']} NOT NULL, "
            f"{quote('user_id')} bigint NOT NULL UNIQUE)"
        )
        cursor.execute(
            f"INSERT INTO {quote('authtoken_token')} VALUES (%s, %s, %s)",  # noqa: S608 - a fixed name
            [PLAIN_KEY, connection.ops.adapt_datetimefield_value(created), user.pk],
        )


@pytest.mark.django_db(transaction=True)
def test_plain_tokens_from_before_become_hashed_ones_that_keep_working():
    from datetime import timedelta

    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.test import Client
    from django.utils import timezone
    from knox.models import AuthToken

    from together.accounts.models import User
    from together.api.models import ApiToken

    analyst = User.objects.create_user("analyst@northbridge.example", "pw-for-tests-only-1")
    before = MigrationExecutor(connection)
    before.migrate([("api", "0001_initial")])
    made = timezone.now().replace(microsecond=0) - timedelta(days=400)
    _plain_token_table(connection, analyst, made)
    stale = ContentType.objects.create(app_label="authtoken", model="token")
    Permission.objects.create(content_type=stale, codename="view_token", name="Can view token")

    after = MigrationExecutor(connection)
    after.loader.build_graph()
    after.migrate([("api", "0002_hash_plain_tokens")])

    assert "authtoken_token" not in connection.introspection.table_names(), "the plain tokens are gone"
    assert not ContentType.objects.filter(app_label="authtoken").exists()
    assert not Permission.objects.filter(codename="view_token").exists()
    api_token = ApiToken.objects.select_related("token").get()
    assert api_token.name == "Token from before expiry" and api_token.token.user == analyst
    assert api_token.token.created == made, "made on the day it was made"
    assert timedelta(days=89) < api_token.token.expiry - timezone.now() <= timedelta(days=90)
    assert PLAIN_KEY not in api_token.token.digest and api_token.token.digest != PLAIN_KEY
    # The same key keeps working, now checked against its hash.
    answer = Client().get("/api/v1/partnerships/", HTTP_AUTHORIZATION=f"Token {PLAIN_KEY}")
    assert answer.status_code == 200 and answer.json() == []
    assert AuthToken.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_new_installation_has_no_plain_tokens_to_convert():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from together.api.models import ApiToken

    executor = MigrationExecutor(connection)
    executor.migrate([("api", "0001_initial")])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("api", "0002_hash_plain_tokens")])
    assert not ApiToken.objects.exists()
    assert "authtoken_token" not in connection.introspection.table_names()
