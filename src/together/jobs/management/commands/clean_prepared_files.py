from django.core.management.base import BaseCommand

from together.jobs.cleanup import remove_expired


class Command(BaseCommand):
    help = (
        "Delete reports and exports made in the background once they have expired (PREPARED_FILE_HOURS after "
        "they were made), and give up any left unfinished for 10 minutes. Run it from cron, every hour or so."
    )

    def handle(self, *args, **options):
        removed = remove_expired()
        self.stdout.write(f"{removed} expired prepared file(s) deleted")
