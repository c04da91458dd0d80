from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from together.releases import services as releases
from together.reports import build
from together.reviews.models import Round


class Command(BaseCommand):
    help = "Write a round's report as PDF or HTML. ROUND is the round's number as shown in its web address."

    def add_arguments(self, parser):
        parser.add_argument("round", type=int, metavar="ROUND")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--pdf", metavar="FILE", help="Write the report as PDF to FILE.")
        target.add_argument("--html", metavar="FILE", help="Write the report as HTML to FILE.")

    def handle(self, *args, round, pdf=None, html=None, **options):
        round_ = Round.objects.select_related("partnership", "framework_version").filter(pk=round).first()
        if round_ is None:
            raise CommandError(f"there is no round {round}; see the number in the round's web address")
        path = Path(pdf or html)
        if not path.parent.exists():
            raise CommandError(f"{path.parent} does not exist")
        try:
            released = releases.obtain(round_, releases.OPERATOR)
        except releases.NotAvailable as refused:
            raise CommandError(f"{round_.name}: {refused.message}") from None
        if pdf:
            path.write_bytes(build.pdf(released))
        else:
            path.write_text(build.html(released), encoding="utf-8")
        self.stdout.write(f"{round_.partnership}: {round_.name} report written to {path}")
