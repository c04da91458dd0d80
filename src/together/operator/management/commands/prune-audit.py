from django.conf import settings
from django.core.management.base import BaseCommand

from together.operator import audit


class Command(BaseCommand):
    help = "Remove audit log records older than AUDIT_LOG_DAYS. Run it daily, from cron or a systemd timer."

    def handle(self, *args, **options):
        removed = audit.prune()
        self.stdout.write(f"Removed {removed} audit record(s) older than {settings.AUDIT_LOG_DAYS} days.")
