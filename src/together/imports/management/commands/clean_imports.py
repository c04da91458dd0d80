from django.core.management.base import BaseCommand

from together.imports import services


class Command(BaseCommand):
    help = (
        "Remove what unfinished imports wrote: a file still being imported that has shown no progress for "
        "15 minutes (its process stopped) is given up and its rows deleted. Run it from cron, or after a restart; "
        "the next import and any change to a round's state do the same."
    )

    def handle(self, *args, **options):
        given_up = services.discard_stale()
        self.stdout.write(f"{given_up} stopped import(s) given up; no unfinished import's rows remain")
