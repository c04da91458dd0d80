"""Files made by ``together worker``, not by the web process that was asked for them."""

from django_tasks import task


@task()
def prepare_file(file_id: int) -> None:
    from . import services

    services.make(file_id)
