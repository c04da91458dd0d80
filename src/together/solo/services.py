"""Starting, answering, sending and deleting a solo review. Views call these; nothing else
writes the solo tables (the clean-up in :mod:`.cleanup` removes them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from together.framework import Framework
from together.frameworks import services as frameworks
from together.frameworks.models import FrameworkVersion

from . import lifecycle, links
from .models import KeptReview, SoloAnswer, SoloNote, SoloReview, SoloState

MAX_NOTE = 2000


class SoloError(Exception):
    """Input that cannot be saved; nothing of it was."""


class NoFramework(SoloError):
    """No framework is loaded, so there is nothing to answer."""


def framework_choice() -> FrameworkVersion | None:
    """The framework version a new solo review asks about: today the newest version of the shared
    Transforming Together Framework. The one place to change when leaders may choose others."""
    return frameworks.current()


@dataclass(frozen=True)
class Started:
    review: SoloReview
    token: str  # shown once, in the private link; only its digest is stored


def start(version: FrameworkVersion | None = None, short: bool = False) -> Started:
    version = version or framework_choice()
    if version is None:
        raise NoFramework("No framework is loaded yet.")
    today = timezone.localdate()
    token = links.new_token()
    review = SoloReview.objects.create(
        framework_version=version,
        short=short and version.framework.has_short_form,
        link_digest=links.digest(token),
        started_on=today,
        expires_on=today + timedelta(days=settings.SOLO_RETENTION_DAYS),
    )
    return Started(review, token)


def find(token: str) -> SoloReview | None:
    """The review this private link's token finds, unless it has been deleted or has expired."""
    if not token:
        return None
    return (
        SoloReview.objects.select_related("framework_version")
        .filter(link_digest=links.digest(token), expires_on__gt=timezone.localdate())
        .first()
    )


def answers(review: SoloReview) -> dict[str, int | None]:
    return dict(review.answers.values_list("statement_id", "value"))


def notes(review: SoloReview) -> dict[str, str]:
    return dict(review.notes.values_list("theme_id", "text"))


def save_theme(
    review: SoloReview, framework: Framework, theme_id: str, ratings: dict[str, int | None], note: str
) -> None:
    """Replace this theme's ratings and note. ``None`` is "don't know". Only a draft changes."""
    theme = framework.theme(theme_id)
    if set(ratings) != {s.id for s in theme.statements}:
        raise SoloError("The answers do not match this page's statements.")
    allowed = set(framework.scale.values)
    if any(value is not None and value not in allowed for value in ratings.values()):
        raise SoloError("An answer is outside the rating scale.")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise SoloError(f"A comment can be at most {MAX_NOTE} characters.")
    with transaction.atomic():
        locked = SoloReview.objects.select_for_update().filter(pk=review.pk, state=SoloState.DRAFT).first()
        if locked is None:
            raise SoloError("This review has been sent, so its answers cannot be changed.")
        SoloAnswer.objects.filter(review=locked, statement_id__in=ratings).delete()
        SoloAnswer.objects.bulk_create(
            SoloAnswer(review=locked, statement_id=statement_id, value=value) for statement_id, value in ratings.items()
        )
        SoloNote.objects.filter(review=locked, theme_id=theme_id).delete()
        if note:
            SoloNote.objects.create(review=locked, theme_id=theme_id, text=note)
        done = list(dict.fromkeys([*locked.themes_done, theme_id]))
        SoloReview.objects.filter(pk=locked.pk).update(themes_done=done)
    review.themes_done = done


def missing_themes(framework: Framework, answered) -> list[str]:
    return [t.id for t in framework.themes if any(s.id not in answered for s in t.statements)]


def send(review: SoloReview) -> None:
    """Mark the review sent, once; a repeat (a double click) changes nothing."""
    with transaction.atomic():
        locked = SoloReview.objects.select_for_update().get(pk=review.pk)
        if locked.state == SoloState.SENT:
            review.state, review.sent_on = locked.state, locked.sent_on
            return
        if missing_themes(review.framework, answers(locked)):
            raise SoloError("Answer every statement before you send your review.")
        locked.state = lifecycle.next_state(locked.state, "send")
        locked.sent_on = timezone.localdate()
        SoloReview.objects.filter(pk=locked.pk).update(state=locked.state, sent_on=locked.sent_on)
    review.state, review.sent_on = locked.state, locked.sent_on


def delete(review: SoloReview) -> None:
    """Remove the review, its answers and notes, at once and for good."""
    lifecycle.next_state(review.state, "delete")
    with transaction.atomic():
        SoloReview.objects.filter(pk=review.pk).delete()


def to_partnership(review: SoloReview, user, *, name: str, place: str, round_name: str):
    """Start a partnership from a sent solo review: the partnership, owned by ``user``, and a draft
    round on the same framework version, with the review kept beside that round for ``user`` alone.

    None of the review's answers or notes goes into the round: the round's results are only what
    its respondents send. Returns the new round."""
    from together.partnerships.services import create_partnership
    from together.reviews import keys
    from together.reviews.models import Round

    if review.state != SoloState.SENT:
        raise SoloError("Send your review before you invite your partners to the same one.")
    with transaction.atomic():
        locked = SoloReview.objects.select_for_update().get(pk=review.pk)
        if KeptReview.objects.filter(review=locked).exists():
            raise SoloError("You have already started a partnership from this review.")
        partnership = create_partnership(user, name=name, place=place)
        round_ = Round.objects.create(
            partnership=partnership,
            name=round_name,
            framework_version=locked.framework_version,
            open_link_code=keys.new_key(),
        )
        KeptReview.objects.create(review=locked, user=user, round=round_, kept_on=timezone.localdate())
    return round_


def kept_for(user, round_id: int) -> KeptReview | None:
    """The solo review ``user`` kept beside this round, if any: nobody else's is ever found."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        KeptReview.objects.select_related("review__framework_version")
        .filter(user=user, round_id=round_id, review__expires_on__gte=timezone.localdate())
        .first()
    )
