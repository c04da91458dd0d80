from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK_FILE = ROOT / "frameworks" / "transforming-together.yaml"
MINIMAL_FILE = ROOT / "tests" / "data" / "minimal.yaml"


@pytest.fixture
def framework_version(db):
    from together.frameworks import services

    return services.load(FRAMEWORK_FILE).version


@pytest.fixture
def facilitator(db):
    from together.accounts.models import User

    return User.objects.create_user("fran@northbridge.example", "a long enough password 1", name="Fran Facilitator")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing is deliberately slow; tests create many accounts and only need it to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
