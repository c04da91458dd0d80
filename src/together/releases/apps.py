from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "together.releases"
    label = "releases"
    verbose_name = "Released results"
