"""Files of responses brought in from another survey tool, kept as batches in the round's log.

A batch records who imported which file, when, how many rows it held and the file's SHA-256, so
the partnership can see what its results include, the same file cannot go in twice, and a batch
can be taken out again until the round's results are first seen. Which responses a batch brought
is kept so it can be removed; those responses came from a file, not from a person answering here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from together.reviews.models import Response, Round


class ImportBatch(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="import_batches")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["imported_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "sha256"],
                condition=models.Q(removed_at__isnull=True),
                name="import_file_once_per_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows} rows)"

    @property
    def removed(self) -> bool:
        return self.removed_at is not None


class ImportedResponse(models.Model):
    response = models.OneToOneField(Response, on_delete=models.CASCADE, primary_key=True, related_name="+")
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="responses")

    def __str__(self) -> str:
        return "Imported response"
