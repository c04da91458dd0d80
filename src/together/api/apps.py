from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "together.api"
    label = "api"
    verbose_name = "JSON API"

    def ready(self):
        from . import schema  # noqa: F401 - registers the token scheme with drf-spectacular
