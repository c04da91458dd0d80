from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "together.imports"
    label = "imports"
    verbose_name = "Imported responses"
