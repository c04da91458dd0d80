import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from together.framework import FrameworkInvalid, load_framework_file
from together.framework.check import validate_files
from together.frameworks import services
from together.frameworks.models import FrameworkVersion


class Command(BaseCommand):
    help = "Validate, load and list framework files."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{validate,load,list}")
        validate = sub.add_parser("validate", help="Check files and print every problem; load nothing.")
        validate.add_argument("files", nargs="+", metavar="FILE")
        load = sub.add_parser("load", help="Store a file as a frozen version (a no-op if unchanged).")
        load.add_argument("files", nargs="+", metavar="FILE")
        sub.add_parser("list", help="List stored framework versions.")

    def handle(self, *args, action, files=(), **options):
        if action == "validate":
            status = validate_files(files, self.stdout, self.stderr)
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
                parsed.append((path, load_framework_file(path)))
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
