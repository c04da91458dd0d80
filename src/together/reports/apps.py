from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "together.reports"
    label = "reports"
    verbose_name = "Reports"
