"""Frozen framework versions. A review round pins one, so its meaning never changes."""

from __future__ import annotations

from functools import cached_property

from django.db import models

from together.framework import Framework


class FrozenError(Exception):
    """A stored framework version was about to change."""


class FrameworkVersion(models.Model):
    """One exact content of a framework, identified by the hash of that content.

    Rows are written once and never updated: loading changed content makes a new version,
    so a round that pinned an older one keeps the questions its respondents saw.
    """

    framework_id = models.SlugField(max_length=80, help_text="The id declared at the top of the file.")
    number = models.PositiveIntegerField(help_text="1 for the first content loaded under this id, then 2, 3…")
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    content = models.JSONField(editable=False, help_text="The validated framework, as canonical JSON.")
    source_name = models.CharField(max_length=255, help_text="File name it was loaded from.")
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["framework_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["framework_id", "number"], name="framework_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.framework_id} version {self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise FrozenError(f"{self} is frozen; load a changed file to make a new version")
        super().save(*args, **kwargs)

    @cached_property
    def framework(self) -> Framework:
        # Checked before touching ``content``, so a query that deferred it never loads it.
        cached = _cache.get(self.content_hash)
        return cached if cached is not None else _parsed(self.content_hash, self.content)


_cache: dict[str, Framework] = {}


def _parsed(content_hash: str, content: dict) -> Framework:
    # Versions never change, so a parsed copy per hash can be kept for the process's life.
    if content_hash not in _cache:
        _cache[content_hash] = Framework.model_validate(content)
    return _cache[content_hash]
