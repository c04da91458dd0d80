"""The code page of signing in, the sign-in security pages, and single sign-on's two addresses."""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from together.reviews import ratelimit

from . import mfa, oidc, pending, signals
from .forms import ConfirmForm, SetupForm, SignInCodeForm

log = logging.getLogger(__name__)

NEW_SECRET = "together.signin.new_secret"  # noqa: S105 - the session key's name, not a secret
NEW_CODES = "together.signin.new_codes"


# --- Signing in: the code page ----------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request):
    found = pending.current(request)
    if found is None:
        messages.info(request, _("Sign in again: the time to enter a code ran out, or you had not signed in yet."))
        return redirect("sign-in")
    user, attempt = found
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.allow(request, "sign-in", settings.SIGN_IN_RATE_LIMIT):
            return render(request, "registration/too_many.html", status=429)
        if mfa.account_locked(user):
            pending.drop(request)
            return _locked(request)
        if form.is_valid():
            used = mfa.verify(user, form.cleaned_data["code"])
            if used:
                pending.finish(request, user)
                if attempt["via"] == "sso":
                    signals.send(user, signals.SSO_SIGN_IN, "Signed in through single sign-on, with a code", request)
                if used == "recovery":
                    left = mfa.recovery_codes_left(user)
                    messages.warning(
                        request,
                        ngettext(
                            "You used a recovery code. You have %(count)d left.",
                            "You used a recovery code. You have %(count)d left.",
                            left,
                        )
                        % {"count": left}
                        + " "
                        + _("Make new ones from Sign-in security if you are running out."),
                    )
                return redirect(attempt["next"])
            mfa.count_wrong_code(user, "when signing in")
            tries = mfa.count_wrong_attempt(attempt["attempt"])
            if mfa.account_locked(user):
                pending.drop(request)
                return _locked(request)
            if tries == 0:
                pending.drop(request)
                return render(request, "signin/too_many_codes.html", {"attempts": mfa.CODE_ATTEMPTS}, status=429)
            form.add_error(
                "code",
                ngettext(
                    "The code is not right. Check your app shows this service and try again (%(count)d try left)",
                    "The code is not right. Check your app shows this service and try again (%(count)d tries left)",
                    tries,
                )
                % {"count": tries},
            )
    return render(request, "signin/code.html", {"form": form})


def _locked(request):
    minutes = max(settings.SIGN_IN_LOCKOUT[1] // 60, 1)
    return render(request, "signin/code_locked.html", {"minutes": minutes}, status=429)


# --- Single sign-on ---------------------------------------------------------------------------


class SingleSignOnStart(OIDCAuthenticationRequestView):
    """Send the browser to the identity provider, with state, nonce and PKCE in the session."""

    def __init__(self, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        if not oidc.configured():
            raise Http404("Single sign-on is not configured")
        if request.user.is_authenticated:
            return redirect("partnerships")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc.endpoints()["authorization_endpoint"]
        except oidc.Unavailable as error:
            log.warning("Single sign-on unavailable: %s", error)
            return render(request, "signin/sso_unavailable.html", status=503)
        return super().get(request)


@never_cache
@require_GET
def sso_callback(request):
    """Where the provider sends the browser back: exchange the code, check the person, sign in."""
    if not oidc.configured():
        raise Http404("Single sign-on is not configured")
    states = request.session.get("oidc_states")
    state = request.GET.get("state", "")
    if not isinstance(states, dict) or state not in states:
        return _refused(request, None, _("This sign-in has expired or was already used. Start again."), 400)
    flow = states.pop(state)
    request.session["oidc_states"] = states
    if request.GET.get("error"):
        return _refused(request, None, _("Your identity provider did not sign you in."), 403)
    if not request.GET.get("code"):
        return _refused(request, None, _("Your identity provider sent no sign-in code. Start again."), 400)
    if not ratelimit.allow(request, "sign-in", settings.SIGN_IN_RATE_LIMIT):
        return render(request, "registration/too_many.html", status=429)
    try:
        backend = oidc.Backend()
        user = backend.authenticate(request, nonce=flow.get("nonce"), code_verifier=flow.get("code_verifier"))
    except oidc.Refused as refusal:
        return _refused(request, refusal.user, refusal.message, 403)
    except oidc.Unavailable as error:
        log.warning("Single sign-on unavailable: %s", error)
        return render(request, "signin/sso_unavailable.html", status=503)
    except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError, KeyError, TypeError, ValueError) as error:
        log.warning("Single sign-on answer refused: %s", error)
        return _refused(request, None, _("Your identity provider's answer could not be checked. Start again."), 403)
    if user is None:
        return _refused(request, None, _("Your identity provider's answer could not be checked. Start again."), 403)
    next_url = request.session.pop("oidc_login_next", None) or reverse("partnerships")
    if mfa.has_device(user) and not settings.OIDC_TRUSTS_MFA:
        return pending.begin(request, user, next_url, via="sso")
    pending.finish(request, user)
    if settings.OIDC_TRUSTS_MFA:
        # The identity provider asked for the second factor: MFA_REQUIRED is met for this session.
        request.session[mfa.SECOND_FACTOR_AT_PROVIDER] = True
    signals.send(user, signals.SSO_SIGN_IN, "Signed in through single sign-on", request)
    return redirect(next_url)


def _refused(request, user, reason: str, status: int):
    signals.send(user, signals.SSO_REFUSED, reason, request)
    return render(request, "signin/sso_refused.html", {"reason": reason}, status=status)


# --- Sign-in security: set up, recovery codes, remove -----------------------------------------


@login_required
@require_GET
def security(request):
    user = request.user
    return render(
        request,
        "signin/security.html",
        {
            "has_device": mfa.has_device(user),
            "codes_left": mfa.recovery_codes_left(user),
            "required": settings.MFA_REQUIRED and mfa.expected_to_use(user),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def set_up(request):
    user = request.user
    if mfa.has_device(user):
        messages.info(request, _("You already use an authenticator app. Remove it first to set up another."))
        return redirect("security")
    secret = request.session.get(NEW_SECRET)
    if not isinstance(secret, str) or len(secret) != 40:
        secret = request.session[NEW_SECRET] = mfa.new_secret()
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.enrol(user, secret, form.cleaned_data["code"])
        if codes is not None:
            del request.session[NEW_SECRET]
            request.session[NEW_CODES] = codes
            messages.success(
                request, _("Your authenticator app is set up. You will be asked for a code when you sign in.")
            )
            return redirect("security-recovery-codes")
        form.add_error(
            "code",
            _("The code is not right. Check the time on your phone is set automatically, then enter the newest code"),
        )
    address = mfa.setup_address(user, secret)
    return render(
        request,
        "signin/set_up.html",
        {
            "form": form,
            "qr_code": mfa.qr_code(address),
            "secret": mfa.secret_for_typing(secret),
            "required": mfa.must_enrol(user),
        },
    )


@never_cache
@login_required
@require_GET
def recovery_codes(request):
    """The new codes, once: the session forgets them as the page is made."""
    codes = request.session.pop(NEW_CODES, None)
    if not codes:
        return redirect("security")
    return render(request, "signin/recovery_codes.html", {"codes": codes})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def new_recovery_codes(request):
    return _confirmed_change(request, "regenerate")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def remove(request):
    return _confirmed_change(request, "remove")


def _confirmed_change(request, change: str):
    user = request.user
    if not mfa.has_device(user):
        return redirect("security")
    form = ConfirmForm(request.POST or None, user=user)
    if request.method == "POST":
        if mfa.account_locked(user):
            return _locked(request)
        if form.is_valid():
            if change == "remove":
                mfa.remove(user)
                messages.success(request, _("Your authenticator app and recovery codes have been removed."))
                return redirect("security")
            request.session[NEW_CODES] = mfa.regenerate_recovery_codes(user)
            return redirect("security-recovery-codes")
        if form.wrong:
            mfa.count_wrong_code(user, "to " + ("remove the app" if change == "remove" else "make new recovery codes"))
    return render(
        request,
        "signin/confirm.html",
        {
            "form": form,
            "change": change,
            "required": settings.MFA_REQUIRED and mfa.expected_to_use(user),
        },
    )
