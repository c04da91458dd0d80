"""The framework library in the browser: list, upload problems, draft, preview, versions and
choosing the framework for a round; every page accessible."""

import pytest

from tests.browser.conftest import assert_accessible, visit
from tests.browser.test_facilitator_pages import sign_in
from tests.conftest import MINIMAL_FILE
from tests.integration.helpers import make_partnership
from together.frameworks.models import FrameworkDraft, LibraryFramework
from together.reviews.models import Round

pytestmark = pytest.mark.django_db(transaction=True)


def test_upload_preview_publish_roll_back_and_choose(page, facilitator, framework_version, tmp_path):
    partnership = make_partnership(facilitator)
    sign_in(page, facilitator)
    visit(page, f"/partnerships/{partnership.pk}/")
    page.get_by_role("link", name="Framework library").click()
    assert page.locator("h1").inner_text() == "Framework library"
    assert "Transforming Together Framework" in page.locator("table").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Upload a framework").click()
    assert_accessible(page)
    bad = tmp_path / "ours.yaml"
    bad.write_text(
        MINIMAL_FILE.read_text()
        .replace("format: 1", "format: 3")
        .replace("{en: Shared purpose, cy: Diben cyffredin}", "{en: Shared purpose, together, cy: Diben cyffredin}")
    )
    page.get_by_label("Upload a framework file").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "The file has 2 problems: nothing was stored" in summary
    assert "Line 1: format: must be 1" in summary
    assert page.locator("#problem-2").inner_text().startswith("31\tthemes[0].title.together\tunknown key")
    assert_accessible(page)
    assert FrameworkDraft.objects.count() == 0

    page.get_by_label("Upload a framework file").set_input_files(str(MINIMAL_FILE))
    page.get_by_role("button", name="Check the file").click()
    assert page.locator("h1").inner_text() == "Minimal framework"
    assert "has no problems" in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Preview it as respondents will see it").click()
    assert "Nothing you enter is saved" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Start now").click()
    assert page.locator("h1").inner_text() == "Shared purpose"
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()
    assert "Select how far this describes your partnership" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    for radio in page.locator("input[type=radio][value='4']").all():
        radio.check()
    page.get_by_role("button", name="Save and continue").click()
    # A one-theme framework asks for one priority theme, so its question is in the singular.
    priorities = (
        "Which themes most need the partnership's attention now?",
        "Which theme most needs the partnership's attention now?",
    )
    while page.locator("h1").inner_text() not in priorities:
        for group in page.locator("input[type=radio][value='dk']").all():
            group.check()
        page.get_by_role("button", name="Save and continue").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()
    assert page.locator("h1").inner_text() == "End of the preview"
    assert_accessible(page)
    page.locator("a.govuk-button", has_text="Leave the preview").click()

    page.get_by_role("button", name="Publish").click()
    assert "Published as version 1" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)

    changed = tmp_path / "ours-2.yaml"
    changed.write_text(MINIMAL_FILE.read_text().replace("Hold a workshop.", "Hold two workshops."))
    visit(page, f"/partnerships/{partnership.pk}/frameworks/upload/")
    page.get_by_label("Upload a framework file").set_input_files(str(changed))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Publish").click()
    assert "Published as version 2" in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_role("button", name="Make this version current (version 1)").click()
    assert "Version 1 is now current" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    entry = LibraryFramework.objects.get(partnership=partnership)
    assert entry.current.number == 1

    page.get_by_role("link", name="Preview version 2").click()
    assert "Preview of version 2" in page.locator("main").inner_text()
    assert_accessible(page)

    visit(page, f"/partnerships/{partnership.pk}/rounds/new/")
    assert_accessible(page)
    page.get_by_label("Minimal framework").check()
    page.get_by_label("Round name").fill("Our own round")
    page.get_by_role("button", name="Create round").click()
    assert Round.objects.get(name="Our own round").framework_version == entry.versions.get(number=1)
    assert "Minimal framework, version 1" in page.locator("main").inner_text()
