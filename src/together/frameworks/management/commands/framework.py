import argparse
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from together.framework import FrameworkInvalid
from together.framework.check import convert, read_framework_file, validate_files, write_template
from together.frameworks import services
from together.frameworks.models import FrameworkVersion


def _version_number(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a version number: give 1, 2, 3…")
    return int(value)


class Command(BaseCommand):
    help = "Validate, load, list and convert framework files (YAML, or XLSX workbooks)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{validate,load,list,use,convert,template}")
        validate = sub.add_parser("validate", help="Check files and print every problem; load nothing.")
        validate.add_argument("files", nargs="+", metavar="FILE")
        load = sub.add_parser("load", help="Store a file as a frozen version (a no-op if unchanged).")
        load.add_argument("files", nargs="+", metavar="FILE")
        sub.add_parser("list", help="List stored framework versions, shared and each partnership's.")
        use = sub.add_parser("use", help="Make a published version current: new rounds get it (a rollback if older).")
        use.add_argument("framework_id", metavar="ID")
        use.add_argument("number", metavar="VERSION", type=_version_number)
        use.add_argument(
            "--partnership", metavar="ID_OR_NAME", help="A partnership's own framework; without it, the shared one."
        )
        converting = sub.add_parser(
            "convert", help="Write a framework file as YAML or XLSX, by the names' endings (.yaml, .xlsx)."
        )
        converting.add_argument("source", metavar="IN")
        converting.add_argument("target", metavar="OUT")
        template = sub.add_parser("template", help="Write an XLSX workbook to fill in, with one example.")
        template.add_argument("target", metavar="OUT.xlsx")

    def handle(self, *args, action, files=(), **options):
        if action == "use":
            self._use(options["framework_id"], options["number"], options.get("partnership"))
            return
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
            versions = FrameworkVersion.objects.select_related("library", "library__partnership").order_by(
                "library__partnership_id", "framework_id", "-number"
            )
            for version in versions:
                framework = version.framework
                library = version.library
                owner = "shared" if library.partnership is None else f"partnership {library.partnership_id}"
                mark = "  current" if library.current_id == version.pk else ""
                self.stdout.write(
                    f"{version.framework_id} v{version.number}  {owner}  {version.content_hash[:12]}  "
                    f"{len(framework.statements)} statements  loaded {version.loaded_at:%Y-%m-%d %H:%M} "
                    f"from {version.source_name}{mark}"
                )

    def _use(self, framework_id, number, partnership_name):
        from together.frameworks.lifecycle import MoveRefused
        from together.frameworks.models import LibraryFramework
        from together.frameworks.owners import partnership_named

        partnership = partnership_named(partnership_name) if partnership_name else None
        library = LibraryFramework.objects.filter(framework_id=framework_id, partnership=partnership).first()
        owner = f"partnership {partnership.pk} ({partnership.name})" if partnership else "the shared library"
        if library is None:
            raise CommandError(f"{owner} has no framework with the id {framework_id!r}", returncode=2)
        if library.current is not None and library.current.number == number:
            self.stdout.write(f"{framework_id} version {number} is already current in {owner}")
            return
        try:
            version = services.make_current(library, number)
        except MoveRefused as refused:
            raise CommandError(str(refused), returncode=2) from None
        self.stdout.write(f"{framework_id} version {version.number} is now current in {owner}; new rounds get it")

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
            results = [
                (path, services.store(framework, Path(path).name, make_current=False)) for path, framework in parsed
            ]
        for path, loaded in results:
            version = loaded.version
            if loaded.created:
                self.stdout.write(f"{path}: loaded as {version} ({version.content_hash[:12]})")
            elif loaded.made_current:
                self.stdout.write(f"{path}: unchanged, already stored as {version}, which is now current")
            elif version.library.current_id != version.pk:
                self.stdout.write(
                    f"{path}: unchanged, already stored as {version}; version {version.library.current.number} "
                    f"is current (together framework use {version.framework_id} {version.number} to change that)"
                )
            else:
                self.stdout.write(f"{path}: unchanged, already stored as {version}")
