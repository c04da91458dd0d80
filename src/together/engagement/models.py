"""What a partnership did to hear from residents and service users, and what it learned.

The research's most successful places went out of their way to involve the people who use
services: officers knocking on doors, a youth panel at the centre of a plan, research into why
people got into debt. A note records one such piece of work — when, how, who was reached, what
was learned — linked to the themes it speaks to and the actions it led to, so that it sits beside
the round's results and in the report. Notes are written by the partnership about its own work;
they hold nothing from any questionnaire response."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from together.actions.models import Action
from together.partnerships.models import Partnership
from together.reviews.models import Round


class Method(models.TextChoices):
    DOOR_KNOCKING = "door-knocking", _("Door-knocking or street conversations")
    PANEL = "panel", _("A residents' or youth panel")
    RESEARCH = "research", _("Research with service users")
    MEETING = "meeting", _("A public meeting or drop-in")
    GROUP = "group", _("Focus groups or workshops")
    SURVEY = "survey", _("A survey of residents")
    OTHER = "other", _("Something else")


class EngagementNote(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="engagement_notes")
    round = models.ForeignKey(Round, on_delete=models.SET_NULL, null=True, blank=True, related_name="engagement_notes")
    title = models.CharField(_("what you did"), max_length=150)
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    held_on = models.DateField(_("when it started"))
    ended_on = models.DateField(_("when it ended"), null=True, blank=True)
    reached = models.CharField(_("who was reached"), max_length=300)
    people = models.PositiveIntegerField(_("how many people, roughly"), null=True, blank=True)
    learned = models.TextField(_("what you learned"), max_length=3000)
    theme_ids = models.JSONField(default=list, blank=True)
    actions = models.ManyToManyField(Action, blank=True, related_name="engagement_notes")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "title"]

    def __str__(self) -> str:
        return self.title
