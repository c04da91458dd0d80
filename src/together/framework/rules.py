"""Rules that look across a whole framework, run once its structure is known to be sound."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from .schema import MAX_LEVELS, MIN_LEVELS, Framework, Text

# A framework's short form, where it has one, asks this many statements of every theme.
SHORT_FORM_PER_THEME = (1, 2)

Found = tuple[tuple[str | int, ...], str]


def check_rules(framework: Framework) -> Iterator[Found]:
    yield from _scale(framework)
    yield from _unique_ids(framework)
    yield from _findings(framework)
    yield from translation_claims(framework)
    yield from _priorities(framework)
    yield from _short_form(framework)
    yield from _variants(framework)


def _scale(framework: Framework) -> Iterator[Found]:
    levels = framework.scale.levels
    if not MIN_LEVELS <= len(levels) <= MAX_LEVELS:
        yield (
            ("scale", "levels"),
            f"bad scale: needs {MIN_LEVELS} to {MAX_LEVELS} levels, found {len(levels)}",
        )
        return
    for index, level in enumerate(levels):
        if level.value != index + 1:
            yield (
                ("scale", "levels", index, "value"),
                f"bad scale: levels must be numbered 1 to {len(levels)} in order; expected {index + 1}, "
                f"found {level.value}",
            )
    seen: dict[str, int] = {}
    for index, level in enumerate(levels):
        label = level.label.en.casefold()
        if label in seen:
            yield (
                ("scale", "levels", index, "label", "en"),
                f"bad scale: label {level.label.en!r} is already used by level {seen[label] + 1}",
            )
        seen.setdefault(label, index)


def _unique_ids(framework: Framework) -> Iterator[Found]:
    themes: dict[str, int] = {}
    statements: dict[str, tuple[int, int]] = {}
    actions: dict[str, tuple[int, int]] = {}
    findings: dict[str, int] = {}
    for f_index, finding in enumerate(framework.findings):
        if finding.id in findings:
            yield (
                ("findings", f_index, "id"),
                f"duplicate id {finding.id!r} (also findings[{findings[finding.id]}])",
            )
        findings.setdefault(finding.id, f_index)
    for t_index, theme in enumerate(framework.themes):
        if theme.id in themes:
            yield ("themes", t_index, "id"), f"duplicate id {theme.id!r} (also themes[{themes[theme.id]}])"
        themes.setdefault(theme.id, t_index)
        for s_index, statement in enumerate(theme.statements):
            if statement.id in statements:
                where = "themes[{}].statements[{}]".format(*statements[statement.id])
                yield (
                    ("themes", t_index, "statements", s_index, "id"),
                    f"duplicate id {statement.id!r} (also {where})",
                )
            statements.setdefault(statement.id, (t_index, s_index))
        for a_index, action in enumerate(theme.suggested_actions):
            if action.id in actions:
                where = "themes[{}].suggested_actions[{}]".format(*actions[action.id])
                yield (
                    ("themes", t_index, "suggested_actions", a_index, "id"),
                    f"duplicate id {action.id!r} (also {where})",
                )
            actions.setdefault(action.id, (t_index, a_index))
        in_theme: set[str] = set()
        for e_index, exemplar in enumerate(theme.exemplars):
            if exemplar.id in in_theme:
                yield (
                    ("themes", t_index, "exemplars", e_index, "id"),
                    f"exemplar {exemplar.id!r} is listed twice here",
                )
            in_theme.add(exemplar.id)
    # Exemplar ids name a place and may recur across themes, but must name the same place.
    places: dict[str, str] = {}
    for t_index, theme in enumerate(framework.themes):
        for e_index, exemplar in enumerate(theme.exemplars):
            place = places.setdefault(exemplar.id, exemplar.place.en)
            if place != exemplar.place.en:
                yield (
                    ("themes", t_index, "exemplars", e_index, "place", "en"),
                    f"exemplar {exemplar.id!r} is elsewhere called {place!r}",
                )


def _findings(framework: Framework) -> Iterator[Found]:
    known = {finding.id for finding in framework.findings}
    covered: set[str] = set()
    for t_index, theme in enumerate(framework.themes):
        for s_index, statement in enumerate(theme.statements):
            for f_index, finding in enumerate(statement.findings):
                if finding not in known:
                    yield (
                        ("themes", t_index, "statements", s_index, "findings", f_index),
                        f"unknown finding {finding!r} (not listed under findings)",
                    )
                covered.add(finding)
    # Findings are optional; where a framework lists them, each must be asked about.
    for f_index, finding in enumerate(framework.findings):
        if finding.id not in covered:
            yield ("findings", f_index, "id"), f"finding {finding.id!r} is not covered by any statement"


LANGUAGE_NAMES = {"en": "English", "cy": "Welsh"}
MISSING_LISTED = 20  # a file claiming "complete" with no Welsh at all would otherwise list every field


def missing_welsh(model: BaseModel) -> list[tuple[str | int, ...]]:
    """The paths of every text with no Welsh: a bilingual round cannot open while there are any."""
    return [path for path, text in texts(model) if not text.cy.strip()]


def texts(model: BaseModel, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Text]]:
    """Every text of a framework (or part of one), in the order of the file, with its path."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            where = (*path, name) if index is None else (*path, name, index)
            if isinstance(item, Text):
                yield where, item
            elif isinstance(item, BaseModel):
                yield from texts(item, where)


def translation_claims(framework: Framework) -> Iterator[Found]:
    """What ``translation_status`` says of a language must be true of the file's text."""
    if not framework.translation_status:
        return
    every = list(texts(framework))
    for language, status in framework.translation_status.items():
        name = LANGUAGE_NAMES[language]
        missing = [path for path, text in every if not getattr(text, language)]
        written = [path for path, text in every if getattr(text, language)]
        claim = ("translation_status", language)
        if status == "complete":
            for path in missing[:MISSING_LISTED]:
                yield (*path, language), f"{name} text is missing, but translation_status says {language}: complete"
            if len(missing) > MISSING_LISTED:
                counted = f"{len(missing)} texts have no {name}; the first {MISSING_LISTED} are listed"
                yield claim, f"says complete, but {counted}"
        elif status == "none" and written:
            advice = "say complete" if language == "en" else "say partial or complete"
            counted = f"{len(written)} of {len(every)} texts have {name}"
            yield (
                (*written[0], language),
                f"has {name} text, but translation_status says {language}: none ({counted}): {advice}",
            )
        elif status == "partial" and not missing:
            yield claim, f"says partial, but every text has {name}: say complete"
        elif status == "partial" and not written:
            yield claim, f"says partial, but no text has {name}: say none"


def _priorities(framework: Framework) -> Iterator[Found]:
    asked = framework.priority_themes
    if asked is not None and asked > len(framework.themes):
        yield (
            ("priority_themes",),
            f"asks respondents to choose {asked} priority themes, but the framework has only "
            f"{len(framework.themes)} theme(s): give a number from 1 to {len(framework.themes)}",
        )


def _short_form(framework: Framework) -> Iterator[Found]:
    """A short form, where statements are marked as one, must ask every theme, briefly."""
    if not framework.has_short_form:
        return
    least, most = SHORT_FORM_PER_THEME
    for t_index, theme in enumerate(framework.themes):
        marked = [s_index for s_index, statement in enumerate(theme.statements) if statement.short_form]
        if len(marked) < least:
            yield (
                ("themes", t_index, "statements"),
                f"theme {theme.id!r} has no statement in the short form: mark {least} or {most} of its statements "
                "short_form: true, since a pulse asks about every theme",
            )
        elif len(marked) > most:
            yield (
                ("themes", t_index, "statements", marked[most], "short_form"),
                f"theme {theme.id!r} has {len(marked)} statements in the short form: mark at most {most}, "
                "the ones that best stand for the theme",
            )


def _variants(framework: Framework) -> Iterator[Found]:
    """A variant's statements mirror the framework's; its ids are unique across the whole file
    (a round keeps everyone's answers by statement id); its scale counts as the framework's."""
    statements = {statement.id for statement in framework.statements}
    themes = {theme.id for theme in framework.themes}
    variants: dict[str, int] = {}
    taken: dict[str, str] = dict.fromkeys(statements, "the framework's statements")
    for v_index, variant in enumerate(framework.variants):
        here = ("variants", v_index)
        if variant.id in variants:
            yield (*here, "id"), f"duplicate id {variant.id!r} (also variants[{variants[variant.id]}])"
        variants.setdefault(variant.id, v_index)
        mirrored: dict[str, int] = {}
        covered: set[str] = set()
        for s_index, statement in enumerate(variant.statements):
            where = (*here, "statements", s_index)
            if statement.id in taken:
                yield (*where, "id"), f"duplicate id {statement.id!r} (also in {taken[statement.id]})"
            taken.setdefault(statement.id, f"variant {variant.id!r}")
            if statement.mirrors not in statements:
                yield (
                    (*where, "mirrors"),
                    f"mirrors {statement.mirrors!r}, which is not one of the framework's statements",
                )
                continue
            if statement.mirrors in mirrored:
                yield (
                    (*where, "mirrors"),
                    f"{statement.mirrors!r} is already mirrored by statements[{mirrored[statement.mirrors]}] "
                    "of this variant: a statement is mirrored at most once in each variant",
                )
            mirrored.setdefault(statement.mirrors, s_index)
            covered.add(framework.theme_of(statement.mirrors).id)
        seen: dict[str, int] = {}
        for t_index, theme in enumerate(variant.themes):
            where = (*here, "themes", t_index, "id")
            if theme.id not in themes:
                yield where, f"unknown theme {theme.id!r} (not one of the framework's themes)"
            elif theme.id in seen:
                yield where, f"theme {theme.id!r} is listed twice here (also themes[{seen[theme.id]}])"
            elif theme.id not in covered:
                yield where, f"theme {theme.id!r} has no statement in this variant, so its words would not be shown"
            seen.setdefault(theme.id, t_index)
        if variant.scale is not None:
            yield from _variant_scale(framework, variant.scale, (*here, "scale"))
        yield from _audience(variant, here)


AUDIENCE_NAMES = {"residents": "residents'", "easy_read": "an easy read", "young_people": "a young people's"}


def _audience(variant, here: tuple) -> Iterator[Found]:
    """What each audience's conventions ask of a variant: pictures with alternative text for easy
    read and young people, a word list for easy read, an age band and both "I don't know" and
    "I'd rather not say" for young people."""
    from .icons import ICONS

    kind = AUDIENCE_NAMES[variant.audience]
    for s_index, statement in enumerate(variant.statements):
        where = (*here, "statements", s_index)
        if statement.icon is not None and statement.icon not in ICONS:
            yield (*where, "icon"), f"unknown icon {statement.icon!r}: use one of {', '.join(sorted(ICONS))}"
        if statement.icon is not None and statement.icon_alt is None:
            yield (*where, "icon_alt"), "a picture needs icon_alt: the words a screen reader says for it"
        if statement.icon is None and statement.icon_alt is not None:
            yield (*where, "icon"), "icon_alt is given but no icon: name the picture, or remove icon_alt"
        if variant.pictured and statement.icon is None:
            yield (*where, "icon"), f"{kind} version needs a picture beside every statement: give it an icon"
    if variant.audience == "easy_read" and not variant.glossary:
        yield (*here, "glossary"), "an easy read version needs a glossary: the harder words it uses, explained"
    if variant.audience == "young_people":
        if variant.ages is None:
            yield (*here, "ages"), "a young people's version needs the age band it is written for, such as 8 to 11"
        if variant.scale is None or variant.scale.dont_know is None or variant.scale.rather_not_say is None:
            yield (
                (*here, "scale"),
                "a young people's version needs its own scale with both dont_know (\"I don't know\") and "
                'rather_not_say ("I\'d rather not say"), offered on every question',
            )
    if variant.ages is not None and variant.ages.youngest > variant.ages.oldest:
        yield (*here, "ages", "oldest"), f"the oldest age, {variant.ages.oldest}, is below the youngest"


def _variant_scale(framework: Framework, scale, here: tuple) -> Iterator[Found]:
    levels = scale.levels
    if not MIN_LEVELS <= len(levels) <= MAX_LEVELS:
        yield (*here, "levels"), f"bad scale: needs {MIN_LEVELS} to {MAX_LEVELS} levels, found {len(levels)}"
        return
    lowest, highest = framework.scale.minimum, framework.scale.maximum
    previous = None
    labels: dict[str, int] = {}
    for index, level in enumerate(levels):
        where = (*here, "levels", index)
        if level.value != index + 1:
            yield (
                (*where, "value"),
                f"bad scale: levels must be numbered 1 to {len(levels)} in order; expected {index + 1}, "
                f"found {level.value}",
            )
        label = level.label.en.casefold()
        if label in labels:
            yield (
                (*where, "label", "en"),
                f"bad scale: label {level.label.en!r} is already used by level {labels[label] + 1}",
            )
        labels.setdefault(label, index)
        if not lowest <= level.maps_to <= highest:
            yield (
                (*where, "maps_to"),
                f"maps to {level.maps_to}, which is not on the framework's scale ({lowest} to {highest})",
            )
        elif previous is not None and level.maps_to <= previous:
            yield (*where, "maps_to"), f"maps to {level.maps_to}: each level must map higher than the one before"
        previous = level.maps_to
    if levels[0].maps_to != lowest:
        yield (*here, "levels", 0, "maps_to"), f"the lowest level must map to the framework's lowest value, {lowest}"
    if levels[-1].maps_to != highest:
        yield (
            (*here, "levels", len(levels) - 1, "maps_to"),
            f"the highest level must map to the framework's highest value, {highest}",
        )
