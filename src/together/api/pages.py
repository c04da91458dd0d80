"""The page where a signed-in person makes, sees and revokes their own API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import tokens
from .forms import NewTokenForm


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    form = NewTokenForm(request.POST if request.method == "POST" else None)
    new = None
    if request.method == "POST" and form.is_valid():
        try:
            new = tokens.issue(request.user, form.cleaned_data["name"], form.cleaned_data["days"])
        except tokens.TokenError as error:
            form.add_error(None, str(error))
        else:
            form = NewTokenForm()  # the token is on this page, once; the form starts afresh
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens.tokens_of(request.user), "new": new},
    )


@login_required
@require_POST
def api_token_revoke(request, token_id: int):
    api_token = tokens.find(request.user, token_id)
    if api_token is None:
        raise Http404("No such token.")
    tokens.revoke(api_token)
    messages.success(request, _("Token “%(name)s” revoked: it no longer works.") % {"name": api_token.name})
    return redirect("api-token")
