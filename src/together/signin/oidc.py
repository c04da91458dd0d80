"""Single sign-on with OpenID Connect, through mozilla-django-oidc.

mozilla-django-oidc does the protocol: the authorization request with state, nonce and PKCE,
the code exchange, the ID token's RS256 signature against the provider's published keys, and
userinfo. This module adds what the service needs around it:

- the endpoints are read from the issuer's discovery document (cached for an hour), unless
  they are given one by one;
- the ID token's issuer and audience are checked as well as its signature and expiry;
- an account is matched by a verified email address, case-insensitively, in an allowed domain;
  every refusal names its reason (:class:`Refused`), for the person and the security events.
"""

from __future__ import annotations

import threading
import time

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

DISCOVERY_SECONDS = 3600
_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")


class Unavailable(Exception):
    """The identity provider could not be reached or answered something unusable."""


class Refused(Exception):
    """The provider signed someone in, but this service will not let them in."""

    def __init__(self, message: str, user=None):
        super().__init__(message)
        self.message = message
        self.user = user


def configured() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


_discovered: dict[str, tuple[float, dict[str, str]]] = {}
_lock = threading.Lock()


def endpoints() -> dict[str, str]:
    """The four endpoints: those set explicitly, the rest from the issuer's discovery document."""
    explicit = {name: value for name, value in settings.OIDC_ENDPOINTS.items() if value}
    if len(explicit) == len(_ENDPOINTS):
        return explicit
    return {**_discover(settings.OIDC_ISSUER), **explicit}


def _discover(issuer: str) -> dict[str, str]:
    with _lock:
        cached = _discovered.get(issuer)
        if cached and cached[0] > time.monotonic():
            return cached[1]
    try:
        answer = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT)
        answer.raise_for_status()
        document = answer.json()
    except (requests.RequestException, ValueError) as error:
        raise Unavailable(f"discovery at {issuer} failed: {error}") from error
    if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != issuer:
        raise Unavailable(f"the discovery document at {issuer} names another issuer")
    missing = [name for name in _ENDPOINTS if not isinstance(document.get(name), str)]
    if missing:
        raise Unavailable(f"the discovery document at {issuer} lacks {', '.join(missing)}")
    found = {name: document[name] for name in _ENDPOINTS}
    with _lock:
        _discovered[issuer] = (time.monotonic() + DISCOVERY_SECONDS, found)
    return found


def forget_discovery() -> None:
    with _lock:
        _discovered.clear()


class Backend(OIDCAuthenticationBackend):
    """Not in AUTHENTICATION_BACKENDS: the callback view calls it, so a password sign-in never
    reaches the provider, and a session it starts is an ordinary ModelBackend one."""

    def __init__(self):
        found = endpoints()
        self.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = found["userinfo_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    def _verify_jws(self, payload, key):
        """The signature and expiry, as the library checks them, and the issuer and audience too."""
        try:
            algorithm = jwt.get_unverified_header(payload).get("alg")
            if algorithm != self.OIDC_RP_SIGN_ALGO:
                raise SuspiciousOperation(f"ID token signed with {algorithm!r}, not {self.OIDC_RP_SIGN_ALGO}")
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER or None,
                options={"require": ["exp", "iat", "sub", "aud"], "verify_iss": bool(settings.OIDC_ISSUER)},
                leeway=60,
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error

    def get_userinfo(self, access_token, id_token, payload):
        """Userinfo's claims, with the signed ID token's taking precedence where both speak."""
        info = super().get_userinfo(access_token, id_token, payload)
        if not isinstance(info, dict) or ("sub" in info and info["sub"] != payload.get("sub")):
            raise SuspiciousOperation("userinfo is about someone other than the ID token")
        return {**info, **payload}

    def verify_claims(self, claims):
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise Refused(_("Your identity provider did not give an email address, so we cannot find your account."))
        domain = email.rsplit("@", 1)[1].lower()
        allowed = settings.OIDC_ALLOWED_DOMAINS
        if allowed and domain not in allowed:
            raise Refused(_("Email addresses ending in @%(domain)s cannot sign in here.") % {"domain": domain})
        verified = claims.get("email_verified")
        if verified in (False, "false") or (not allowed and verified not in (True, "true")):
            raise Refused(_("Your identity provider has not confirmed your email address, so we cannot use it."))
        return True

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(email__iexact=claims["email"].strip())

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        self.verify_claims(claims)
        users = list(self.filter_users_by_claims(claims)[:2])
        if len(users) > 1:
            raise Refused(_("More than one account uses this email address. Ask whoever runs this service."))
        if users:
            user = users[0]
            if not user.is_active:
                raise Refused(
                    _("This account has been turned off. Ask your partnership's owner to restore it."), user=user
                )
            return user
        if not settings.OIDC_CREATE_ACCOUNTS:
            raise Refused(
                _(
                    "There is no account for %(email)s. Ask the owner of your partnership to invite you, "
                    "then sign in again."
                )
                % {"email": claims["email"]}
            )
        name = claims.get("name") if isinstance(claims.get("name"), str) else ""
        return self.UserModel.objects.create_user(claims["email"].strip(), None, name=name[:150])
