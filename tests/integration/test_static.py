"""Production static files: collectstatic succeeds and every file the stylesheet refers to exists."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_collectstatic_finds_every_referenced_file(tmp_path, settings):
    settings.STATIC_ROOT = str(tmp_path)
    # The manifest storage follows every url() in the CSS and fails on a missing file.
    call_command("collectstatic", "--noinput", verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("build/app.*.css"))
