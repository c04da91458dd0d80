from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "together.messaging"
    label = "messaging"
    verbose_name = "Messaging"
