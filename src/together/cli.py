"""The ``together`` command: Django's management commands under one friendly name.

``together framework validate FILE`` is ``manage.py framework validate FILE``; ``together help``
lists everything.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:2] == ["framework", "validate"] and len(args) > 2 and not any(a.startswith("-") for a in args[2:]):
        # Checking a file needs no settings or database, so an author can run it anywhere.
        from together.framework.check import validate_files

        sys.exit(validate_files(args[2:], sys.stdout, sys.stderr))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "together.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["together", *args])


if __name__ == "__main__":
    main()
