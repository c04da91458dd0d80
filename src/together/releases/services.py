"""The release layer: the one way any role reaches a round's results.

Every page, report, export, API answer and command-line export asks :func:`obtain` for a
:class:`Released` view and reads only from it. The rules it applies, in one place:

- **Nothing while a round runs.** A draft or open round has no results for anyone: members see
  response counts only (see :func:`live_counts`). Live figures would let someone who looks before
  and after one more response read that response.
- **Frozen once seen.** The first time a closed round's results are asked for, the figures they
  are built from are recorded (:class:`~together.releases.models.Release`) with the threshold in
  force; every later view computes from that record, so two views at any two moments are the same.
  A round with a release cannot reopen or take imported answers (its lifecycle and the importer
  ask :func:`is_released`).
- **Roles.** Viewers see a round's results once it is published; owners and facilitators once it
  is closed. Response-level rows are for owners, facilitators and the operator only.
- **Disclosure control** is the analysis core's (:mod:`together.analysis.disclosure`): no figure
  for fewer than the threshold, and the organisation and respondent-group breakdowns protected
  together, so that every figure shown is a function of crossed blocks of at least the threshold.
  Response-level rows carry only the labels of their crossed block, so they say no more than that.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from threading import Lock

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from together.analysis.histogram import Histogram
from together.analysis.results import NOT_GIVEN, Dimension, Inputs, RoundResults, ThemeSpec, compute
from together.imports.models import pending_in, pending_responses
from together.partnerships.models import Role, Sector
from together.reviews import reseal
from together.reviews.models import Answer, Comment, Priority, Response, ResponseState, Round, RoundState

from .models import Release

OPERATOR = "operator"  # the command line: an administrator of the installation
RELEASABLE = (RoundState.CLOSED, RoundState.PUBLISHED, RoundState.ARCHIVED)
VISIBLE_TO_VIEWERS = (RoundState.PUBLISHED, RoundState.ARCHIVED)
RUNS = (Role.OWNER, Role.FACILITATOR, OPERATOR)
NOT_GIVEN_LABEL = "Not given"
FORMAT = 1


class NotAvailable(Exception):
    """These results cannot be shown to this reader now; the message says why, for them."""

    def __init__(self, message, code: str):
        super().__init__(str(message))
        self.message = message
        self.code = code


def sector_key(sector: str) -> str:
    return f"sector:{sector}"


def is_released(round_: Round) -> bool:
    return Release.objects.filter(round_id=round_.pk).exists()


def release_of(round_: Round) -> Release | None:
    return Release.objects.filter(round_id=round_.pk).select_related("made_by").first()


def may_see(round_: Round, role: str) -> bool:
    if round_.state not in RELEASABLE:
        return False
    return role in RUNS or round_.state in VISIBLE_TO_VIEWERS


def check(round_: Round, role: str) -> None:
    """Raise :class:`NotAvailable` unless this role may see the round's results now."""
    if round_.state == RoundState.DRAFT:
        raise NotAvailable(_("This round has not opened yet, so it has no results."), "draft")
    if round_.state == RoundState.OPEN:
        raise NotAvailable(
            _(
                "Results appear when the round closes. While it is open only the number of responses is shown, "
                "so that nobody can work out one person's answers by looking before and after they respond."
            ),
            "open",
        )
    if not may_see(round_, role):
        raise NotAvailable(
            _("The results of this round are shared with viewers once they are published."), "unpublished"
        )


def obtain(round_: Round, role: str, user=None) -> Released:
    """The round's released results for this role, recording the release the first time.

    A round's results wait until closing has sealed its responses (see
    :mod:`together.reviews.reseal`): a reader carries the sealing on for a few seconds, the
    command line (``OPERATOR``) to the end, and then they are told to come back shortly."""
    check(round_, role)
    _no_import_running(round_)
    if not reseal.is_sealed(round_) and not reseal.seal(round_, None if role == OPERATOR else reseal.VIEW_SECONDS):
        raise NotAvailable(
            _(
                "The results are being prepared: closing the round moves its responses so that nothing in the "
                "database shows the order they were sent in. This takes about a minute for a very large round. "
                "Try again shortly."
            ),
            "sealing",
        )
    release = Release.objects.filter(round_id=round_.pk).first()
    if release is None:
        with transaction.atomic():
            # Lock the round so that it cannot reopen while its results are being recorded.
            locked = Round.objects.select_for_update().select_related("framework_version").get(pk=round_.pk)
            check(locked, role)
            _no_import_running(locked)
            release = Release.objects.filter(round_id=locked.pk).first()
            if release is None:
                inputs = freeze(locked)
                release = Release.objects.create(
                    round=locked,
                    made_on=timezone.localdate(),
                    made_by=user if getattr(user, "pk", None) else None,
                    threshold=settings.MIN_GROUP_SIZE,
                    inputs=inputs,
                    digest=digest_of(inputs, settings.MIN_GROUP_SIZE),
                )
    return Released(round_, release, role)


def _no_import_running(round_: Round) -> None:
    """Results are never recorded while a file is part-way into the round.

    The lifecycle already refuses to close a round during an import, so this holds even if a
    round's state were changed some other way."""
    if pending_in(round_.pk) is not None:
        raise NotAvailable(
            _("A file is still being imported into this round, so its results cannot be shown yet. Try again shortly."),
            "importing",
        )


def freeze(round_: Round) -> dict:
    """What the results are computed from, as plain data: counts by statement, organisation,
    group and answer; people by organisation and group; chosen themes; the partnership's
    organisations with their sectors, and its groups."""
    from together.results.queries import by_language, inputs_for, variant_answers

    inputs = inputs_for(round_)
    languages = by_language(round_)
    variants = variant_answers(round_)
    partnership = round_.partnership
    sectors = dict(Sector.choices)
    # Target ratings only where the framework asks for them, so other rounds' records (and their
    # digests) are as they were.
    targets = (
        {
            "targets": sorted(
                ([s, o, g, list(h.counts), h.dont_know] for (s, o, g), h in inputs.targets.items()), key=str
            )
        }
        if inputs.asks_target
        else {}
    )
    return {
        "format": FORMAT,
        "points": inputs.points,
        "themes": [[t.id, list(t.statement_ids)] for t in inputs.themes],
        "cells": sorted(([s, o, g, list(h.counts), h.dont_know] for (s, o, g), h in inputs.cells.items()), key=str),
        "respondents": sorted(([o, g, n] for (o, g), n in inputs.respondents.items()), key=str),
        "priorities": sorted(([t, o, g, n] for (t, o, g), n in inputs.priorities.items()), key=str),
        "organisations": [
            [o.pk, o.name, o.sector, str(sectors.get(o.sector, o.sector))] for o in partnership.organisations.all()
        ],
        "groups": [[g.pk, g.name] for g in partnership.groups.all()],
        **targets,
        # Only where no one was asked, so other rounds' records (and their digests) are as they were.
        **({} if inputs.asks_priorities else {"priorities_asked": False}),
        # Only where answers came in more than one language, for the same reason.
        **({"by_language": _frozen_languages(languages, inputs.points)} if languages else {}),
        # Only where anyone answered a variant (residents, say), for the same reason.
        **({"variants": _frozen_variants(round_, variants)} if variants else {}),
    }


def _frozen_variants(round_: Round, variants: dict) -> list:
    """[variant, people, [[statement, counts, don't know], …]], sorted; counts on the variant's scale."""
    frozen = []
    for variant, part in sorted(variants.items()):
        points = len(round_.questionnaire(variant).scale.levels)
        cells = []
        for statement, values in sorted(part["cells"].items()):
            histogram = Histogram.from_cells(values, points)
            cells.append([statement, list(histogram.counts), histogram.dont_know])
        frozen.append([variant, part["respondents"], cells])
    return frozen


def _frozen_languages(languages: dict, points: int) -> list:
    """[language, people, [[statement, counts, don't know], …], [[theme, choosing], …]], sorted."""
    frozen = []
    for language, part in sorted(languages.items()):
        cells = []
        for statement, values in sorted(part["cells"].items()):
            histogram = Histogram.from_cells(values, points)
            cells.append([statement, list(histogram.counts), histogram.dont_know])
        frozen.append([language, part["respondents"], cells, sorted([t, n] for t, n in part["chosen"].items())])
    return frozen


def digest_of(inputs: dict, threshold: int) -> str:
    canonical = json.dumps([threshold, inputs], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def thaw(data: dict, threshold: int) -> Inputs:
    points = data["points"]
    organisations = data["organisations"]
    organisation_labels: dict = {pk: name for pk, name, _sector, _label in organisations}
    organisation_labels.update({sector_key(sector): label for _pk, _name, sector, label in organisations})
    organisation_labels[NOT_GIVEN] = NOT_GIVEN_LABEL
    group_labels: dict = dict(data["groups"])
    group_labels[NOT_GIVEN] = NOT_GIVEN_LABEL
    return Inputs(
        themes=[ThemeSpec(theme, tuple(statements)) for theme, statements in data["themes"]],
        points=points,
        threshold=threshold,
        cells={(s, o, g): Histogram(tuple(counts), dk) for s, o, g, counts, dk in data["cells"]},
        respondents={(o, g): n for o, g, n in data["respondents"]},
        priorities={(t, o, g): n for t, o, g, n in data["priorities"]},
        targets={(s, o, g): Histogram(tuple(counts), dk) for s, o, g, counts, dk in data.get("targets", [])},
        asks_target="targets" in data,
        asks_priorities=data.get("priorities_asked", True),
        dimensions=[
            Dimension(
                key="organisation",
                labels=organisation_labels,
                of_cell=_organisation_of,
                parent_of={pk: sector_key(sector) for pk, _name, sector, _label in organisations},
                parent_key="sector",
            ),
            Dimension(key="group", labels=group_labels, of_cell=_group_of),
        ],
    )


def _organisation_of(organisation, group):
    return organisation


def _group_of(organisation, group):
    return group


# Computed results by release digest, for the life of the process: a release never changes.
_computed: OrderedDict[str, RoundResults] = OrderedDict()
_computed_lock = Lock()
_KEEP = 32


def _results_of(release: Release) -> RoundResults:
    key = release.digest
    with _computed_lock:
        found = _computed.get(key)
        if found is not None:
            _computed.move_to_end(key)
            return found
    results = compute(thaw(release.inputs, release.threshold))
    with _computed_lock:
        _computed[key] = results
        while len(_computed) > _KEEP:
            _computed.popitem(last=False)
    return results


@dataclass
class Released:
    """A round's results as one role may see them."""

    round: Round
    release: Release
    role: str

    @property
    def threshold(self) -> int:
        return self.release.threshold

    @cached_property
    def results(self) -> RoundResults:
        return _results_of(self.release)

    @cached_property
    def languages(self):
        """Results by the language answers were sent in (``analysis.languages``), or None where
        they all came in one."""
        from together.analysis.languages import LanguagePart, compare

        data = self.release.inputs
        if "by_language" not in data:
            return None
        parts = {
            language: LanguagePart(
                respondents=people,
                cells={s: Histogram(tuple(counts), dk) for s, counts, dk in cells},
                chosen=dict(chosen),
            )
            for language, people, cells, chosen in data["by_language"]
        }
        themes = [ThemeSpec(theme, tuple(statements)) for theme, statements in data["themes"]]
        return compare(themes, data["points"], self.threshold, parts, data.get("priorities_asked", True))

    @cached_property
    def audiences(self) -> dict:
        """What partners say beside what each variant's audience says (``analysis.audiences``),
        by variant id, for the variants anyone answered; empty where no one did."""
        from together.analysis.audiences import compare_audience

        data = self.release.inputs
        if "variants" not in data:
            return {}
        framework = self.round.framework_version.framework
        results = self.results
        found = {}
        for variant_id, people, cells in data["variants"]:
            variant = framework.variant(variant_id)
            asked = self.round.questionnaire(variant_id)
            mirrors = [
                (theme.id, variant.mirrored()[statement.id], statement.id)
                for theme in asked.themes
                for statement in theme.statements
            ]
            found[variant_id] = compare_audience(
                variant_id,
                mirrors,
                results.statements,
                results.visible,
                people,
                {s: Histogram(tuple(counts), dk) for s, counts, dk in cells},
                [variant.maps_to(level.value) for level in asked.scale.levels],
                data["points"],
                self.threshold,
            )
        return found

    @property
    def can_run(self) -> bool:
        return self.role in RUNS

    @property
    def respondents_shown(self) -> int | None:
        """How many responded, as this reader may see it: viewers get no count below the threshold."""
        results = self.results
        return results.respondents if self.can_run or results.visible else None

    def statement_histograms(self) -> dict[str, Histogram]:
        """Everyone's answers to each statement (no breakdown), from the release."""
        points = self.release.inputs["points"]
        sums: dict[str, list[int]] = {}
        for statement, _o, _g, counts, dk in self.release.inputs["cells"]:
            total = sums.setdefault(statement, [0] * (points + 1))
            for index, count in enumerate([*counts, dk]):
                total[index] += count
        return {s: Histogram(tuple(t[:-1]), t[-1]) for s, t in sums.items()}

    def comments(self, theme_id: str | None = None):
        """Comments of the released responses, without any label; hidden ones only for those who
        moderate them."""
        comments = Comment.objects.filter(
            response__round=self.round, response__state=ResponseState.SUBMITTED, response__variant=""
        )
        if theme_id is not None:
            comments = comments.filter(theme_id=theme_id)
        if not self.can_run:
            comments = comments.filter(hidden=False)
        return comments

    def submission_dates(self) -> dict:
        """The first and last day responses were sent (dates are kept to the day); for a round
        of another tool's survey, the days its fieldwork ran, not the day it was imported."""
        from django.db.models import Max, Min

        if self.round.fieldwork_from is not None:
            return {"first": self.round.fieldwork_from, "last": self.round.fieldwork_to}
        return Response.objects.filter(round=self.round, state=ResponseState.SUBMITTED).aggregate(
            first=Min("submitted_on"), last=Max("submitted_on")
        )

    @property
    def rows_available(self) -> bool:
        return self.can_run and self.results.visible

    def response_rows(self) -> tuple[list[str], list[list]]:
        """One row per response: its crossed block's labels (organisation, sector, group, each
        blank where that breakdown is hidden for it), its answers and chosen themes. A statement
        is left empty throughout where some block has fewer than the threshold of ratings of it.
        Rows are in the order of their contents, which says nothing about who sent them or when."""
        if not self.can_run:
            raise NotAvailable(_("Response-level data is available to the round's facilitators only."), "rows")
        framework = self.round.framework
        statements = [s.id for s in framework.statements]
        # Where the framework asks a target, each statement's column is followed by its target's.
        columns = [
            (s, kind) for s in statements for kind in (("value", "target") if framework.asks_target else ("value",))
        ]
        header = ["organisation", "sector", "group", *(s if kind == "value" else f"{s}:target" for s, kind in columns)]
        header.append("priorities")
        results = self.results
        if not results.visible:
            return header, []
        shown = {
            dimension: {g.key for g in results.group_sizes[dimension] if not g.score.hidden}
            for dimension in ("organisation", "group")
        }
        organisations = {
            pk: (name, sector_key(sector), label) for pk, name, sector, label in self.release.inputs["organisations"]
        }
        groups = dict(self.release.inputs["groups"])
        responses = list(
            Response.objects.filter(round=self.round, state=ResponseState.SUBMITTED, variant="").values_list(
                "id", "organisation_id", "group_id"
            )
        )
        released_cells = {(o, g): n for o, g, n in self.release.inputs["respondents"]}
        live_cells: dict = {}
        for _id, organisation_id, group_id in responses:
            live_cells[(organisation_id, group_id)] = live_cells.get((organisation_id, group_id), 0) + 1
        if live_cells != released_cells:
            # Only a change outside the service could do this; showing rows that disagree with the
            # released tables could single someone out, so show none.
            raise NotAvailable(_("The round's responses no longer match its released results."), "changed")
        answers: dict = {}
        for response_id, statement_id, value, target in Answer.objects.filter(
            round=self.round, response__state=ResponseState.SUBMITTED, response__variant=""
        ).values_list("response_id", "statement_id", "value", "target"):
            given = answers.setdefault(response_id, {})
            given[(statement_id, "value")] = value
            given[(statement_id, "target")] = target
        chosen: dict = {}
        for response_id, theme_id in Priority.objects.filter(round=self.round, submitted=True).values_list(
            "response_id", "theme_id"
        ):
            chosen.setdefault(response_id, []).append(theme_id)
        rows, blocks = [], {}
        no_dont_know = framework.scale.dont_know is None
        for response_id, organisation_id, group_id in responses:
            name, sector, sector_label = organisations.get(organisation_id, ("", None, ""))
            if organisation_id is not None and organisation_id in shown["organisation"]:
                labels = [name, sector_label]
            elif organisation_id is not None and sector in shown["organisation"]:
                labels = ["", sector_label]
            elif organisation_id is None and NOT_GIVEN in shown["organisation"]:
                labels = [NOT_GIVEN_LABEL, ""]
            else:
                labels = ["", ""]
            if group_id in shown["group"]:
                labels.append(groups.get(group_id, NOT_GIVEN_LABEL) if group_id is not None else NOT_GIVEN_LABEL)
            else:
                labels.append("")
            blocks[tuple(labels)] = blocks.get(tuple(labels), 0) + 1
            given = answers.get(response_id, {})
            values = [_cell(given.get(column, ""), column[1], no_dont_know) for column in columns]
            rows.append([*labels, *values, ";".join(sorted(chosen.get(response_id, [])))])
        if any(count < self.threshold for count in blocks.values()):
            raise NotAvailable(_("Response-level data would single people out for this round."), "rows")
        # The tables hide a group's figures for a statement that fewer than the threshold rated;
        # rows would show those few ratings, so a statement that any block has 1 to threshold − 1
        # ratings of is left empty in every row (emptying it in some rows only would let the
        # overall figures give them back).
        for index in range(3, 3 + len(columns)):
            rated: dict = {}
            for row in rows:
                if row[index] not in ("", "dk"):
                    rated[tuple(row[:3])] = rated.get(tuple(row[:3]), 0) + 1
            if any(0 < count < self.threshold for count in rated.values()):
                for row in rows:
                    row[index] = ""
        rows.sort(key=lambda row: [str(v) for v in row])
        return header, rows


def _cell(value, kind: str, no_dont_know: bool):
    """A response row's cell: the rating, "dk" for "don't know", or empty. An empty target on a
    scale without "don't know" was never given (an import without the column), so it stays empty."""
    if value is None:
        return "" if kind == "target" and no_dont_know else "dk"
    return value


def live_counts(round_: Round, role: str) -> dict:
    """What members see of a round while it runs: how many have responded, overall only.

    The overall count says that someone answered, never what or as whom. For viewers it is given
    only from the threshold up. Counts by organisation or group come from the release, once there
    is one (see :meth:`Released.results`), never live."""
    from django.db.models import Count

    submitted = Response.objects.filter(round=round_, state=ResponseState.SUBMITTED).exclude(pk__in=pending_responses())
    by_variant = dict(submitted.values_list("variant").annotate(n=Count("*")).order_by())
    partners = by_variant.pop("", 0)
    # Those who answered a variant (residents, say) are counted apart, each count under the
    # same rule: a viewer given everyone's count and the partners' could otherwise subtract.
    others = sum(by_variant.values())
    shown = role in RUNS
    counts = {
        "responses": partners if shown or partners >= settings.MIN_GROUP_SIZE else None,
        "fewer_than": settings.MIN_GROUP_SIZE,
    }
    if others or round_.variant_links.exists():
        counts["residents"] = others if shown or others >= settings.MIN_GROUP_SIZE else None
    return counts
