from django.core.management.base import BaseCommand, CommandError

from together.backups import services


class Command(BaseCommand):
    help = (
        "Replace the database with a backup made by 'together backup', then bring it up to this "
        "version. Stop the service first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a backup made by 'together backup'")
        parser.add_argument(
            "--replace", action="store_true", help="go ahead even though the database already holds data"
        )
        parser.add_argument(
            "--other-key",
            action="store_true",
            help="go ahead although the backup was made under another SECRET_KEY (unsent drafts are lost)",
        )

    def handle(self, *args, **options):
        try:
            summary = services.restore(options["file"], replace=options["replace"], other_key=options["other_key"])
        except services.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {summary.path} ({summary.kind}): the database holds {summary.responses} responses."
        )
