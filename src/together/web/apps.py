from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_table(sender, using, **kwargs) -> None:
    """`together migrate` also makes the table of a database cache (Django's createcachetable,
    which leaves an existing one alone), so a new installation, and one that stops using Redis,
    has the shared cache without another step."""
    from django.conf import settings
    from django.core.management import call_command

    if any(cache["BACKEND"].endswith(".DatabaseCache") for cache in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)


class WebConfig(AppConfig):
    name = "together.web"
    label = "web"
    verbose_name = "Web pages"

    def ready(self):
        post_migrate.connect(create_cache_table, sender=self)
