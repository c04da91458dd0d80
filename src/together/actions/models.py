"""The partnership's shared action plan: what it agreed to do after a review, and how it went."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from together.partnerships.models import Organisation, Partnership
from together.reviews.models import Round


class ActionState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Action(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="actions")
    round = models.ForeignKey(
        Round,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        help_text=_("The review round that led to this action."),
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("what we will do"), max_length=3000, blank=True)
    theme_id = models.CharField(_("theme"), max_length=80, blank=True)
    statement_ids = models.JSONField(default=list, blank=True)
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_actions",
        verbose_name=_("lead organisation"),
    )
    supporting_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="supported_actions", verbose_name=_("supporting organisations")
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    success_measure = models.TextField(_("how we will know it has worked"), max_length=1500, blank=True)
    state = models.CharField(max_length=12, choices=ActionState.choices, default=ActionState.PROPOSED, editable=False)
    drop_reason = models.CharField(max_length=500, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def open(self) -> bool:
        return self.state not in (ActionState.DONE, ActionState.DROPPED)

    @property
    def overdue(self) -> bool:
        return self.open and self.due_date is not None and self.due_date < timezone.localdate()


class ActionEvent(models.Model):
    """The log of an action's state changes."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=12, choices=ActionState.choices)
    to_state = models.CharField(max_length=12, choices=ActionState.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} to {self.to_state}"


class ActionNote(models.Model):
    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Progress")
        COMMENT = "comment", _("Comment")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField(max_length=2000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    on = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.action}"
