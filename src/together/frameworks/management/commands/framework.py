import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from together.framework import FrameworkInvalid
from together.framework.check import convert, read_framework_file, validate_files, write_template
from together.frameworks import services
from together.frameworks.models import FrameworkVersion


class Command(BaseCommand):
    help = "Validate, load, list and convert framework files (YAML, or XLSX workbooks)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{validate,load,list,convert,template}")
        validate = sub.add_parser("validate", help="Check files and print every problem; load nothing.")
        validate.add_argument("files", nargs="+", metavar="FILE")
        load = sub.add_parser("load", help="Store a file as a frozen version (a no-op if unchanged).")
        load.add_argument("files", nargs="+", metavar="FILE")
        sub.add_parser("list", help="List stored framework versions.")
        converting = sub.add_parser(
            "convert", help="Write a framework file as YAML or XLSX, by the names' endings (.yaml, .xlsx)."
        )
        converting.add_argument("source", metavar="IN")
        converting.add_argument("target", metavar="OUT")
        template = sub.add_parser("template", help="Write an XLSX workbook to fill in, with one example.")
        template.add_argument("target", metavar="OUT.xlsx")

    def handle(self, *args, action, files=(), **options):
        if action in ("validate", "convert", "template"):
            if action == "validate":
                status = validate_files(files, self.stdout, self.stderr)
            elif action == "convert":
                status = convert(options["source"], options["target"], self.stdout, self.stderr)
            else:
                status = write_template(options["target"], self.stdout, self.stderr)
            if status:
                sys.exit(status)
        elif action == "load":
            self._load(files)
        else:
            for version in FrameworkVersion.objects.all():
                framework = version.framework
                self.stdout.write(
                    f"{version.framework_id} v{version.number}  {version.content_hash[:12]}  "
                    f"{len(framework.statements)} statements  loaded {version.loaded_at:%Y-%m-%d %H:%M} "
                    f"from {version.source_name}"
                )

    def _load(self, files):
        # Check every file before storing any, so a bad file leaves the database as it was.
        parsed, problems = [], []
        for path in files:
            try:
                parsed.append((path, read_framework_file(path)))
            except FrameworkInvalid as invalid:
                problems.extend(invalid.problems)
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError("nothing was loaded", returncode=1)
        with transaction.atomic():
            results = [(path, services.store(framework, Path(path).name)) for path, framework in parsed]
        for path, loaded in results:
            version = loaded.version
            if loaded.created:
                self.stdout.write(f"{path}: loaded as {version} ({version.content_hash[:12]})")
            else:
                self.stdout.write(f"{path}: unchanged, already stored as {version}")
