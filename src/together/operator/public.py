"""Sign-up pages for a new partnership lead (see :mod:`signup`). Off entirely when SIGNUP=off."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from together.reviews import ratelimit

from . import signup
from .forms import SignupForm, SignupPasswordForm

_SENT = "together.signup.sent"
_CONFIRMATION = "together.signup.confirmation"


def _require_signup():
    if not signup.enabled():
        raise Http404("Sign-up is off")


@require_http_methods(["GET", "POST"])
def sign_up(request):
    _require_signup()
    if request.user.is_authenticated:
        return redirect("partnerships")
    if request.method == "POST" and not ratelimit.allow(request, "sign-up", settings.SIGNUP_RATE_LIMIT):
        return render(request, "operator/signup_too_many.html", status=429)
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        is_open = signup.ask(**form.cleaned_data, base_url=f"{request.scheme}://{request.get_host()}", request=request)
        request.session[_SENT] = "open" if is_open else "approval"
        return redirect("sign-up-sent")
    return render(request, "operator/signup_form.html", {"form": form})


@require_GET
def sign_up_sent(request):
    _require_signup()
    mode = request.session.get(_SENT)
    if mode is None:
        return redirect("sign-up")
    return render(request, "operator/signup_sent.html", {"open": mode == "open"})


@require_GET
def sign_up_confirm(request, token):
    """The link from the email: its token goes into the session at once, so the page that asks
    for a password holds none in its address."""
    _require_signup()
    if signup.read_confirmation(token) is None:
        return render(request, "operator/signup_link_invalid.html", status=404)
    request.session[_CONFIRMATION] = token
    return redirect("sign-up-password")


@require_http_methods(["GET", "POST"])
def sign_up_password(request):
    _require_signup()
    data = signup.read_confirmation(request.session.get(_CONFIRMATION, ""))
    if data is None:
        return render(request, "operator/signup_link_invalid.html", status=404)
    form = SignupPasswordForm(
        request.POST if request.method == "POST" else None, email=data["email"], name=data["name"]
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = signup.complete(data, form.cleaned_data["password1"], request=request)
        except signup.SignupError:
            request.session.pop(_CONFIRMATION, None)
            messages.error(request, _("This address already has an account. Sign in, or reset your password."))
            return redirect("sign-in")
        request.session.pop(_CONFIRMATION, None)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your account is ready. Now create your partnership."))
        return redirect("partnership-create")
    return render(request, "operator/signup_password.html", {"form": form, "email": data["email"]})
