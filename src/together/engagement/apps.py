from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "together.engagement"
    label = "engagement"
    verbose_name = "Engagement with residents"
