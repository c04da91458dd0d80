from django.db import models


class Heartbeat(models.Model):
    """One row the health check rewrites, to show that the database takes writes."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    at = models.DateTimeField()

    class Meta:
        db_table = "web_heartbeat"

    def __str__(self) -> str:
        return f"heartbeat at {self.at:%Y-%m-%d %H:%M:%S}"
