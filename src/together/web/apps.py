from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "together.web"
    label = "web"
    verbose_name = "Web pages"
