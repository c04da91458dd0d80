"""The interface's Welsh catalogue is current, well formed and compiled.

What can go wrong as the service grows: a new string is marked for translation but never added
to the catalogue (so no translator sees it), a Welsh entry drops a placeholder, the plural forms
are not Welsh's, or the compiled ``.mo`` that Django reads lags behind the ``.po`` that people
edit, or an entry is left without Welsh (a Welsh reader would meet English). Each has a test here.
They need GNU gettext's tools, which ``make install`` installs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "together"
CATALOGUE = PACKAGE / "locale" / "cy" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")

pytestmark = pytest.mark.skipif(shutil.which("msgattrib") is None, reason="GNU gettext's tools are not installed")


def _msgids(po_text: str) -> set[str]:
    """Every msgid (with its plural and context) in a PO file, the header left out."""
    ids = set()
    for block in po_text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        key, field = [], None
        for line in lines:
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                field = match.group(1)
                if field in ("msgctxt", "msgid", "msgid_plural"):
                    key.append(f"{field}:{match.group(2)}")
            elif line.startswith('"') and field in ("msgctxt", "msgid", "msgid_plural"):
                key[-1] += line[1:-1]
        if key and key != ["msgid:"]:
            ids.add("\n".join(key))
    return ids


def test_every_marked_string_is_in_the_catalogue(tmp_path, monkeypatch):
    """Running makemessages on the code as it is adds nothing and takes nothing away."""
    copy = tmp_path / "together"
    shutil.copytree(
        PACKAGE,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "static", "assets", "*.mo", "*.pyc"),
    )
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", locale=["cy"], no_obsolete=True, verbosity=0)
    fresh = (copy / "locale" / "cy" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    committed = CATALOGUE.read_text(encoding="utf-8")
    missing = sorted(_msgids(fresh) - _msgids(committed))
    stale = sorted(_msgids(committed) - _msgids(fresh))
    assert not missing, f"{len(missing)} strings are not in the Welsh catalogue (run `make messages`): {missing[:5]}"
    assert not stale, f"{len(stale)} strings in the Welsh catalogue are no longer used: {stale[:5]}"


def test_no_welsh_is_marked_as_needing_checking():
    """A "fuzzy" entry is one gettext guessed from a similar string: Django ignores it, so readers
    would meet English without anyone knowing. None may be left."""
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-wrap", str(CATALOGUE)], capture_output=True, text=True, check=True
    ).stdout
    assert _msgids(fuzzy) == set(), f"Welsh marked as needing checking: {sorted(_msgids(fuzzy))[:5]}"


def test_every_entry_has_welsh():
    """An entry without Welsh shows Welsh readers English: the Welsh Language Standards forbid
    treating Welsh less favourably, so every string of the interface must have its Welsh."""
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", "--no-wrap", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    missing = sorted(_msgids(untranslated))
    assert not missing, f"{len(missing)} entries have no Welsh: {missing[:5]}"


def test_the_catalogue_keeps_placeholders_and_welsh_plural_forms():
    """msgfmt's checks: every %(name)s of the English is in the Welsh, and the header gives CLDR's six
    plural forms for Welsh (zero, one, two, few, many, other)."""
    checked = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    block = CATALOGUE.read_text(encoding="utf-8").split("\n\n")[0]
    header = "".join(re.findall(r'^"(.*)"$', block, re.M))  # as gettext reads it, however it is wrapped
    assert "nplurals=6;" in header
    assert "(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 : (n==6) ? 4 : 5" in header


def test_the_compiled_catalogue_matches(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(CATALOGUE)], check=True)

    def text(path: Path) -> str:
        return subprocess.run(["msgunfmt", str(path)], capture_output=True, text=True, check=True).stdout

    assert text(COMPILED) == text(fresh), "django.mo is older than django.po: run `make messages`"


def test_welsh_is_used_with_its_plural_forms():
    from django.utils import translation
    from django.utils.translation import ngettext

    with translation.override("cy"):
        assert translation.gettext("Sign out") != "Sign out"
        forms = {n: ngettext("%(n)s round", "%(n)s rounds", n) for n in (0, 1, 2, 3, 6, 7)}
    english = {n: ngettext("%(n)s round", "%(n)s rounds", n) for n in (0, 1, 2, 3, 6, 7)}
    assert forms != english
