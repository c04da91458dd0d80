from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "together.api"
    label = "api"
    verbose_name = "JSON API"
