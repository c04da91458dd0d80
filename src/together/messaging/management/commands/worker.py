"""``together worker``: run queued tasks (sending email, imports) until stopped.

With the default queue (``TASK_QUEUE=database``), django-tasks-db's database worker with the
service's defaults: no reloading, a check for new tasks every second. With ``TASK_QUEUE=redis``,
an RQ worker on the same queue, with its scheduler (which releases retries when they are due).
Either way SIGTERM or Ctrl+C stops it cleanly: a batch being sent is finished and recorded
first; a second signal stops at once. On starting it queues the periodic clean-ups
(:mod:`together.messaging.housekeeping`) unless ``CLEANUP_MINUTES`` is 0.
"""

import logging
import signal

from django.conf import settings
from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from together.messaging import housekeeping

logger = logging.getLogger("django_tasks_db")


class CleanStop(db_worker.Worker):
    """The library's worker, stopping without writing from the signal handler.

    Logging from a signal handler can land while the main thread is writing the same stream,
    and Python then refuses the write and can hang; so the handler only sets a flag, or leaves
    at once when no task is running, and the stop is logged afterwards.
    """

    stopped_by: int | None = None

    def shutdown(self, signum, frame) -> None:
        if not self.running:
            self.reset_signals()
            raise SystemExit(1)
        self.running = False
        self.stopped_by = signum
        if not self.running_task:
            raise SystemExit(0)


class Command(db_worker.Command):
    help = "Run queued tasks, such as sending invitations, until stopped (SIGTERM finishes the current batch first)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(reload=False)
        if settings.TASK_QUEUE == "redis":
            # The database worker's check that the backend is one of its own does not apply, and
            # RQ names its workers itself (host and process id) unless given a name.
            for action in parser._actions:
                if action.dest == "backend_name":
                    action.type = str
            parser.set_defaults(worker_id=None)

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        if reload:
            raise CommandError("together worker does not reload; restart it after changing the code")
        if settings.TASK_QUEUE == "redis":
            return run_rq_worker(queue_name, verbosity=verbosity, burst=batch, max_tasks=max_tasks, name=worker_id)
        self.configure_logging(verbosity)
        excluded = exclude_queues.split(",") if exclude_queues else []
        queues = queue_name.split(",")
        if excluded and "*" not in queues:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = CleanStop(
            queue_names=queues,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        if housekeeping.start():
            logger.info("Clean-ups queued: every %s minutes", settings.CLEANUP_MINUTES)
        try:
            worker.run()
        except SystemExit as stop:
            if stop.code:
                raise
        finally:
            if worker.stopped_by is not None:
                logger.warning(
                    "Received %s: stopped after finishing the current task", signal.strsignal(worker.stopped_by)
                )


def run_rq_worker(queue_name: str, *, verbosity: int, burst: bool, max_tasks: int | None, name: str | None) -> None:
    """RQ's worker on the queue in Redis, as django-tasks-rq needs it (its own job class).

    Each task runs in a child process of its own (RQ's work horse), with a fresh database
    connection; SIGTERM lets the running task finish, a second one stops it.
    """
    import django_rq
    from django_rq.utils import reset_db_connections
    from django_tasks_rq import Job
    from redis.exceptions import ConnectionError as RedisUnreachable
    from rq.logutils import setup_loghandlers

    if queue_name == "*" or "," in queue_name:
        raise CommandError("with TASK_QUEUE=redis, together worker takes one queue name")
    level = {0: "WARNING", 1: "INFO"}.get(verbosity, "DEBUG")
    setup_loghandlers(level)
    worker = django_rq.get_worker(queue_name, job_class=Job, name=name or None)
    reset_db_connections()
    try:
        worker.work(burst=burst, with_scheduler=True, logging_level=level, max_jobs=max_tasks)
    except RedisUnreachable as error:
        raise CommandError(f"Redis cannot be reached ({error})") from None
