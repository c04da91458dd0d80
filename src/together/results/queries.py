"""The database's part of a round's results: a few GROUP BY queries, then the analysis core.

The number of queries is fixed, and the rows they return grow with statements × organisations ×
groups × scale points, not with the number of answers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connections
from django.db.models import Count

from together.analysis.histogram import Histogram
from together.analysis.results import NOT_GIVEN, Dimension, Inputs, RoundResults, ThemeSpec, compute
from together.partnerships.models import Sector
from together.reviews.models import Answer, Priority, Response, ResponseState, Round

NOT_GIVEN_LABEL = "Not given"


def sector_key(sector: str) -> str:
    return f"sector:{sector}"


def _plain_rows(queryset):
    """The rows of a values_list() query of ids, text and counts, straight from the cursor.

    The ORM writes the SQL; only its per-row work is skipped, which for the histogram query (tens
    of thousands of rows) is a good part of the time. Every column here needs no conversion.
    """
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(10_000):
            yield from batch


def inputs_for(round_: Round, threshold: int | None = None) -> Inputs:
    framework = round_.framework
    points = len(framework.scale.levels)
    # The partners' answers only: a variant's (residents') statements have ids of their own, and
    # are compared with these apart (see :func:`variant_answers`).
    known = {statement.id for statement in framework.statements}

    raw: dict[tuple, dict] = {}
    # One table, one covering index (answer_histogram): no join with the responses.
    rows = (
        Answer.objects.filter(round=round_, submitted=True)
        .values_list("statement_id", "organisation_id", "group_id", "value")
        .annotate(n=Count("*"))
        .order_by()
    )
    for statement, organisation, group, value, n in _plain_rows(rows):
        if statement in known:
            raw.setdefault((statement, organisation, group), {})[value] = n
    cells = {key: Histogram.from_cells(values, points) for key, values in raw.items()}

    targets: dict[tuple, Histogram] = {}
    if framework.asks_target:
        # The second rating, counted as the first is: by statement, organisation, group and value.
        raw_targets: dict[tuple, dict] = {}
        target_rows = (
            Answer.objects.filter(round=round_, submitted=True)
            .values_list("statement_id", "organisation_id", "group_id", "target")
            .annotate(n=Count("*"))
            .order_by()
        )
        for statement, organisation, group, value, n in _plain_rows(target_rows):
            if statement not in known:
                continue
            raw_targets.setdefault((statement, organisation, group), {})[value] = n
        targets = {key: Histogram.from_cells(values, points) for key, values in raw_targets.items()}

    respondents = {
        (organisation, group): n
        for organisation, group, n in Response.objects.filter(round=round_, state=ResponseState.SUBMITTED, variant="")
        .values_list("organisation_id", "group_id")
        .annotate(n=Count("*"))
        .order_by()
    }
    priorities = {
        (theme, organisation, group): n
        for theme, organisation, group, n in Priority.objects.filter(round=round_, submitted=True)
        .values_list("theme_id", "organisation_id", "group_id")
        .annotate(n=Count("*"))
        .order_by()
    }

    partnership = round_.partnership
    organisations = list(partnership.organisations.all())
    sector_labels = dict(Sector.choices)
    organisation_labels: dict = {o.pk: o.name for o in organisations}
    organisation_labels.update({sector_key(o.sector): str(sector_labels[o.sector]) for o in organisations})
    organisation_labels[NOT_GIVEN] = NOT_GIVEN_LABEL
    group_labels: dict = {g.pk: g.name for g in partnership.groups.all()}
    group_labels[NOT_GIVEN] = NOT_GIVEN_LABEL
    dimensions = [
        Dimension(
            key="organisation",
            labels=organisation_labels,
            of_cell=lambda organisation, group: organisation,
            parent_of={o.pk: sector_key(o.sector) for o in organisations},
            parent_key="sector",
        ),
        Dimension(key="group", labels=group_labels, of_cell=lambda organisation, group: group),
    ]
    return Inputs(
        themes=[ThemeSpec(t.id, tuple(s.id for s in t.statements)) for t in framework.themes],
        points=points,
        threshold=threshold or settings.MIN_GROUP_SIZE,
        cells=cells,
        respondents=respondents,
        priorities=priorities,
        dimensions=dimensions,
        targets=targets,
        asks_target=framework.asks_target,
        asks_priorities=_asks_priorities(round_),
    )


def _asks_priorities(round_: Round) -> bool:
    """Whether every response could choose priorities: not where a file imported into the round
    held none (the share choosing a theme would be a false 0%)."""
    from together.imports.models import ImportBatch

    return not ImportBatch.objects.filter(round=round_, removed_at__isnull=True, priorities=False).exists()


def by_language(round_: Round) -> dict[str, dict]:
    """Everyone's answers, people and chosen themes by the language the answers were sent in:
    {language: {"respondents", "cells": {statement: {value: n}}, "chosen": {theme: n}}}. Empty
    unless answers came in more than one language (then there is nothing to compare)."""
    submitted = Response.objects.filter(round=round_, state=ResponseState.SUBMITTED, variant="")
    people = dict(submitted.values_list("language").annotate(n=Count("*")).order_by())
    if len(people) < 2:
        return {}
    found = {language: {"respondents": n, "cells": {}, "chosen": {}} for language, n in people.items()}
    rows = (
        Answer.objects.filter(round=round_, submitted=True, response__variant="")
        .values_list("response__language", "statement_id", "value")
        .annotate(n=Count("*"))
        .order_by()
    )
    for language, statement, value, n in rows:
        found[language]["cells"].setdefault(statement, {})[value] = n
    chosen = (
        Priority.objects.filter(round=round_, submitted=True)
        .values_list("response__language", "theme_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    for language, theme, n in chosen:
        found[language]["chosen"][theme] = n
    return found


def variant_answers(round_: Round) -> dict[str, dict]:
    """The answers of those who came through a variant's link (residents, say), by variant:
    {variant: {"respondents": n, "cells": {statement: {value: n}}}}, for the variants anyone
    answered. Their statements are the variant's own, counted on the variant's own scale."""
    people = dict(
        Response.objects.filter(round=round_, state=ResponseState.SUBMITTED)
        .exclude(variant="")
        .values_list("variant")
        .annotate(n=Count("*"))
        .order_by()
    )
    if not people:
        return {}
    found = {variant: {"respondents": n, "cells": {}} for variant, n in people.items()}
    rows = (
        Answer.objects.filter(round=round_, submitted=True)
        .exclude(response__variant="")
        .values_list("response__variant", "statement_id", "value")
        .annotate(n=Count("*"))
        .order_by()
    )
    for variant, statement, value, n in rows:
        found[variant]["cells"].setdefault(statement, {})[value] = n
    return found


def round_results(round_: Round, threshold: int | None = None) -> RoundResults:
    """Results computed from the live tables. No page or export may show these: outputs read the
    round's release (:mod:`together.releases.services`), which freezes :func:`inputs_for`. This is
    for benchmarks and tests of the computation itself."""
    return compute(inputs_for(round_, threshold))


def statement_histograms(round_: Round) -> dict[str, Histogram]:
    """Everyone's answers to each statement of a round: one small GROUP BY."""
    points = len(round_.framework.scale.levels)
    raw: dict[str, dict] = {}
    rows = (
        Answer.objects.filter(round=round_, submitted=True)
        .values_list("statement_id", "value")
        .annotate(n=Count("*"))
        .order_by()
    )
    for statement, value, n in rows:
        raw.setdefault(statement, {})[value] = n
    return {statement: Histogram.from_cells(values, points) for statement, values in raw.items()}


def earlier_rounds(round_: Round) -> list[Round]:
    """Rounds of the same partnership that came before this one, oldest first: by when their
    fieldwork began (an imported survey's own dates), else when they were created."""
    from together.reviews.models import RoundState

    return list(
        Round.objects.filter(
            partnership=round_.partnership_id,
            began_at__lt=round_.began_at,
            state__in=[RoundState.CLOSED, RoundState.PUBLISHED, RoundState.ARCHIVED],
        )
        .select_related("framework_version")
        .order_by("began_at", "pk")
    )
