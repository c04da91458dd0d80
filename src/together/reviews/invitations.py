"""Personal invitations: a CSV upload checked row by row, sending, reminders and response rates.

Nothing about a response is ever written to an invitation. Whether an invitation has responded
is worked out when asked: its token's keyed hash (``keys.used_digest``) is among the round's
used keys (:class:`UsedKey`), which a send records. Those hashes lead to no response.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from together.messaging import delivery
from together.messaging.models import Kind, OutgoingEmail, Status
from together.partnerships.models import Organisation

from . import keys
from .models import Invitation, Round, UsedKey

MAX_ROWS = 5000
COLUMNS = ("name", "email", "organisation", "language")
# What a "language" cell may say, as people write it: the invitee's emails are then in it.
LANGUAGES = {
    "en": "en", "english": "en", "saesneg": "en", "eng": "en",
    "cy": "cy", "welsh": "cy", "cymraeg": "cy", "cym": "cy",
}  # fmt: skip


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return (
            f"Row {self.row}, column {self.column}: {self.message}"
            if self.column
            else f"Row {self.row}: {self.message}"
        )


class InvitationsInvalid(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


def parse_csv(round_: Round, data: bytes) -> list[dict]:
    """Check every row; return the invitations to create, or raise with every problem found."""
    if not data.strip():
        raise InvitationsInvalid([RowError(1, "", "the file is empty")])
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        raise InvitationsInvalid([RowError(1, "", "the file is not UTF-8 or Windows-1252 text")]) from None
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = [column.strip().lower() for column in next(reader, [])]
    errors: list[RowError] = []
    missing = [column for column in ("email",) if column not in header]
    unknown = [column for column in header if column not in COLUMNS]
    duplicated = [column for column, count in Counter(header).items() if count > 1]
    if missing:
        errors.append(
            RowError(1, "", "the header must have an email column (and may have name, organisation and language)")
        )
    for column in unknown:
        errors.append(RowError(1, column or "(blank)", "unknown column; use name, email, organisation and language"))
    for column in duplicated:
        errors.append(RowError(1, column, "this column appears more than once"))
    if errors:
        raise InvitationsInvalid(errors)

    organisations = {o.name.casefold(): o for o in Organisation.objects.filter(partnership=round_.partnership)}
    existing = set(Invitation.objects.filter(round=round_).values_list("email", flat=True))
    seen: dict[str, int] = {}
    rows: list[dict] = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            errors.append(RowError(number, "", f"has {len(cells)} values but the header has {len(header)} columns"))
            continue
        record = {column: cell.strip() for column, cell in zip(header, cells, strict=True)}
        email = record.get("email", "").lower()
        try:
            validate_email(email)
        except ValidationError:
            errors.append(RowError(number, "email", f"{email!r} is not an email address" if email else "is empty"))
        else:
            if email in seen:
                errors.append(RowError(number, "email", f"{email} is already on row {seen[email]}"))
            elif email in existing:
                errors.append(RowError(number, "email", f"{email} has already been invited to this round"))
            seen.setdefault(email, number)
        organisation = None
        if record.get("organisation"):
            organisation = organisations.get(record["organisation"].casefold())
            if organisation is None:
                errors.append(
                    RowError(number, "organisation", f"{record['organisation']!r} is not a partner organisation")
                )
        if len(record.get("name", "")) > 150:
            errors.append(RowError(number, "name", "is longer than 150 characters"))
        written = record.get("language", "")
        language = LANGUAGES.get(written.casefold()) if written else ""
        if language is None:
            errors.append(
                RowError(number, "language", f"{written!r} is not a language here: write en or cy (English or Welsh)")
            )
            language = ""
        row = {"name": record.get("name", ""), "email": email, "organisation": organisation}
        rows.append(row | {"language": language} if "language" in header else row)
        if len(rows) > MAX_ROWS:
            errors.append(RowError(number, "", f"a file may hold at most {MAX_ROWS} invitations"))
            break
    if not rows and not errors:
        errors.append(RowError(2, "", "the file has a header but no invitations"))
    if errors:
        raise InvitationsInvalid(errors)
    return rows


def import_csv(round_: Round, data: bytes) -> list[Invitation]:
    """All rows or none."""
    rows = parse_csv(round_, data)
    with transaction.atomic():
        created = []
        for row in rows:
            seed = keys.new_invitation_seed()
            created.append(
                Invitation.objects.create(
                    round=round_,
                    seed=seed,
                    token_digest=keys.token_digest(keys.invitation_token(seed)),
                    **row,
                )
            )
    return created


IN_FLIGHT = (Status.QUEUED, Status.SENDING)


def send_invitations(round_: Round, base_url: str) -> int:
    """Queue an email to everyone not yet emailed and not already queued; returns how many.

    The worker sends them (:mod:`together.messaging.delivery`) and marks each invitation sent
    when its email has gone, so a failed one is offered again.
    """
    in_flight = OutgoingEmail.objects.filter(kind=Kind.INVITATION, status__in=IN_FLIGHT, invitation__round=round_)
    pending = round_.invitations.filter(sent_at__isnull=True).exclude(pk__in=in_flight.values("invitation_id"))
    return delivery.queue(Kind.INVITATION, pending, base_url)


def used_digests(round_: Round) -> set[str]:
    """The keyed hashes of every key that has sent answers in this round, in one query."""
    return set(UsedKey.objects.filter(round=round_).values_list("digest", flat=True))


def has_responded(invitation: Invitation, used: set[str]) -> bool:
    """Whether this invitation's token has sent answers (``used``: :func:`used_digests`)."""
    return keys.used_digest(invitation.token) in used


def invitation_status(round_: Round) -> dict:
    """Counts of the round's invitations: ``invited``, ``unsent`` (not yet emailed), ``sent``,
    ``responded``, ``waiting`` (emailed and not responded), and ``by_organisation``: a list of
    (organisation name, invited, responded), for each partner organisation in the partnership's
    order and then "Not given" for invitations without one, if there are any."""
    used = used_digests(round_)
    counts: dict[int | None, list[int]] = {}
    totals = dict.fromkeys(("invited", "unsent", "sent", "responded", "waiting"), 0)
    for seed, sent_at, organisation_id in round_.invitations.values_list("seed", "sent_at", "organisation"):
        responded = keys.used_digest(keys.invitation_token(seed)) in used
        totals["invited"] += 1
        totals["responded"] += responded
        if sent_at is None:
            totals["unsent"] += 1
        else:
            totals["sent"] += 1
            totals["waiting"] += not responded
        row = counts.setdefault(organisation_id, [0, 0])
        row[0] += 1
        row[1] += responded
    by_organisation = [
        (organisation.name, *counts.get(organisation.pk, (0, 0)))
        for organisation in round_.partnership.organisations.all()
    ]
    if None in counts:
        by_organisation.append(("Not given", *counts[None]))
    return {**totals, "by_organisation": by_organisation}


def _waiting(round_: Round) -> list[int]:
    """Invitations emailed, not responded and without a reminder on its way."""
    used = used_digests(round_)
    in_flight = set(
        OutgoingEmail.objects.filter(invitation__round=round_, kind=Kind.REMINDER, status__in=IN_FLIGHT).values_list(
            "invitation_id", flat=True
        )
    )
    return [
        pk
        for pk, seed in round_.invitations.filter(sent_at__isnull=False).values_list("pk", "seed")
        if pk not in in_flight and keys.used_digest(keys.invitation_token(seed)) not in used
    ]


def send_reminders(round_: Round, base_url: str) -> int:
    """Queue a reminder to everyone emailed who has not yet responded; returns how many.

    Whether someone has responded is worked out now, from the used keys; nothing about it is
    written to the queue beyond the reminder itself (as when reminders were sent at once).
    """
    waiting = _waiting(round_)
    queued = 0
    with transaction.atomic():
        for start in range(0, len(waiting), 5000):  # within every database's limit on parameters
            chunk = Invitation.objects.filter(pk__in=waiting[start : start + 5000])
            queued += delivery.queue(Kind.REMINDER, chunk, base_url)
    return queued


def email_status(round_: Round, failed_shown: int = 200) -> dict:
    """The round's emails: counts queued (or sending), sent and failed, by kind and in all, the
    invitations still to email (``to_send``) and reminders that could go (``to_remind``), and up
    to ``failed_shown`` failed messages (address, kind, reason, attempts) with how many more."""
    emails = OutgoingEmail.objects.filter(invitation__round=round_)
    counts = delivery.summary(emails)
    failed = emails.filter(status=Status.FAILED).select_related("invitation").order_by("invitation__email", "kind")
    in_flight = emails.filter(kind=Kind.INVITATION, status__in=IN_FLIGHT).count()
    return {
        **counts,
        "to_send": round_.invitations.filter(sent_at__isnull=True).count() - in_flight,
        "failed": list(failed[:failed_shown]),
        "failed_more": max(counts["total"]["failed"] - failed_shown, 0),
    }


def retry_failed(round_: Round) -> int:
    """Queue again every failed invitation or reminder of the round; returns how many."""
    return delivery.retry(OutgoingEmail.objects.filter(invitation__round=round_))
