"""Running queued tasks: the ``together worker`` loop, and a drain for tests and benchmarks."""

from __future__ import annotations

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction


def run_ready_tasks(limit: int | None = None) -> int:
    """Run every task that is due now, one after another, in this process; returns how many.

    The same claim and run as the worker's loop, without its sleeping, signals or closing of
    connections (which would end a test's transaction). Tasks deferred to later stay queued.
    """
    worker = Worker(
        queue_names=[DEFAULT_TASK_QUEUE_NAME],
        interval=0,
        batch=True,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id="in-process",
        excluded_queue_names=[],
    )
    ran = 0
    while limit is None or ran < limit:
        ready = DBTaskResult.objects.ready().filter(
            backend_name=DEFAULT_TASK_BACKEND_ALIAS, queue_name=DEFAULT_TASK_QUEUE_NAME
        )
        with exclusive_transaction(ready.db):
            task_result = ready.get_locked()
            if task_result is not None:
                task_result.claim(worker.worker_id)
        if task_result is None:
            return ran
        worker.run_task(task_result)
        ran += 1
    return ran
