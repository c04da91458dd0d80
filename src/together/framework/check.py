"""``together framework validate|convert|template``: run without a database or any settings.

A framework file is YAML or, when its name ends in ``.xlsx``, a spreadsheet workbook; every
command that reads or writes one goes through :func:`read_framework_file` and
:func:`write_framework_file`, which choose by the name's suffix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from .estimate import estimate
from .loader import FrameworkInvalid, Problem, load_framework_file
from .schema import Framework
from .xlsx import MAX_BYTES as MAX_XLSX_BYTES
from .xlsx import read_xlsx, template_bytes, write_xlsx
from .yamlwrite import to_yaml

XLSX = ".xlsx"
YAML = (".yaml", ".yml")


def read_framework_file(path: str | Path) -> Framework:
    """Read and check a framework file, YAML or XLSX by its suffix; raise :class:`FrameworkInvalid`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xls", ".xlsm", ".ods", ".csv"):
        raise FrameworkInvalid(
            [Problem(str(path), 1, "(file)", f"is a {suffix} file: save it as an Excel Workbook (.xlsx)")]
        )
    if suffix != XLSX:
        return load_framework_file(path)
    try:
        if path.stat().st_size > MAX_XLSX_BYTES:
            raise FrameworkInvalid(
                [Problem(str(path), 1, "(file)", f"is larger than {MAX_XLSX_BYTES // 1_000_000} MB")]
            )
        data = path.read_bytes()
    except OSError as error:
        raise FrameworkInvalid([Problem(str(path), 1, "(file)", f"cannot be read: {error.strerror}")]) from None
    return read_xlsx(data, str(path))


def framework_bytes(framework: Framework, path: str | Path) -> bytes:
    """The framework written in the format its file name asks for."""
    if Path(path).suffix.lower() == XLSX:
        return write_xlsx(framework)
    return to_yaml(framework).encode("utf-8")


def validate_files(paths: Iterable[str], out: TextIO, err: TextIO) -> int:
    """Print one line per problem as ``file:line: field: what is wrong``; return the exit code."""
    status = 0
    for path in paths:
        try:
            framework = read_framework_file(path)
        except FrameworkInvalid as invalid:
            for problem in invalid.problems:
                print(problem, file=err)
            status = 1
            continue
        print(
            f"{path}: valid ({_count(framework.themes, 'theme')}, {_count(framework.statements, 'statement')}, "
            f"{_count(framework.exemplars(), 'exemplar')})",
            file=out,
        )
        # Valid but long: said, not refused (a partnership may choose a long review knowingly).
        for warning in estimate(framework).warnings:
            print(f"{path}: warning: {warning}", file=err)
    return status


def _writable(target: Path, err: TextIO) -> bool:
    if target.suffix.lower() not in (XLSX, *YAML):
        print(f"{target}: the name must end in .xlsx, .yaml or .yml", file=err)
        return False
    if target.exists():
        print(f"{target}: already exists: choose another name, or delete it first", file=err)
        return False
    return True


def convert(source: str, target: str, out: TextIO, err: TextIO) -> int:
    """Write the framework in ``source`` to ``target``, YAML or XLSX by each name's suffix."""
    target_path = Path(target)
    if not _writable(target_path, err):
        return 2
    try:
        framework = read_framework_file(source)
    except FrameworkInvalid as invalid:
        for problem in invalid.problems:
            print(problem, file=err)
        print(f"{target}: not written, because {source} has problems", file=err)
        return 1
    target_path.write_bytes(framework_bytes(framework, target_path))
    print(
        f"{target}: written ({_count(framework.themes, 'theme')}, {_count(framework.statements, 'statement')})",
        file=out,
    )
    return 0


def write_template(target: str, out: TextIO, err: TextIO) -> int:
    """Write an XLSX template to fill in, with one example theme and statement."""
    target_path = Path(target)
    if target_path.suffix.lower() != XLSX:
        print(f"{target}: the template is a workbook: give a name ending in .xlsx", file=err)
        return 2
    if not _writable(target_path, err):
        return 2
    target_path.write_bytes(template_bytes())
    print(f"{target}: written; fill it in, then run: together framework validate {target}", file=out)
    return 0


USAGE = {
    "validate": "together framework validate FILE [FILE ...]",
    "convert": "together framework convert IN OUT",
    "template": "together framework template OUT.xlsx",
}


def run(action: str, args: Sequence[str], out: TextIO, err: TextIO) -> int:
    """The commands that need no settings, as ``together`` runs them before Django starts."""
    wanted = {"validate": None, "convert": 2, "template": 1}[action]
    if (wanted is not None and len(args) != wanted) or not args:
        print(f"usage: {USAGE[action]}", file=err)
        return 2
    if action == "validate":
        return validate_files(args, out, err)
    if action == "convert":
        return convert(args[0], args[1], out, err)
    return write_template(args[0], out, err)


def _count(items, noun: str) -> str:
    return f"{len(items)} {noun}" + ("" if len(items) == 1 else "s")
