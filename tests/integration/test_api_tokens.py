"""API tokens: hashed at rest, named, expiring, revocable, refused for disabled accounts, throttled
per token, and made and revoked on /account/api/ by their owner only."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from together.accounts.models import User
from together.api import tokens
from together.api.models import ApiToken
from together.reviews.models import RateLimitWindow

pytestmark = pytest.mark.django_db

PARTNERSHIPS = "/api/v1/partnerships/"


def call(token, url=PARTNERSHIPS):
    return Client().get(url, HTTP_AUTHORIZATION=f"Token {token}")


@pytest.fixture
def signed_in(client, facilitator):
    client.force_login(facilitator)
    return client


def test_a_token_works_and_the_database_holds_nothing_that_would_work_in_its_place(facilitator):
    api_token, key = tokens.issue(facilitator, "Power BI dashboard", 30)
    assert call(key).status_code == 200
    with connection.cursor() as cursor:
        for table in (AuthToken._meta.db_table, ApiToken._meta.db_table):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            stored = [str(value) for row in cursor.fetchall() for value in row]
            assert stored and not any(key in value for value in stored), f"{table} holds the token"
            # Nor any column a caller could send instead.
            for value in stored:
                assert call(value).status_code == 401, value
    assert len(key) == 64 and api_token.token.digest != key and len(api_token.token.token_key) == 15


def test_a_token_expires_after_the_days_chosen(facilitator):
    api_token, key = tokens.issue(facilitator, "Quarterly export", 30)
    expiry = api_token.token.expiry
    assert timedelta(days=30) - timedelta(minutes=1) < expiry - timezone.now() <= timedelta(days=30)
    AuthToken.objects.filter(pk=api_token.token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    refused = call(key)
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Token"
    assert not ApiToken.objects.filter(pk=api_token.pk).exists(), "an expired token is deleted"


def test_expired_tokens_leave_the_list_and_the_database(signed_in, facilitator):
    old, _key = tokens.issue(facilitator, "Old dashboard")
    tokens.issue(facilitator, "New dashboard")
    someone = User.objects.create_user("someone@elsewhere.example", "pw-for-tests-only-1")
    forgotten, _their_key = tokens.issue(someone, "Forgotten script")
    AuthToken.objects.filter(pk__in=[old.token.pk, forgotten.token.pk]).update(
        expiry=timezone.now() - timedelta(days=1)
    )
    page = signed_in.get("/account/api/").content.decode()
    assert "New dashboard" in page and "Old dashboard" not in page
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["New dashboard"]


def test_a_revoked_token_stops_working_at_once_and_others_keep_working(signed_in, facilitator):
    first, first_key = tokens.issue(facilitator, "First")
    _second, second_key = tokens.issue(facilitator, "Second")
    assert call(first_key).status_code == 200
    answer = signed_in.post(f"/account/api/{first.pk}/revoke/", follow=True)
    assert "Token “First” revoked" in answer.content.decode()
    assert call(first_key).status_code == 401
    assert call(second_key).status_code == 200


def test_nobody_can_revoke_another_persons_token(signed_in, facilitator):
    someone = User.objects.create_user("someone@elsewhere.example", "pw-for-tests-only-1")
    theirs, key = tokens.issue(someone, "Theirs")
    assert signed_in.post(f"/account/api/{theirs.pk}/revoke/").status_code == 404
    assert signed_in.post("/account/api/999999/revoke/").status_code == 404
    assert call(key).status_code == 200
    # Nor see it: the page lists only your own.
    assert "Theirs" not in signed_in.get("/account/api/").content.decode()


def test_revoking_takes_a_post(signed_in, facilitator):
    mine, key = tokens.issue(facilitator, "Mine")
    assert signed_in.get(f"/account/api/{mine.pk}/revoke/").status_code == 405
    assert Client().post(f"/account/api/{mine.pk}/revoke/").status_code == 302  # to sign in
    assert call(key).status_code == 200


def test_a_disabled_account_gets_401_with_any_token(facilitator):
    _first, first_key = tokens.issue(facilitator, "First")
    _second, second_key = tokens.issue(facilitator, "Second", 365)
    User.objects.filter(pk=facilitator.pk).update(is_active=False)
    for key in (first_key, second_key):
        refused = call(key)
        assert refused.status_code == 401 and refused.json()["detail"] == "User inactive or deleted."


def test_the_day_of_last_use_is_kept_and_nothing_finer(facilitator):
    api_token, key = tokens.issue(facilitator, "Dashboard")
    assert api_token.last_used_on is None
    call(key)
    call(key)
    api_token.refresh_from_db()
    assert api_token.last_used_on == timezone.localdate()
    field = ApiToken._meta.get_field("last_used_on")
    assert field.get_internal_type() == "DateField"


def test_each_token_is_throttled_with_429_and_retry_after(facilitator, settings):
    settings.API_RATE_LIMIT = (3, 60)
    _one, key = tokens.issue(facilitator, "Busy script")
    _other, other_key = tokens.issue(facilitator, "Another script")
    assert [call(key).status_code for _ in range(3)] == [200, 200, 200]
    refused = call(key)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"]
    assert call(other_key).status_code == 200, "the limit is per token"
    # Counted in the database every instance shares, under a keyed hash: no token, no digest.
    stored = list(RateLimitWindow.objects.values_list("key", flat=True))
    assert stored and not any(key in value or _one.token.digest in value for value in stored)


def test_a_request_without_a_token_is_refused_before_any_counting(db):
    assert Client().get(PARTNERSHIPS).status_code == 401
    assert call("0" * 64).status_code == 401
    assert not RateLimitWindow.objects.exists()


def test_the_page_makes_a_named_token_shown_once(signed_in, facilitator):
    page = signed_in.get("/account/api/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "You have no API tokens." in html
    assert re.search(r'<input[^>]*name="days"[^>]*value="90"[^>]*checked', html), "90 days by default"
    made = signed_in.post("/account/api/", {"name": "  Power BI dashboard  ", "days": "365"}).content.decode()
    (key,) = re.findall(r'<code id="new-token">([0-9a-f]{64})</code>', made)
    assert "Copy it now: it will not be shown again" in made
    assert "Power BI dashboard" in made and "Not yet" in made  # listed, never used
    assert call(key).status_code == 200
    api_token = ApiToken.objects.get(token__user=facilitator)
    assert api_token.name == "Power BI dashboard"
    assert timedelta(days=364) < api_token.token.expiry - timezone.now() <= timedelta(days=365)
    again = signed_in.get("/account/api/").content.decode()
    assert key not in again, "shown once"
    assert "Power BI dashboard" in again and "Not yet" not in again
    assert format(timezone.localdate(), "%-d %b %Y") in again  # last used: today


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "", "days": "90"}, "Enter a name for the token"),
        ({"name": "   ", "days": "90"}, "Enter a name for the token"),
        ({"name": "x" * 101, "days": "90"}, "Name must be 100 characters or fewer"),
        ({"name": "Dashboard"}, "Select when the token expires"),
        ({"name": "Dashboard", "days": "7"}, "Select 30, 90 or 365 days"),
        ({"name": "Dashboard", "days": "ninety"}, "Select 30, 90 or 365 days"),
    ],
)
def test_bad_input_says_what_is_wrong_and_makes_nothing(signed_in, data, error):
    page = signed_in.post("/account/api/", data)
    html = page.content.decode()
    assert page.status_code == 200 and "There is a problem" in html and error in html
    assert "new-token" not in html
    assert not AuthToken.objects.exists() and not ApiToken.objects.exists()


def test_a_name_of_exactly_100_characters_is_kept(signed_in, facilitator):
    signed_in.post("/account/api/", {"name": "n" * 100, "days": "30"})
    assert ApiToken.objects.get(token__user=facilitator).name == "n" * 100


def test_there_is_a_most_tokens_a_person_may_hold(signed_in, facilitator):
    for number in range(tokens.MOST_TOKENS):
        tokens.issue(facilitator, f"Token {number}")
    html = signed_in.post("/account/api/", {"name": "One more", "days": "90"}).content.decode()
    assert "the most allowed" in html and "new-token" not in html
    assert ApiToken.objects.filter(token__user=facilitator).count() == tokens.MOST_TOKENS


def test_the_page_needs_signing_in(client):
    answer = client.get("/account/api/")
    assert answer.status_code == 302 and answer["Location"].startswith("/sign-in/")


def test_the_schema_documents_the_token_header_and_the_429(client, db):
    import yaml

    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    scheme = schema["components"]["securitySchemes"]["apiToken"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert "Authorization: Token YOUR-TOKEN" in scheme["description"]
    operations = [operation for path in schema["paths"].values() for operation in path.values()]
    assert len(operations) == 5
    for operation in operations:
        assert {"apiToken": []} in operation["security"], operation["operationId"]
        assert {"401", "429"} <= set(operation["responses"]), operation["operationId"]
