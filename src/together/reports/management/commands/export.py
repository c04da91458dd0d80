import sys

from django.core.management.base import BaseCommand, CommandError

from together.releases import services as releases
from together.reports import exports
from together.reviews.models import Round


class Command(BaseCommand):
    help = "Export a round's results (or its response-level data) to standard output or a file."

    def add_arguments(self, parser):
        parser.add_argument("round", type=int, metavar="ROUND")
        parser.add_argument("--format", choices=["csv", "xlsx", "json"], default="csv")
        parser.add_argument("--responses", action="store_true", help="Response-level data instead of results (CSV).")
        parser.add_argument("--output", "-o", metavar="FILE", help="Write here instead of standard output.")

    def handle(self, *args, round, format, responses, output, **options):
        round_ = Round.objects.select_related("partnership", "framework_version").filter(pk=round).first()
        if round_ is None:
            raise CommandError(f"there is no round {round}")
        if responses and format != "csv":
            raise CommandError("response-level data is exported as CSV; use --format xlsx without --responses for both")
        try:
            released = releases.obtain(round_, releases.OPERATOR)
            if format == "xlsx":
                body = exports.workbook(released)
            elif format == "json":
                body = exports.results_json(released)
            else:
                body = exports.responses_csv(released) if responses else exports.results_csv(released)
        except releases.NotAvailable as refused:
            raise CommandError(f"{round_.name}: {refused.message}") from None
        if output:
            with open(output, "wb") as handle:
                handle.write(body)
            self.stderr.write(f"written to {output}")
        elif format == "xlsx":
            raise CommandError("XLSX is binary: give --output FILE")
        else:
            sys.stdout.buffer.write(body)
