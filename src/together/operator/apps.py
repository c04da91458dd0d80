from django.apps import AppConfig


class OperatorConfig(AppConfig):
    name = "together.operator"
    label = "operator"
    verbose_name = "Operator"

    def ready(self):
        from . import emails, receivers  # noqa: F401 - receivers connects the audit log to sign-in and security signals

        emails.register()
