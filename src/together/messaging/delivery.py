"""Email through the task queue: queue at once, send in the worker, try again with backoff.

``queue_one`` queues a single message about an account, a sign-up or an invitation to join a
partnership, the same way. ``queue`` writes one :class:`OutgoingEmail` row per message and one task per batch of
``BATCH`` rows, in the caller's transaction, and returns: a request that queues 5,000
invitations does a few bulk writes and no network. The task (``deliver``) carries only row
ids. The worker renders each message when it sends it, through the registered kind
(:mod:`.kinds`), over one mail connection per batch, and records the outcome: sent; queued
again after ``EMAIL_RETRY_SECONDS`` × 2^(attempt − 1) for a temporary failure; failed, with
the reason, for a permanent one or once ``EMAIL_MAX_ATTEMPTS`` attempts have failed.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connections, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend

from . import kinds
from .failures import Failure, classify
from .headers import address, clean_address, one_line
from .models import OutgoingEmail, Status

logger = logging.getLogger(__name__)

BATCH = 100
# A row still "sending" this long after a worker took it was left by a worker that was killed.
STALE_SENDING = timedelta(minutes=30)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: the base, doubled each time."""
    return timedelta(seconds=settings.EMAIL_RETRY_SECONDS * 2 ** max(attempts - 1, 0))


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _enqueue(ids: list[int], run_after=None) -> None:
    job = deliver if run_after is None else deliver.using(run_after=run_after)
    if isinstance(job.get_backend(), DatabaseBackend):
        # The task is a row beside the emails', written in the same transaction: both or neither.
        job.enqueue(ids)
    else:
        transaction.on_commit(lambda: job.enqueue(ids))


def _enqueue_in_batches(ids: list[int], run_after=None) -> None:
    for batch in _chunks(sorted(ids), BATCH):
        _enqueue(batch, run_after)


def queue(kind: str, invitations: QuerySet, site: str) -> int:
    """Queue a ``kind`` message to each of ``invitations`` (a queryset); returns how many.

    An invitation's earlier row of the same kind is reused and reset (a new reminder replaces
    the last one's state); a row a worker is sending now is left alone. New rows are written
    by one ``INSERT ... SELECT`` from the invitations, so queueing 10,000 is a handful of
    statements.
    """
    targets = invitations.order_by().values("pk")
    now = timezone.now()
    batch = uuid.uuid4()
    with transaction.atomic():
        OutgoingEmail.objects.filter(kind=kind, invitation__in=targets).exclude(status=Status.SENDING).update(
            status=Status.QUEUED,
            attempts=0,
            reason="",
            next_attempt_at=now,
            sent_at=None,
            site=site,
            updated_at=now,
            batch=batch,
        )
        _insert_missing(kind, targets.exclude(emails__kind=kind), site, now, batch)
        queued = list(OutgoingEmail.objects.filter(batch=batch).values_list("pk", flat=True))
        _enqueue_in_batches(queued)
    return len(queued)


def queue_one(kind: str, site: str, **about) -> OutgoingEmail:
    """Queue one ``kind`` message about one thing (``account=``, ``member_invitation=``,
    ``signup=``), with ``sender=`` when it names who caused it; returns the row.

    For the emails about accounts and sign-ups, one at a time: the row and its task are two
    inserts in the caller's transaction, and nothing is rendered or sent in the request. The row
    holds no text, link or token: the worker makes them when it sends.
    """
    with transaction.atomic():
        email = OutgoingEmail.objects.create(kind=kind, site=site, next_attempt_at=timezone.now(), **about)
        _enqueue([email.pk])
    return email


def queue_nothing() -> None:
    """Queue a task that sends nothing: for a request that must look and take the same whether or
    not it queues an email (a password reset for an unknown address), so that it writes as one
    that does."""
    with transaction.atomic():
        _enqueue([])


def _insert_missing(kind: str, targets: QuerySet, site: str, now, batch: uuid.UUID) -> None:
    connection = connections[OutgoingEmail.objects.db]
    select, params = (
        targets.values_list("pk").annotate(target_id=F("pk")).values_list("target_id").query.sql_with_params()
    )
    quote = connection.ops.quote_name
    columns = (
        "kind",
        "invitation_id",
        "site",
        "status",
        "attempts",
        "next_attempt_at",
        "reason",
        "batch",
        "created_at",
        "updated_at",
    )
    when = connection.ops.adapt_datetimefield_value(now)
    # Names from the models and SQL compiled by Django; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(OutgoingEmail._meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608
        f"SELECT %s, target.target_id, %s, %s, 0, %s, '', %s, %s, %s FROM ({select}) AS target"
    )
    with connection.cursor() as cursor:
        uuid_value = OutgoingEmail._meta.get_field("batch").get_db_prep_value(batch, connection)
        cursor.execute(sql, (kind, site, Status.QUEUED, when, uuid_value, when, when, *params))


def retry(emails: QuerySet) -> int:
    """Queue again the failed messages among ``emails``, and any a killed worker left sending."""
    now = timezone.now()
    with transaction.atomic():
        stuck = emails.filter(Q(status=Status.FAILED) | Q(status=Status.SENDING, updated_at__lt=now - STALE_SENDING))
        ids = list(stuck.values_list("pk", flat=True))
        OutgoingEmail.objects.filter(pk__in=ids).update(
            status=Status.QUEUED, attempts=0, reason="", next_attempt_at=now, updated_at=now
        )
        _enqueue_in_batches(ids)
    return len(ids)


def _message(email: OutgoingEmail) -> EmailMessage:
    letter = kinds.handler(email.kind).render(email)
    message = EmailMessage(
        subject=one_line(letter.subject),
        body=letter.body,
        from_email=clean_address(settings.DEFAULT_FROM_EMAIL),
        to=[address(letter.to_name, letter.to_email)],
    )
    message.kind = email.kind  # for GOV.UK Notify's template choice; never sent as a header
    return message


def _send_all(emails: list[OutgoingEmail]) -> tuple[list[OutgoingEmail], dict[int, Failure]]:
    """Send each over one connection; returns those sent and each failure by row id."""
    sent: list[OutgoingEmail] = []
    failed: dict[int, Failure] = {}
    connection = get_connection(fail_silently=False)
    try:
        for index, email in enumerate(emails):
            try:
                message = _message(email)
            except kinds.NotSent as error:
                failed[email.pk] = Failure(False, f"Not sent: {error}")
                continue
            except Exception as error:
                logger.exception("Email %s could not be prepared", email.pk)
                failed[email.pk] = Failure(False, f"The message could not be prepared ({type(error).__name__})")
                continue
            try:
                connection.open()
            except Exception as error:
                # No connection: every message left in the batch fails the same way, without
                # waiting for the server once for each.
                failure = classify(error)
                for rest in emails[index:]:
                    failed.setdefault(rest.pk, failure)
                break
            try:
                count = connection.send_messages([message])
            except Exception as error:
                failed[email.pk] = classify(error)
                connection.close()
            else:
                if count:
                    sent.append(email)
                else:
                    failed[email.pk] = Failure(True, "The mail server did not take the message")
                    connection.close()
    finally:
        connection.close()
    return sent, failed


@task()
def deliver(email_ids: list[int]) -> dict:
    """Send the queued messages among ``email_ids`` (a task: runs in ``together worker``)."""
    now = timezone.now()
    with transaction.atomic():
        claimed = list(
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk__in=email_ids, status=Status.QUEUED)
            .values_list("pk", flat=True)
        )
        OutgoingEmail.objects.filter(pk__in=claimed).update(
            status=Status.SENDING, attempts=F("attempts") + 1, updated_at=now
        )
    emails = list(OutgoingEmail.objects.filter(pk__in=claimed).select_related(*kinds.related()))
    sent, failed = _send_all(emails)

    now = timezone.now()
    retrying: dict[object, list[int]] = defaultdict(list)
    with transaction.atomic():
        OutgoingEmail.objects.filter(pk__in=[e.pk for e in sent]).update(
            status=Status.SENT, sent_at=now, reason="", next_attempt_at=None, updated_at=now
        )
        by_kind: dict[str, list[OutgoingEmail]] = defaultdict(list)
        for email in sent:
            by_kind[email.kind].append(email)
        for kind, group in by_kind.items():
            kinds.when_delivered(kind, group, now)
        for email in emails:
            failure = failed.get(email.pk)
            if failure is None:
                continue
            if failure.temporary and email.attempts < settings.EMAIL_MAX_ATTEMPTS:
                at = now + backoff(email.attempts)
                retrying[at].append(email.pk)
                OutgoingEmail.objects.filter(pk=email.pk).update(
                    status=Status.QUEUED, reason=failure.reason, next_attempt_at=at, updated_at=now
                )
            else:
                reason = failure.reason
                if failure.temporary:
                    reason = f"{reason}; gave up after {email.attempts} attempts"
                OutgoingEmail.objects.filter(pk=email.pk).update(
                    status=Status.FAILED, reason=reason[:200], next_attempt_at=None, updated_at=now
                )
        for at, ids in retrying.items():
            _enqueue_in_batches(ids, run_after=at)
    outcome = {"sent": len(sent), "retrying": sum(map(len, retrying.values()))}
    outcome["failed"] = len(failed) - outcome["retrying"]
    logger.info("Email batch: %(sent)s sent, %(retrying)s to try again, %(failed)s failed", outcome)
    return outcome


def summary(emails: QuerySet) -> dict:
    """Counts of ``emails`` by kind and state: ``{kind: {"queued": n, "sent": n, "failed": n}}``
    (sending counts as queued), and ``total`` for all kinds together."""
    counts: dict[str, dict[str, int]] = {}
    total = dict.fromkeys(("queued", "sent", "failed"), 0)
    for row in emails.order_by().values("kind", "status").annotate(n=Count("pk")):
        shown = Status.QUEUED if row["status"] == Status.SENDING else row["status"]
        counts.setdefault(row["kind"], dict.fromkeys(("queued", "sent", "failed"), 0))[shown] += row["n"]
        total[shown] += row["n"]
    return {"by_kind": counts, "total": total}
