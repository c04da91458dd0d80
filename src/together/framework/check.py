"""``together framework validate``: runs without a database or any settings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from .loader import FrameworkInvalid, load_framework_file


def validate_files(paths: Iterable[str], out: TextIO, err: TextIO) -> int:
    """Print one line per problem as ``file:line: field: what is wrong``; return the exit code."""
    status = 0
    for path in paths:
        try:
            framework = load_framework_file(path)
        except FrameworkInvalid as invalid:
            for problem in invalid.problems:
                print(problem, file=err)
            status = 1
            continue
        print(
            f"{path}: valid ({len(framework.themes)} themes, {len(framework.statements)} statements, "
            f"{len(framework.exemplars())} exemplars)",
            file=out,
        )
    return status
