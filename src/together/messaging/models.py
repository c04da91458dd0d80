"""The outbox: one row for each email the service sends, with how its delivery went.

A row says what kind of message it is and what it is about (a review invitation or a reminder
of one; an account, for a password reset or an invitation to set a first password; an
invitation to join a partnership; a sign-up request), never what it says: the subject, the body
and the link inside it, with any token the link carries, are made by the worker when it sends,
and are not stored here or in the task queue. A row is deleted with what it is about
(archiving a round deletes its invitations, and so their rows). Nothing here is about a
response.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Kind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    REMINDER = "reminder", _("Reminder")
    # About an account (``account``).
    PASSWORD_RESET = "password-reset", _("Password reset link")  # noqa: S105 - a name, not a password
    ACCOUNT_INVITATION = "account-invite", _("Account invitation")
    SIGNUP_APPROVED = "signup-approved", _("Sign-up approved")
    SIGNUP_EXISTING = "signup-existing", _("Sign-up for an existing account")
    # About a sign-up request (``signup``).
    SIGNUP_CONFIRM = "signup-confirm", _("Sign-up confirmation link")
    SIGNUP_RECEIVED = "signup-received", _("Sign-up received")
    SIGNUP_REFUSED = "signup-refused", _("Sign-up refused")
    # About an invitation to join a partnership (``member_invitation``).
    JOIN = "join", _("Invitation to join a partnership")


# Kinds about an account or a sign-up rather than a review round.
ACCOUNT_KINDS = tuple(kind for kind in Kind.values if kind not in (Kind.INVITATION, Kind.REMINDER))


ABOUT = ("invitation", "account", "member_invitation", "signup")


def _about_one_thing() -> Q:
    """Exactly one of the ``ABOUT`` fields is set."""
    return reduce(or_, (Q(**{f"{other}__isnull": other != field for other in ABOUT}) for field in ABOUT))


class OutgoingEmail(models.Model):
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What the message is about: exactly one of these four.
    invitation = models.ForeignKey(
        "reviews.Invitation", on_delete=models.CASCADE, related_name="emails", null=True, blank=True
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="emails", null=True, blank=True
    )
    member_invitation = models.ForeignKey(
        "partnerships.MemberInvitation", on_delete=models.CASCADE, related_name="emails", null=True, blank=True
    )
    signup = models.ForeignKey(
        "operator.SignupRequest", on_delete=models.CASCADE, related_name="emails", null=True, blank=True
    )
    # Who caused it, when the message names them (the operator who invited someone).
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
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
            models.CheckConstraint(condition=_about_one_thing(), name="outgoing_email_about_one_thing"),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="outgoing_email_status"),
            models.Index(fields=["batch"], name="outgoing_email_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}: {self.get_status_display()}"

    def recipient(self) -> str:
        """The address the message goes to, as shown to operators (never rendered text)."""
        about = self.invitation or self.account or self.member_invitation or self.signup
        return about.email if about is not None else ""
