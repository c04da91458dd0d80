"""Public pages: home, the framework, accessibility and privacy, and signing in and out."""

import os
import shutil
import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import DatabaseError, transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from together.frameworks import services
from together.reviews import ratelimit
from together.signin import mfa, pending

from .forms import SignInForm
from .models import Heartbeat


@require_GET
def home(request):
    version = services.current()
    # The home page is about the shipped framework, so its footer credits that framework's source.
    return render(request, "web/home.html", {"version": version, "framework": version.framework if version else None})


@require_GET
def framework(request):
    version = services.current()
    framework = version.framework if version else None
    return render(
        request,
        "web/framework.html",
        {
            "version": version,
            "framework": framework,
        },
    )


@require_GET
def theme(request, theme_id: str):
    version = services.current()
    if version is None:
        raise Http404("No framework is loaded")
    framework = version.framework
    themes = framework.themes
    index = next((i for i, candidate in enumerate(themes) if candidate.id == theme_id), None)
    if index is None:
        raise Http404("No such theme")
    return render(
        request,
        "web/theme.html",
        {
            "framework": framework,
            "version": version,
            "theme": themes[index],
            "number": index + 1,
            "previous": themes[index - 1] if index > 0 else None,
            "next": themes[index + 1] if index + 1 < len(themes) else None,
            "scale": framework.scale,
            "has_guidance": any(s.guidance for s in themes[index].statements),
        },
    )


@require_GET
def accessibility(request):
    return render(request, "web/accessibility.html")


@require_GET
def privacy(request):
    return render(
        request,
        "web/privacy.html",
        {
            "session_hours": settings.SESSION_COOKIE_AGE // 3600,
            "audit_days": settings.AUDIT_LOG_DAYS,
            "solo_days": settings.SOLO_RETENTION_DAYS,
        },
    )


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/sign_in.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not ratelimit.allow(request, "sign-in", settings.SIGN_IN_RATE_LIMIT):
            return render(request, "registration/too_many.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        if mfa.has_device(user):  # the password is right; the code page signs them in
            return pending.begin(self.request, user, self.get_success_url(), via="password")
        return super().form_valid(form)

    def get_default_redirect_url(self):
        return reverse("partnerships")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "signup": settings.SIGNUP == "on"}


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have signed out."))
        return response


@never_cache
@require_GET
def health(request):
    """For load balancers and uptime checks: 200 "ok" when the database takes a write and the
    disks it and temporary files live on have room; else 503 with what is wrong, one a line."""
    problems = []
    try:
        with transaction.atomic():
            Heartbeat.objects.update_or_create(id=1, defaults={"at": timezone.now()})
    except DatabaseError as error:
        problems.append(f"database: does not take writes ({type(error).__name__})")
    for label, folder in _disks():
        try:
            free = shutil.disk_usage(folder).free
        except OSError as error:
            problems.append(f"{label}: cannot be checked ({error.strerror})")
            continue
        if free < settings.HEALTH_MIN_FREE_BYTES:
            problems.append(
                f"{label}: {free // (1024 * 1024)} MB free, below {settings.HEALTH_MIN_FREE_BYTES // (1024 * 1024)} MB"
            )
    if problems:
        return HttpResponse("\n".join(problems) + "\n", content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")


def _disks() -> list[tuple[str, str]]:
    """The folders whose disks must have room: the SQLite database's, and temporary files'."""
    folders = [("temporary files", tempfile.gettempdir())]
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        folders.append(("database disk", os.path.dirname(os.path.abspath(str(database["NAME"])))))
    return folders


def bad_request(request, exception=None):
    """The service's page for a request it cannot read. Django's own handler checks the CSRF
    token again, reading the unreadable body a second time, and so fails with a 500."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return render(request, "400.html", status=400)


def not_found(request, exception=None):
    """JSON for the API, the service's page for everything else."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    return render(request, "500.html", status=500)
