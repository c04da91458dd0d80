"""How invitations and reminders are written, for the worker that sends them.

The worker calls these when it sends a message: the link (with the invitation's token) is made
from the invitation's seed then, so neither the token nor the words are stored in the queue.
"""

from __future__ import annotations

from django.db.models import F
from django.template.loader import render_to_string

from together.frameworks.models import FrameworkVersion
from together.messaging import kinds
from together.messaging.languages import email_languages, prefixed, write
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
    """In the invitee's language where it is known; else in both for a bilingual round or a
    partnership under the Welsh Language Standards (Welsh first there), else in English. Each
    part's link opens the questionnaire in its own language."""
    invitation = email.invitation
    round_ = invitation.round
    partnership = round_.partnership
    minutes = _minutes(round_.framework_version_id)

    def render(language: str) -> tuple[str, str]:
        context = {
            "invitation": invitation,
            "round": round_,
            "partnership": partnership,
            "link": prefixed(email.site, f"/i/{invitation.token}/", language),
            "minutes": minutes,
        }
        return (
            render_to_string(f"reviews/email/{template}_subject.txt", context),
            render_to_string(f"reviews/email/{template}.txt", context),
        )

    chosen = email_languages(
        invitation.language, welsh_standards=partnership.welsh_standards, bilingual=round_.bilingual
    )
    subject, body = write(chosen, render)
    return kinds.Letter(to_email=invitation.email, to_name=invitation.name, subject=subject, body=body)


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
