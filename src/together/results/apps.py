from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "together.results"
    label = "results"
    verbose_name = "Results"
