from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "together.jobs"
    label = "jobs"
    verbose_name = "Files prepared in the background"
