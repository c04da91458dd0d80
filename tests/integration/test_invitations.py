"""Personal invitations: a CSV checked row by row, all or nothing; emails, reminders and response rates."""

import pytest
from django.core import mail

from tests.integration.helpers import complete_questionnaire, make_partnership, make_round
from together.messaging.worker import run_ready_tasks
from together.reviews import invitations
from together.reviews.invitations import InvitationsInvalid
from together.reviews.models import Invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(facilitator, framework_version):
    return make_round(make_partnership(facilitator), framework_version)


def errors(round_, data: bytes) -> list[str]:
    with pytest.raises(InvitationsInvalid) as raised:
        invitations.import_csv(round_, data)
    assert not Invitation.objects.exists(), "nothing is imported when a row is wrong"
    return [str(error) for error in raised.value.errors]


def test_a_valid_file_creates_one_invitation_per_row(round_):
    created = invitations.import_csv(
        round_,
        b"name,email,organisation\nSam Patel,Sam@Example.org,northbridge council\nAli Jones,ali@example.org,\n",
    )
    assert [(i.name, i.email, str(i.organisation)) for i in created] == [
        ("Sam Patel", "sam@example.org", "Northbridge Council"),
        ("Ali Jones", "ali@example.org", "None"),
    ]


@pytest.mark.parametrize(
    "data",
    [
        "\ufeffname,email\nSam,sam@example.org\n".encode(),
        "name;email;organisation\nSéan Ó Briain;sean@example.org;Northbridge NHS\n".encode("cp1252"),
        b"email\r\nsam@example.org\r\n\r\n",
    ],
    ids=["utf-8 with BOM", "windows-1252 with semicolons", "crlf and blank lines"],
)
def test_encodings_and_delimiters_people_actually_use(round_, data):
    assert len(invitations.import_csv(round_, data)) == 1


def test_windows_1252_names_are_decoded(round_):
    created = invitations.import_csv(round_, "name;email\nSéan;sean@example.org\n".encode("cp1252"))
    assert created[0].name == "Séan"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", ["Row 1: the file is empty"]),
        (
            b"name,organisation\nSam,Northbridge NHS\n",
            ["Row 1: the header must have an email column (and may have name, organisation and language)"],
        ),
        (
            b"email,phone\na@example.org,0123\n",
            ["Row 1, column phone: unknown column; use name, email, organisation and language"],
        ),
        (
            b"email,email\na@example.org,b@example.org\n",
            ["Row 1, column email: this column appears more than once"],
        ),
        (b"email\n", ["Row 2: the file has a header but no invitations"]),
        (
            b"name,email,organisation\nSam,not-an-email,Northbridge NHS\nAli,,\nJo,jo@example.org,Atlantis Council\n",
            [
                "Row 2, column email: 'not-an-email' is not an email address",
                "Row 3, column email: is empty",
                "Row 4, column organisation: 'Atlantis Council' is not a partner organisation",
            ],
        ),
        (
            b"email\nsam@example.org\nSAM@example.org\n",
            ["Row 3, column email: sam@example.org is already on row 2"],
        ),
        (b"name,email\nSam,sam@example.org,extra\n", ["Row 2: has 3 values but the header has 2 columns"]),
    ],
    ids=[
        "empty",
        "no email column",
        "unknown column",
        "duplicate header",
        "no rows",
        "bad values",
        "repeat",
        "ragged",
    ],
)
def test_every_problem_names_row_column_and_reason(round_, data, expected):
    assert errors(round_, data) == expected


def test_someone_already_invited_is_refused(round_):
    invitations.import_csv(round_, b"email\nsam@example.org\n")
    with pytest.raises(InvitationsInvalid) as raised:
        invitations.import_csv(round_, b"email\nnew@example.org\nsam@example.org\n")
    assert [str(e) for e in raised.value.errors] == [
        "Row 3, column email: sam@example.org has already been invited to this round"
    ]
    assert Invitation.objects.count() == 1


def test_upload_page_shows_row_errors_and_imports_nothing(client, facilitator, round_):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(facilitator)
    url = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/invitations/"
    upload = SimpleUploadedFile("people.csv", b"email\nsam@example.org\nbad\n", content_type="text/csv")
    page = client.post(url, {"file": upload}).content.decode()
    assert "The file has 1 problem(s). Nothing was imported." in page
    assert "Row 3, column email: &#x27;bad&#x27; is not an email address" in page
    assert not Invitation.objects.exists()
    upload = SimpleUploadedFile("people.csv", b"email\nsam@example.org\n", content_type="text/csv")
    assert client.post(url, {"file": upload}).status_code == 302
    assert Invitation.objects.count() == 1


def test_sending_reminding_and_response_rates(client, facilitator, round_):
    invitations.import_csv(
        round_,
        b"name,email,organisation\nSam,sam@example.org,Northbridge Council\nAli,ali@example.org,Northbridge NHS\n",
    )
    assert invitations.send_invitations(round_, "https://review.example") == 2
    assert invitations.send_invitations(round_, "https://review.example") == 0, "each person is queued once"
    assert not mail.outbox, "the worker sends, not the request"
    run_ready_tasks()
    assert invitations.send_invitations(round_, "https://review.example") == 0, "each person is emailed once"
    assert sorted(m.to[0] for m in mail.outbox) == ["Ali <ali@example.org>", "Sam <sam@example.org>"]
    sam_mail = next(m for m in mail.outbox if m.to == ["Sam <sam@example.org>"])
    assert "Dear Sam," in sam_mail.body and "it takes about 25 minutes." in sam_mail.body
    link = next(line for line in sam_mail.body.splitlines() if line.startswith("https://review.example/i/"))
    token = link.rstrip("/").rsplit("/", 1)[1]

    complete_questionnaire(client, round_, f"/i/{token}/")
    mail.outbox.clear()
    assert invitations.send_reminders(round_, "https://review.example") == 1
    run_ready_tasks()
    assert [m.to for m in mail.outbox] == [["Ali <ali@example.org>"]]
    assert "Reminder" in mail.outbox[0].subject
    ali = Invitation.objects.get(email="ali@example.org")
    assert ali.reminders_sent == 1 and ali.last_reminded_at is not None

    status = invitations.invitation_status(round_)
    # Counted by the organisation on each invitation, never by what a respondent chose.
    by_org = {name: (invited, responded) for name, invited, responded in status["by_organisation"]}
    assert by_org["Northbridge Council"] == (1, 1)
    assert by_org["Northbridge NHS"] == (1, 0)
    assert status["responded"] == 1


def test_invitation_pages_through_the_web(client, facilitator, round_):
    client.force_login(facilitator)
    invitations.import_csv(round_, b"email\nsam@example.org\n")
    base = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}"
    page = client.post(f"{base}/invitations/send/", follow=True).content.decode()
    assert "1 invitation is being sent. This page shows how sending is going." in page
    assert "Waiting to be sent" in page and not mail.outbox
    run_ready_tasks()
    page = client.post(f"{base}/invitations/remind/", follow=True).content.decode()
    assert "1 reminder is being sent to someone who has not responded." in page
    page = client.post(f"{base}/invitations/remind/", follow=True).content.decode()
    assert "Everyone who has not responded has a reminder on its way already." in page
    run_ready_tasks()
    assert len(mail.outbox) == 2
