from django.core.management.base import BaseCommand, CommandError

from together.backups import services


class Command(BaseCommand):
    help = (
        "Back up the whole database to FILE, safely while the service runs (SQLite's online backup, "
        "or pg_dump). Keep SECRET_KEY as well: see docs/deploying.md#backups."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the backup; replaced only once the backup is complete")

    def handle(self, *args, **options):
        try:
            summary = services.backup(options["file"])
        except services.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up to {summary.path}: {summary.size:,} bytes ({summary.kind}), {summary.responses} responses."
        )
