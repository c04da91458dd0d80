from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "together.partnerships"
    label = "partnerships"
    verbose_name = "Partnerships"

    def ready(self):
        from . import services

        services.register()
