import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from together.imports import services as imports
from together.reviews import importer
from together.reviews.models import Round


class Command(BaseCommand):
    help = (
        "Import responses from another survey tool's CSV into a round: one row per respondent, one column per "
        "statement. Columns are matched to statements by id or text; use --map to match others. All or nothing."
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
