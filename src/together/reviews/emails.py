"""How invitations and reminders are written, for the worker that sends them.

The worker calls these when it sends a message: the link (with the invitation's token) is made
from the invitation's seed then, so neither the token nor the words are stored in the queue.
"""

from __future__ import annotations

from django.db.models import F
from django.template.loader import render_to_string

from together.frameworks.models import FrameworkVersion
from together.messaging import kinds
from together.messaging.models import Kind

from .models import Invitation
from .questionnaire import answering_minutes

# Minutes to answer, by framework version's content: versions never change, and a batch of
# invitations shares one, so its content is read at most once a process.
_answering_minutes: dict[str, int] = {}


def _minutes(version_id: int) -> int:
    version = FrameworkVersion.objects.only("content_hash").get(pk=version_id)
    if version.content_hash not in _answering_minutes:
        _answering_minutes[version.content_hash] = answering_minutes(version.framework)
    return _answering_minutes[version.content_hash]


def _letter(email, template: str) -> kinds.Letter:
    invitation = email.invitation
    context = {
        "invitation": invitation,
        "round": invitation.round,
        "partnership": invitation.round.partnership,
        "link": f"{email.site}/i/{invitation.token}/",
        "minutes": _minutes(invitation.round.framework_version_id),
    }
    return kinds.Letter(
        to_email=invitation.email,
        to_name=invitation.name,
        subject=render_to_string(f"reviews/email/{template}_subject.txt", context),
        body=render_to_string(f"reviews/email/{template}.txt", context),
    )


def _invited(emails, at) -> None:
    Invitation.objects.filter(pk__in=[e.invitation_id for e in emails], sent_at__isnull=True).update(sent_at=at)


def _reminded(emails, at) -> None:
    Invitation.objects.filter(pk__in=[e.invitation_id for e in emails]).update(
        reminders_sent=F("reminders_sent") + 1, last_reminded_at=at
    )


def register() -> None:
    related = ("invitation__round__partnership",)
    kinds.register(Kind.INVITATION, kinds.Handler(lambda e: _letter(e, "invitation"), _invited, related))
    kinds.register(Kind.REMINDER, kinds.Handler(lambda e: _letter(e, "reminder"), _reminded, related))
