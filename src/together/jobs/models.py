"""Files made in the background for one member: a round's PDF report or a large export.

A :class:`PreparedFile` is made *for* one person in one role on one round. It keeps that role, so
that what the worker builds is what that role may see (the release layer applies disclosure
control for it), and a download is refused when the person's role has since changed. Its state
changes only through :mod:`together.jobs.lifecycle`.

The bytes are kept in the database (:class:`PreparedBytes`, a table of their own so that looking
at a file's state never reads them), not on disk: the web service and the worker may run on
different machines or containers that share only the database (see ``compose.yaml``), the files
are small (a 3,000-response round's PDF is about 160 KB, its workbook about 1 MB), nothing under
STATIC or MEDIA can ever serve them, and deleting an expired file is one ``DELETE`` in the same
transaction as its row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from together.partnerships.models import Partnership
from together.reviews.models import Round


class FileState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    BUILDING = "building", _("Being made")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Not made")


UNFINISHED = (FileState.QUEUED, FileState.BUILDING)


class PreparedFile(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20)
    kind = models.CharField(max_length=20)
    # The language it was asked for in ("en" or "cy"): a report or workbook is made in it.
    language = models.CharField(max_length=2, default="en", db_default="en")
    state = models.CharField(max_length=10, choices=FileState.choices, default=FileState.QUEUED)
    reason = models.CharField(max_length=300, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["expires_at"], name="prepared_file_expiry")]
        constraints = [
            # Asking again while a file is being made gives the same one.
            models.UniqueConstraint(
                fields=["user", "round", "kind", "role", "language"],
                condition=models.Q(state__in=["queued", "building"]),
                name="one_unfinished_file_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of round {self.round_id} ({self.state})"


class PreparedBytes(models.Model):
    file = models.OneToOneField(PreparedFile, on_delete=models.CASCADE, primary_key=True, related_name="+")
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"Bytes of prepared file {self.file_id}"
