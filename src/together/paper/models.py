"""Paper questionnaires: how a round's printed form looks, and the forms keyed in from it.

A returned form is keyed in by a member who runs the round, optionally a second time by another
member ("double keying"); when the two keyings agree, or a member has settled where they differ,
its answers are written as one sent response, like any other. The keyed values are kept only
until then: once the response is written they are erased from the entry, and the entry keeps
no link to the response, so the form's number says nothing about which answers were on it. The
response itself says only that it came on paper (``Response.channel``), a column that closing
the round moves with the rest of the row (see :mod:`together.reviews.reseal`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from together.reviews.models import Round


class PaperSettings(models.Model):
    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="paper")
    return_address = models.TextField(_("return address"), max_length=500, blank=True)
    double_keying = models.BooleanField(_("key each form twice"), default=False)

    def __str__(self) -> str:
        return f"Paper settings for {self.round}"


class EntryState(models.TextChoices):
    AWAITING_CHECK = "awaiting-check", _("Keyed once: waiting for the second keying")
    MISMATCH = "mismatch", _("The two keyings differ")
    ENTERED = "entered", _("Entered")


class PaperEntry(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="paper_entries")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=16, choices=EntryState.choices, editable=False)
    first = models.JSONField(default=dict, blank=True)
    second = models.JSONField(default=dict, blank=True)
    first_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    second_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    keyed_on = models.DateField()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["round", "number"], name="paper_entry_number_once")]

    def __str__(self) -> str:
        return f"Paper form {self.number}"
