from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "together.feedback"
    label = "feedback"
    verbose_name = "Feedback to respondents"
