from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from together.accounts.models import User
from together.frameworks import services
from together.reviews.models import RoundState
from together.web import demo

DEMO_EMAIL = "facilitator@northbridge.example"
DEMO_PASSWORD = "northbridge-demo"  # noqa: S105 - printed for a local demo database only


class Command(BaseCommand):
    help = (
        "Set up a demo facilitator and the fictional Northbridge Partnership with synthetic "
        "responses (idempotent), and print how to sign in. Refuses to run unless DEBUG is on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="http://127.0.0.1:8000", help="Address printed for the demo.")

    @transaction.atomic
    def handle(self, *args, host, **options):
        if not settings.DEBUG:
            raise CommandError("the demo creates an account with a published password: run it with DEBUG=true")
        version = services.current()
        if version is None:
            raise CommandError(
                "load the framework first: together framework load frameworks/transforming-together.yaml"
            )
        user, created = User.objects.get_or_create(email=DEMO_EMAIL, defaults={"name": "Demo Facilitator"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        partnership = demo.find()
        seeded = partnership is None
        if seeded:
            partnership = demo.seed(user, version)
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
        self.stdout.write(self._partnership_block(partnership, seeded, host))
        welsh = demo.find_welsh()
        seeded_welsh = welsh is None
        if seeded_welsh:
            welsh = demo.seed_welsh(user, version)
        self.stdout.write(self._partnership_block(welsh, seeded_welsh, host))

    def _partnership_block(self, partnership, seeded, host) -> str:
        rounds = list(partnership.rounds.order_by("began_at", "pk"))
        lines = [
            "",
            f"Demo partnership: {partnership.name} ({'created' if seeded else 'already set up'})",
            f"  Partner organisations: {partnership.organisations.count()}",
        ]
        for round_ in rounds:
            submitted = round_.responses.filter(state="submitted")
            partners, others = submitted.filter(variant="").count(), submitted.exclude(variant="").count()
            also = f" and {others} from residents" if others else ""
            lines.append(f"  {round_.name}: {round_.get_state_display().lower()}, {partners} responses{also}")
        open_round = next((r for r in reversed(rounds) if r.state == RoundState.OPEN), None)
        if open_round is None:
            lines.append("  No round is open, so there is no respondent link.")
        elif not open_round.open_link_enabled:
            lines.append(f"  The open link of {open_round.name} is turned off.")
        else:
            lines += [
                "",
                f"Answer the questionnaire as a respondent ({open_round.name}, anonymous, no sign-in):",
                f"  Respondent link: {host}/r/{open_round.open_link_code}/",
            ]
            lines += [
                f"  Residents' link ({link.variant}): {host}/r/{link.code}/"
                for link in open_round.variant_links.filter(enabled=True)
            ]
        return "\n".join([*lines, ""])
