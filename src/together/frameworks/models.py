"""The framework library: frameworks by owner, their frozen versions, and drafts not yet published.

A framework in the library is identified by its file's id *and* its owner: the installation
("shared", managed by operators and ``together framework load``) or one partnership (seen and
used by its members only). So a partnership that uploads a file with the id
``transforming-together`` makes its own framework and leaves the shared one alone.

A round pins one :class:`FrameworkVersion`, so its meaning never changes. Each library entry
points at its *current* version, the one new rounds get; any published version can be made
current again. The moves are the explicit state machine in :mod:`together.frameworks.lifecycle`.
"""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from together.framework import Framework


class FrozenError(Exception):
    """A stored framework version was about to change."""


class LibraryFramework(models.Model):
    """One framework as its owner knows it: the versions published under an id, and which is current."""

    framework_id = models.SlugField(max_length=80, help_text="The id declared at the top of the file.")
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="frameworks",
        help_text="The partnership that owns it; empty for a framework shared by the installation.",
    )
    current = models.ForeignKey(
        "FrameworkVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The version new rounds get.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["framework_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework_id"], condition=Q(partnership__isnull=True), name="library_shared_id_unique"
            ),
            models.UniqueConstraint(
                fields=["partnership", "framework_id"],
                condition=Q(partnership__isnull=False),
                name="library_owned_id_unique",
            ),
        ]

    def __str__(self) -> str:
        owner = "shared" if self.partnership_id is None else f"partnership {self.partnership_id}"
        return f"{self.framework_id} ({owner})"

    @property
    def shared(self) -> bool:
        return self.partnership_id is None


class FrameworkVersion(models.Model):
    """One exact content of a framework, identified by the hash of that content.

    Rows are written once and never updated: publishing changed content makes a new version,
    so a round that pinned an older one keeps the questions its respondents saw.
    """

    library = models.ForeignKey(LibraryFramework, on_delete=models.PROTECT, related_name="versions")
    framework_id = models.SlugField(max_length=80, help_text="The id declared at the top of the file.")
    number = models.PositiveIntegerField(help_text="1 for the first content published under this id, then 2, 3…")
    content_hash = models.CharField(max_length=64, editable=False)
    content = models.JSONField(editable=False, help_text="The validated framework, as canonical JSON.")
    source_name = models.CharField(max_length=255, help_text="File name it was loaded from.")
    loaded_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["framework_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["library", "number"], name="framework_version_number_unique"),
            models.UniqueConstraint(fields=["library", "content_hash"], name="framework_version_content_unique"),
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


class DraftState(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded, not published")
    PUBLISHED = "published", _("Published")
    DISCARDED = "discarded", _("Discarded")


class FrameworkDraft(models.Model):
    """A checked upload waiting to be previewed and published. Only files with no problems get here."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", null=True, blank=True, on_delete=models.CASCADE, related_name="framework_drafts"
    )
    framework_id = models.SlugField(max_length=80)
    content_hash = models.CharField(max_length=64, editable=False)
    content = models.JSONField(editable=False)
    source_name = models.CharField(max_length=255)
    state = models.CharField(max_length=12, choices=DraftState.choices, default=DraftState.UPLOADED)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    version = models.ForeignKey(
        FrameworkVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"draft of {self.framework_id} from {self.source_name}"

    @cached_property
    def framework(self) -> Framework:
        return _parsed(self.content_hash, self.content)


class LibraryEvent(models.Model):
    """Who published or made current which version, or discarded a draft, and when."""

    library = models.ForeignKey(LibraryFramework, null=True, on_delete=models.CASCADE, related_name="events")
    draft = models.ForeignKey(FrameworkDraft, null=True, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    version_number = models.PositiveIntegerField(null=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.version_number or ''} at {self.at:%Y-%m-%d %H:%M}"


_cache: dict[str, Framework] = {}


def _parsed(content_hash: str, content: dict) -> Framework:
    # Versions never change, so a parsed copy per hash can be kept for the process's life.
    if content_hash not in _cache:
        _cache[content_hash] = Framework.model_validate(content)
    return _cache[content_hash]
