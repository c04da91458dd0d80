"""Partnerships, their partner organisations, respondent groups and members' roles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    LOCAL_AUTHORITY = "local-authority", _("Local authority")
    NHS = "nhs", _("NHS and health")
    POLICE = "police", _("Police")
    FIRE = "fire", _("Fire and rescue")
    HOUSING = "housing", _("Housing")
    EDUCATION = "education", _("Education")
    VOLUNTARY = "voluntary", _("Voluntary and community")
    BUSINESS = "business", _("Business")
    OTHER = "other", _("Other")


DEFAULT_GROUPS = (
    _("Senior leader"),
    _("Elected member"),
    _("Middle manager"),
    _("Frontline staff"),
    _("Service user or resident"),
    _("Other"),
)


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    FACILITATOR = "facilitator", _("Facilitator")
    VIEWER = "viewer", _("Viewer")


class Partnership(models.Model):
    name = models.CharField(_("name"), max_length=120)
    place = models.CharField(_("place"), max_length=120, help_text=_("The area it serves, such as a town or county."))
    description = models.TextField(_("description"), blank=True, max_length=2000)
    vision = models.TextField(_("shared long-term vision"), blank=True, max_length=2000)
    vision_horizon_year = models.PositiveSmallIntegerField(_("vision horizon year"), null=True, blank=True)
    welsh_standards = models.BooleanField(
        _("The Welsh Language Standards apply"),
        default=False,
        help_text=_(
            "For partnerships of Welsh public bodies. Its rounds are bilingual unless you choose otherwise, "
            "and emails whose reader's language is not known are sent in Welsh and English, Welsh first."
        ),
    )
    names_language = models.CharField(
        _("Language the partnership's names are written in"),
        max_length=2,
        choices=[("en", "English"), ("cy", "Cymraeg")],
        default="en",
        help_text=_(
            "The names of the partnership, its organisations, groups and rounds are marked in this language "
            "wherever a page is in the other, so that screen readers pronounce them correctly."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(_("name"), max_length=150)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="organisation_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class RespondentGroup(models.Model):
    """A level or role respondents may say they belong to, such as frontline staff."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="group_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's role on one partnership. Every facilitator page checks this, and only this."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "user"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} of {self.partnership}"


class MemberInvitation(models.Model):
    """An owner's invitation for a colleague to join. Only a hash of its token is stored, and only
    from when the worker sends the email (it makes the token then); until then there is none."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="member_invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    token_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} to {self.partnership}"
