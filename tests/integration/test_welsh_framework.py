"""The shipped framework's Welsh: a new version beside the English-only one, and on the questionnaire."""

import html

import pytest

from tests.conftest import FRAMEWORK_FILE
from tests.integration.helpers import make_partnership, make_round
from together.framework import load_framework_file
from together.framework.rules import texts
from together.framework.yamlwrite import to_yaml
from together.frameworks import services

pytestmark = pytest.mark.django_db

FRAMEWORK = load_framework_file(FRAMEWORK_FILE)


def english_only(tmp_path):
    """The shipped framework as it was before its Welsh: every Welsh text empty, no claim made."""
    data = FRAMEWORK.model_dump(mode="json")

    def blank(value):
        if isinstance(value, dict):
            if set(value) == {"en", "cy"}:
                return {"en": value["en"], "cy": ""}
            return {key: blank(item) for key, item in value.items() if key != "translation_status"}
        if isinstance(value, list):
            return [blank(item) for item in value]
        return value

    path = tmp_path / "transforming-together-english.yaml"
    path.write_text(to_yaml(type(FRAMEWORK).model_validate(blank(data))), encoding="utf-8")
    return path


def test_the_welsh_is_a_new_version_and_the_english_only_version_is_kept(tmp_path):
    before = services.load(english_only(tmp_path)).version
    after = services.load(FRAMEWORK_FILE)
    assert after.created and (before.number, after.version.number) == (1, 2)
    assert after.version.content_hash != before.content_hash
    # A round pinned on the earlier version keeps its English-only text.
    old = services.load(english_only(tmp_path)).version.framework
    assert all(text.cy == "" for _path, text in texts(old))
    assert old.translation_status == {}
    # Statement ids are unchanged, so rounds on either version compare on every statement.
    assert [s.id for s in old.statements] == [s.id for s in after.version.framework.statements]
    assert [t.id for t in old.themes] == [t.id for t in after.version.framework.themes]


def theme_page(client, round_, theme, language=None):
    """A theme page, under "/cy/" for a Welsh reader: the address, not the browser, says which."""
    prefix = f"/{language}" if language == "cy" else ""
    client.post(f"{prefix}/r/{round_.open_link_code}/")
    base = f"{prefix}/respond/{round_.public_id}"
    client.post(f"{base}/about/", {})
    return html.unescape(client.get(f"{base}/theme/{theme.id}/").content.decode())


def test_a_questionnaire_page_shows_the_framework_in_welsh_to_a_welsh_reader(client, facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    theme = round_.framework.theme("whole-workforce")
    page = theme_page(client, round_, theme, "cy")
    assert '<html lang="cy"' in page
    assert f'<h1 class="govuk-heading-l">{theme.title.cy}</h1>' in page
    assert theme.summary.cy in page
    for statement in theme.statements:
        assert statement.text.cy in page and statement.guidance.cy in page
        assert statement.text.en not in page
    for level in round_.framework.scale.levels:
        assert level.label.cy in page and level.description.cy in page
    assert round_.framework.scale.dont_know.label.cy in page
    # No framework text falls back to English, so none needs marking as English.
    assert theme.title.en not in page


def test_an_english_reader_still_sees_english(client, facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version)
    theme = round_.framework.themes[0]
    page = theme_page(client, round_, theme)
    assert '<html lang="en' in page
    assert theme.title.en in page and theme.statements[0].text.en in page
    assert theme.title.cy not in page and theme.statements[0].text.cy not in page
