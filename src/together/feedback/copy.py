"""A respondent's own copy of what they sent, shown once on the confirmation page if they ask.

Nothing of it is stored on the server. When the box "show me my answers after I send them" is
ticked, the ratings and chosen themes are read from the draft just before it is sent and put in a
signed cookie that only the confirmation page's address receives, for ``COPY_MINUTES``; the
page shows them beside nothing else (no figure of anyone else's), and "Forget this copy" removes
it at once. Comments are left out: they can be long, and the respondent has just read them on the
check page. The copy is on the respondent's own device only, for them: nothing links it to the
stored response, whose answers are kept without any trace of who sent them."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from together.reviews import sql

SALT = "together.feedback.copy"
COPY_MINUTES = 30
DONT_KNOW, NOT_ANSWERED = "d", "-"


def cookie_name(round_) -> str:
    return f"copy-{round_.public_id.hex}"


def _path(round_) -> str:
    return reverse("respond-done", args=[round_.public_id])


def snapshot(round_, draft) -> str:
    """The signed copy of ``draft``'s ratings and priorities, read just before it is sent."""
    framework = round_.questionnaire(draft.variant)
    answers, _comments, chosen, _organisation, _group, targets = sql.everything_saved(draft)

    def code(values, statement_id):
        if statement_id not in answers:
            return NOT_ANSWERED
        value = values.get(statement_id)
        return DONT_KNOW if value is None else value

    payload = {
        "v": [code(answers, s.id) for s in framework.statements],
        "p": [index for index, theme in enumerate(framework.themes) if theme.id in chosen],
    }
    if framework.asks_target:
        payload["t"] = [code(targets, s.id) for s in framework.statements]
    if draft.variant:
        payload["q"] = draft.variant  # which questionnaire the copy is of
    return signing.dumps(payload, salt=SALT, compress=True)


def keep(response, round_, signed: str) -> None:
    """Give the copy to the respondent's browser with ``response`` (the redirect after sending)."""
    response.set_cookie(
        cookie_name(round_),
        signed,
        max_age=COPY_MINUTES * 60,
        path=_path(round_),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def forget(response, round_) -> None:
    response.delete_cookie(cookie_name(round_), path=_path(round_), samesite="Lax")


def read(request, round_, language: str) -> dict | None:
    """The copy, ready for the page: sections of (statement, shown answer), and chosen themes."""
    value = request.COOKIES.get(cookie_name(round_))
    if not value:
        return None
    try:
        payload = signing.loads(value, salt=SALT, max_age=COPY_MINUTES * 60)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    try:
        framework = round_.questionnaire(str(payload.get("q", "")))
    except KeyError:
        return None  # a variant the round's framework no longer has
    statements = framework.statements
    if not isinstance(payload, dict) or len(payload.get("v", ())) != len(statements):
        return None  # the framework changed shape, or the cookie is not ours
    scale = framework.scale
    levels = {level.value: f"{level.value} – {level.label.get(language)}" for level in scale.levels}
    if scale.rather_not_say is not None:
        levels[0] = scale.rather_not_say.label.get(language)  # "I'd rather not say" is kept as 0
    dont_know = scale.dont_know.label.get(language) if scale.dont_know else ""

    def shown(code):
        if code == NOT_ANSWERED:
            return None
        if code == DONT_KNOW:
            return dont_know
        return levels.get(code)

    given = dict(zip((s.id for s in statements), payload["v"], strict=True))
    targets = dict(zip((s.id for s in statements), payload.get("t", ()), strict=False))
    questions = framework.questions
    sections = []
    for theme in framework.themes:
        rows = []
        for statement in theme.statements:
            answer = shown(given[statement.id])
            target = shown(targets[statement.id]) if statement.id in targets else None
            if answer is None and target is None:
                continue
            if questions is not None and statement.id in targets:
                lines = [
                    f"{questions.current.prompt.get(language)} {answer or '–'}",
                    f"{questions.target.prompt.get(language)} {target or '–'}",
                ]
            else:
                lines = [answer]
            rows.append((statement, lines))
        if rows:
            sections.append({"theme": theme, "rows": rows})
    themes = framework.themes
    chosen = [themes[i] for i in payload.get("p", ()) if isinstance(i, int) and 0 <= i < len(themes)]
    return {"sections": sections, "chosen": chosen}
