"""A round's results, frozen the first time anyone sees them.

Disclosure control on one table at one moment is not enough: someone who can look twice (before
and after one more response), or after a partner organisation has moved sector, or after the
threshold setting has changed, could subtract one view from the other. So a round's results
exist only once the round has closed, and the first time they are asked for, the figures they are
built from are recorded here. Every page, report, export and API answer reads this record and
never the live tables; and a round with a release takes no more answers (see the round's
lifecycle and the importer).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from together.reviews.models import Round


class Release(models.Model):
    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="release")
    made_on = models.DateField()  # to the day, as for responses
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    threshold = models.PositiveSmallIntegerField()
    # The analysis inputs as they stood (see services.freeze): histograms per statement,
    # organisation and group; people per organisation and group; chosen themes; the organisations'
    # sectors and the groups. Counts only: nothing here belongs to one response.
    inputs = models.JSONField()
    # SHA-256 of the inputs' canonical JSON: what computed results are cached by, in each process.
    digest = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Results of {self.round}"
