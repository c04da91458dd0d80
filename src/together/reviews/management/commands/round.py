import argparse
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from together.frameworks.models import LibraryFramework
from together.frameworks.owners import partnership_named


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: write it as YYYY-MM-DD, like 2027-03-31") from None


class Command(BaseCommand):
    help = "Create review rounds from scripts."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{create}")
        create = sub.add_parser("create", help="Create a draft round, pinning a framework version.")
        create.add_argument("--partnership", required=True, metavar="ID_OR_NAME")
        create.add_argument("--name", required=True)
        create.add_argument("--closes", required=True, type=_date, metavar="YYYY-MM-DD")
        create.add_argument(
            "--framework",
            metavar="ID",
            help="The framework's id: the partnership's own if it has one with this id, else the shared one. "
            "Without it, the first the partnership may use (the Transforming Together Framework).",
        )
        create.add_argument("--version", type=int, metavar="N", help="A published version; without it, the current.")
        create.add_argument("--open-link", action="store_true", help="Accept answers through the open link.")
        create.add_argument(
            "--pulse",
            action="store_true",
            help="A pulse: ask only the framework's short form (it must have one). Without it, a full review.",
        )

    def handle(self, *args, action, **options):
        from together.reviews import keys
        from together.reviews.forms import RoundForm

        partnership = partnership_named(options["partnership"])
        entry = self._entry(partnership, options["framework"])
        version = entry.current
        if options["version"] is not None:
            version = entry.versions.filter(number=options["version"]).first()
            if version is None:
                numbers = ", ".join(str(n) for n in entry.versions.order_by("number").values_list("number", flat=True))
                raise CommandError(
                    f"{entry.framework_id} has no version {options['version']} (it has {numbers})", returncode=2
                )
        form = RoundForm(
            {
                "name": options["name"],
                "closes_on": options["closes"].isoformat(),
                "open_link_enabled": "on" if options["open_link"] else "",
                "framework": str(entry.pk),
                "kind": "pulse" if options["pulse"] else "full",
            },
            frameworks=[entry],
            version=version,
        )
        if not form.is_valid():
            messages = [f"{field}: {error}" for field, errors in form.errors.items() for error in errors]
            message = "; ".join(messages).replace("closes_on:", "--closes:").replace("kind:", "--pulse:")
            raise CommandError(message, returncode=2)
        round_ = form.save(commit=False)
        round_.partnership = partnership
        round_.framework_version = version
        round_.kind = form.cleaned_data["kind"]
        round_.open_link_code = keys.new_key()
        round_.save()
        kind = f"pulse round ({len(round_.framework.statements)} short-form statements)" if round_.is_pulse else "round"
        self.stdout.write(
            f"created draft {kind} {round_.pk} {round_.name!r} for {partnership.name}, asking {version} "
            f"({'shared' if entry.shared else 'partnership'} framework)"
        )
        if round_.open_link_enabled:
            self.stdout.write(f"open link, once the round opens: /r/{round_.open_link_code}/")

    def _entry(self, partnership, framework_id):
        from together.frameworks import services

        if framework_id is None:
            entries = services.visible(partnership)
            if not entries:
                raise CommandError("no framework is loaded: together framework load FILE", returncode=2)
            return entries[0]
        for owner in (partnership, None):
            entry = LibraryFramework.objects.filter(framework_id=framework_id, partnership=owner).first()
            if entry is not None and entry.current is not None:
                return entry
        usable = ", ".join(e.framework_id for e in services.visible(partnership)) or "none"
        raise CommandError(
            f"{partnership.name} cannot use a framework with the id {framework_id!r} (it may use: {usable})",
            returncode=2,
        )
