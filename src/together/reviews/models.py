"""Review rounds, invitations and anonymous responses.

Anonymity is built into the schema, not left to good behaviour:

- A :class:`Response` has no user, name, email, token or internet address, and its primary key
  is random, so neither columns nor ordering say who answered or when.
- While a response is a draft it is found by ``resume_digest``, a keyed hash of the random key
  held by the one browser answering it, and an invitation's draft also by ``invitation_digest``,
  a keyed hash of the invitation's token. Both are erased on submission, so a submitted response
  cannot be found from any token or link.
- Nothing about a response is written to :class:`Invitation`. Whether an invitation has
  responded is worked out from :class:`UsedKey`, the keyed hashes of keys that have submitted
  (for an invitation, of its token), which also make repeat submissions harmless and lead
  nowhere.
- Dates are kept to the day.
- When a round closes its sent responses' rows are moved to an order drawn at random, so that
  neither transaction ids nor places in the file say who sent when (:mod:`.reseal`).
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from together.frameworks.models import FrameworkVersion
from together.partnerships.models import Organisation, Partnership, RespondentGroup


class RoundState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class RoundKind(models.TextChoices):
    """A full review asks every statement; a pulse asks only the framework's short form."""

    FULL = "full", _("Full review")
    PULSE = "pulse", _("Pulse")


# A framework version's short form, by its content hash: worked out once per process.
_short_forms: dict[str, object] = {}
_variant_forms: dict[tuple[str, str], object] = {}


class Round(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("name"), max_length=120)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    framework_version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="rounds")
    state = models.CharField(max_length=12, choices=RoundState.choices, default=RoundState.DRAFT, editable=False)
    open_link_code = models.CharField(max_length=43, unique=True, editable=False)
    open_link_enabled = models.BooleanField(
        _("accept answers through the open link"),
        default=True,
        help_text=_("Anyone with the link can answer. Turn off to accept personal invitations only."),
    )
    closes_on = models.DateField(_("closing date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Chosen when the round is created, and fixed once it opens, as its framework version is.
    kind = models.CharField(max_length=8, choices=RoundKind.choices, default=RoundKind.FULL, editable=False)
    bilingual = models.BooleanField(
        _("Bilingual: in Welsh and English"),
        default=False,
        help_text=_(
            "Respondents choose Welsh or English, and invitations whose reader's language is not known are "
            "sent in both. The round cannot open until every text of its questions has Welsh."
        ),
    )
    # When the answers were given, where the round holds another tool's earlier survey: from the
    # file's dates or as the officer entered them. Empty for a round that collects answers here.
    fieldwork_from = models.DateField(_("fieldwork began"), null=True, blank=True, editable=False)
    fieldwork_to = models.DateField(_("fieldwork ended"), null=True, blank=True, editable=False)
    # What rounds are ordered by everywhere (lists, Change over time, trends, the API): the day an
    # imported survey's fieldwork began, else when the round was created. Kept by save().
    began_at = models.DateTimeField(null=True, editable=False, db_index=True)

    class Meta:
        ordering = ["-began_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.partnership})"

    def save(self, *args, **kwargs):
        if not self._state.adding and self.state != RoundState.DRAFT:
            pinned = Round.objects.filter(pk=self.pk).values_list("framework_version_id", "kind").first()
            if pinned is not None and pinned != (self.framework_version_id, self.kind):
                raise ValueError("the questions of a round cannot change once it has opened")
        self.began_at = self.period_start()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"fieldwork_from", "created_at"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "began_at"}
        super().save(*args, **kwargs)

    def period_start(self) -> datetime.datetime:
        """Where the round falls in the partnership's history: the first day of an imported
        survey's fieldwork (from midnight UTC), else when the round was created."""
        if self.fieldwork_from is not None:
            return datetime.datetime.combine(self.fieldwork_from, datetime.time(), tzinfo=datetime.UTC)
        return self.created_at or timezone.now()

    @property
    def imported_period(self) -> bool:
        return self.fieldwork_from is not None

    @property
    def framework(self):
        """The framework as this round asks it: the whole framework for a full review, its short
        form for a pulse. Questionnaire, results, releases and reports all read the round's
        statements from here, so a pulse's never include a statement it did not ask."""
        version = self.framework_version
        if self.kind != RoundKind.PULSE:
            return version.framework
        short = _short_forms.get(version.content_hash)
        if short is None:
            short = _short_forms[version.content_hash] = version.framework.short_form()
        return short

    def questionnaire(self, variant: str = ""):
        """The framework as a respondent answers it: the round's own (:attr:`framework`), or, for
        someone who came through a variant's link (see :class:`VariantLink`), that variant as a
        framework of its own, with its own statement ids (``Framework.as_variant``)."""
        if not variant:
            return self.framework
        version = self.framework_version
        key = (version.content_hash, variant)
        found = _variant_forms.get(key)
        if found is None:
            found = _variant_forms[key] = version.framework.as_variant(variant)
        return found

    @property
    def is_pulse(self) -> bool:
        return self.kind == RoundKind.PULSE

    @property
    def accepting_answers(self) -> bool:
        return self.state == RoundState.OPEN


class VariantLink(models.Model):
    """A round's link for another audience, such as residents: whoever follows it answers the
    framework's variant ``variant`` (its own statements, each mirroring one of the framework's),
    and their answers are kept apart from the partners' and set beside them in the results."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="variant_links")
    variant = models.CharField(max_length=80)
    code = models.CharField(max_length=43, unique=True, editable=False)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["variant"]
        constraints = [models.UniqueConstraint(fields=["round", "variant"], name="variant_link_once_per_round")]

    def __str__(self) -> str:
        return f"{self.round} ({self.variant})"


class RoundEvent(models.Model):
    """The log of a round's state changes: who moved it, from where, to where, when."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=12, choices=RoundState.choices)
    to_state = models.CharField(max_length=12, choices=RoundState.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.round}: {self.from_state} to {self.to_state}"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    WELSH = "cy", "Cymraeg"


class Invitation(models.Model):
    """A personal invitation. Holds who was invited, never what they answered."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    name = models.CharField(max_length=150, blank=True)
    email = models.EmailField()
    # The language the invitee reads, where known: their emails are in it. Empty: not known, so
    # a bilingual round's emails are in both languages.
    language = models.CharField(max_length=2, choices=Language.choices, blank=True, default="")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True)
    seed = models.CharField(max_length=32, unique=True, editable=False)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["round", "email"], name="invitation_email_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def token(self) -> str:
        from .keys import invitation_token

        return invitation_token(self.seed)


class ResponseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper")


class Response(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    state = models.CharField(max_length=10, choices=ResponseState.choices, default=ResponseState.DRAFT)
    # NULL, not "", once submitted: many submitted responses must share "no digest" under a unique index.
    resume_digest = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001
    # A personal invitation's draft: found from the invitation's token (keys.invitation_draft_digest)
    # whichever browser holds it, and what is recorded in UsedKey for the invitation once it is sent
    # (keys.used_digest of the token). NULL for the open link, and for every sent response.
    invitation_digest = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001
    used_digest = models.CharField(max_length=64, null=True, editable=False)  # noqa: DJ001
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True)
    group = models.ForeignKey(RespondentGroup, on_delete=models.PROTECT, null=True, blank=True)
    about_done = models.BooleanField(default=False)
    themes_done = models.JSONField(default=list)
    priorities_done = models.BooleanField(default=False)
    updated_on = models.DateField()
    submitted_on = models.DateField(null=True, blank=True)
    # Whether closing has moved this sent response's rows to a place drawn at random (see
    # together.reviews.reseal); a round's results wait until all of its responses are sealed.
    sealed = models.BooleanField(default=False, db_default=False, editable=False)
    # How the answers came: through the questionnaire, or keyed in from a returned paper form.
    channel = models.CharField(
        max_length=8, choices=Channel.choices, default=Channel.ONLINE, db_default=Channel.ONLINE, editable=False
    )
    # The language the answers were sent in ("en" or "cy"): the language of the page the
    # respondent sent them from. Nothing else about the respondent's browser is kept.
    language = models.CharField(
        max_length=2, choices=[("en", "English"), ("cy", "Cymraeg")], default="en", db_default="en", editable=False
    )

    # The framework's variant answered (see VariantLink), or empty for the framework itself, as
    # partners answer it. Says only which questionnaire was answered, as the channel does.
    variant = models.CharField(max_length=80, blank=True, default="", db_default="", editable=False)

    class Meta:
        ordering = ["id"]
        # With "sealed" last, whether a round has responses still to seal is one look.
        indexes = [models.Index(fields=["round", "state", "sealed"], name="response_round_state_sealed")]

    def __str__(self) -> str:
        return "Response"  # deliberately says nothing that could identify it


class Answer(models.Model):
    """One rating. ``value`` is empty for "don't know".

    Where the framework asks a second question (``questions`` in its file), ``target`` holds
    where the respondent wants the partnership to be in a year, on the same scale; empty for
    "don't know", and always empty for a framework that asks one question.

    The round, and the organisation and group the respondent chose, are copied here when the
    response is submitted (``submitted``), so that the results' GROUP BY reads one table through
    one covering index instead of joining a million answers to their responses.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No single-column indexes on response or round: the unique constraint starts with response
    # and the histogram index with round, so each extra index would only slow every insert.
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", db_index=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+", db_index=False)
    statement_id = models.CharField(max_length=80)
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    submitted = models.BooleanField(default=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    group = models.ForeignKey(RespondentGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    target = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "statement_id"], name="answer_statement_unique"),
        ]
        indexes = [
            models.Index(
                fields=["round", "statement_id", "organisation", "group", "value", "submitted"],
                name="answer_histogram",
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}: {self.value}"


class Comment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="comments")
    theme_id = models.CharField(max_length=80)
    text = models.TextField(max_length=2000)
    hidden = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "theme_id"], name="comment_theme_unique"),
        ]

    def __str__(self) -> str:
        return f"Comment on {self.theme_id}"


class CommentModeration(models.Model):
    """Why a facilitator hid or restored a comment. Comments are never edited, only hidden."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Hidden")
        SHOW = "show", _("Shown again")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="moderation")
    action = models.CharField(max_length=4, choices=Action.choices)
    reason = models.CharField(max_length=500)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.reason}"


class Priority(models.Model):
    """A theme the respondent chose as one of the three most in need of attention now."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="priorities", db_index=False)
    theme_id = models.CharField(max_length=80)
    # Copied on submission, as for Answer, so counting choices needs no join. As there, the
    # unique constraint and the counting index already cover response and round.
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+", db_index=False)
    submitted = models.BooleanField(default=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    group = models.ForeignKey(RespondentGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "theme_id"], name="priority_theme_unique"),
        ]
        indexes = [
            models.Index(fields=["round", "theme_id", "organisation", "group", "submitted"], name="priority_counts")
        ]

    def __str__(self) -> str:
        return self.theme_id


class UsedKey(models.Model):
    """Keyed hashes of respondent keys that have submitted, so a repeat is recognised, not stored.

    A sent invitation's draft leaves two: one of the key its last browser held, so that browser's
    repeat is recognised, and one of the invitation's token, which is how the invitation is known
    to have responded (see :func:`together.reviews.invitations.responded`).
    """

    digest = models.CharField(max_length=64, primary_key=True)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return "Used key"


class RateLimitWindow(models.Model):
    """Requests counted per client and purpose in fixed windows.

    The key is a keyed hash, so no address is kept.
    """

    key = models.CharField(max_length=64, primary_key=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.hits} hits"
