from django.core.management.base import BaseCommand

from together.imports import services, wizard


class Command(BaseCommand):
    help = (
        "Remove what unfinished imports left: a file still being imported that has shown no progress for "
        "15 minutes (its process stopped) is given up and its rows deleted, and uploads left in the import "
        f"wizard for more than {wizard.UPLOAD_HOURS} hours are deleted with any prepared file no import is "
        "reading. Run it from cron when the worker's clean-ups are off; they do the same."
    )

    def handle(self, *args, **options):
        given_up = services.discard_stale()
        uploads = wizard.remove_expired()
        self.stdout.write(f"{given_up} stopped import(s) given up; no unfinished import's rows remain")
        self.stdout.write(f"{uploads} upload(s) left in the import wizard deleted")
