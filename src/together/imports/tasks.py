"""Imports as background tasks: a large web upload is written by ``together worker``, not the
web process that received it, so no respondent's page waits behind it and a deploy that restarts
the web workers does not stop it."""

from django_tasks import task


@task()
def import_batch(batch_id: int) -> None:
    from . import services

    services.run_import(batch_id)


@task()
def read_upload(upload_id: str, sheet: str | None = None) -> None:
    """Read a large file held by the import wizard and suggest its mapping."""
    from . import wizard

    wizard.analyse(upload_id, sheet)


@task()
def check_upload(upload_id: str, next_step: str, header_rows: int | None = None) -> None:
    """Match a large file's columns again, or work out what importing it would store."""
    from . import wizard

    wizard.work(upload_id, next_step, header_rows)
