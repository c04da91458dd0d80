"""A person's own API token: create or replace it (shown once), or revoke it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request):
    new_key = None
    if request.method == "POST":
        Token.objects.filter(user=request.user).delete()
        if request.POST.get("action") == "create":
            new_key = Token.objects.create(user=request.user).key
        else:
            messages.success(request, _("Your API token has been revoked."))
            return redirect("api-token")
    return render(
        request,
        "accounts/api_token.html",
        {"has_token": Token.objects.filter(user=request.user).exists(), "new_key": new_key},
    )
