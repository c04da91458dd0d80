"""The audit log, and sign-up requests waiting for an operator."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    """Raised when the service tries to change or delete an audit record."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Audit records cannot be changed.")

    def delete(self):
        raise AppendOnly("Audit records are removed only by together prune-audit.")

    def _prune(self):
        return models.QuerySet.delete(self)


class AuditEvent(models.Model):
    """Something that happened to an account: who did it, to whom, from where, when.

    Written once and never changed (``save`` refuses an existing row, ``delete`` refuses always);
    ``together prune-audit`` removes records older than ``AUDIT_LOG_DAYS``. It holds no request
    bodies and no passwords, and nothing about questionnaires or responses. Emails are copied so
    the record still reads right if an account's address changes.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=40, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_email = models.CharField(max_length=254, blank=True)
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_email = models.CharField(max_length=254, blank=True)
    client_address = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.target_email or self.actor_email}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("Audit records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit records are removed only by together prune-audit.")


class SignupState(models.TextChoices):
    WAITING = "waiting", _("Waiting for an operator")
    # Kept only until the email about it has gone; then deleted.
    CONFIRMING = "confirming", _("Confirmation link to be sent")
    REFUSED = "refused", _("Refusal to be sent")


class SignupRequest(models.Model):
    """Someone asking for an account to lead a partnership, until an operator decides.

    Deleted once decided and the person told: the audit log keeps who decided, what and when.
    An open-domain sign-up, or a refusal, is kept only until its email has gone (the worker
    makes the confirmation link, or writes the refusal, from this row when it sends, so the
    queue holds neither), and a clean-up removes any whose email could not be sent after
    ``SIGNUP_LINK_TIMEOUT``."""

    name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email address"), unique=True)
    organisation = models.CharField(_("organisation"), max_length=150)
    reason = models.TextField(_("why you need an account"), max_length=1000)
    state = models.CharField(max_length=10, choices=SignupState.choices, default=SignupState.WAITING)
    # The operator's message to a refused person, until the refusal has been sent.
    note = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
