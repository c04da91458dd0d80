from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from together.accounts.models import User
from together.frameworks import services

DEMO_EMAIL = "facilitator@northbridge.example"
DEMO_PASSWORD = "northbridge-demo"  # noqa: S105 - printed for a local demo database only


class Command(BaseCommand):
    help = "Set up demo data (idempotent) and print how to sign in. Refuses to run unless DEBUG is on."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="http://127.0.0.1:8000", help="Address printed for the demo.")

    @transaction.atomic
    def handle(self, *args, host, **options):
        if not settings.DEBUG:
            raise CommandError(
                "the demo creates an account with a published password: run it with DEBUG=true"
            )
        if services.current() is None:
            raise CommandError(
                "load the framework first: together framework load frameworks/transforming-together.yaml"
            )
        user, created = User.objects.get_or_create(email=DEMO_EMAIL, defaults={"name": "Demo Facilitator"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "Transforming Together demo",
                    f"  Open:      {host}/",
                    f"  Framework: {host}/framework/",
                    f"  Sign in:   {host}/sign-in/",
                    f"  Email:     {DEMO_EMAIL}",
                    f"  Password:  {DEMO_PASSWORD}",
                    "",
                ]
            )
        )
