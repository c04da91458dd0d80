"""Each kind of bad framework file gives one exact line per problem, and nothing loads."""

import pytest

from tests.conftest import MINIMAL_FILE
from together.framework import FrameworkInvalid, parse_framework
from together.framework.check import validate_files

MINIMAL = MINIMAL_FILE.read_text()


def problems(text: str) -> list[str]:
    with pytest.raises(FrameworkInvalid) as raised:
        parse_framework(text, "f.yaml")
    return [str(problem) for problem in raised.value.problems]


def edit(old: str, new: str, count: int = 1) -> str:
    assert MINIMAL.count(old) >= count, f"{old!r} is not in the minimal framework"
    return MINIMAL.replace(old, new, count)


def test_minimal_framework_is_valid():
    framework = parse_framework(MINIMAL, "f.yaml")
    assert [statement.id for statement in framework.statements] == ["purpose-outcomes", "purpose-priorities"]
    assert framework.scale.values == (1, 2, 3, 4, 5)
    assert framework.theme_of("purpose-priorities").id == "purpose"


def test_not_yaml():
    assert problems(edit("title: {en: Minimal framework, cy: Fframwaith bach}", "title: {en: Minimal")) == [
        "f.yaml:4: (file): has a comma or colon inside text written as {en: …, cy: …}: put the text in quotes, "
        "or write it in block style with en: and cy: on lines of their own"
    ]


def test_not_a_mapping():
    assert problems("- just\n- a list\n") == ["f.yaml:1: (file): must be a mapping with format, id, title and themes"]


def test_unknown_key_names_the_allowed_keys():
    assert problems(edit("    why_it_matters:", "    colour: blue\n    why_it_matters:")) == [
        "f.yaml:33: themes[0].colour: unknown key (allowed here: id, title, summary, why_it_matters, "
        "what_good_looks_like, exemplars, suggested_actions, statements)"
    ]


def test_duplicate_key():
    assert problems(edit("id: minimal\n", "id: minimal\nid: again\n")) == [
        "f.yaml:3: id: duplicate key (first used on line 2)"
    ]


def test_duplicate_statement_id():
    assert problems(edit("      - id: purpose-priorities", "      - id: purpose-outcomes")) == [
        "f.yaml:47: themes[0].statements[1].id: duplicate id 'purpose-outcomes' (also themes[0].statements[0])"
    ]


def test_duplicate_theme_id_across_themes():
    second_theme = MINIMAL[MINIMAL.index("  - id: purpose\n    title") :].replace("purpose-", "second-")
    text = MINIMAL + second_theme
    assert problems(text) == ["f.yaml:51: themes[1].id: duplicate id 'purpose' (also themes[0])"]


def test_missing_english_text():
    assert problems(edit("text: {en: Our partners have agreed shared outcomes.}", "text: {en: '', cy: Testun}")) == [
        "f.yaml:44: themes[0].statements[0].text.en: English text is missing"
    ]


def test_text_without_language_keys():
    assert problems(edit("guidance: {en: A written list exists.}", "guidance: A written list exists.")) == [
        "f.yaml:45: themes[0].statements[0].guidance: must be a mapping with English text under 'en' "
        "and Welsh text under 'cy'"
    ]


def test_missing_required_field_points_at_its_parent():
    assert problems(edit("    summary: {en: Partners share a purpose.}\n", "")) == [
        "f.yaml:30: themes[0].summary: is required"
    ]


def test_bad_scale_numbering():
    assert problems(edit("    - value: 3", "    - value: 7")) == [
        "f.yaml:17: scale.levels[2].value: bad scale: levels must be numbered 1 to 5 in order; expected 3, found 7"
    ]


def test_bad_scale_too_few_levels():
    start = MINIMAL.index("    - value: 2")
    end = MINIMAL.index("  dont_know:")
    assert problems(MINIMAL[:start] + MINIMAL[end:]) == [
        "f.yaml:10: scale.levels: bad scale: needs 2 to 7 levels, found 1"
    ]


def test_bad_scale_repeated_label():
    assert problems(edit("label: {en: Early days}", "label: {en: Not yet in place}")) == [
        "f.yaml:15: scale.levels[1].label.en: bad scale: label 'Not yet in place' is already used by level 1"
    ]


def test_scale_without_dont_know_is_valid():
    start = MINIMAL.index("  dont_know:")
    end = MINIMAL.index("themes:")
    assert parse_framework(MINIMAL[:start] + MINIMAL[end:], "f.yaml").scale.dont_know is None


def test_empty_theme():
    start = MINIMAL.index("    statements:")
    assert problems(MINIMAL[:start] + "    statements: []\n") == [
        "f.yaml:42: themes[0].statements: empty theme: a theme needs at least one statement"
    ]


def without_research(text: str) -> str:
    """The minimal framework with every piece of research content taken out."""
    lines = text.splitlines(keepends=True)
    kept, skipping = [], None
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if skipping is not None and indent > skipping:
            continue
        skipping = None
        key = line.strip().split(":")[0]
        if key in (
            "source",
            "findings",
            "why_it_matters",
            "what_good_looks_like",
            "exemplars",
            "suggested_actions",
            "guidance",
        ):
            skipping = indent
            continue
        kept.append(line)
    return "".join(kept)


def test_research_content_is_optional():
    text = without_research(MINIMAL)
    for key in ("source:", "findings:", "exemplars:", "suggested_actions:", "guidance:", "why_it_matters:"):
        assert key not in text
    framework = parse_framework(text, "f.yaml")
    theme = framework.themes[0]
    assert framework.source is None and framework.findings == []
    assert theme.why_it_matters is None and theme.what_good_looks_like is None
    assert theme.exemplars == [] and theme.suggested_actions == []
    assert [s.guidance for s in framework.statements] == [None, None]
    assert [s.findings for s in framework.statements] == [[], []]
    assert framework.exemplars() == []


def test_empty_research_lists_are_allowed():
    text = edit(
        "    exemplars:\n      - id: somewhere\n        place: {en: Somewhere}\n"
        "        text: {en: Somewhere agreed a vision.}\n",
        "    exemplars: []\n",
    )
    assert parse_framework(text, "f.yaml").themes[0].exemplars == []


def test_optional_text_still_needs_the_text_mapping():
    assert problems(edit("why_it_matters: {en: It gives focus.}", "why_it_matters: It gives focus.")) == [
        "f.yaml:33: themes[0].why_it_matters: must be a mapping with English text under 'en' and Welsh text under 'cy'"
    ]


def test_findings_are_checked_only_where_a_framework_lists_them():
    # Without a findings list, a statement may not cite one.
    start, end = MINIMAL.index("findings:\n"), MINIMAL.index("scale:")
    assert problems(MINIMAL[:start] + MINIMAL[end:]) == [
        "f.yaml:43: themes[0].statements[0].findings[0]: unknown finding 'purpose' (not listed under findings)",
        "f.yaml:47: themes[0].statements[1].findings[0]: unknown finding 'purpose' (not listed under findings)",
    ]
    # A statement need not cite a finding, as long as each listed finding is asked about somewhere.
    framework = parse_framework(MINIMAL.replace("findings: [purpose]", "findings: []", 1), "f.yaml")
    assert [s.findings for s in framework.statements] == [[], ["purpose"]]


def test_how_many_priority_themes():
    assert parse_framework(MINIMAL, "f.yaml").priority_count == 1  # 3 by default, but there is one theme
    assert parse_framework(edit("scale:", "priority_themes: 1\nscale:"), "f.yaml").priority_count == 1
    assert problems(edit("scale:", "priority_themes: 2\nscale:")) == [
        "f.yaml:9: priority_themes: asks respondents to choose 2 priority themes, but the framework has only "
        "1 theme(s): give a number from 1 to 1"
    ]
    assert problems(edit("scale:", "priority_themes: 0\nscale:")) == ["f.yaml:9: priority_themes: must be 1 or more"]
    assert problems(edit("scale:", "priority_themes: two\nscale:")) == [
        "f.yaml:9: priority_themes: must be a whole number"
    ]


def test_a_file_without_the_new_optional_fields_keeps_its_hash():
    from together.framework import canonical_json

    framework = parse_framework(MINIMAL, "f.yaml")
    assert "priority_themes" not in canonical_json(framework)
    assert '"source"' in canonical_json(framework)
    assert '"source"' not in canonical_json(parse_framework(without_research(MINIMAL), "f.yaml"))


def test_unknown_and_uncovered_findings():
    text = MINIMAL.replace("findings: [purpose]", "findings: [purpse]")
    assert problems(text) == [
        "f.yaml:7: findings[0].id: finding 'purpose' is not covered by any statement",
        "f.yaml:46: themes[0].statements[0].findings[0]: unknown finding 'purpse' (not listed under findings)",
        "f.yaml:50: themes[0].statements[1].findings[0]: unknown finding 'purpse' (not listed under findings)",
    ]


def test_bad_id():
    assert problems(edit("  - id: purpose\n    title", "  - id: Purpose Theme\n    title")) == [
        "f.yaml:30: themes[0].id: must be an id of lowercase letters, digits and hyphens, starting with a letter"
    ]


def test_wrong_format_version():
    assert problems(edit("format: 1", "format: 2")) == ["f.yaml:1: format: must be 1"]


def test_every_problem_is_reported_at_once():
    text = edit("id: minimal\n", "id: minimal\nextra: 1\n").replace("  - id: purpose-workshop", "  - id: BAD")
    assert len(problems(text)) == 2


def test_validate_files_prints_problems_and_fails(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(edit("format: 1", "format: 2"))
    good = tmp_path / "good.yaml"
    good.write_text(MINIMAL)
    status = validate_files([str(good), str(bad)], out=__import__("sys").stdout, err=__import__("sys").stderr)
    captured = capsys.readouterr()
    assert status == 1
    assert captured.err == f"{bad}:1: format: must be 1\n"
    assert captured.out == f"{good}: valid (1 theme, 2 statements, 1 exemplar)\n"


def test_unreadable_and_non_utf8_files(tmp_path, capsys):
    import sys

    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"format: 1\ntitle: {en: caf\xe9}\n")
    status = validate_files([str(tmp_path / "missing.yaml"), str(latin)], out=sys.stdout, err=sys.stderr)
    assert status == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{tmp_path / 'missing.yaml'}:1: (file): cannot be read: No such file or directory",
        f"{latin}:2: (file): is not UTF-8 text: save the file with UTF-8 encoding",
    ]


def test_a_long_framework_is_valid_with_warnings_on_its_length(tmp_path, capsys):
    import sys

    from tests.conftest import FRAMEWORK_FILE
    from together.framework import load_framework_file
    from together.framework.yamlwrite import to_yaml

    shipped = load_framework_file(FRAMEWORK_FILE)
    # Twice the themes under new ids: 86 statements, well over both limits.
    copies = [
        theme.model_copy(
            update={
                "id": f"{theme.id}-again",
                "statements": [s.model_copy(update={"id": f"{s.id}-again"}) for s in theme.statements],
                "suggested_actions": [a.model_copy(update={"id": f"{a.id}-again"}) for a in theme.suggested_actions],
            }
        )
        for theme in shipped.themes
    ]
    long = tmp_path / "long.yaml"
    long.write_text(to_yaml(shipped.model_copy(update={"themes": [*shipped.themes, *copies]})))
    assert validate_files([str(long), str(FRAMEWORK_FILE)], out=sys.stdout, err=sys.stderr) == 0
    captured = capsys.readouterr()
    warnings = captured.err.splitlines()
    # The copies keep the short form's marks, so the short form doubles too: 24 statements.
    assert len(warnings) == 3, captured.err
    assert warnings[0].startswith(f"{long}: warning: 86 statements: over 60")
    assert (
        warnings[2]
        == f"{long}: warning: the short form has 24 statements, more than the 8 to 14 a pulse works best with"
    )
    assert warnings[1].startswith(f"{long}: warning: about ") and "over 25" in warnings[1]
    assert str(FRAMEWORK_FILE) not in captured.err, "the shipped framework is within both limits"
