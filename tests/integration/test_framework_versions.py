"""Loading frameworks: frozen, content-hashed versions, and a command line that loads nothing bad."""

import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import FRAMEWORK_FILE, MINIMAL_FILE, ROOT
from together.frameworks import services
from together.frameworks.models import FrameworkVersion, FrozenError

pytestmark = pytest.mark.django_db


def test_loading_identical_content_again_is_a_no_op(tmp_path):
    first = services.load(MINIMAL_FILE)
    # Same meaning, different formatting and comments: still the same version.
    reformatted = tmp_path / "reformatted.yaml"
    reformatted.write_text("# a comment\n" + MINIMAL_FILE.read_text().replace("{en: Early days}", "{en: 'Early days'}"))
    again = services.load(reformatted)
    assert first.created and not again.created
    assert again.version.pk == first.version.pk
    assert FrameworkVersion.objects.count() == 1


def test_changed_content_makes_a_new_version_and_leaves_the_old_one_alone(tmp_path):
    first = services.load(MINIMAL_FILE).version
    before = FrameworkVersion.objects.get(pk=first.pk).content
    changed = tmp_path / "changed.yaml"
    changed.write_text(MINIMAL_FILE.read_text().replace("Hold a workshop.", "Hold two workshops."))
    second = services.load(changed).version
    assert (first.number, second.number) == (1, 2)
    assert second.content_hash != first.content_hash
    assert FrameworkVersion.objects.get(pk=first.pk).content == before
    assert services.current("minimal") == second
    assert second.framework.theme("purpose").suggested_actions[0].text.en == "Hold two workshops."
    assert first.framework.theme("purpose").suggested_actions[0].text.en == "Hold a workshop."


def test_a_stored_version_cannot_be_changed():
    version = services.load(MINIMAL_FILE).version
    version.source_name = "edited.yaml"
    with pytest.raises(FrozenError):
        version.save()
    assert FrameworkVersion.objects.get(pk=version.pk).source_name == "minimal.yaml"


def test_load_command_reports_problems_and_loads_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL_FILE.read_text().replace("format: 1", "format: 3"))
    with pytest.raises(CommandError) as raised:
        call_command("framework", "load", str(MINIMAL_FILE), str(bad))
    assert raised.value.returncode == 1
    assert f"{bad}:1: format: must be 1" in capsys.readouterr().err
    # The good file named beside the bad one is not loaded either.
    assert FrameworkVersion.objects.count() == 0


def test_load_and_list_commands(capsys):
    call_command("framework", "load", str(FRAMEWORK_FILE))
    call_command("framework", "load", str(FRAMEWORK_FILE))
    call_command("framework", "list")
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("loaded as transforming-together version 1 (" + services.current().content_hash[:12] + ")")
    assert out[1].endswith("unchanged, already stored as transforming-together version 1")
    assert out[2].startswith("transforming-together v1")
    assert FrameworkVersion.objects.count() == 1


def test_together_validate_runs_without_settings_or_database(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL_FILE.read_text().replace("      - id: purpose-priorities", "      - id: purpose-outcomes"))
    env = {"PATH": "/usr/bin:/bin"}  # no SECRET_KEY, no DATABASE_URL
    together = [sys.executable, "-m", "together.cli"]
    good = subprocess.run(
        [*together, "framework", "validate", str(FRAMEWORK_FILE)],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert good.returncode == 0, good.stderr
    assert "valid (9 themes" in good.stdout
    failed = subprocess.run(
        [*together, "framework", "validate", str(bad)],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert failed.returncode == 1
    assert failed.stderr == (
        f"{bad}:47: themes[0].statements[1].id: duplicate id 'purpose-outcomes' (also themes[0].statements[0])\n"
    )
