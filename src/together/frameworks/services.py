"""The framework library: storing versions, drafts, publishing, and which version is current.

Ownership is part of a framework's identity: ``partnership=None`` is the installation's shared
library (operators, ``together framework load``); otherwise the framework belongs to that
partnership alone. Every lookup here takes the owner, so one partnership's framework can never
be found through another.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q

from together.framework import Framework, canonical_json, content_hash
from together.framework.check import read_framework_file
from together.framework.estimate import Estimate, estimate

from . import lifecycle
from .models import DraftState, FrameworkDraft, FrameworkVersion, LibraryEvent, LibraryFramework

DEFAULT_FRAMEWORK_ID = "transforming-together"


@dataclass(frozen=True)
class Loaded:
    version: FrameworkVersion
    created: bool
    made_current: bool = False


def load(path: str | Path) -> Loaded:
    """Validate ``path`` and publish it to the shared library.

    Changed content becomes a new version and current. Unchanged content leaves the current
    version alone: the service loads every shipped file at each start, which must not undo an
    operator's ``together framework use``.

    Raises :class:`together.framework.FrameworkInvalid`, storing nothing, when the file is bad.
    """
    framework = read_framework_file(path)
    return store(framework, Path(path).name, make_current=False)


def _library(framework_id: str, partnership=None) -> LibraryFramework:
    try:
        with transaction.atomic():
            library, _ = LibraryFramework.objects.get_or_create(framework_id=framework_id, partnership=partnership)
    except IntegrityError:
        library = LibraryFramework.objects.get(framework_id=framework_id, partnership=partnership)
    return library


def store(framework: Framework, source_name: str, partnership=None, user=None, make_current: bool = True) -> Loaded:
    """Publish ``framework`` under its id for ``partnership`` (None: shared) unless identical content is stored.

    A new version always becomes the one new rounds get; with ``make_current``, so does an
    identical one already stored (publishing a draft of earlier content is a rollback).
    """
    digest = content_hash(framework)
    library = _library(framework.id, partnership)
    with transaction.atomic():
        library = LibraryFramework.objects.select_for_update().get(pk=library.pk)
        version = library.versions.filter(content_hash=digest).first()
        created = version is None
        if created:
            latest = library.versions.aggregate(n=Max("number"))["n"]
            version = FrameworkVersion.objects.create(
                library=library,
                framework_id=framework.id,
                number=(latest or 0) + 1,
                content_hash=digest,
                content=json.loads(canonical_json(framework)),
                source_name=source_name[:255],
                published_by=user,
            )
            LibraryEvent.objects.create(library=library, action="published", version_number=version.number, user=user)
        moved = (created or make_current or library.current_id is None) and library.current_id != version.pk
        if moved:
            _point(library, version, user)
    return Loaded(version, created=created, made_current=moved)


def _point(library: LibraryFramework, version: FrameworkVersion, user) -> None:
    LibraryFramework.objects.filter(pk=library.pk).update(current=version)
    library.current = version
    LibraryEvent.objects.create(library=library, action="made current", version_number=version.number, user=user)


def current(framework_id: str = DEFAULT_FRAMEWORK_ID, partnership=None) -> FrameworkVersion | None:
    """The current version of a framework of that owner (shared when ``partnership`` is None), or None."""
    library = (
        LibraryFramework.objects.filter(framework_id=framework_id, partnership=partnership)
        .select_related("current")
        .first()
    )
    return library.current if library is not None else None


def visible(partnership) -> list[LibraryFramework]:
    """The frameworks a partnership may see and use: shared first (the default at the top), then its own."""
    entries = (
        LibraryFramework.objects.filter(Q(partnership__isnull=True) | Q(partnership=partnership))
        .filter(current__isnull=False)
        .select_related("current")
        .annotate(version_count=Count("versions"))
    )
    return sorted(entries, key=_order)


def shared() -> list[LibraryFramework]:
    entries = (
        LibraryFramework.objects.filter(partnership__isnull=True)
        .select_related("current")
        .annotate(version_count=Count("versions"))
    )
    return sorted(entries, key=_order)


def _order(entry: LibraryFramework):
    return (not entry.shared, entry.framework_id != DEFAULT_FRAMEWORK_ID, entry.framework_id)


def entry(pk: int, partnership) -> LibraryFramework:
    """A library entry the partnership may see (shared or its own); ``LookupError`` otherwise."""
    found = (
        LibraryFramework.objects.filter(pk=pk)
        .filter(Q(partnership__isnull=True) | Q(partnership=partnership))
        .select_related("current")
        .first()
    )
    if found is None:
        raise LookupError("no such framework")
    return found


def shared_entry(pk: int) -> LibraryFramework:
    found = LibraryFramework.objects.filter(pk=pk, partnership__isnull=True).select_related("current").first()
    if found is None:
        raise LookupError("no such framework")
    return found


def default_for(partnership) -> FrameworkVersion | None:
    """The version a partnership gets when nothing else says which: the first it may use."""
    entries = visible(partnership)
    return entries[0].current if entries else None


def estimate_of(framework: Framework) -> Estimate:
    return estimate(framework)


# Drafts


def add_draft(framework: Framework, source_name: str, partnership=None, user=None) -> FrameworkDraft:
    """Keep a checked framework as a draft for preview; nothing uses it until it is published."""
    return FrameworkDraft.objects.create(
        partnership=partnership,
        framework_id=framework.id,
        content_hash=content_hash(framework),
        content=json.loads(canonical_json(framework)),
        source_name=source_name[:255],
        uploaded_by=user,
    )


def draft(pk: int, partnership) -> FrameworkDraft:
    """An uploaded draft of that owner (None: shared); ``LookupError`` otherwise."""
    found = FrameworkDraft.objects.filter(pk=pk, partnership=partnership, state=DraftState.UPLOADED).first()
    if found is None:
        raise LookupError("no such draft")
    return found


def drafts(partnership) -> list[FrameworkDraft]:
    return list(FrameworkDraft.objects.filter(partnership=partnership, state=DraftState.UPLOADED).defer("content"))


def publish(draft: FrameworkDraft, user) -> Loaded:
    """Make the draft a frozen version of its owner's framework, and current."""
    with transaction.atomic():
        locked = FrameworkDraft.objects.select_for_update().get(pk=draft.pk)
        lifecycle.check_draft(locked, "publish")
        loaded = store(locked.framework, locked.source_name, partnership=locked.partnership, user=user)
        FrameworkDraft.objects.filter(pk=locked.pk).update(state=DraftState.PUBLISHED, version=loaded.version)
    draft.state, draft.version = DraftState.PUBLISHED, loaded.version
    return loaded


def discard(draft: FrameworkDraft, user) -> None:
    with transaction.atomic():
        locked = FrameworkDraft.objects.select_for_update().get(pk=draft.pk)
        lifecycle.check_draft(locked, "discard")
        FrameworkDraft.objects.filter(pk=locked.pk).update(state=DraftState.DISCARDED)
        LibraryEvent.objects.create(draft=locked, action="discarded", user=user)
    draft.state = DraftState.DISCARDED


def make_current(library: LibraryFramework, number: int, user=None) -> FrameworkVersion:
    """Point the library at its published version ``number`` (a rollback when it is older)."""
    with transaction.atomic():
        locked = LibraryFramework.objects.select_for_update().get(pk=library.pk)
        version = locked.versions.filter(number=number).select_related("library").first()
        if version is None:
            raise lifecycle.MoveRefused(f"{locked.framework_id} has no version {number}.")
        lifecycle.check_version(version, "make-current")
        _point(locked, version, user)
    library.current = version
    return version


def rounds_by_version(library: LibraryFramework, partnership=None) -> dict[int, list]:
    """Which rounds use which version of ``library``: a partnership sees its own rounds only."""
    from together.reviews.models import Round

    rounds = Round.objects.filter(framework_version__library=library).only("pk", "name", "framework_version_id")
    if partnership is not None:
        rounds = rounds.filter(partnership=partnership)
    found: dict[int, list] = {}
    for round_ in rounds.order_by("-pk"):
        found.setdefault(round_.framework_version_id, []).append(round_)
    return found


def round_counts(library: LibraryFramework) -> dict[int, int]:
    """How many rounds, of any partnership, use each version of a shared framework (for operators)."""
    from together.reviews.models import Round

    rows = (
        Round.objects.filter(framework_version__library=library)
        .values("framework_version_id")
        .annotate(n=Count("pk"))
        .values_list("framework_version_id", "n")
    )
    return dict(rows)
