import hashlib
import io
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from together.importing import layouts, reading
from together.importing import mapping as mappings
from together.imports import services as imports
from together.reviews import importer
from together.reviews.models import Round


class Command(BaseCommand):
    help = (
        "Import responses from another survey tool's export (CSV or XLSX) into a round: one row per respondent. "
        "Columns are matched to statements by id or text; use --map to match others, or --write-mapping to save "
        "the suggested mapping of a tool's export (Microsoft Forms, SurveyMonkey, Google Forms, Smart Survey, "
        "Qualtrics, LimeSurvey), check it, and import with --mapping. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("round", type=int, metavar="ROUND")
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=TARGET",
            help="Match a column to a statement id, or to organisation, group, priorities or ignore.",
        )
        parser.add_argument(
            "--mapping",
            metavar="MAPPING.json",
            help="Import with this mapping file (see docs/importing.md) instead of --map options.",
        )
        parser.add_argument(
            "--write-mapping",
            metavar="MAPPING.json",
            help="Write the mapping suggested for this file, to check and pass to --mapping; imports nothing.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be imported (respondents, answers, theme means, rows left out); store nothing.",
        )
        parser.add_argument("--sheet", metavar="NAME", help="The sheet of an XLSX workbook to read (the first).")
        parser.add_argument(
            "--header-rows", type=int, metavar="N", help="How many rows are headings (recognised from the file)."
        )
        parser.add_argument(
            "--fieldwork",
            metavar="FIRST:LAST",
            type=_fieldwork,
            help="The days the survey ran, as YYYY-MM-DD:YYYY-MM-DD (read from the file's dates when not given).",
        )
        parser.add_argument(
            "--close", action="store_true", help="Close the round once the file is in, so its results can be seen."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, round, file, map, quiet, **options):
        round_ = Round.objects.select_related("partnership", "framework_version").filter(pk=round).first()
        if round_ is None:
            raise CommandError(f"there is no round {round}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        reason = imports.refusal(round_)
        if reason:
            raise CommandError(f"{round_.name}: {reason}")
        if not map:
            # Any tool's export, in any encoding, separator or layout: read, recognised and mapped
            # as the web wizard does, then stored through the same import.
            return self._with_mapping(round_, path, quiet=quiet, **options)
        if options["mapping"] or options["write_mapping"] or options["dry_run"] or options["sheet"]:
            raise CommandError("--map cannot be combined with a mapping file; put the column in the mapping")
        if path.read_bytes()[:4] == b"PK\x03\x04":
            raise CommandError(
                f"{file}: --map is for CSV files; for a workbook, write a mapping file with --write-mapping"
            )
        total = _count_rows(path)
        bar = None if quiet else _Bar(total, self.stderr)
        with path.open("rb") as raw:
            header_mapping = None
            if map:
                try:
                    header = importer.read_header(raw)
                except importer.ImportInvalid as invalid:
                    raise CommandError(f"{file}: {invalid.problems[0]}; nothing was imported") from None
                header_mapping = importer.suggest_mapping(header, round_.framework)
                for item in map:
                    column, _, target = item.partition("=")
                    if not target:
                        raise CommandError(f"--map {item!r}: write it as COLUMN=TARGET")
                    header_mapping[column] = target
            try:
                batch = imports.import_file(
                    raw,
                    round_,
                    file_name=path.name,
                    mapping=header_mapping,
                    fieldwork=options["fieldwork"],
                    close_round=options["close"],
                    progress=bar.read if bar else None,
                    stored_progress=bar.stored if bar else None,
                )
            except importer.ImportInvalid as invalid:
                if bar:
                    bar.end()
                for problem in invalid.problems:
                    self.stderr.write(f"{file}: {problem}")
                if invalid.more:
                    self.stderr.write(f"{file}: and {invalid.more} more problems")
                raise CommandError("nothing was imported", returncode=1) from None
            except imports.ImportRefused as refusal:
                if bar:
                    bar.end()
                raise CommandError(f"{file}: {refusal}") from None
        if bar:
            bar.end()
        self.stdout.write(
            f"{file}: imported {batch.rows} responses into {round_.name} "
            f"(batch {batch.pk}, sha256 {batch.sha256[:12]}…)"
        )

    def _with_mapping(
        self,
        round_,
        path: Path,
        *,
        quiet,
        mapping,
        write_mapping,
        dry_run,
        sheet,
        header_rows,
        fieldwork=None,
        close=False,
        **_,
    ):
        """Another tool's export: read, recognised and mapped, then stored through the same import."""
        framework = round_.framework
        organisations = list(round_.partnership.organisations.values_list("name", flat=True))
        groups = list(round_.partnership.groups.values_list("name", flat=True))
        data = path.read_bytes()
        try:
            table = reading.read(data, sheet=sheet)
        except reading.Unreadable as unreadable:
            for message in unreadable.messages:
                self.stderr.write(f"{path}: {message}")
            raise CommandError("nothing was imported", returncode=1) from None
        if mapping:
            try:
                chosen = mappings.ImportMapping.from_json(Path(mapping).read_text(encoding="utf-8"), framework)
            except OSError as error:
                raise CommandError(f"{mapping}: cannot be read ({error.strerror})") from None
            except UnicodeDecodeError:
                raise CommandError(f"{mapping}: a mapping file is UTF-8 JSON") from None
            except mappings.MappingInvalid as invalid:
                for message in invalid.messages:
                    self.stderr.write(f"{mapping}: {message}")
                raise CommandError("nothing was imported", returncode=1) from None
            if header_rows:
                chosen.header_rows = header_rows
        else:
            chosen = mappings.suggest(table, framework, organisations, groups, header_rows=header_rows)
        if write_mapping:
            Path(write_mapping).write_text(chosen.to_json(), encoding="utf-8")
            self._describe(path, table, chosen)
            self.stdout.write(f"{path}: suggested mapping written to {write_mapping}; nothing was imported")
            return
        prepared = mappings.apply(table, chosen, framework, organisations, groups)
        if prepared.problems:
            for message in prepared.problems:
                self.stderr.write(f"{path}: {message}")
            unmatched = [f"{c.column} {c.heading!r}" for c in chosen.columns if c.use == mappings.IGNORE][:10]
            if unmatched:
                self.stderr.write(
                    f"{path}: columns not matched: {', '.join(unmatched)}; match them with --map COLUMN=STATEMENT, "
                    "or write the suggested mapping with --write-mapping, edit it and import with --mapping"
                )
            raise CommandError("nothing was imported", returncode=1)
        if dry_run:
            self.stdout.write(f"{path}: {table.describe()}")
            for line in prepared.dry_run.lines(framework):
                self.stdout.write(line)
            self.stdout.write("Dry run: nothing was stored")
            return
        found = prepared.dry_run.fieldwork
        if fieldwork is None and found is not None:
            fieldwork = (found.first, found.last)
        bar = None if quiet else _Bar(max(prepared.dry_run.respondents, 1), self.stderr)
        try:
            batch = imports.import_file(
                io.BytesIO(prepared.csv),
                round_,
                file_name=path.name,
                sha256=hashlib.sha256(data).hexdigest(),
                tool="" if chosen.tool == layouts.PLAIN else layouts.TOOL_NAMES.get(chosen.tool, ""),
                fieldwork=fieldwork,
                close_round=close,
                progress=bar.read if bar else None,
                stored_progress=bar.stored if bar else None,
            )
        except importer.ImportInvalid as invalid:
            if bar:
                bar.end()
            for problem in invalid.problems:
                self.stderr.write(f"{path}: {problem}")
            if invalid.more:
                self.stderr.write(f"{path}: and {invalid.more} more problems")
            raise CommandError("nothing was imported", returncode=1) from None
        except imports.ImportRefused as refusal:
            if bar:
                bar.end()
            raise CommandError(f"{path}: {refusal}") from None
        if bar:
            bar.end()
        dropped = prepared.dry_run.columns_dropped
        if dropped:
            self.stdout.write(
                f"{path}: {len(dropped)} columns that identify people were dropped before anything was stored: "
                + ", ".join(repr(heading) for heading, _why in dropped[:8])
                + (" …" if len(dropped) > 8 else "")
            )
        self.stdout.write(
            f"{path}: imported {batch.rows} responses into {round_.name} "
            f"(batch {batch.pk}, sha256 {batch.sha256[:12]}…)"
        )
        round_.refresh_from_db()
        if round_.fieldwork_from:
            self.stdout.write(f"{round_.name}: the survey ran from {round_.fieldwork_from} to {round_.fieldwork_to}")
        if close:
            self.stdout.write(f"{round_.name}: {round_.get_state_display().lower()}")

    def _describe(self, path: Path, table, chosen) -> None:
        from together.importing.layouts import TOOL_NAMES

        self.stdout.write(f"{path}: {table.describe()}; recognised {TOOL_NAMES.get(chosen.tool, chosen.tool)}")
        self.stdout.write(f"Header rows: {chosen.header_rows}")
        uses: dict[str, int] = {}
        for column in chosen.columns:
            uses[column.use] = uses.get(column.use, 0) + 1
        self.stdout.write("Columns: " + ", ".join(f"{use} {n}" for use, n in uses.items()))
        unsure = [c for c in chosen.columns if c.use not in ("ignore", "drop") and (c.confidence or 0) < 1]
        for column in unsure[:20]:
            self.stdout.write(
                f"  check column {column.column} {column.heading!r}: "
                + " ".join(filter(None, (column.use, column.target)))
                + f" ({column.how}, confidence {column.confidence})"
            )
        for column in chosen.columns:
            if column.use == "drop":
                self.stdout.write(f"  dropped before storing: {column.heading!r} ({column.note})")
        for value, target in chosen.values.items():
            self.stdout.write(f"  {value!r} {chosen.value_counts.get(value, 0)} → {target}")
        for item in chosen.drop_rows[:20]:
            self.stdout.write(f"  row {item['row']} left out: {item['reason']}")
        for warning in chosen.warnings:
            self.stdout.write(f"Warning: {warning}")


def _count_rows(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            count += block.count(b"\n")
    return max(count - 1, 1)


class _Bar:
    """A progress bar on standard error: checking, then storing."""

    def __init__(self, total: int, out):
        self.total = total
        self.out = out
        self.tty = sys.stderr.isatty()

    def _draw(self, label: str, done: int) -> None:
        share = min(1.0, done / self.total)
        filled = int(share * 30)
        line = f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {share:4.0%} {done}/{self.total}"
        self.out.write(line, ending="")
        self.out.flush()

    def read(self, rows: int) -> None:
        self._draw("checking", rows)

    def stored(self, rows: int) -> None:
        self._draw("storing ", rows)

    def end(self) -> None:
        self.out.write("")


def _fieldwork(text: str):
    import argparse
    import datetime

    try:
        first, last = (datetime.date.fromisoformat(part.strip()) for part in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give the first and last day as YYYY-MM-DD:YYYY-MM-DD") from None
    if first > last:
        raise argparse.ArgumentTypeError(f"{text!r}: the last day is before the first")
    if last > datetime.date.today():
        raise argparse.ArgumentTypeError(f"{text!r}: the last day is in the future")
    return first, last
