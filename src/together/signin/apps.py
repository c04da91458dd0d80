from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "together.signin"
    verbose_name = "Multi-factor sign-in and single sign-on"
