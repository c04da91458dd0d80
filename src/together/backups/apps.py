from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "together.backups"
    label = "backups"
    verbose_name = "Backups"
