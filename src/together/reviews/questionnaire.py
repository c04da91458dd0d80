"""The respondent's questionnaire: drafts saved page by page, and one atomic, idempotent submission."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from together.framework import Framework
from together.framework.estimate import estimate

from . import keys, sql
from .models import Response, Round, UsedKey

MAX_COMMENT = 2000
RATHER_NOT_SAY = 0  # "I'd rather not say", where the scale offers it: neither a rating nor "don't know"
ALREADY_SENT = "These answers have already been sent, so they cannot be changed."
LINK_CLOSED = "The partnership has closed the link these answers were started through, so they cannot be sent."


def answering_minutes(framework: Framework) -> int:
    """About how many minutes this framework's questionnaire takes, as respondents are told it
    before they start. Each statement's guidance is shown beside it, so it counts as read."""
    return estimate(framework).minutes


class QuestionnaireError(Exception):
    """Input that cannot be saved; nothing of it was."""


class LinkClosed(QuestionnaireError):
    """An open-link draft cannot be sent: the round's open link has been turned off."""


def may_send(draft: Response) -> bool:
    """A personal invitation's draft can always be sent; an open-link draft only while the open
    link is on. (The send itself checks the same, in its own transaction.)"""
    return draft.invitation_digest is not None or draft.round.open_link_enabled


def find_draft(round_: Round, key: str) -> Response | None:
    """The draft this key resumes in this round (its round is the one given), or None."""
    draft = sql.find_draft(keys.draft_digest(key))
    if draft is None or draft.round_id != round_.pk:
        return None
    draft.round = round_
    return draft


def has_submitted(round_: Round, key: str) -> bool:
    """Whether answers were sent with this key: a browser's key, or an invitation's token."""
    return UsedKey.objects.filter(digest=keys.used_digest(key), round=round_).exists()


def framework_of(round_: Round, draft: Response) -> Framework:
    """The questionnaire this draft answers: the round's framework, or the variant it began in."""
    return round_.questionnaire(draft.variant)


def variant_of(round_: Round, draft: Response):
    """The framework's Variant this draft answers (residents', easy read…), or None."""
    return round_.framework_version.framework.variant(draft.variant) if draft.variant else None


def start(round_: Round, key: str, variant: str = "") -> Response:
    """The respondent's draft, created on first use of the key; ``variant``: the framework's
    variant it answers (from a variant's link), or empty for the framework itself."""
    digest = keys.draft_digest(key)
    # Callers ask only when they found no draft, so try to create it first: one statement, not two.
    draft = sql.start_draft(round_.pk, digest, timezone.localdate(), variant=variant)
    if draft is None:  # the key already has a draft, or the same key started twice at once
        draft = Response.objects.get(round=round_, resume_digest=digest)
    return draft


def has_invitation_draft(round_: Round, token: str) -> bool:
    return Response.objects.filter(
        round=round_, invitation_digest=keys.invitation_draft_digest(token), state="draft"
    ).exists()


def take_invitation_draft(round_: Round, token: str) -> tuple[str, Response]:
    """Give this browser the invitation's draft, starting it if there is none: a new random key
    for the browser's cookie, and the draft. Whichever browser had the draft before loses it; the
    token (the invitee's email) keeps finding it."""
    key = keys.new_key()
    digest = keys.draft_digest(key)
    invitation = keys.invitation_draft_digest(token)
    for _attempt in range(2):
        if sql.move_draft(round_.pk, "invitation_digest", invitation, digest):
            return key, find_draft(round_, key)
        draft = sql.start_draft(round_.pk, digest, timezone.localdate(), invitation, keys.used_digest(token))
        if draft is not None:
            return key, draft
        # Started in another browser at this very moment: take that one.
    raise QuestionnaireError(ALREADY_SENT)


def take_resumed_draft(round_: Round, key: str) -> tuple[str, Response] | None:
    """Move the draft this (resume link's) key finds to a new random key, for the browser that
    opened the link: the link and the browser that had the draft no longer find it. None if the
    key finds no draft."""
    new = keys.new_key()
    if not sql.move_draft(round_.pk, "resume_digest", keys.draft_digest(key), keys.draft_digest(new)):
        return None
    return new, find_draft(round_, new)


def _progress(**fields) -> dict:
    """The draft's fields to set with a page's answers: what was done, and when."""
    fields["updated_on"] = timezone.localdate()
    return fields


def _touched(response: Response, fields: dict) -> None:
    for name, value in fields.items():
        setattr(response, name, value)


def _touch(response: Response, **fields) -> bool:
    """Update the draft's progress; False, and nothing changed, once it is no longer a draft."""
    fields = _progress(**fields)
    if not sql.touch(response, fields):
        return False
    _touched(response, fields)
    return True


def save_about(response: Response, organisation, group) -> None:
    partnership_id = response.round.partnership_id
    if organisation is not None and organisation.partnership_id != partnership_id:
        raise QuestionnaireError("That organisation is not part of this partnership.")
    if group is not None and group.partnership_id != partnership_id:
        raise QuestionnaireError("That group is not part of this partnership.")
    _touch(response, organisation=organisation, group=group, about_done=True)


def save_theme(
    response: Response,
    framework: Framework,
    theme_id: str,
    ratings: dict[str, int | None],
    comment: str,
    targets: dict[str, int | None] | None = None,
) -> None:
    """Replace this theme's answers and comment. ``None`` is "don't know". ``targets``: where
    the framework asks for them, every statement's rating for a year's time, on the same scale."""
    theme = framework.theme(theme_id)
    expected = {statement.id for statement in theme.statements}
    if set(ratings) != expected:
        raise QuestionnaireError("The answers do not match this page's statements.")
    if framework.asks_target:
        if targets is None or set(targets) != expected:
            raise QuestionnaireError("Give each statement a rating for a year's time as well as for now.")
    elif targets:
        raise QuestionnaireError("This framework asks for one rating of each statement.")
    allowed = set(framework.scale.values)
    if framework.scale.rather_not_say is not None:
        allowed.add(RATHER_NOT_SAY)
    for value in [*ratings.values(), *(targets or {}).values()]:
        if value is None and framework.scale.dont_know is None:
            raise QuestionnaireError("This framework's scale has no \"don't know\": rate every statement.")
        if value is not None and value not in allowed:
            raise QuestionnaireError("An answer is outside the rating scale.")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise QuestionnaireError(f"A comment can be at most {MAX_COMMENT} characters.")
    # The draft first, all or nothing: its row is then locked against a submission running at the
    # same time (PostgreSQL; SQLite's immediate transactions serialise writers anyway), and answers
    # never change once the response has been sent.
    fields = _progress(themes_done=list(dict.fromkeys([*response.themes_done, theme_id])))
    if not sql.save_theme(response, fields, ratings, theme_id, comment, targets):
        raise QuestionnaireError(ALREADY_SENT)
    _touched(response, fields)


def save_priorities(response: Response, framework: Framework, theme_ids: list[str]) -> None:
    known = {theme.id for theme in framework.themes}
    if not set(theme_ids) <= known:
        raise QuestionnaireError("A chosen theme is not part of this questionnaire.")
    if len(set(theme_ids)) > framework.priority_count:
        raise QuestionnaireError(f"Choose up to {framework.priority_count} themes.")
    fields = _progress(priorities_done=True)
    if not sql.save_priorities(response, fields, list(dict.fromkeys(theme_ids))):
        raise QuestionnaireError(ALREADY_SENT)
    _touched(response, fields)


def missing_themes(framework: Framework, answered) -> list[str]:
    """Themes with a statement not yet answered (``answered``: statement ids), in questionnaire order."""
    return [theme.id for theme in framework.themes if any(s.id not in answered for s in theme.statements)]


@dataclass(frozen=True)
class Submitted:
    already: bool


def submit(round_: Round, key: str, language: str = "en", framework: Framework | None = None) -> Submitted:
    """Turn the draft into a submitted response, once. A repeat returns ``already=True``.

    ``language`` is the language the answers were sent in ("en" or "cy"), kept with them.
    ``framework``: the questionnaire the draft answers (:func:`framework_of`), if not the round's.

    Raises :class:`QuestionnaireError` when answers are missing or there is no draft.
    """
    asked = framework if framework is not None else round_.framework
    statement_ids = [statement.id for theme in asked.themes for statement in theme.statements]
    # The answers carry what the results count them by (see Answer), fixed from now on.
    outcome = sql.send_draft(
        round_.pk, keys.draft_digest(key), statement_ids, keys.used_digest(key), timezone.localdate(), language
    )
    if outcome == sql.NO_DRAFT:
        if has_submitted(round_, key):
            return Submitted(already=True)
        raise QuestionnaireError("There are no saved answers to send.")
    if outcome == sql.INCOMPLETE:
        raise QuestionnaireError("Answer every statement before you send your answers.")
    if outcome == sql.LINK_CLOSED:
        raise LinkClosed(LINK_CLOSED)
    if outcome == sql.ALREADY_USED:
        raise QuestionnaireError("Answers have already been sent with this invitation, so these cannot be sent too.")
    sql.forget_erased_digests()
    return Submitted(already=False)
