"""The respondent's side: start pages, one page per step, check answers, and confirmation.

A respondent is recognised by a random key in a signed cookie, never by an account; the draft
is found by a keyed hash of it. Only one browser holds a draft's key at a time.

An invitation link or a "come back later" (resume) link is exchanged for a short-lived claim
cookie on first use: the link redirects at once to the round's start page, whose address holds
no token, so no page the respondent then sees (nor its address in the history, nor a Referer)
carries one. Carrying on from that page moves the draft to this browser under a new key: the
browser that had it loses it, a resume link works once (each page shows a new one), and an
invitation link keeps working, as the invitee's email is their key.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from together.web import languages

from . import keys, questionnaire, ratelimit, sql
from .forms import (
    DONT_KNOW,
    NOT_SAY,
    RATHER_NOT,
    RATHER_NOT_VALUE,
    AboutYouForm,
    PrioritiesForm,
    ThemeForm,
    rating_field_name,
    target_field_name,
)
from .models import Invitation, Round, RoundState, VariantLink

COOKIE_SALT = "together.respondent"
COOKIE_AGE = 60 * 60 * 24 * 120
CLAIM_SALT = "together.respondent.claim"
CLAIM_AGE = 60 * 60 * 24
OPEN, INVITED = "o", "i"


def _rounds():
    # The framework's text is parsed once per process; each page needs only its hash.
    return Round.objects.select_related("partnership", "framework_version").defer("framework_version__content")


def _cookie_name(round_: Round) -> str:
    return f"respond-{round_.public_id.hex}"


def _read_cookie(request, round_: Round) -> tuple[str, str] | None:
    return _read_cookie_for(request, round_.public_id.hex)


def _read_cookie_for(request, public_hex: str) -> tuple[str, str] | None:
    try:
        value = request.get_signed_cookie(f"respond-{public_hex}", salt=COOKIE_SALT, max_age=COOKIE_AGE)
    except (KeyError, signing.BadSignature):
        return None
    kind, _, key = value.partition(":")
    return (kind, key) if key else None


def _set_cookie(response, round_: Round, kind: str, key: str):
    response.set_signed_cookie(
        _cookie_name(round_),
        f"{kind}:{key}",
        salt=COOKIE_SALT,
        max_age=COOKIE_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
        path="/",
    )
    return response


def _claim_cookies(round_: Round) -> list[tuple[str, str]]:
    """The claim cookies' names and paths: sent only to the round's start page, one for its
    English address and one for its Welsh, so the respondent may change language there."""
    name = f"respond-claim-{round_.public_id.hex}"
    return [
        (f"{name}-{language}" if language != languages.ENGLISH else name, _start_url(round_, language))
        for language in languages.RESPONSE_LANGUAGES
    ]


def _claim_cookie(round_: Round) -> tuple[str, str]:
    """The claim cookie of the start page in the page's language."""
    cookies = _claim_cookies(round_)
    return cookies[languages.RESPONSE_LANGUAGES.index(languages.page_language())]


def _read_claim(request, round_: Round) -> tuple[str, str] | None:
    name, _path = _claim_cookie(round_)
    try:
        value = request.get_signed_cookie(name, salt=CLAIM_SALT, max_age=CLAIM_AGE)
    except (KeyError, signing.BadSignature):
        return None
    kind, _, secret = value.partition(":")
    return (kind, secret) if kind in (OPEN, INVITED) and secret else None


def _exchange(request, round_: Round, kind: str, secret: str):
    """The answer to a link with a token in it: keep the token in a claim cookie and go (303) to
    the round's start page, whose address has none."""
    response = redirect(_start_url(round_))
    response.status_code = 303
    for name, path in _claim_cookies(round_):
        response.set_signed_cookie(
            name,
            f"{kind}:{secret}",
            salt=CLAIM_SALT,
            max_age=CLAIM_AGE,
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
            samesite="Lax",
            path=path,
        )
    return response


def _claimed(response, round_: Round):
    """The claim has been used (or found useless): the browser forgets it."""
    for name, path in _claim_cookies(round_):
        response.delete_cookie(name, path=path, samesite="Lax")
    return response


def _language() -> str:
    return languages.page_language()


def _steps(round_: Round, draft) -> list[str]:
    """The draft's pages in order. A variant's respondents (residents, say) are not asked which
    organisation they belong to, nor which themes need the partnership's attention."""
    themes = [f"theme/{t.id}" for t in questionnaire.framework_of(round_, draft).themes]
    if draft.variant:
        return [*themes, "check"]
    return ["about", *themes, "priorities", "check"]


def _url(round_: Round, step: str) -> str:
    return f"{languages.prefix()}/respond/{round_.public_id}/{step}/"


def _start_url(round_: Round, language: str | None = None) -> str:
    return f"{languages.prefix(language)}/respond/{round_.public_id}/"


def _next_incomplete(round_: Round, draft) -> str:
    if not draft.about_done:
        return "about"
    for theme in questionnaire.framework_of(round_, draft).themes:
        if theme.id not in draft.themes_done:
            return f"theme/{theme.id}"
    if not draft.priorities_done:
        return "priorities"
    return "check"


def _neighbours(round_: Round, draft, step: str) -> tuple[str | None, str | None]:
    steps = _steps(round_, draft)
    index = steps.index(step)
    return (steps[index - 1] if index else None, steps[index + 1] if index + 1 < len(steps) else None)


def _closed(request, round_: Round, has_draft: bool = False):
    return render(request, "respond/closed.html", {"round": round_, "has_draft": has_draft}, status=200)


def _limited(request):
    return render(request, "respond/too_many.html", status=429)


def _start_page(
    request, round_: Round, *, kind: str, action: str, invitation=None, resuming=False, moving=False, variant=""
):
    return render(
        request,
        "respond/start.html",
        {
            "round": round_,
            "partnership": round_.partnership,
            "framework": round_.questionnaire(variant),
            "variant": variant,
            "audience": (audience := round_.framework_version.framework.variant(variant) if variant else None),
            "pictured": audience is not None and audience.pictured,
            "action": action,
            "invited": kind == INVITED,
            "invitation": invitation,
            "resuming": resuming,
            "moving": moving,
        },
    )


def _begin(request, round_: Round, kind: str, key: str, draft=None, variant=""):
    if not ratelimit.allow(request, "respond", settings.RESPONSE_RATE_LIMIT):
        return _limited(request)
    if draft is None:
        draft = questionnaire.start(round_, key, variant)
    return _set_cookie(redirect(_url(round_, _next_incomplete(round_, draft))), round_, kind, key)


def _link_closed(request, round_: Round, unsent: bool = False):
    return render(
        request, "respond/link_closed.html", {"round": round_, "unsent": unsent}, status=403 if unsent else 200
    )


def _carry_on(request, round_: Round, kind: str, key: str, draft):
    return _set_cookie(redirect(_url(round_, _next_incomplete(round_, draft))), round_, kind, key)


@never_cache
@require_http_methods(["GET", "POST"])
def open_link(request, code: str):
    round_ = sql.find_round(open_link_code=code)
    variant, enabled = "", round_ is not None and round_.open_link_enabled
    if round_ is None:
        # A variant's link, such as the residents' (looked up only when no open link matches).
        link = VariantLink.objects.select_related("round").filter(code=code).first()
        round_ = sql.find_round(public_id=link.round.public_id) if link is not None else None
        if round_ is None:
            raise Http404
        variant, enabled = link.variant, link.enabled
    if round_.state != RoundState.OPEN:
        return _closed(request, round_)
    if not enabled:
        return render(request, "respond/link_closed.html", {"round": round_})
    existing = _read_cookie(request, round_)
    draft = questionnaire.find_draft(round_, existing[1]) if existing else None
    if draft is not None and draft.variant != variant:
        draft = None  # answers to the other questionnaire: this link starts its own
    if request.method == "POST":
        key = existing[1] if draft else keys.new_key()
        return _begin(request, round_, OPEN, key, draft, variant)
    return _start_page(request, round_, kind=OPEN, action=request.path, resuming=draft is not None, variant=variant)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_link(request, token: str):
    """A personal invitation's link: exchanged for a claim at once (GET), or, posted to as the
    start page's form once was, used to carry on straight away."""
    invitation = Invitation.objects.select_related("round").filter(token_digest=keys.token_digest(token)).first()
    if invitation is None:
        return render(request, "respond/unknown_link.html", status=404)
    if request.method != "POST":
        return _exchange(request, invitation.round, INVITED, token)
    round_ = sql.find_round(public_id=invitation.round.public_id)
    return _invited(request, round_, token)


@never_cache
def resume(request, public_id, key: str):
    """A "come back later" link: exchanged for a claim at once; the start page says whether it
    still finds answers, and carrying on there moves them to this browser."""
    round_ = sql.find_round(public_id=public_id)
    if round_ is None:
        raise Http404
    return _exchange(request, round_, OPEN, key)


@never_cache
@require_http_methods(["GET", "POST"])
def start(request, public_id):
    """The round's start page for someone who came with a link (now held as a claim) or who has a
    draft in this browser; posting to it carries on."""
    round_ = sql.find_round(public_id=public_id)
    if round_ is None:
        raise Http404
    claim = _read_claim(request, round_)
    if claim is None:
        return _own_draft(request, round_)
    kind, secret = claim
    if kind == INVITED:
        return _invited(request, round_, secret)
    return _resumed(request, round_, secret)


def _invited(request, round_: Round, token: str):
    invitation = Invitation.objects.filter(round=round_, token_digest=keys.token_digest(token)).first()
    if invitation is None:
        return _claimed(render(request, "respond/unknown_link.html", status=404), round_)
    if questionnaire.has_submitted(round_, token):
        return _claimed(render(request, "respond/already.html", {"round": round_}), round_)
    has_draft = questionnaire.has_invitation_draft(round_, token)
    if round_.state != RoundState.OPEN:
        return _closed(request, round_, has_draft=has_draft)
    if request.method == "POST":
        if not ratelimit.allow(request, "respond", settings.RESPONSE_RATE_LIMIT):
            return _limited(request)
        key, draft = questionnaire.take_invitation_draft(round_, token)
        return _claimed(_carry_on(request, round_, INVITED, key, draft), round_)
    return _start_page(
        request, round_, kind=INVITED, action=_start_url(round_), invitation=invitation, resuming=has_draft
    )


def _resumed(request, round_: Round, key: str):
    draft = questionnaire.find_draft(round_, key)
    if draft is None:
        if questionnaire.has_submitted(round_, key):
            return _claimed(render(request, "respond/already.html", {"round": round_}), round_)
        return _claimed(render(request, "respond/link_used.html", {"round": round_}, status=410), round_)
    if round_.state != RoundState.OPEN:
        return _closed(request, round_, has_draft=True)
    if not questionnaire.may_send(draft):
        return _claimed(_link_closed(request, round_, unsent=True), round_)
    if request.method == "POST":
        moved = questionnaire.take_resumed_draft(round_, key)
        if moved is None:  # used in another browser a moment ago
            return _claimed(render(request, "respond/link_used.html", {"round": round_}, status=410), round_)
        return _claimed(_carry_on(request, round_, OPEN, *moved), round_)
    return _start_page(request, round_, kind=OPEN, action=_start_url(round_), resuming=True, moving=True)


def _own_draft(request, round_: Round):
    cookie = _read_cookie(request, round_)
    draft = questionnaire.find_draft(round_, cookie[1]) if cookie else None
    if draft is None:
        if cookie and questionnaire.has_submitted(round_, cookie[1]):
            return redirect(_url(round_, "done"))
        return render(request, "respond/no_draft.html", {"round": round_}, status=403)
    if round_.state != RoundState.OPEN:
        return _closed(request, round_, has_draft=True)
    if not questionnaire.may_send(draft):
        return _link_closed(request, round_, unsent=True)
    if request.method == "POST":
        return _carry_on(request, round_, *cookie, draft)
    invited = draft.invitation_digest is not None
    return _start_page(
        request,
        round_,
        kind=INVITED if invited else OPEN,
        action=_start_url(round_),
        resuming=True,
        variant=draft.variant,
    )


def respondent_step(view):
    """Find the round and this respondent's draft, or explain why the page cannot be shown."""

    @wraps(view)
    @never_cache
    def wrapped(request, public_id, *args, **kwargs):
        cookie = _read_cookie_for(request, public_id.hex)
        draft = None
        if cookie:
            # One statement finds the draft and its round together: this runs on every page. The
            # round's state is read afresh each time, so a closed round shows at once. The
            # partnership is read only where a page needs it. A theme page being shown has the
            # draft's saved answers read with it, in the same statement.
            digest = keys.draft_digest(cookie[1])
            if request.method != "POST" and "theme_id" in kwargs:
                draft, answers, comment, targets = sql.find_draft_and_answers(digest, kwargs["theme_id"])
                kwargs["saved"] = answers, comment, targets
            else:
                draft = sql.find_draft(digest)
            if draft is not None and draft.round.public_id != public_id:
                draft = None  # another round's draft: not for this page
        if draft is None:
            round_ = get_object_or_404(_rounds(), public_id=public_id)
            if cookie and questionnaire.has_submitted(round_, cookie[1]):
                return redirect(_url(round_, "done"))
            return render(request, "respond/no_draft.html", {"round": round_}, status=403)
        round_ = draft.round
        if round_.state != RoundState.OPEN:
            return _closed(request, round_, has_draft=True)
        if not questionnaire.may_send(draft):
            return _link_closed(request, round_, unsent=True)
        kind, key = cookie
        context = {
            "round": round_,
            "framework": questionnaire.framework_of(round_, draft),
            "variant": draft.variant,
            "audience": (audience := questionnaire.variant_of(round_, draft)),
            "pictured": audience is not None and audience.pictured,
            "resume_link": request.build_absolute_uri(reverse("respond-resume", args=[round_.public_id, key]))
            if kind == OPEN
            else None,
        }
        return view(request, round_, draft, key, context, *args, **kwargs)

    return wrapped


def _after_save(request, round_: Round, draft, step: str):
    if request.GET.get("return") == "check":
        return redirect(_url(round_, "check"))
    return redirect(_url(round_, _neighbours(round_, draft, step)[1]))


@respondent_step
@require_http_methods(["GET", "POST"])
def about(request, round_, draft, key, context):
    if draft.variant:  # a variant's respondents are not asked this
        return redirect(_url(round_, _next_incomplete(round_, draft)))
    # Nothing is chosen for someone who has not answered yet; "rather not say" once they chose it.
    initial = {}
    if draft.about_done:
        initial = {"organisation": draft.organisation_id or NOT_SAY, "group": draft.group_id or NOT_SAY}
    form = AboutYouForm(
        request.POST if request.method == "POST" else None, partnership_id=round_.partnership_id, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        questionnaire.save_about(draft, *form.chosen())
        return _after_save(request, round_, draft, "about")
    return render(
        request, "respond/about.html", {**context, "form": form, "back": request.GET.get("return") == "check"}
    )


@respondent_step
@require_http_methods(["GET", "POST"])
def theme(request, round_, draft, key, context, theme_id: str, saved=None):
    """``saved``: the draft's answers, its comment on this theme and its target ratings, read with
    the draft (shown pages only)."""
    framework = context["framework"]
    try:
        current = framework.theme(theme_id)
    except KeyError:
        return render(request, "404.html", status=404)
    step = f"theme/{theme_id}"
    initial = {}
    if request.method != "POST":
        # What was saved before; a sent form shows what was sent instead, so needs none of it.
        answers, initial["comment"], targets = saved
        for statement in current.statements:
            if statement.id in answers:
                value = answers[statement.id]
                initial[rating_field_name(statement.id)] = (
                    DONT_KNOW if value is None else RATHER_NOT if value == RATHER_NOT_VALUE else str(value)
                )
                if framework.asks_target:
                    # An empty target is "don't know" where the scale has one; otherwise not given yet.
                    target = targets.get(statement.id)
                    if target is not None:
                        initial[target_field_name(statement.id)] = str(target)
                    elif framework.scale.dont_know is not None:
                        initial[target_field_name(statement.id)] = DONT_KNOW
    form = ThemeForm(
        request.POST if request.method == "POST" else None,
        framework=framework,
        theme_id=theme_id,
        language=_language(),
        initial=initial,
        variant=context["audience"],
    )
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire.save_theme(draft, framework, theme_id, form.ratings(), form.comment(), form.targets())
        except questionnaire.QuestionnaireError as error:
            form.add_error(None, str(error))
        else:
            return _after_save(request, round_, draft, step)
    previous, _ = _neighbours(round_, draft, step)
    number = [t.id for t in framework.themes].index(theme_id) + 1
    return render(
        request,
        "respond/theme.html",
        {
            **context,
            "form": form,
            "theme": current,
            "number": number,
            "total": len(framework.themes),
            "back_url": _url(round_, "check")
            if request.GET.get("return") == "check"
            else _url(round_, previous)
            if previous
            else _start_url(round_),
            "scale": framework.scale,
        },
    )


@respondent_step
@require_http_methods(["GET", "POST"])
def priorities(request, round_, draft, key, context):
    if draft.variant:  # a variant's respondents are not asked this
        return redirect(_url(round_, _next_incomplete(round_, draft)))
    framework = context["framework"]
    initial = {}
    if request.method != "POST":
        initial["themes"] = sql.saved_priorities(draft)
    form = PrioritiesForm(
        request.POST if request.method == "POST" else None,
        framework=framework,
        language=_language(),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire.save_priorities(draft, framework, form.cleaned_data["themes"])
        except questionnaire.QuestionnaireError as error:
            form.add_error("themes", str(error))
        else:
            return redirect(_url(round_, "check"))
    previous, _ = _neighbours(round_, draft, "priorities")
    back = _url(round_, "check") if request.GET.get("return") == "check" else _url(round_, previous)
    return render(request, "respond/priorities.html", {**context, "form": form, "back_url": back})


@respondent_step
@require_http_methods(["GET", "POST"])
def check(request, round_, draft, key, context):
    framework = context["framework"]
    error = None
    if request.method == "POST":
        if not ratelimit.allow(request, "respond", settings.RESPONSE_RATE_LIMIT):
            return _limited(request)
        copy_of = None
        if request.POST.get("copy") == "yes":
            # A copy for this device was asked for: read it before sending, from the draft.
            from together.feedback import copy

            copy_of = copy.snapshot(round_, draft)
        try:
            questionnaire.submit(round_, key, _language(), framework)
        except questionnaire.LinkClosed:
            # Refused inside the send: the round closed, or the open link did, a moment ago.
            if Round.objects.filter(pk=round_.pk, state=RoundState.OPEN).exists():
                return _link_closed(request, round_, unsent=True)
            return _closed(request, round_, has_draft=True)
        except questionnaire.QuestionnaireError as problem:
            error = str(problem)
        else:
            response = redirect(_url(round_, "done"))
            response.delete_cookie(_cookie_name(round_), path="/")
            if copy_of is not None:
                from together.feedback import copy

                copy.keep(response, round_, copy_of)
            return response
    answers, comments, chosen, organisation, group, targets = sql.everything_saved(draft)
    language = _language()
    scale = framework.scale
    dont_know = scale.dont_know.label.get(language) if scale.dont_know else None
    levels = {level.value: f"{level.value} – {level.label.get(language)}" for level in scale.levels}
    if scale.rather_not_say is not None:
        levels[RATHER_NOT_VALUE] = scale.rather_not_say.label.get(language)
    questions = framework.questions
    sections = []
    for item in framework.themes:
        rows = []
        for statement in item.statements:
            if statement.id not in answers:
                shown = None
            elif (value := answers[statement.id]) is None:
                shown = dont_know
            else:
                shown = levels[value]
            if shown is not None and questions is not None:
                target = targets.get(statement.id)
                shown = [
                    f"{questions.current.prompt.get(language)} {shown}",
                    f"{questions.target.prompt.get(language)} "
                    + (levels[target] if target is not None else dont_know or "–"),
                ]
            rows.append({"statement": statement, "answer": shown})
        comment = None if draft.variant else comments.get(item.id, "")
        sections.append({"theme": item, "rows": rows, "comment": comment})
    missing = questionnaire.missing_themes(framework, answers.keys())
    return render(
        request,
        "respond/check.html",
        {
            **context,
            "sections": sections,
            "organisation": organisation,
            "group": group,
            "priorities": [t for t in framework.themes if t.id in chosen],
            "missing": missing,
            "error": error,
            "back_url": _url(round_, _neighbours(round_, draft, "check")[0]),
            "about_url": _url(round_, "about"),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def done(request, public_id):
    round_ = sql.find_round(public_id=public_id)
    if round_ is None:
        raise Http404
    copy = None
    if request.COOKIES.get(f"copy-{round_.public_id.hex}"):
        # The respondent asked to see what they sent: from their own browser's cookie only.
        from together.feedback import copy as copies

        if request.method == "POST":
            response = redirect(_url(round_, "done"))
            copies.forget(response, round_)
            return response
        copy = copies.read(request, round_, _language())
    elif request.method == "POST":
        return redirect(_url(round_, "done"))
    return render(request, "respond/done.html", {"round": round_, "partnership": round_.partnership, "copy": copy})
