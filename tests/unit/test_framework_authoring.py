"""Authoring mistakes read as plain sentences with their line, and hostile files cost nothing.

A framework file may be uploaded by anyone, so each hostile shape (an alias "bomb", deep
nesting, a control character, a huge file) must be refused quickly with a clear line rather
than exhaust the process or end in a traceback.
"""

import resource
import subprocess
import sys
import time

import pytest

from tests.conftest import MINIMAL_FILE
from together.framework import FrameworkInvalid, load_framework_file, parse_framework, yamlsafe

MINIMAL = MINIMAL_FILE.read_text()


def problems(text: str) -> list[str]:
    with pytest.raises(FrameworkInvalid) as raised:
        parse_framework(text, "f.yaml")
    return [str(problem) for problem in raised.value.problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id: x\nthemes:\n\t- id: y\n", "f.yaml:3: (file): is indented with a tab: use spaces, not tabs"),
        (
            "id: x\nthemes:\n  - id: y\n    title: a\n   summary: b\n",
            "f.yaml:5: (file): is indented differently from the lines above it: keys at the same level need the "
            "same number of spaces",
        ),
        (
            "id: x\ntitle:\n  en: Purpose: the why\n",
            "f.yaml:3: (file): has a colon followed by a space inside text: put the whole text in double quotes, like "
            'en: "Purpose: why we work together"',
        ),
        ('title:\n  en: "Hello\n  cy: x\n', "f.yaml:2: (file): opens a quote mark that is never closed"),
        (
            "title:\n  en: 'it's ours'\n",
            "f.yaml:2: (file): has more text after a closing quote mark: if the text holds an apostrophe, put it in "
            'double quotes (en: "it\'s ours")',
        ),
        (
            "id: x\ntitle\n  en: y\n",
            "f.yaml:2: (file): has a key without a colon after it, or text that runs onto the next line: write "
            "key: value, and put long text in quotes",
        ),
        ("title: {en: abc\n", "f.yaml:1: (file): opens a { or [ that is never closed"),
        (
            "title:\n  en: @home\n",
            "f.yaml:2: (file): has text starting with @, which YAML reserves: put the text in quotes",
        ),
        (
            "format: 1\nid: x\ntitle: ok\x0c\n",
            "f.yaml:3: (file): contains the invisible control character U+000C, which a framework file cannot hold: "
            "delete it (it often comes with text copied from a word processor or a PDF)",
        ),
    ],
)
def test_yaml_mistakes_in_plain_words(text, expected):
    assert problems(text) == [expected]


def test_a_comma_in_flow_style_text_is_explained():
    text = MINIMAL.replace(
        "title: {en: Minimal framework, cy: Fframwaith bach}", "title: {en: Minimal, small framework, cy: Bach}"
    )
    assert text != MINIMAL
    assert problems(text) == [
        "f.yaml:3: title.small framework: unknown key 'small framework' (allowed here: en, cy): if the text before it "
        "holds a comma, put the text in quotes or write en: and cy: on lines of their own"
    ]


def test_anchors_and_aliases_are_refused():
    assert problems("a: &x [1]\nb: *x\n") == [
        "f.yaml:1: (file): uses a YAML anchor or alias (& or *), which framework files may not: write each text "
        "out in full"
    ]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_an_alias_bomb_is_refused_at_once():
    # Nine levels of nine aliases each: 387 million strings if expanded.
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{','.join([previous] * 9)}]")
    text = "\n".join(lines) + "\n"
    assert len(text) < 500
    before, started = _peak_rss_mb(), time.perf_counter()
    found = problems(text)
    assert found[0].startswith("f.yaml:1: (file): uses a YAML anchor or alias")
    assert time.perf_counter() - started < 1
    assert _peak_rss_mb() - before < 50


def test_deep_nesting_is_refused_without_recursion_error():
    assert problems("a: " + "[" * 3000 + "]" * 3000 + "\n") == [
        f"f.yaml:1: (file): is nested more than {yamlsafe.MAX_DEPTH} levels deep; a framework file needs about 7"
    ]


def test_too_many_values_are_refused(monkeypatch):
    monkeypatch.setattr(yamlsafe, "MAX_VALUES", 50)
    found = problems("items:\n" + "".join(f"  - {n}\n" for n in range(60)))
    assert found == ["f.yaml:49: (file): has more than 50 values; a framework file is far smaller than this"]


def test_the_shipped_framework_is_within_every_bound():
    framework = load_framework_file(MINIMAL_FILE.parents[2] / "frameworks" / "transforming-together.yaml")
    assert len(framework.statements) > 30


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlsafe, "MAX_BYTES", 1_000_000)
    from together.framework import loader

    monkeypatch.setattr(loader, "MAX_BYTES", 1_000_000)
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 1_000_001 + "\n")
    with pytest.raises(FrameworkInvalid) as raised:
        load_framework_file(big)
    assert [str(p) for p in raised.value.problems] == [f"{big}:1: (file): is larger than 1 MB"]


@pytest.mark.parametrize(
    "args",
    [["--help"], ["help"], ["report", "--help"], ["framework", "--help"], ["framework", "validate", "--help"]],
)
def test_help_needs_no_settings(args, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "together.cli", *args],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "usage:" in done.stdout or "Available subcommands" in done.stdout


def test_a_missing_setting_is_one_line_naming_it(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "together.cli", "migrate"],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("together: SECRET_KEY: is required when DEBUG is off.")
    assert len(done.stderr.strip().splitlines()) == 1


def test_validation_needs_no_settings(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "together.cli", "framework", "validate", str(MINIMAL_FILE)],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "valid (1 theme, 2 statements" in done.stdout


def test_the_documented_example_is_valid():
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "framework-format.md").read_text()
    section = doc[doc.index("## A complete small example") :]
    example = section[section.index("```yaml\n") + len("```yaml\n") : section.index("\n```", section.index("```yaml"))]
    framework = parse_framework(example, "framework-format.md")
    assert framework.id == "partnership-basics"
    assert [statement.id for statement in framework.statements] == ["purpose-outcomes", "purpose-decisions"]
