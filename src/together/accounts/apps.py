from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "together.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import emails

        emails.register()
