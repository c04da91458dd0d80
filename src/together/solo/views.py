"""The solo review's pages. Thin: the rules are in :mod:`.services`, the report in :mod:`.summary`.

The private link is swapped at once for a signed, HTTP-only cookie, and every page after that
has no token in its address. Every page answers with ``Cache-Control: no-store`` (the project's
``NoStore`` middleware and ``never_cache``), ``Referrer-Policy: no-referrer`` and
``X-Robots-Tag: noindex``, and no page sends its address on as a Referer to another site.
Pages without a form say ``Referrer-Policy: no-referrer``; pages whose form posts say
``same-origin`` (the project's own policy), because under ``no-referrer`` browsers send
``Origin: null`` with the form and the CSRF check rightly refuses it. Either way no other site
is told anything, and no solo address after the private link holds a secret.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from together.reviews import ratelimit
from together.reviews.forms import DONT_KNOW, ThemeForm, rating_field_name

from . import report, services
from .forms import TogetherForm
from .models import SoloState

COOKIE = "solo-review"
COOKIE_SALT = "together.solo"
# The whole site, not /solo/: the review is reached at /solo/… and /cy/solo/… alike, and a cookie
# has one path. It is signed, HTTP-only and SameSite=Lax, and no page but the solo ones reads it.
COOKIE_PATH = "/"
SHOW_LINK = "solo-link"  # present once, to show the new private link on the next page
SHOW_LINK_SALT = "together.solo.link"
SHOW_LINK_AGE = 10 * 60


def _cookie_age() -> int:
    return settings.SOLO_RETENTION_DAYS * 24 * 60 * 60


def _private(view, referrer_policy: str):
    @wraps(view)
    @never_cache
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = referrer_policy
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def private(view):
    """Headers every solo page without a form carries: nothing cached, no Referer, not indexed."""
    return _private(view, "no-referrer")


def private_form(view):
    """The same for a page whose form posts back: its Referer goes to this site only."""
    return _private(view, "same-origin")


def _keep(response, token: str):
    response.set_signed_cookie(
        COOKIE,
        token,
        salt=COOKIE_SALT,
        max_age=_cookie_age(),
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
        path=COOKIE_PATH,
    )
    return response


def _token(request) -> str | None:
    try:
        return request.get_signed_cookie(COOKIE, salt=COOKIE_SALT, max_age=_cookie_age())
    except (KeyError, signing.BadSignature):
        return None


def _context(**values) -> dict:
    return {"retention_days": settings.SOLO_RETENTION_DAYS, "noindex": True, **values}


def _no_review(request):
    response = render(request, "solo/no_review.html", _context(), status=404)
    response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Lax")
    return response


def with_review(view):
    """Find this browser's solo review from its cookie, or explain that there is none."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        review = services.find(_token(request) or "")
        if review is None:
            return _no_review(request)
        return view(request, review, *args, **kwargs)

    return wrapped


@private_form
@require_http_methods(["GET", "POST"])
def start(request):
    version = services.framework_choice()
    if version is None:
        return render(request, "solo/unavailable.html", _context(), status=503)
    if request.method == "POST":
        if not ratelimit.allow(request, "solo-start", settings.RESPONSE_RATE_LIMIT):
            return render(request, "respond/too_many.html", status=429)
        started = services.start(version, short=request.POST.get("length") == "short")
        response = _keep(redirect("solo-link"), started.token)
        response.status_code = 303
        response.set_signed_cookie(
            SHOW_LINK,
            "1",
            salt=SHOW_LINK_SALT,
            max_age=SHOW_LINK_AGE,
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
            samesite="Lax",
            path=reverse("solo-link"),
        )
        return response
    from together.framework.estimate import estimate

    framework = version.framework
    short = framework.short_form() if framework.has_short_form else None
    return render(
        request,
        "solo/start.html",
        _context(
            framework=framework,
            short=short,
            full_minutes=estimate(framework).minutes,
            short_minutes=estimate(short).minutes if short else None,
            has_review=services.find(_token(request) or "") is not None,
        ),
    )


@private
@with_review
def link(request, review):
    """The private link, shown once, straight after the review is started."""
    try:
        request.get_signed_cookie(SHOW_LINK, salt=SHOW_LINK_SALT, max_age=SHOW_LINK_AGE)
        token = _token(request)
    except (KeyError, signing.BadSignature):
        token = None
    url = request.build_absolute_uri(reverse("solo-open", args=[token])) if token else None
    response = render(request, "solo/link.html", _context(review=review, private_link=url))
    response.delete_cookie(SHOW_LINK, path=reverse("solo-link"), samesite="Lax")
    return response


@private
def open_link(request, token: str):
    """The private link: kept as a cookie, then on to an address without it."""
    review = services.find(token)
    if review is None:
        return _no_review(request)
    response = _keep(redirect("solo-review"), token)
    response.status_code = 303
    return response


@private_form
@with_review
def overview(request, review):
    if review.state == SoloState.SENT:
        return redirect("solo-report")
    framework = review.framework
    missing = services.missing_themes(framework, services.answers(review).keys())
    themes = [{"theme": t, "done": t.id not in missing} for t in framework.themes]
    return render(
        request,
        "solo/review.html",
        _context(
            review=review,
            themes=themes,
            missing=missing,
            error=request.GET.get("error") == "missing",
            next_theme=missing[0] if missing else None,
        ),
    )


def _language() -> str:
    return get_language() or "en"


@private_form
@with_review
@require_http_methods(["GET", "POST"])
def theme(request, review, theme_id: str):
    if review.state == SoloState.SENT:
        return redirect("solo-report")
    framework = review.framework
    try:
        current = framework.theme(theme_id)
    except KeyError:
        return render(request, "404.html", status=404)
    initial = {}
    if request.method != "POST":
        saved = services.answers(review)
        for statement in current.statements:
            if statement.id in saved:
                value = saved[statement.id]
                initial[rating_field_name(statement.id)] = DONT_KNOW if value is None else str(value)
        initial["comment"] = services.notes(review).get(theme_id, "")
    form = ThemeForm(
        request.POST if request.method == "POST" else None,
        framework=framework,
        theme_id=theme_id,
        language=_language(),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_theme(review, framework, theme_id, form.ratings(), form.cleaned_data["comment"])
        except services.SoloError as error:
            form.add_error(None, str(error))
        else:
            ids = [t.id for t in framework.themes]
            following = ids.index(theme_id) + 1
            if request.GET.get("return") != "review" and following < len(ids):
                return redirect("solo-theme", ids[following])
            return redirect("solo-review")
    ids = [t.id for t in framework.themes]
    index = ids.index(theme_id)
    back = reverse("solo-theme", args=[ids[index - 1]]) if index else reverse("solo-review")
    # The questionnaire's own page, as respondents see it; ``round`` gives it the framework
    # version its cached introduction is keyed on.
    return render(
        request,
        "respond/theme.html",
        {
            "round": review,
            "form": form,
            "theme": current,
            "number": index + 1,
            "total": len(ids),
            "back_url": back,
            "scale": framework.scale,
            "resume_link": None,
        },
    )


@private_form
@with_review
@require_POST
def send(request, review):
    try:
        services.send(review)
    except services.SoloError:
        return redirect(reverse("solo-review") + "?error=missing")
    return redirect("solo-report")


@private
@with_review
def report_page(request, review, fmt: str = "html"):
    if review.state != SoloState.SENT:
        return redirect("solo-review")
    if fmt == "pdf":
        response = HttpResponse(report.pdf(review), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="my-partnership-review.pdf"'
        return response
    return render(request, "solo/report.html", _context(**report.context(review)))


@private_form
@with_review
@require_http_methods(["GET", "POST"])
def delete(request, review):
    if request.method == "POST":
        services.delete(review)
        response = redirect("solo-deleted")
        response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Lax")
        return response
    return render(request, "solo/delete.html", _context(review=review))


@private
def deleted(request):
    return render(request, "solo/deleted.html", _context())


@private_form
@with_review
@require_http_methods(["GET", "POST"])
def together(request, review):
    """ "Invite my partners to answer the same review": a partnership and a draft round on the same
    framework version, for a signed-in leader. Their own answers are not carried into it."""
    if review.state != SoloState.SENT:
        return redirect("solo-review")
    if hasattr(review, "kept"):
        return render(request, "solo/together_done.html", _context(review=review, kept=review.kept))
    if not request.user.is_authenticated:
        return render(request, "solo/together.html", _context(review=review, sign_in_first=True))
    form = TogetherForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.to_partnership(
                review,
                request.user,
                name=form.cleaned_data["name"],
                place=form.cleaned_data["place"],
                round_name=form.cleaned_data["round_name"],
            )
        except services.SoloError:
            return redirect("solo-together")
        messages.success(
            request,
            _(
                "Partnership and draft round created. Your own answers are not part of the round: "
                "add your partner organisations, then open the round to invite people."
            ),
        )
        return redirect("round", round_.partnership_id, round_.pk)
    return render(request, "solo/together.html", _context(review=review, form=form))


@private
@login_required
def then(request, round_id: int, fmt: str = "html"):
    """The solo review a leader kept beside a round they started from it: for them alone."""
    kept = services.kept_for(request.user, round_id)
    if kept is None:
        raise Http404
    review = kept.review
    if fmt == "pdf":
        response = HttpResponse(report.pdf(review), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="how-i-saw-it-then.pdf"'
        return response
    return render(
        request, "solo/report.html", _context(**report.context(review), kept=kept, round=kept.round, then=True)
    )
