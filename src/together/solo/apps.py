from django.apps import AppConfig


class SoloConfig(AppConfig):
    name = "together.solo"
    label = "solo"
    verbose_name = "Solo reviews"
