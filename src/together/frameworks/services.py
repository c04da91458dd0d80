"""Loading framework files into frozen versions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Max

from together.framework import Framework, canonical_json, content_hash, load_framework_file

from .models import FrameworkVersion

DEFAULT_FRAMEWORK_ID = "transforming-together"


@dataclass(frozen=True)
class Loaded:
    version: FrameworkVersion
    created: bool


def load(path: str | Path) -> Loaded:
    """Validate ``path`` and store it as a new version unless identical content is stored.

    Raises :class:`together.framework.FrameworkInvalid`, storing nothing, when the file is bad.
    """
    framework = load_framework_file(path)
    return store(framework, Path(path).name)


def store(framework: Framework, source_name: str) -> Loaded:
    digest = content_hash(framework)
    existing = FrameworkVersion.objects.filter(content_hash=digest).first()
    if existing:
        return Loaded(existing, created=False)
    try:
        with transaction.atomic():
            latest = FrameworkVersion.objects.filter(framework_id=framework.id).aggregate(n=Max("number"))["n"]
            version = FrameworkVersion.objects.create(
                framework_id=framework.id,
                number=(latest or 0) + 1,
                content_hash=digest,
                content=json.loads(canonical_json(framework)),
                source_name=source_name[:255],
            )
    except IntegrityError:
        # Someone loaded the same content at the same moment: theirs is the version.
        return Loaded(FrameworkVersion.objects.get(content_hash=digest), created=False)
    return Loaded(version, created=True)


def current(framework_id: str = DEFAULT_FRAMEWORK_ID) -> FrameworkVersion | None:
    """The newest version of a framework, or None when none is loaded."""
    return FrameworkVersion.objects.filter(framework_id=framework_id).order_by("-number").first()
