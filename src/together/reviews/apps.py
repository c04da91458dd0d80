from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "together.reviews"
    label = "reviews"
    verbose_name = "Review rounds"

    def ready(self):
        from . import emails

        emails.register()
