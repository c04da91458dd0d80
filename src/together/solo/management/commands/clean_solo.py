from django.core.management.base import BaseCommand

from together.solo.cleanup import remove_expired


class Command(BaseCommand):
    help = "Remove solo reviews kept longer than SOLO_RETENTION_DAYS (run daily)."

    def handle(self, *args, **options):
        removed = remove_expired()
        self.stdout.write(f"Removed {removed} expired solo review{'' if removed == 1 else 's'}.")
