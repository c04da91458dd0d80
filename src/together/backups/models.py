from django.db import models


class Installation(models.Model):
    """One row, written into every backup: which SECRET_KEY the data was kept under.

    A draft is found again by a keyed hash of its "come back later" key, keyed with SECRET_KEY; a
    database restored under another key still holds every draft, but nobody can open one. Restoring
    compares this fingerprint (a keyed hash, which reveals nothing of the key) with the key in use.
    """

    id = models.PositiveSmallIntegerField(primary_key=True)
    key_fingerprint = models.CharField(max_length=64)
    backed_up_at = models.DateTimeField()

    class Meta:
        db_table = "backups_installation"

    def __str__(self) -> str:
        return f"installation backed up at {self.backed_up_at:%Y-%m-%d %H:%M}"
