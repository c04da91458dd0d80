from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "together.actions"
    label = "actions"
    verbose_name = "Action plans"
