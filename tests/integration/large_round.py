"""A large closed round, an open round for respondents and a signed-in facilitator, written into
a server's database from a subprocess (``together shell``), for tests that run gunicorn."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from tests.conftest import FRAMEWORK_FILE, ROOT
from tests.integration.servers import environment

ORGANISATIONS = 20


def seed(database: Path, responses: int) -> dict:
    """Load the framework, then make it all; returns the ids and the session cookie as a dict."""
    env = environment(database)
    run = [sys.executable, "-m", "together.cli"]
    subprocess.run([*run, "framework", "load", str(FRAMEWORK_FILE)], cwd=ROOT, env=env, check=True, capture_output=True)
    script = f"from tests.integration.large_round import _make; _make({responses})"
    done = subprocess.run([*run, "shell", "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _make(responses: int) -> None:
    import datetime
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from together.accounts.models import User
    from together.frameworks.models import FrameworkVersion
    from together.partnerships.models import Organisation, Sector
    from together.partnerships.services import create_partnership
    from together.releases import services as releases
    from together.reviews import keys, lifecycle
    from together.reviews.models import Answer, Comment, Priority, Response, Round

    rng = random.Random(19)  # noqa: S311 - made-up answers
    user = User.objects.create_user("fran@northbridge.example", keys.new_key(), name="Fran Facilitator")
    partnership = create_partnership(user, name="Riverlands Partnership", place="Riverlands")
    sectors = [choice for choice, _label in Sector.choices]
    Organisation.objects.bulk_create(
        Organisation(partnership=partnership, name=f"Partner {n + 1}", sector=sectors[n % len(sectors)])
        for n in range(ORGANISATIONS)
    )
    organisations = list(partnership.organisations.all())
    groups = list(partnership.groups.all())
    version = FrameworkVersion.objects.order_by("-number").first()
    framework = version.framework
    day = datetime.date(2026, 3, 1)

    large = Round.objects.create(
        partnership=partnership, name="Spring review", framework_version=version, open_link_code=keys.new_key()
    )
    lifecycle.apply(large, "open", user)
    made = Response.objects.bulk_create(
        Response(
            round=large,
            state="submitted",
            organisation=organisations[n % len(organisations)],
            group=groups[n % len(groups)],
            updated_on=day,
            submitted_on=day,
        )
        for n in range(responses)
    )
    for start in range(0, len(made), 200):
        chunk = made[start : start + 200]
        Answer.objects.bulk_create(
            Answer(
                response=r,
                round=large,
                submitted=True,
                organisation_id=r.organisation_id,
                group_id=r.group_id,
                statement_id=s.id,
                value=rng.choice((None, 1, 2, 3, 4, 5, 3, 4)),
            )
            for r in chunk
            for s in framework.statements
        )
        Priority.objects.bulk_create(
            Priority(
                response=r,
                round=large,
                submitted=True,
                organisation_id=r.organisation_id,
                group_id=r.group_id,
                theme_id=rng.choice(framework.themes).id,
            )
            for r in chunk
        )
        Comment.objects.bulk_create(
            Comment(response=r, theme_id=rng.choice(framework.themes).id, text=f"Comment number {n} on how it goes")
            for n, r in enumerate(chunk)
            if n % 4 == 0
        )
    lifecycle.apply(large, "close", user)
    releases.obtain(large, releases.OPERATOR)  # sealed and released, as once its results are seen

    answering = Round.objects.create(
        partnership=partnership, name="Autumn review", framework_version=version, open_link_code=keys.new_key()
    )
    lifecycle.apply(answering, "open", user)

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    print(
        json.dumps(
            {
                "partnership": partnership.pk,
                "large": large.pk,
                "open_link": f"/r/{answering.open_link_code}/",
                "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
            }
        )
    )
