"""The worker runs the clean-ups itself: old audit records, stopped imports, old finished tasks
and sign-ups kept for an email that failed go, every CLEANUP_MINUTES, with no cron; one chain of
runs however many times it is started; off with CLEANUP_MINUTES=0; the commands still work."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.conftest import ROOT
from tests.integration.servers import environment
from together.messaging import delivery, housekeeping
from together.messaging.worker import run_ready_tasks
from together.operator import audit
from together.operator.models import AuditEvent, SignupRequest, SignupState

pytestmark = pytest.mark.django_db


def _old_audit_record(days: int) -> AuditEvent:
    return AuditEvent.objects.create(action=audit.SIGN_IN, at=timezone.now() - timedelta(days=days))


def _finished_task(days: int) -> DBTaskResult:
    delivery.deliver.enqueue([])
    run_ready_tasks()
    result = DBTaskResult.objects.latest("enqueued_at")
    DBTaskResult.objects.filter(pk=result.pk).update(finished_at=timezone.now() - timedelta(days=days))
    return result


def test_a_clean_up_removes_what_is_old_and_keeps_what_is_not(settings):
    settings.AUDIT_LOG_DAYS = 30
    settings.TASK_RESULT_DAYS = 7
    old_event, new_event = _old_audit_record(31), _old_audit_record(29)
    old_task, new_task = _finished_task(8), _finished_task(6)
    stale = SignupRequest.objects.create(
        name="A", email="a@b.gov.uk", organisation="O", state=SignupState.CONFIRMING,
        created_at=timezone.now() - timedelta(days=3),
    )  # fmt: skip
    waiting = SignupRequest.objects.create(
        name="W", email="w@example.org", organisation="O", created_at=timezone.now() - timedelta(days=300)
    )

    outcome = housekeeping.run_all()
    assert outcome == {
        "audit_records": 1, "imports_given_up": 0, "import_uploads": 0, "task_results": 1, "signups": 1,
        "solo_reviews": 0, "prepared_files": 0,
    }  # fmt: skip
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [new_event.pk]
    assert not DBTaskResult.objects.filter(pk=old_task.pk).exists()
    assert DBTaskResult.objects.filter(pk=new_task.pk).exists()
    assert list(SignupRequest.objects.all()) == [waiting], "a request waiting for an operator is kept"
    assert old_event.pk != new_event.pk and stale.pk


def test_the_clean_up_runs_from_the_queue_and_queues_its_next_run(settings):
    settings.CLEANUP_MINUTES = 15
    settings.AUDIT_LOG_DAYS = 30
    _old_audit_record(40)
    assert housekeeping.start() is True
    assert housekeeping.start() is False, "one is waiting already: no second chain"
    started = timezone.now()
    assert run_ready_tasks() == 1
    assert not AuditEvent.objects.exists()
    done = DBTaskResult.objects.get(status="SUCCESSFUL")
    assert done.return_value["audit_records"] == 1
    following = DBTaskResult.objects.get(status="READY")
    assert following.task_path == housekeeping.clean_up.module_path
    assert timedelta(minutes=14) < following.run_after - started < timedelta(minutes=16)
    assert run_ready_tasks() == 0, "not before its time"


def test_clean_ups_are_off_with_cleanup_minutes_zero(settings):
    settings.CLEANUP_MINUTES = 0
    assert housekeeping.start() is False
    assert not DBTaskResult.objects.exists()


def test_the_commands_still_work(settings, capsys):
    settings.AUDIT_LOG_DAYS = 30
    _old_audit_record(40)
    call_command("prune-audit")
    call_command("clean_imports")
    output = capsys.readouterr().out
    assert "Removed 1 audit record(s)" in output and "0 stopped import(s) given up" in output


@pytest.mark.django_db(transaction=False)
def test_together_worker_starts_the_clean_ups_itself(migrated):
    done = subprocess.run(
        [sys.executable, "-m", "together.cli", "worker", "--batch", "--no-startup-delay"],
        env=environment(migrated, CLEANUP_MINUTES="30"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    with sqlite3.connect(migrated) as database:
        rows = database.execute(
            f"SELECT status FROM {DBTaskResult._meta.db_table} WHERE task_path = ? ORDER BY enqueued_at",  # noqa: S608
            [housekeeping.clean_up.module_path],
        ).fetchall()
    assert rows == [("SUCCESSFUL",), ("READY",)], "ran at start, and the next run is queued"
