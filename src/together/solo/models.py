"""A leader's own review, answered alone and read by nobody else.

Kept apart from partnerships on purpose: these tables have no link to a partnership, round,
response or account (except :class:`KeptReview`, made only when a signed-in leader asks to keep
their review beside a partnership they start from it), and nothing that builds a partnership's
results (``results/``, ``releases/``, reports, exports, the API) reads them. A solo review is found only by a keyed
hash of the private link's token (:mod:`.links`); the token itself is never stored. No name,
email address, internet address or account is stored with it, and its dates are kept to the day.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from together.frameworks.models import FrameworkVersion


class SoloState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")


class SoloReview(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    framework_version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=8, choices=SoloState.choices, default=SoloState.DRAFT, editable=False)
    link_digest = models.CharField(max_length=64, unique=True, editable=False)
    themes_done = models.JSONField(default=list, editable=False)
    # The framework's short form (one or two statements a theme) instead of every statement.
    short = models.BooleanField(default=False, editable=False)
    started_on = models.DateField(editable=False)
    sent_on = models.DateField(null=True, editable=False)
    expires_on = models.DateField(db_index=True, editable=False)

    def __str__(self) -> str:
        return f"Solo review ({self.get_state_display()})"

    @property
    def framework(self):
        """What the review asks: the pinned version, whole or its short form."""
        framework = self.framework_version.framework
        return framework.short_form() if self.short and framework.has_short_form else framework


class SoloAnswer(models.Model):
    """One statement's rating; ``value`` None is "don't know"."""

    review = models.ForeignKey(SoloReview, on_delete=models.CASCADE, related_name="answers")
    statement_id = models.SlugField(max_length=80)
    value = models.SmallIntegerField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "statement_id"], name="solo_answer_once")]

    def __str__(self) -> str:
        return self.statement_id


class SoloNote(models.Model):
    """What the leader wrote in a theme's comment box: for their own report only."""

    review = models.ForeignKey(SoloReview, on_delete=models.CASCADE, related_name="notes")
    theme_id = models.SlugField(max_length=80)
    text = models.TextField(max_length=2000)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "theme_id"], name="solo_note_once")]

    def __str__(self) -> str:
        return self.theme_id


class KeptReview(models.Model):
    """A sent solo review its leader chose to keep beside the partnership they started from it.

    Made only when a signed-in leader asks to invite their partners to the same review: then, and
    only then, the review is tied to their account and to the new round, so that "how I saw it then"
    can be shown to them alone beside the round's results. None of its answers is copied into the
    round. It goes when the review does (deleted by its owner or at the end of its retention), when
    the account goes, or when the round does."""

    review = models.OneToOneField(SoloReview, on_delete=models.CASCADE, related_name="kept")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey("reviews.Round", on_delete=models.CASCADE, related_name="+")
    kept_on = models.DateField(editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "round"], name="solo_kept_once_per_round")]

    def __str__(self) -> str:
        return "Kept solo review"
