""" "You said, we did": what a partnership tells the people who answered, once it publishes.

A round's summary is an introduction and a short text for each theme the partnership chose to
answer on (usually the themes respondents most wanted attention on). It holds no figure of its
own: the page shows the round's released results beside it, through the release layer, and the
actions the partnership agreed for each theme. Respondents reach it through the link they
answered with once the round is published; until then only the partnership's members see it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from together.reviews.models import Round


class Summary(models.Model):
    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="summary")
    introduction = models.TextField(max_length=2000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    def __str__(self) -> str:
        return f"You said, we did: {self.round}"

    @property
    def written(self) -> bool:
        return bool(self.introduction.strip()) or self.items.exclude(text="").exists()


class SummaryItem(models.Model):
    """What the partnership says about one theme."""

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="items")
    theme_id = models.SlugField(max_length=80)
    text = models.TextField(max_length=1500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["summary", "theme_id"], name="feedback_item_once")]

    def __str__(self) -> str:
        return self.theme_id
