"""Finding a partnership named on the command line, by id or exact name."""

from __future__ import annotations

from django.core.management import CommandError


def partnership_named(value: str):
    from together.partnerships.models import Partnership

    found = None
    if value.isdigit():
        found = Partnership.objects.filter(pk=int(value)).first()
    if found is None:
        named = list(Partnership.objects.filter(name=value)[:2])
        if len(named) > 1:
            raise CommandError(f"more than one partnership is called {value!r}: give its id instead", returncode=2)
        found = named[0] if named else None
    if found is None:
        raise CommandError(f"no partnership has the id or name {value!r}", returncode=2)
    return found
