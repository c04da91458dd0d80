"""The ``together`` command: Django's management commands under one friendly name.

``together framework validate FILE`` is ``manage.py framework validate FILE``; ``together help``
lists everything.

Asking for help (``together``, ``together help``, ``together COMMAND --help``) works anywhere,
without any settings: nothing runs, so a missing ``SECRET_KEY`` does not matter. Otherwise a
setting that is missing or wrong is reported on one line naming it, never as a traceback.
"""

import os
import sys

_HELP = {"-h", "--help", "help"}


def _asks_for_help(args: list[str]) -> bool:
    return not args or args[0] in _HELP or any(arg in ("-h", "--help") for arg in args)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if (
        args[:1] == ["framework"]
        and args[1:2] in (["validate"], ["convert"], ["template"])
        and len(args) > 2
        and not any(a.startswith("-") for a in args[2:])
    ):
        # Checking, converting and writing a template need no settings or database, so an author
        # can run them anywhere.
        from together.framework.check import run

        sys.exit(run(args[1], args[2:], sys.stdout, sys.stderr))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "together.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from together import conf

    if _asks_for_help(args):
        conf.for_help_only()
    try:
        execute_from_command_line(["together", *args])
    except ImproperlyConfigured as error:
        print(f"together: {error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
