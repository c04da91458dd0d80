"""The shape of a framework file, as pydantic models.

Structure lives here; rules that look across the whole file (unique ids, coverage of
findings, the numbering of the scale) live in :mod:`together.framework.rules`, so that a
structural problem is reported with the exact field that causes it.

Research content (the source, findings, exemplars, suggested actions, why a theme matters, what
good looks like, guidance) is optional: a partnership's own framework may have no research
base. Absent text is ``None`` and absent lists are empty, so pages show only what exists. The
shipped framework's content tests require all of it there.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

LANGUAGES = ("en", "cy")
# A scale has from MIN_LEVELS to MAX_LEVELS levels, numbered 1 to N in order. Two levels make a
# yes/no checklist; beyond seven, people cannot tell neighbouring levels apart reliably.
MIN_LEVELS = 2
MAX_LEVELS = 7
SCALE_LEVELS = (MIN_LEVELS, MAX_LEVELS)
TranslationStatus = Literal["complete", "partial", "none"]
DEFAULT_PRIORITY_THEMES = 3

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", max_length=80)]


class _Strict(BaseModel):
    """Unknown keys are errors: a misspelt key must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Text(_Strict):
    """A piece of text in English and Welsh. Welsh may be empty; readers then get English."""

    en: str
    cy: str = ""

    @field_validator("en")
    @classmethod
    def _english_present(cls, value: str) -> str:
        if not value:
            raise PydanticCustomError("missing_english", "English text is missing")
        return value

    def get(self, language: str = "en") -> str:
        if language.startswith("cy") and self.cy:
            return self.cy
        return self.en

    def falls_back(self, language: str) -> bool:
        """True when a Welsh reader is shown English because no Welsh exists yet."""
        return language.startswith("cy") and not self.cy

    def __str__(self) -> str:
        return self.en


class Finding(_Strict):
    id: Slug
    text: Text


class ScaleLevel(_Strict):
    value: int
    label: Text
    description: Text | None = None


class DontKnow(_Strict):
    """The answer for "I cannot say". Without one, every statement needs a rating."""

    label: Text
    description: Text | None = None


class Scale(_Strict):
    levels: list[ScaleLevel]
    dont_know: DontKnow | None = None
    # A second answer that gives no rating: "I'd rather not say" (young people's surveys offer
    # both). Kept as 0, counted as neither a rating nor "don't know". Left out of the content
    # when absent, so files written before it existed keep their content hash.
    rather_not_say: DontKnow | None = Field(default=None, exclude_if=lambda label: label is None)

    @property
    def points(self) -> int:
        return len(self.levels)

    @property
    def midpoint(self) -> float:
        return (self.minimum + self.maximum) / 2

    def at_share(self, share: float) -> float:
        """The score at this share of the way up the scale: 0 is its lowest level, 1 its highest."""
        return self.minimum + share * (self.maximum - self.minimum)

    @property
    def lowest(self) -> ScaleLevel:
        return self.levels[0]

    @property
    def highest(self) -> ScaleLevel:
        return self.levels[-1]

    @property
    def minimum(self) -> int:
        return self.levels[0].value

    @property
    def maximum(self) -> int:
        return self.levels[-1].value

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(level.value for level in self.levels)

    def level(self, value: int) -> ScaleLevel:
        for level in self.levels:
            if level.value == value:
                return level
        raise KeyError(value)


class Question(_Strict):
    """What respondents are asked of each statement: a short prompt, and an optional hint."""

    prompt: Text
    hint: Text | None = None


class Questions(_Strict):
    """Two ratings of every statement, as maturity matrices ask: where the partnership is now
    (``current``) and where it wants to be in a year (``target``). Both use the framework's scale.
    Without this block each statement has one rating, of where the partnership is now."""

    current: Question
    target: Question


class Exemplar(_Strict):
    id: Slug
    place: Text
    text: Text


class SuggestedAction(_Strict):
    id: Slug
    text: Text


class Statement(_Strict):
    id: Slug
    text: Text
    guidance: Text | None = None
    findings: list[Slug] = Field(default_factory=list)
    # Part of the framework's short form, the statements a pulse round asks (see
    # Framework.short_form). Left out of the content when false, so files written before the
    # short form existed keep their content hash.
    short_form: bool = Field(default=False, exclude_if=lambda marked: not marked)


class VariantLevel(_Strict):
    """A level of a variant's own answer scale, and the framework scale's value it counts as."""

    value: int
    label: Text
    description: Text | None = None
    maps_to: int


class VariantScale(_Strict):
    """A variant's own answers (such as "Agree" to "Disagree" for residents), numbered 1 to N like
    the framework's, each counted as a value of the framework's scale when the two are compared."""

    levels: list[VariantLevel]
    dont_know: DontKnow | None = None
    rather_not_say: DontKnow | None = Field(default=None, exclude_if=lambda label: label is None)

    @property
    def points(self) -> int:
        return len(self.levels)

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(level.value for level in self.levels)

    def as_scale(self) -> Scale:
        """The variant's answers as a scale of their own, as its questionnaire shows them."""
        return Scale(
            levels=[ScaleLevel(value=lv.value, label=lv.label, description=lv.description) for lv in self.levels],
            dont_know=self.dont_know,
            rather_not_say=self.rather_not_say,
        )


class VariantTheme(_Strict):
    """A theme's title and summary in the variant's own words; the theme itself is the framework's."""

    id: Slug
    title: Text
    summary: Text


class VariantStatement(_Strict):
    """A statement written for the variant's audience, mirroring one of the framework's. An easy
    read or young people's statement has a picture beside it: one of the service's own icons
    (:data:`together.framework.icons.ICONS`), with the words a screen reader says for it."""

    id: Slug
    mirrors: Slug
    text: Text
    guidance: Text | None = None
    # Left out of the content when absent, as are a variant's other later additions below.
    icon: Slug | None = Field(default=None, exclude_if=lambda icon: icon is None)
    icon_alt: Text | None = Field(default=None, exclude_if=lambda alt: alt is None)


class GlossaryEntry(_Strict):
    """A word the questionnaire uses, explained in plain words (easy read keeps a word list)."""

    term: Text
    meaning: Text


class Ages(_Strict):
    """The age band a young people's version is written for, such as 8 to 11."""

    youngest: int = Field(ge=5, le=25)
    oldest: int = Field(ge=5, le=25)


# Residents: plain English. Easy read: short sentences, one idea each, a picture for each
# statement, a word list, large text. Young people: written for an age band, with pictures.
Audience = Literal["residents", "easy_read", "young_people"]
AUDIENCES = ("residents", "easy_read", "young_people")


class Variant(_Strict):
    """Another version of the questionnaire, for people outside the partnership (``audience``).

    Its statements each mirror one of the framework's, in the same themes, so that what they say
    can be set beside what partners say. Its ids are stable across versions of the file, like the
    framework's own, and unique across the whole file."""

    id: Slug
    audience: Audience
    title: Text
    introduction: Text
    scale: VariantScale | None = None
    ages: Ages | None = Field(default=None, exclude_if=lambda ages: ages is None)
    glossary: list[GlossaryEntry] = Field(default_factory=list, exclude_if=lambda glossary: not glossary)
    themes: list[VariantTheme] = Field(default_factory=list)
    statements: list[VariantStatement] = Field(min_length=1)

    def statement(self, statement_id: str) -> VariantStatement:
        for statement in self.statements:
            if statement.id == statement_id:
                return statement
        raise KeyError(statement_id)

    @property
    def pictured(self) -> bool:
        """Whether each statement has a picture beside it (easy read and young people)."""
        return self.audience in ("easy_read", "young_people")

    def mirrored(self) -> dict[str, str]:
        """The variant's statement ids → the framework statement each mirrors."""
        return {statement.id: statement.mirrors for statement in self.statements}

    def maps_to(self, value: int) -> int:
        """The framework scale's value that an answer of ``value`` counts as."""
        if self.scale is None:
            return value
        for level in self.scale.levels:
            if level.value == value:
                return level.maps_to
        raise KeyError(value)


class Theme(_Strict):
    id: Slug
    title: Text
    summary: Text
    why_it_matters: Text | None = None
    what_good_looks_like: Text | None = None
    exemplars: list[Exemplar] = Field(default_factory=list)
    suggested_actions: list[SuggestedAction] = Field(default_factory=list)
    statements: list[Statement] = Field(min_length=1)


class Framework(_Strict):
    format: Literal[1]
    id: Slug
    # What the file claims about each language's text; a claim is checked (rules.translation_claims).
    # Left out of the content when empty, so files that make no claim keep their content hash.
    translation_status: dict[Literal["en", "cy"], TranslationStatus] = Field(
        default_factory=dict, exclude_if=lambda status: not status
    )
    title: Text
    summary: Text
    source: Text | None = None
    findings: list[Finding] = Field(default_factory=list)
    # How many themes each respondent may choose as most in need of attention now; absent, 3
    # (or every theme, when there are fewer). See :attr:`priority_count`.
    priority_themes: int | None = Field(default=None, ge=1)
    scale: Scale
    # Absent: one rating per statement. Present: a current and a target rating (see Questions).
    questions: Questions | None = None
    themes: list[Theme] = Field(min_length=1)
    # Versions of the questionnaire for other audiences (see Variant). Left out of the content
    # when empty, so files written before variants existed keep their content hash.
    variants: list[Variant] = Field(default_factory=list, exclude_if=lambda variants: not variants)

    @property
    def asks_target(self) -> bool:
        """Whether each statement also asks where the partnership wants to be in a year."""
        return self.questions is not None

    @property
    def priority_count(self) -> int:
        """The most themes a respondent may choose as needing attention now."""
        if self.priority_themes is not None:
            return self.priority_themes
        return min(DEFAULT_PRIORITY_THEMES, len(self.themes))

    @property
    def statements(self) -> list[Statement]:
        return [statement for theme in self.themes for statement in theme.statements]

    @property
    def has_short_form(self) -> bool:
        """Whether the framework marks statements as its short form, so a pulse round can ask it."""
        return any(statement.short_form for statement in self.statements)

    def short_form(self) -> Framework:
        """The framework as a pulse round asks it: every theme, with only its short-form
        statements. Everything else (scale, questions, exemplars, actions) is as in the full form.
        Only for a framework that has a short form (the rules then give every theme one or two)."""
        if not self.has_short_form:
            raise ValueError(f"the framework {self.id!r} has no short form")
        themes = [
            theme.model_copy(update={"statements": [s for s in theme.statements if s.short_form]})
            for theme in self.themes
        ]
        return self.model_copy(update={"themes": themes})

    def variant(self, variant_id: str) -> Variant:
        for variant in self.variants:
            if variant.id == variant_id:
                return variant
        raise KeyError(variant_id)

    def as_variant(self, variant_id: str) -> Framework:
        """The questionnaire a variant's audience answers, as a framework of its own: the themes
        the variant has statements in, in the framework's order, titled in the variant's words
        where it gives them, each with the variant's statements (with their own ids) in the
        order of the statements they mirror; the variant's scale where it has one; one rating
        per statement, and no research content, priorities or variants of its own."""
        variant = self.variant(variant_id)
        order = {statement.id: index for index, statement in enumerate(self.statements)}
        retitled = {theme.id: theme for theme in variant.themes}
        themes = []
        for theme in self.themes:
            mine = {s.id for s in theme.statements}
            statements = sorted((s for s in variant.statements if s.mirrors in mine), key=lambda s: order[s.mirrors])
            if not statements:
                continue
            words = retitled.get(theme.id)
            themes.append(
                Theme(
                    id=theme.id,
                    title=words.title if words else theme.title,
                    summary=words.summary if words else theme.summary,
                    statements=[Statement(id=s.id, text=s.text, guidance=s.guidance) for s in statements],
                )
            )
        return Framework(
            format=self.format,
            id=self.id,
            title=variant.title,
            summary=variant.introduction,
            scale=variant.scale.as_scale() if variant.scale is not None else self.scale,
            themes=themes,
        )

    def statement(self, statement_id: str) -> Statement:
        for statement in self.statements:
            if statement.id == statement_id:
                return statement
        raise KeyError(statement_id)

    def theme(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)

    def theme_of(self, statement_id: str) -> Theme:
        for theme in self.themes:
            if any(statement.id == statement_id for statement in theme.statements):
                return theme
        raise KeyError(statement_id)

    def finding(self, finding_id: str) -> Finding:
        for finding in self.findings:
            if finding.id == finding_id:
                return finding
        raise KeyError(finding_id)

    def exemplars(self) -> list[Exemplar]:
        """Every exemplar once, in the order first met (a place may illustrate several themes)."""
        seen: dict[str, Exemplar] = {}
        for theme in self.themes:
            for exemplar in theme.exemplars:
                seen.setdefault(exemplar.id, exemplar)
        return list(seen.values())
