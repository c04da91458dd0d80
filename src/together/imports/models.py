"""Files of responses brought in from another survey tool, kept as batches in the round's log.

A batch records who imported which file, when, how many rows it held and the file's SHA-256, so
the partnership can see what its results include, the same file cannot go in twice, and a batch
can be taken out again until the round's results are first seen. Which responses a batch brought
is kept so it can be removed; those responses came from a file, not from a person answering here.

A batch is written in short transactions (so that on SQLite respondents' saves are not held up
behind one long write), and until the last of them it is *pending*: ``ImportBatch.objects`` gives
complete batches only, every count and guard reads through it or :func:`pending_in`, and a round
with a pending batch cannot close, be released or reopen. A batch that fails is kept as *failed*,
with what was wrong, so the person who started it can read why; its rows are removed.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Manager
from django.utils.translation import gettext_lazy as _

from together.reviews.models import Response, Round


class BatchState(models.TextChoices):
    PENDING = "pending", _("Being imported")
    COMPLETE = "complete", _("Imported")
    FAILED = "failed", _("Not imported")


class CompleteBatches(models.Manager):
    """Only batches whose every row has been written: what results, counts and lists include."""

    def get_queryset(self):
        return super().get_queryset().filter(state=BatchState.COMPLETE)


class ImportBatch(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="import_batches")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    # The survey tool whose export it was, as recognised ("SurveyMonkey"), or empty for a plain file.
    tool = models.CharField(max_length=40, blank=True, default="")
    rows = models.PositiveIntegerField(default=0)
    # When the file's answers were given (from its dates, or as the officer entered them): the
    # round takes them once the batch is complete, and is ordered by them. Whether to close the
    # round then, so that its results can be seen.
    fieldwork_from = models.DateField(null=True, blank=True)
    fieldwork_to = models.DateField(null=True, blank=True)
    close_round = models.BooleanField(default=False)
    # Whether the file held priorities; a round with a file that did not shows none.
    priorities = models.BooleanField(default=True)
    state = models.CharField(max_length=10, choices=BatchState.choices, default=BatchState.COMPLETE)
    # While pending: rows written so far, and when the import last showed it was alive.
    written = models.PositiveIntegerField(default=0)
    checked = models.PositiveIntegerField(default=0)
    heartbeat = models.DateTimeField(null=True, blank=True)
    # The uploaded file and column matching the import reads, until it ends.
    source = models.CharField(max_length=500, blank=True)
    mapping = models.JSONField(null=True, blank=True)
    # Why a failed batch was not imported: [{"row", "column", "message"}], and how many more.
    problems = models.JSONField(default=list, blank=True)
    more_problems = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    all_objects = Manager()  # every batch: pending and failed ones too
    objects = CompleteBatches()

    class Meta:
        ordering = ["imported_at", "pk"]
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "sha256"],
                condition=models.Q(removed_at__isnull=True) & ~models.Q(state="failed"),
                name="import_file_once_per_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows} rows)"

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    @property
    def pending(self) -> bool:
        return self.state == BatchState.PENDING


def pending_in(round_id: int) -> ImportBatch | None:
    """The round's import still being written, if there is one."""
    return ImportBatch.all_objects.filter(round_id=round_id, state=BatchState.PENDING).first()


def pending_responses():
    """Ids of responses written by imports that have not finished (or failed and are being
    removed): counted nowhere."""
    return ImportedResponse.objects.exclude(batch__state=BatchState.COMPLETE).values("response_id")


class ImportedResponse(models.Model):
    response = models.OneToOneField(Response, on_delete=models.CASCADE, primary_key=True, related_name="+")
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="responses")

    def __str__(self) -> str:
        return "Imported response"


class UploadState(models.TextChoices):
    """Where a file in the wizard is. ``reading`` → ``ready`` or ``failed`` (its first reading, or
    another sheet's); ``ready`` → ``checking`` → ``ready`` (the worker looks at a large file's
    cells again for the columns chosen, or works out what would be imported); a ``failed``
    upload is deleted once the officer has seen why. Only a ``ready`` upload's steps can be used."""

    READING = "reading", _("Being read")
    READY = "ready", _("Read")
    CHECKING = "checking", _("Being checked")
    FAILED = "failed", _("Could not be read")


class NextStep(models.TextChoices):
    """The wizard's page to go on to once the worker has finished with the file."""

    COLUMNS = "columns", _("Columns")
    VALUES = "values", _("Answers")
    CHECK = "check", _("Check")


class ImportUpload(models.Model):
    """A file being taken through the import wizard: held here, not on disk, only until it is
    imported, the wizard is cancelled, or ``UPLOAD_HOURS`` pass (the worker's clean-up removes
    it). It is the file as uploaded, so it may hold columns that identify people; those are
    dropped when the mapping is applied, before anything is stored as a response."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    sheet = models.CharField(max_length=255, blank=True)
    mapping = models.TextField()  # the ImportMapping document, as JSON
    # A large file is read by the worker, not the request: until then it is "reading", and the
    # wizard's pages wait on a progress page. If it cannot be read, "failed" with the reasons.
    state = models.CharField(max_length=8, choices=UploadState.choices, default=UploadState.READY)
    problems = models.JSONField(default=list, blank=True)
    saved_mapping = models.TextField(blank=True)  # a mapping file uploaded with it, applied once read
    # The file's cells as read (UTF-8 CSV) and how they were read, so that each step need not
    # read a large workbook again. Deleted with the upload, as the file itself is.
    table = models.BinaryField(null=True, blank=True)
    table_kind = models.JSONField(default=dict, blank=True)
    next_step = models.CharField(max_length=8, choices=NextStep.choices, default=NextStep.COLUMNS)
    # What importing would store under the mapping whose SHA-256 is ``checked_for``: the rows as
    # the import reads them (identifying columns already dropped) and the dry run's figures and
    # problems. Worked out once per mapping, by the worker for a large file; deleted with the upload.
    checked_for = models.CharField(max_length=64, blank=True)
    checked_rows = models.BinaryField(null=True, blank=True)
    checked = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Upload of {self.file_name}"
