"""The outbox: one row for each invitation or reminder emailed, with how its delivery went.

A row says what kind of message it is and what it is about (a review invitation, or a
reminder of one), never what it says: the subject, the body and the link inside it are
rendered by the worker when it sends, and are not stored here or in the task queue. A
person's row is deleted with their invitation (archiving a round deletes its invitations).
Nothing here is about a response.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Kind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    REMINDER = "reminder", _("Reminder")


class OutgoingEmail(models.Model):
    kind = models.CharField(max_length=12, choices=Kind.choices)
    invitation = models.ForeignKey("reviews.Invitation", on_delete=models.CASCADE, related_name="emails")
    # The service's own address, for the link in the message (such as https://review.example.gov.uk).
    site = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Why the last attempt failed, in a few words people can act on.
    reason = models.CharField(max_length=200, blank=True)
    # Which call of delivery.queue last queued the row, so that call can find its rows again.
    batch = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            # One row per invitation and kind: a second reminder reuses the first one's row, so
            # the round page shows each person's latest state, not a history.
            models.UniqueConstraint(fields=["invitation", "kind"], name="outgoing_email_one_per_invitation"),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="outgoing_email_status"),
            models.Index(fields=["batch"], name="outgoing_email_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}: {self.get_status_display()}"
