from django.apps import AppConfig


class PaperConfig(AppConfig):
    name = "together.paper"
    label = "paper"
    verbose_name = "Paper questionnaires"
