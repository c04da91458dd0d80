"""Invitations, reminders and colleagues' emails in the reader's language: each invitee's own
where the file gives it, both (Welsh first under the Welsh Language Standards) where not; links
that open the service in the part's language; and a bilingual round that cannot open without its
Welsh."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.integration.helpers import complete_questionnaire, make_partnership, make_round
from together.messaging.worker import run_ready_tasks
from together.partnerships import services as partnerships
from together.reviews import invitations, lifecycle
from together.reviews.invitations import InvitationsInvalid
from together.reviews.models import Invitation, RoundState

pytestmark = pytest.mark.django_db

SITE = "https://review.example"
FILE = (
    b"name,email,organisation,language\n"
    b"Sam,sam@example.org,Northbridge Council,en\n"
    b"Eleri,eleri@example.org,Northbridge NHS,Cymraeg\n"
    b"Rhys,rhys@example.org,,\n"
)


@pytest.fixture
def partnership(facilitator):
    partnership = make_partnership(facilitator)
    partnership.welsh_standards = True
    partnership.save()
    return partnership


def sent(address: str):
    return next(m for m in mail.outbox if m.to[0] == address or m.to[0].endswith(f"<{address}>"))


def test_the_file_s_language_column_is_read_as_people_write_it(partnership, framework_version):
    round_ = make_round(partnership, framework_version)
    invitations.import_csv(round_, FILE)
    assert dict(Invitation.objects.values_list("email", "language")) == {
        "sam@example.org": "en",
        "eleri@example.org": "cy",
        "rhys@example.org": "",
    }
    with pytest.raises(InvitationsInvalid) as raised:
        invitations.import_csv(round_, b"email,language\nnew@example.org,French\n")
    assert [str(e) for e in raised.value.errors] == [
        "Row 2, column language: 'French' is not a language here: write en or cy (English or Welsh)"
    ]


def test_each_invitee_is_written_to_in_their_language_and_unknown_ones_in_both_welsh_first(
    client, partnership, framework_version
):
    round_ = make_round(partnership, framework_version)
    invitations.import_csv(round_, FILE)
    invitations.send_invitations(round_, SITE)
    run_ready_tasks()
    english, welsh, both = sent("sam@example.org"), sent("eleri@example.org"), sent("rhys@example.org")
    assert english.subject == "Northbridge Partnership: how well do we work together?"
    assert f"{SITE}/i/" in english.body and "/cy/i/" not in english.body and "Dear Sam," in english.body
    assert "Annwyl Eleri," in welsh.body and f"{SITE}/cy/i/" in welsh.body
    assert "Dear" not in welsh.body and "Start here" not in welsh.body
    # Not known: Welsh first, then English, each with its own link to the same invitation.
    assert both.subject.endswith(" / Northbridge Partnership: how well do we work together?")
    assert both.subject != english.subject and not both.subject.startswith("Northbridge Partnership: how")
    body = both.body
    assert body.index("Annwyl Rhys,") < body.index("Dear Rhys,")
    assert body.startswith("Mae fersiwn Saesneg o'r neges hon isod.")
    welsh_link = next(line for line in body.splitlines() if line.startswith(f"{SITE}/cy/i/"))
    english_link = next(line for line in body.splitlines() if line.startswith(f"{SITE}/i/"))
    assert welsh_link.replace("/cy/i/", "/i/") == english_link
    # The Welsh link works, and opens the questionnaire in Welsh.
    opened = client.get(welsh_link.removeprefix(SITE))
    assert opened.status_code == 303 and opened["Location"].startswith("/cy/respond/")


def test_reminders_follow_the_same_languages(client, partnership, framework_version):
    round_ = make_round(partnership, framework_version)
    invitations.import_csv(round_, FILE)
    invitations.send_invitations(round_, SITE)
    run_ready_tasks()
    token = (
        next(line for line in sent("sam@example.org").body.splitlines() if line.startswith(f"{SITE}/i/"))
        .rstrip("/")
        .rsplit("/", 1)[1]
    )
    complete_questionnaire(client, round_, f"/i/{token}/")
    mail.outbox.clear()
    assert invitations.send_reminders(round_, SITE) == 2
    run_ready_tasks()
    assert "/cy/i/" in sent("eleri@example.org").body and f"{SITE}/i/" not in sent("eleri@example.org").body
    both = sent("rhys@example.org")
    assert "/cy/i/" in both.body and f"{SITE}/i/" in both.body and " / " in both.subject


def test_without_the_standards_an_english_round_writes_in_english_and_a_bilingual_one_english_first(
    facilitator, framework_version
):
    plain = make_partnership(facilitator, name="Eastfield Partnership")
    round_ = make_round(plain, framework_version)
    invitations.import_csv(round_, b"email\nanon@example.org\n")
    invitations.send_invitations(round_, SITE)
    run_ready_tasks()
    only = sent("anon@example.org")
    assert "/cy/" not in only.body and " / " not in only.subject
    mail.outbox.clear()
    bilingual = make_round(plain, framework_version)
    bilingual.bilingual = True
    bilingual.save()
    invitations.import_csv(bilingual, b"email\nanon@example.org\n")
    invitations.send_invitations(bilingual, SITE)
    run_ready_tasks()
    body = sent("anon@example.org").body
    assert body.startswith("A Welsh version of this message follows.")
    assert body.index(f"{SITE}/i/") < body.index(f"{SITE}/cy/i/")


def test_a_colleague_s_invitation_is_bilingual_welsh_first_under_the_standards(partnership, facilitator):
    partnerships.invite_member(partnership, "colleague@example.org", "facilitator", facilitator, SITE)
    run_ready_tasks()
    letter = sent("colleague@example.org")
    assert letter.body.index(f"{SITE}/cy/join/") < letter.body.index(f"{SITE}/join/")
    assert " / " in letter.subject


def test_a_bilingual_round_does_not_open_until_every_text_has_welsh(client, facilitator, partnership):
    from tests.conftest import MINIMAL_FILE  # an English-only framework
    from together.frameworks.services import load

    version = load(MINIMAL_FILE).version
    round_ = make_round(partnership, version, open_=False)
    round_.bilingual = True
    round_.save()
    with pytest.raises(lifecycle.TransitionRefused) as refused:
        lifecycle.apply(round_, "open", facilitator)
    assert "has no Welsh yet" in str(refused.value) or "have no Welsh yet" in str(refused.value)
    round_.refresh_from_db()
    assert round_.state == RoundState.DRAFT
    client.force_login(facilitator)
    page = client.get(f"/partnerships/{partnership.pk}/rounds/{round_.pk}/").content.decode()
    assert "no Welsh yet: the round cannot open" in page
    # Made English only, it opens.
    round_.bilingual = False
    round_.save()
    lifecycle.apply(round_, "open", facilitator)
    round_.refresh_from_db()
    assert round_.state == RoundState.OPEN


def test_a_round_of_the_shipped_framework_can_be_bilingual_and_open(facilitator, partnership, framework_version):
    round_ = make_round(partnership, framework_version, open_=False)
    round_.bilingual = True
    round_.save()
    lifecycle.apply(round_, "open", facilitator)
    round_.refresh_from_db()
    assert round_.state == RoundState.OPEN


def test_new_rounds_of_a_partnership_under_the_standards_are_bilingual_unless_chosen_otherwise(
    client, facilitator, partnership, framework_version
):
    client.force_login(facilitator)
    form = client.get(f"/partnerships/{partnership.pk}/rounds/new/").content.decode()
    assert 'name="bilingual" type="checkbox" value="on" checked' in form
    partnership.welsh_standards = False
    partnership.save()
    form = client.get(f"/partnerships/{partnership.pk}/rounds/new/").content.decode()
    assert 'name="bilingual" type="checkbox" value="on" aria-describedby' in form
