"""Clean-ups the worker runs itself, so an operator needs no cron.

``clean_up`` is a task that does what the commands do — ``together prune-audit`` (audit records
older than ``AUDIT_LOG_DAYS``), ``together clean_imports`` (imports whose process stopped),
``together prune_db_task_results`` (finished tasks older than ``TASK_RESULT_DAYS``) — and
removes sign-up requests kept for an email that could not be sent, solo reviews past their
retention period (``together clean_solo``) and expired reports and exports made in the
background (``together clean_prepared_files``). When it ends it queues the
next run ``CLEANUP_MINUTES`` later, with ``run_after``. ``together worker`` starts the chain when
it starts (``start``). With several workers, a run is queued only when none is waiting already;
two started at the same moment may each queue one, and the chains meet at the next run (a run
queues no next one while another is waiting). ``CLEANUP_MINUTES=0`` turns it all off. With
``TASK_QUEUE=redis`` the RQ worker does not start the chain: that check reads the database
queue, and without it each worker start would add a chain that never ends; cron runs the
commands instead (docs/deploying.md).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return settings.CLEANUP_MINUTES > 0


def _waiting() -> bool:
    if not isinstance(clean_up.get_backend(), DatabaseBackend):
        return False  # another backend cannot be asked; a second run does no harm
    return DBTaskResult.objects.filter(status="READY", task_path=clean_up.module_path).exists()


def schedule(after: timedelta) -> bool:
    """Queue a clean-up to run ``after`` from now, unless one is waiting or they are off."""
    if not enabled() or _waiting():
        return False
    clean_up.using(run_after=timezone.now() + after).enqueue()
    return True


def start() -> bool:
    """When a worker starts: a clean-up now, unless one is waiting already."""
    return schedule(timedelta(0))


def prune_task_results(now=None) -> int:
    cutoff = (now or timezone.now()) - timedelta(days=settings.TASK_RESULT_DAYS)
    finished = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff)
    removed, _ = finished.delete()
    return removed


def run_all(now=None) -> dict:
    """Every clean-up once; returns how much each removed."""
    from together.imports import services as imports
    from together.imports import wizard as import_wizard
    from together.jobs import cleanup as prepared_files
    from together.operator import audit, signup
    from together.solo import cleanup as solo

    return {
        "audit_records": audit.prune(now),
        "imports_given_up": imports.discard_stale(now),
        "import_uploads": import_wizard.remove_expired(now),
        "task_results": prune_task_results(now),
        "signups": signup.forget_unsent(now),
        "solo_reviews": solo.remove_expired(now.date() if now else None),
        "prepared_files": prepared_files.remove_expired(now),
    }


@task()
def clean_up() -> dict:
    """Run the clean-ups, then queue the next run (a task: runs in ``together worker``)."""
    try:
        outcome = run_all()
        logger.info("Clean-up: %s", ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in outcome.items()))
        return outcome
    finally:
        schedule(timedelta(minutes=settings.CLEANUP_MINUTES))
