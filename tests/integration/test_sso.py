"""Single sign-on through the test suite's own OpenID Connect provider (tests/oidc_provider.py)."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse

from tests.integration.test_mfa import code_for, enrol
from together import conf
from together.accounts.models import User
from together.signin import signals

pytestmark = pytest.mark.django_db


def through_provider(client, next_url=""):
    """Press the button, let the provider sign in, and come back: the callback's answer."""
    start = client.get(reverse("sso-start") + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.content
    authorize = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert authorize.status_code == 302, authorize.text
    back = urlsplit(authorize.headers["Location"])
    assert back.path == reverse("sso-callback")
    return client.get(f"{back.path}?{back.query}")


def test_the_button_shows_only_when_configured(client, db, settings):
    assert "Sign in with Microsoft" not in client.get(reverse("sign-in")).content.decode()
    assert client.get(reverse("sso-start")).status_code == 404
    assert client.get(reverse("sso-callback")).status_code == 404
    settings.OIDC_RP_CLIENT_ID = "configured"
    settings.OIDC_BUTTON_LABEL = "Sign in with Northbridge NHS"
    html = client.get(reverse("sign-in") + "?next=/partnerships/new/").content.decode()
    assert f'href="{reverse("sso-start")}?next=%2Fpartnerships%2Fnew%2F"' in html
    assert "Sign in with Northbridge NHS" in html


def test_the_request_carries_state_nonce_and_pkce(client, oidc_provider):
    start = client.get(reverse("sso-start"))
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(f"{oidc_provider.issuer}/authorize?")
    assert query["client_id"] == ["together-tests"] and query["response_type"] == ["code"]
    assert query["scope"] == ["openid email profile"]
    assert query["redirect_uri"] == ["http://testserver/sign-in/sso/callback/"]
    assert query["code_challenge_method"] == ["S256"]
    assert {"state", "nonce", "code_challenge"} <= set(query)


def test_an_existing_account_signs_in_by_its_email_in_any_case(client, oidc_provider, facilitator, security_events):
    oidc_provider.sign_in_as("Fran@NorthBridge.example")
    response = through_provider(client, next_url="/partnerships/new/")
    assert response["Location"] == "/partnerships/new/"
    assert int(client.session["_auth_user_id"]) == facilitator.pk
    assert client.get(reverse("partnerships")).status_code == 200
    assert (facilitator, signals.SSO_SIGN_IN, "Signed in through single sign-on") in security_events
    assert User.objects.count() == 1


def test_an_unknown_email_is_refused_unless_accounts_may_be_made(client, oidc_provider, settings, security_events):
    oidc_provider.sign_in_as("stranger@northbridge.example")
    response = through_provider(client)
    assert response.status_code == 403
    assert "There is no account for stranger@northbridge.example" in response.content.decode()
    assert "_auth_user_id" not in client.session and not User.objects.exists()
    assert security_events[-1][:2] == (None, signals.SSO_REFUSED)

    settings.OIDC_CREATE_ACCOUNTS = True
    response = through_provider(client)
    assert response["Location"] == reverse("partnerships")
    made = User.objects.get()
    assert made.email == "stranger@northbridge.example" and made.name == "Sam Single"
    assert not made.has_usable_password()


def test_a_domain_not_allowed_is_refused(client, oidc_provider, settings, facilitator, security_events):
    settings.OIDC_ALLOWED_DOMAINS = ["council.example"]
    oidc_provider.sign_in_as(facilitator.email)
    response = through_provider(client)
    assert response.status_code == 403
    assert "Email addresses ending in @northbridge.example cannot sign in here." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert security_events[-1][1] == signals.SSO_REFUSED


def test_an_address_the_provider_has_not_verified_is_refused(client, oidc_provider, settings, facilitator):
    oidc_provider.sign_in_as(facilitator.email, verified=False)
    assert "has not confirmed your email address" in through_provider(client).content.decode()
    # Saying nothing about it is enough only where the domains are limited to the tenant's own.
    oidc_provider.sign_in_as(facilitator.email, verified=None)
    assert through_provider(client).status_code == 403
    settings.OIDC_ALLOWED_DOMAINS = ["northbridge.example"]
    assert through_provider(client)["Location"] == reverse("partnerships")


def test_a_turned_off_account_is_refused(client, oidc_provider, facilitator, security_events):
    facilitator.is_active = False
    facilitator.save()
    oidc_provider.sign_in_as(facilitator.email)
    response = through_provider(client)
    assert response.status_code == 403
    assert "This account has been turned off" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert security_events[-1][:2] == (facilitator, signals.SSO_REFUSED)


def test_the_provider_saying_no_is_refused(client, oidc_provider, facilitator):
    oidc_provider.refuse = True
    response = through_provider(client)
    assert response.status_code == 403
    assert "Your identity provider did not sign you in." in response.content.decode()


def test_a_callback_without_its_state_is_refused(client, oidc_provider):
    response = client.get(reverse("sso-callback") + "?code=abc&state=made-up")
    assert response.status_code == 400
    assert "This sign-in has expired or was already used" in response.content.decode()


def test_a_replayed_callback_is_refused(client, oidc_provider, facilitator):
    oidc_provider.sign_in_as(facilitator.email)
    start = client.get(reverse("sso-start"))
    back = urlsplit(requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"])
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    client.post(reverse("sign-out"))
    assert client.get(f"{back.path}?{back.query}").status_code == 400


def test_an_id_token_for_another_client_is_refused(client, oidc_provider, facilitator, security_events):
    oidc_provider.sign_in_as(facilitator.email)
    oidc_provider.audience = "someone-else"
    response = through_provider(client)
    assert response.status_code == 403
    assert "answer could not be checked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert security_events[-1][1] == signals.SSO_REFUSED


def test_an_id_token_not_signed_with_the_published_key_is_refused(client, oidc_provider, facilitator):
    from cryptography.hazmat.primitives.asymmetric import rsa

    oidc_provider.sign_in_as(facilitator.email)
    oidc_provider.forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert through_provider(client).status_code == 403
    assert "_auth_user_id" not in client.session


def test_an_unreachable_provider_says_so(client, db, settings):
    settings.OIDC_RP_CLIENT_ID = "together-tests"
    settings.OIDC_ISSUER = "http://127.0.0.1:9"
    settings.OIDC_TIMEOUT = 2
    response = client.get(reverse("sso-start"))
    assert response.status_code == 503
    assert "Single sign-on is not working just now" in response.content.decode()


def test_an_app_is_not_asked_for_when_the_provider_is_trusted(client, oidc_provider, facilitator):
    enrol(facilitator)
    oidc_provider.sign_in_as(facilitator.email)
    assert through_provider(client)["Location"] == reverse("partnerships")


def test_an_app_is_asked_for_when_the_provider_is_not_trusted(client, oidc_provider, facilitator, settings):
    settings.OIDC_TRUSTS_MFA = False
    secret, _ = enrol(facilitator)
    oidc_provider.sign_in_as(facilitator.email)
    assert through_provider(client)["Location"] == reverse("sign-in-code")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("sign-in-code"), {"code": code_for(secret, 1)})
    assert response["Location"] == reverse("partnerships")
    assert int(client.session["_auth_user_id"]) == facilitator.pk


def test_explicit_endpoints_work_without_discovery(client, oidc_provider, facilitator, settings):
    settings.OIDC_ISSUER = ""
    settings.OIDC_ENDPOINTS = {
        "authorization_endpoint": f"{oidc_provider.issuer}/authorize",
        "token_endpoint": f"{oidc_provider.issuer}/token",
        "userinfo_endpoint": f"{oidc_provider.issuer}/userinfo",
        "jwks_uri": f"{oidc_provider.issuer}/jwks",
    }
    oidc_provider.sign_in_as(facilitator.email)
    assert through_provider(client)["Location"] == reverse("partnerships")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"OIDC_CLIENT_ID": "x", "OIDC_CLIENT_SECRET": "y"}, "OIDC_CLIENT_ID: single sign-on needs OIDC_ISSUER"),
        ({"OIDC_CLIENT_ID": "x", "OIDC_ISSUER": "https://idp.example"}, "OIDC_CLIENT_SECRET: is required"),
        (
            {"OIDC_CLIENT_ID": "x", "OIDC_CLIENT_SECRET": "y", "OIDC_ISSUER": "https://i", "OIDC_SCOPES": "openid"},
            "OIDC_SCOPES: must include openid and email",
        ),
    ],
)
def test_half_configured_single_sign_on_names_what_is_missing(environ, message):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured) as raised:
        conf.read({"SECRET_KEY": "k", **environ})
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize("trusted", [True, False])
def test_a_trusted_provider_meets_mfa_required_without_an_app_here(client, oidc_provider, settings, trusted):
    from tests.integration.helpers import make_partnership

    settings.MFA_REQUIRED = True
    settings.OIDC_TRUSTS_MFA = trusted
    owner = User.objects.create_user("olu@northbridge.example", "a long enough password 1")
    make_partnership(owner)
    oidc_provider.sign_in_as(owner.email)
    assert through_provider(client)["Location"] == reverse("partnerships")
    response = client.get(reverse("partnerships"))
    if trusted:
        assert response.status_code == 200
    else:
        assert response["Location"] == reverse("security-set-up")
