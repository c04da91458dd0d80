from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "together.frameworks"
    label = "frameworks"
    verbose_name = "Framework versions"
