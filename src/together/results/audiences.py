"""What partners say beside what residents say, for the results page and the report alike, from
a release's comparison (:mod:`together.analysis.audiences`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# What each audience is called where the two views are set side by side.
AUDIENCE_NAMES = {
    "residents": _("Residents"),
    "easy_read": _("Residents using easy read"),
    "young_people": _("Young people"),
}
AUDIENCE_PAGES = {
    "residents": _("Partners and residents"),
    "easy_read": _("Partners and easy read"),
    "young_people": _("Partners and young people"),
}


def _aged(variant, words) -> str | None:
    """``words`` with a young people's version's age band put in, or None for other versions."""
    if variant.audience != "young_people" or variant.ages is None:
        return None
    return str(words) % {"youngest": variant.ages.youngest, "oldest": variant.ages.oldest}


def audience_name(variant) -> str:
    """Who answered a variant: "Residents", "Easy read", "Young people aged 8 to 11"."""
    aged = _aged(variant, _("Young people aged %(youngest)s to %(oldest)s"))
    return aged or str(AUDIENCE_NAMES.get(variant.audience, variant.audience))


def page_name(variant) -> str:
    """The results page's name in the results' navigation."""
    aged = _aged(variant, _("Partners and young people aged %(youngest)s to %(oldest)s"))
    return aged or str(AUDIENCE_PAGES.get(variant.audience, variant.id))


@dataclass
class Row:
    statement: object  # the framework's statement, as partners were asked it
    mirror: object  # the variant's statement, as the audience was asked it
    pair: object  # analysis.audiences.Pair


@dataclass
class AudienceTable:
    variant: object  # the framework's Variant
    name: str
    shown: bool
    threshold: int
    points: int
    respondents: int | None = None
    themes: list[tuple[object, list[Row]]] = field(default_factory=list)  # (partners' theme, rows)
    most_telling: Row | None = None
    widest: list[Row] = field(default_factory=list)


def variants_answered(released) -> list:
    """The variants of the round's framework that anyone answered, in the file's order."""
    framework = released.round.framework_version.framework
    return [variant for variant in framework.variants if variant.id in released.audiences]


def table(released, variant_id: str) -> AudienceTable:
    """KeyError where no one answered that variant."""
    comparison = released.audiences[variant_id]
    framework = released.round.framework_version.framework
    variant = framework.variant(variant_id)
    found = AudienceTable(
        variant=variant,
        name=audience_name(variant),
        shown=comparison.shown,
        threshold=comparison.threshold,
        points=comparison.points,
        respondents=comparison.respondents,
    )
    if not comparison.shown:
        return found
    asked = released.round.questionnaire(variant_id)
    rows = {}
    for pair in comparison.pairs:
        rows[pair.mirror] = Row(framework.statement(pair.statement), asked.statement(pair.mirror), pair)
    for theme in framework.themes:
        mine = [rows[pair.mirror] for pair in comparison.for_theme(theme.id)]
        if mine:
            found.themes.append((theme, mine))
    found.widest = [rows[pair.mirror] for pair in comparison.widest()]
    telling = comparison.most_telling
    found.most_telling = rows[telling.mirror] if telling is not None else None
    return found
