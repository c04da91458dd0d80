"""The child process that checks one uploaded framework file, under operating-system limits.

Run as ``python -I -m together.frameworks.sandbox NAME`` with the file's bytes on standard input.
It limits its own address space and processor time before reading anything, then writes one
JSON object: ``{"framework": …}`` or ``{"problems": [[file, line, field, message, cell], …]}``
(cell as ``Statements!C7`` for a workbook, else empty). No Django, no settings, no database:
it can only read its input and write its answer.
"""

from __future__ import annotations

import json
import resource
import sys


def _limit() -> None:
    from together.frameworks.uploads import CPU_SECONDS, MEMORY_BYTES

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # it writes no files
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))  # and starts no processes


def main(argv: list[str]) -> int:
    _limit()
    from together.framework import FrameworkInvalid, canonical_json
    from together.frameworks.uploads import parse_upload

    name = argv[1] if len(argv) > 1 else "upload.yaml"
    data = sys.stdin.buffer.read()
    try:
        framework = parse_upload(name, data)
    except FrameworkInvalid as invalid:
        answer = {
            "problems": [[p.file, p.line, p.field, p.message, getattr(p, "location", "")] for p in invalid.problems]
        }
        sys.stdout.write(json.dumps(answer))
        return 0
    sys.stdout.write('{"framework": ' + canonical_json(framework) + "}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
