"""The web import wizard: every named tool's export imported with zero edits, XLSX, bad input,
re-import refusal, the mapping file reused, and nothing left behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests import import_exports as exports
from tests.integration.helpers import make_partnership, make_round, selected_in_page, web_import
from together.imports import services as imports
from together.imports import wizard
from together.imports.models import ImportBatch, ImportUpload
from together.reviews.models import Answer, Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(facilitator, framework_version):
    partnership = make_partnership(facilitator, organisations=exports.ORGANISATIONS)
    return make_round(partnership, framework_version, open_=False)


EXPECTED_TOOL = {
    "microsoft-forms": "Microsoft Forms",
    "surveymonkey": "SurveyMonkey",
    "google-forms": "Google Forms",
    "smart-survey": "Smart Survey",
    "qualtrics": "Qualtrics",
    "limesurvey": "LimeSurvey",
    "limesurvey-text": "LimeSurvey",
}


def files_waiting() -> set:
    return set(imports.UPLOAD_DIR.iterdir()) if imports.UPLOAD_DIR.is_dir() else set()


def base(round_):
    return f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/import"


def means_of(round_) -> dict[str, float]:
    framework = round_.framework
    found = {}
    for theme in framework.themes:
        values = list(
            Answer.objects.filter(
                response__round=round_, statement_id__in=[s.id for s in theme.statements], value__isnull=False
            ).values_list("value", flat=True)
        )
        if values:
            found[theme.id] = sum(values) / len(values)
    return found


def export(key, round_):
    truth = exports.make_truth(round_.framework, dont_know=key not in exports.NO_DONT_KNOW)
    return truth, *{**exports.TOOLS, **exports.EXTRAS}[key](truth)


@pytest.mark.parametrize("key", [*exports.TOOLS, *exports.EXTRAS])
def test_each_tool_s_export_imports_through_the_wizard_without_edits(client, facilitator, draft, key):
    client.force_login(facilitator)
    before = files_waiting()
    truth, name, data = export(key, draft)
    answer = web_import(client, draft, name, data)
    assert answer.status_code == 302 and answer["Location"].endswith(f"/rounds/{draft.pk}/"), key
    assert Response.objects.filter(round=draft, state="submitted").count() == len(truth.respondents)
    assert means_of(draft) == pytest.approx(truth.theme_means())
    batch = ImportBatch.objects.get(round=draft)
    assert batch.tool == EXPECTED_TOOL.get(key, ""), key
    if batch.tool:
        assert (
            f"a {batch.tool} export"
            in client.get(f"/partnerships/{draft.partnership_id}/rounds/{draft.pk}/").content.decode()
        )
    assert not ImportUpload.objects.exists()
    assert files_waiting() == before, "no file of the upload is left on disk"


def test_the_columns_page_shows_the_layout_samples_and_dropped_columns(client, facilitator, draft):
    client.force_login(facilitator)
    before = files_waiting()
    _truth, name, data = export("surveymonkey", draft)
    client.post(f"{base(draft)}/", {"file": SimpleUploadedFile(name, data)})
    page = client.get(f"{base(draft)}/columns/").content.decode()
    assert "Recognised as a SurveyMonkey export, with 2 header rows." in page
    assert "could identify people and will be left out before anything is stored" in page
    assert "IP Address" in page
    assert "Matched exact text" in page or "Matched by its heading" in page
    # The file itself is held in the database, never on disk.
    held = ImportUpload.objects.get()
    assert bytes(held.data) == data
    assert files_waiting() == before


def test_bad_files_are_refused_with_a_reason_and_nothing_is_kept(client, facilitator, draft):
    client.force_login(facilitator)
    cases = [
        (SimpleUploadedFile("empty.csv", b""), "The submitted file is empty."),
        (SimpleUploadedFile("broken.xlsx", b"PK\x03\x04not really a workbook"), "broken.xlsx:"),
        (SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100), "old.xls:"),
    ]
    for upload, message in cases:
        page = client.post(f"{base(draft)}/", {"file": upload})
        assert page.status_code == 200
        assert message in page.content.decode(), message
    assert "Choose the CSV or XLSX file to upload" in client.post(f"{base(draft)}/", {}).content.decode()
    assert not ImportUpload.objects.exists()


def test_a_file_imported_before_is_refused_with_its_date(client, facilitator, draft):
    client.force_login(facilitator)
    _truth, name, data = export("google-forms", draft)
    web_import(client, draft, name, data)
    again = client.post(f"{base(draft)}/", {"file": SimpleUploadedFile("copy.csv", data)})
    text = again.content.decode()
    assert "copy.csv has already been imported into this round, on " in text
    assert timezone.localdate().strftime("%Y") in text
    assert ImportBatch.objects.count() == 1


def test_the_mapping_file_downloads_and_is_used_again(client, facilitator, draft, framework_version):
    client.force_login(facilitator)
    _truth, name, data = export("limesurvey", draft)
    client.post(f"{base(draft)}/", {"file": SimpleUploadedFile(name, data)})
    first = client.get(f"{base(draft)}/columns/").content.decode()
    chosen = {k: v for k, v in selected_in_page(first).items() if k.startswith("column-")}
    statement = next(k for k, v in chosen.items() if v.startswith("statement:"))
    client.post(f"{base(draft)}/columns/", {"action": "save", **chosen, statement: "ignore:"})
    saved = client.get(f"{base(draft)}/mapping.json")
    assert saved.status_code == 200 and saved["Content-Disposition"] == 'attachment; filename="mapping.json"'
    document = saved.content
    # The next file from the same tool, with the saved mapping: the change is kept.
    other = make_round(draft.partnership, framework_version, open_=False)
    upload = {
        "file": SimpleUploadedFile("next.csv", data),
        "saved": SimpleUploadedFile("mapping.json", document),
    }
    assert client.post(f"{base(other)}/", upload).status_code == 302
    page = client.get(f"{base(other)}/columns/").content.decode()
    assert selected_in_page(page)[statement] == "ignore:"
    bad = client.post(
        f"{base(other)}/",
        {"file": SimpleUploadedFile("next.csv", data), "saved": SimpleUploadedFile("m.json", b"{}")},
    )
    assert "m.json: the mapping file must be a JSON object" in bad.content.decode()


def test_cancel_and_expiry_delete_the_upload(client, facilitator, draft):
    client.force_login(facilitator)
    _truth, name, data = export("microsoft-forms", draft)
    client.post(f"{base(draft)}/", {"file": SimpleUploadedFile(name, data)})
    assert ImportUpload.objects.count() == 1
    assert client.post(f"{base(draft)}/cancel/").status_code == 302
    assert not ImportUpload.objects.exists()
    client.post(f"{base(draft)}/", {"file": SimpleUploadedFile(name, data)})
    ImportUpload.objects.update(created_at=timezone.now() - timedelta(hours=wizard.UPLOAD_HOURS + 1))
    assert client.get(f"{base(draft)}/columns/")["Location"] == f"{base(draft)}/"
    assert wizard.remove_expired() == 1
    assert not ImportUpload.objects.exists()


def test_the_clean_up_command_deletes_uploads_left_in_the_wizard(client, facilitator, draft):
    """Where the worker's clean-ups are off, cron runs ``together clean_imports``: it must delete
    a file left in the wizard (it may hold names and email addresses) as the clean-ups do."""
    import io

    from django.core.management import call_command

    client.force_login(facilitator)
    _truth, name, data = export("microsoft-forms", draft)
    client.post(f"{base(draft)}/", {"file": SimpleUploadedFile(name, data)})
    out = io.StringIO()
    call_command("clean_imports", stdout=out)
    assert ImportUpload.objects.count() == 1 and "0 upload(s)" in out.getvalue()
    ImportUpload.objects.update(created_at=timezone.now() - timedelta(hours=wizard.UPLOAD_HOURS + 1))
    call_command("clean_imports", stdout=out)
    assert not ImportUpload.objects.exists() and "1 upload(s) left in the import wizard deleted" in out.getvalue()


def test_only_a_draft_round_takes_an_import(client, facilitator, framework_version):
    client.force_login(facilitator)
    open_round = make_round(make_partnership(facilitator, name="Elsewhere"), framework_version)
    _truth, name, data = export("qualtrics", open_round)
    response = client.post(f"{base(open_round)}/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302 and response["Location"].endswith(f"/rounds/{open_round.pk}/")
    assert not ImportUpload.objects.exists()


def test_an_xlsx_export_is_read(client, facilitator, draft):
    client.force_login(facilitator)
    truth, name, data = export("microsoft-forms", draft)
    assert name.endswith(".xlsx") and data[:2] == b"PK"
    answer = web_import(client, draft, name, data)
    assert answer.status_code == 302
    assert Response.objects.filter(round=draft).count() == len(truth.respondents)


def test_comments_on_a_theme_are_imported_and_general_ones_counted(client, facilitator, draft):
    from together.reviews.models import Comment

    client.force_login(facilitator)
    framework = draft.framework
    theme = framework.themes[1]
    statement = framework.statements[0]
    data = (
        f"Organisation,{statement.id},Comments on {theme.title.en},Anything else?\n"
        "Northbridge Council,4,Leaders back the plan in public.,General remark\n"
        "Northbridge NHS,2,,\n"
    ).encode()
    base_url = base(draft)
    client.post(f"{base_url}/", {"file": SimpleUploadedFile("comments.csv", data)})
    page = client.get(f"{base_url}/columns/").content.decode()
    chosen = {k: v for k, v in selected_in_page(page).items() if k.startswith("column-")}
    chosen |= {"column-3": f"comment:{theme.id}", "column-4": "comment:"}
    client.post(f"{base_url}/columns/", {"action": "save", **chosen})
    client.post(f"{base_url}/values/", selected_in_page(client.get(f"{base_url}/values/").content.decode()))
    check = client.get(f"{base_url}/check/").content.decode()
    assert "Comments found" in check
    assert client.post(f"{base_url}/check/").status_code == 302
    assert list(Comment.objects.values_list("theme_id", "text")) == [(theme.id, "Leaders back the plan in public.")]


def test_the_report_says_the_responses_came_from_the_tool(client, facilitator, draft):
    from tests.integration.helpers import close

    client.force_login(facilitator)
    truth, name, data = export("surveymonkey", draft)
    web_import(client, draft, name, data)
    close(draft, facilitator)
    report = client.get(f"/partnerships/{draft.partnership_id}/rounds/{draft.pk}/report/").content.decode()
    assert f"{len(truth.respondents)} of these responses were imported from another survey tool" in report
    assert f"({name}, SurveyMonkey)" in report


def test_an_organisation_and_group_the_partnership_lacks_can_be_added_from_the_values_step(
    client, facilitator, framework_version
):
    from tests.integration.helpers import make_partnership as partnership_with
    from together.partnerships.models import Organisation

    partnership = partnership_with(facilitator, organisations=exports.ORGANISATIONS[:1])
    partnership.groups.filter(name="Frontline staff").delete()
    round_ = make_round(partnership, framework_version, open_=False)
    client.force_login(facilitator)
    truth, name, data = export("google-forms", round_)
    url = base(round_)
    client.post(f"{url}/", {"file": SimpleUploadedFile(name, data)})
    page = client.get(f"{url}/columns/").content.decode()
    client.post(f"{url}/columns/", {"action": "save", **selected_in_page(page)})
    page = client.get(f"{url}/values/").content.decode()
    assert "New organisation: Fire and rescue" in page and "Add it to the partnership as a new group" in page
    chosen = selected_in_page(page)
    missing_org = next(k for k, v in chosen.items() if k.startswith("organisation-") and v == "")
    missing_group = next(k for k, v in chosen.items() if k.startswith("group-") and v == "")
    # Left unchosen, the check page says what is missing and nothing can be imported.
    client.post(f"{url}/values/", chosen)
    assert "is not one of the partnership" in client.get(f"{url}/check/").content.decode()
    answer = client.post(f"{url}/values/", chosen | {missing_org: "new:nhs", missing_group: "new:"})
    assert answer.status_code == 302
    added = Organisation.objects.get(partnership=partnership, name="Northbridge NHS")
    assert added.sector == "nhs"
    assert partnership.groups.filter(name="Frontline staff").exists()
    # Choosing it again later does not add it twice.
    assert wizard.add_names(round_, [("organisation", "NORTHBRIDGE NHS", "nhs")]) == []
    page = client.get(f"{url}/check/").content.decode()
    from tests.integration.helpers import typed_in_page

    assert client.post(f"{url}/check/", typed_in_page(page)).status_code == 302
    assert Response.objects.filter(round=round_, organisation=added).count() == sum(
        1 for p in truth.respondents if p.organisation == "Northbridge NHS"
    )


def test_adding_a_new_organisation_needs_a_real_sector(client, facilitator, framework_version):
    from tests.integration.helpers import make_partnership as partnership_with
    from together.partnerships.models import Organisation

    partnership = partnership_with(facilitator, organisations=exports.ORGANISATIONS[:1])
    round_ = make_round(partnership, framework_version, open_=False)
    client.force_login(facilitator)
    truth, name, data = export("google-forms", round_)
    url = base(round_)
    client.post(f"{url}/", {"file": SimpleUploadedFile(name, data)})
    page = client.get(f"{url}/columns/").content.decode()
    client.post(f"{url}/columns/", {"action": "save", **selected_in_page(page)})
    chosen = selected_in_page(client.get(f"{url}/values/").content.decode())
    missing_org = next(k for k, v in chosen.items() if k.startswith("organisation-") and v == "")
    page = client.post(f"{url}/values/", chosen | {missing_org: "new:spaceships"})
    assert page.status_code == 200 and "Choose a sector for the new organisation" in page.content.decode()
    assert not Organisation.objects.filter(partnership=partnership, name="Northbridge NHS").exists()


def test_a_row_found_not_to_be_a_respondent_can_be_kept_and_left_out_again(client, facilitator, draft):
    import re

    client.force_login(facilitator)
    truth, name, data = export("plain", draft)
    url = base(draft)
    client.post(f"{url}/", {"file": SimpleUploadedFile(name, data)})
    page = client.get(f"{url}/columns/").content.decode()
    client.post(f"{url}/columns/", {"action": "save", **selected_in_page(page)})
    client.post(f"{url}/values/", selected_in_page(client.get(f"{url}/values/").content.decode()))
    page = client.get(f"{url}/check/").content.decode()
    rows = dict(re.findall(r'value="(\d+)" checked>\s*<label[^>]*>Row \d+: ([^<]+)</label>', page))
    assert len(rows) == 3 and any("median" in why for why in rows.values()), rows
    median = next(number for number, why in rows.items() if "median" in why)
    others = [number for number in rows if number != median]
    # Untick the Median row: it would be imported, and its "Median" is no organisation.
    client.post(f"{url}/check/", {"action": "rows", "leave_out": others})
    page = client.get(f"{url}/check/").content.decode()
    assert (
        "(kept, as you chose)" in page and "&#x27;Median&#x27;" in page and "This file cannot be imported yet" in page
    )
    assert wizard.find(draft, facilitator) is not None
    # Tick it again: the file imports as before, with its real respondents only.
    client.post(f"{url}/check/", {"action": "rows", "leave_out": [*others, median]})
    page = client.get(f"{url}/check/").content.decode()
    assert "(kept, as you chose)" not in page and "This file cannot be imported yet" not in page
    assert client.post(f"{url}/check/", {}).status_code == 302
    assert Response.objects.filter(round=draft, state="submitted").count() == len(truth.respondents)


def test_a_large_workbook_is_read_by_the_worker_while_a_page_says_so(
    client, facilitator, draft, monkeypatch, django_capture_on_commit_callbacks
):
    from tests.integration.helpers import typed_in_page
    from together.importing import mapping as mappings
    from together.importing import reading
    from together.messaging.worker import run_ready_tasks

    client.force_login(facilitator)
    truth = exports.make_truth(draft.framework, respondents=1200)
    name, data = exports.microsoft_forms(truth)
    assert len(data) > wizard.BACKGROUND_XLSX_BYTES
    url = base(draft)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"{url}/", {"file": SimpleUploadedFile(name, data)})
    assert answer.status_code == 302 and answer["Location"] == f"{url}/reading/"
    page = client.get(f"{url}/reading/")
    html = page.content.decode()
    assert "Reading your file" in html and "no-store" in page["Cache-Control"]
    assert f'href="{url}/reading/">Check again</a>' in html and 'http-equiv="refresh"' not in html
    # Every later step, and the upload page itself, waits on the reading page.
    for step in ("columns/", "values/", "check/", "mapping.json", ""):
        assert client.get(f"{url}/{step}")["Location"] == f"{url}/reading/", step
    assert run_ready_tasks() == 1
    assert client.get(f"{url}/reading/")["Location"] == f"{url}/columns/"
    # The cells were kept as read: no step reads the workbook again.
    monkeypatch.setattr(reading, "read", lambda *a, **k: pytest.fail("the workbook was read again"))
    page = client.get(f"{url}/columns/").content.decode()
    assert "Microsoft Forms" in page and "Excel workbook" in page
    # Matching the chosen columns' cells again and the dry run are the worker's too, not the request's.
    real = {name: getattr(mappings, name) for name in ("refresh", "apply")}
    for name in real:
        monkeypatch.setattr(mappings, name, lambda *a, _name=name, **k: pytest.fail(f"{_name} ran in the request"))
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"{url}/columns/", {"action": "save", **selected_in_page(page)})
    assert answer["Location"] == f"{url}/reading/"
    assert "Looking at your columns’ answers" in client.get(f"{url}/reading/").content.decode()
    assert client.get(f"{url}/values/")["Location"] == f"{url}/reading/"
    for name, function in real.items():
        monkeypatch.setattr(mappings, name, function)
    assert run_ready_tasks() == 1
    assert client.get(f"{url}/reading/")["Location"] == f"{url}/values/"
    client.post(f"{url}/values/", selected_in_page(client.get(f"{url}/values/").content.decode()))
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.get(f"{url}/check/")
    assert answer["Location"] == f"{url}/reading/"
    assert "Working out what would be imported" in client.get(f"{url}/reading/").content.decode()
    assert run_ready_tasks() == 1
    assert client.get(f"{url}/reading/")["Location"] == f"{url}/check/"
    # Worked out once for this mapping: showing and importing it do not work it out again.
    monkeypatch.setattr(mappings, "apply", lambda *a, **k: pytest.fail("the dry run was worked out again"))
    check = client.get(f"{url}/check/").content.decode()
    assert "1200" in check.replace(",", "")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{url}/check/", typed_in_page(check)).status_code == 302
    run_ready_tasks()  # a file this size is written by the worker too
    assert Response.objects.filter(round=draft, state="submitted").count() == 1200
    assert not ImportUpload.objects.exists()


def test_a_large_file_that_cannot_be_read_says_why_and_is_not_kept(
    client, facilitator, draft, django_capture_on_commit_callbacks
):
    from together.messaging.worker import run_ready_tasks

    client.force_login(facilitator)
    broken = b"PK\x03\x04" + b"\x00" * (wizard.BACKGROUND_XLSX_BYTES + 10)
    url = base(draft)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"{url}/", {"file": SimpleUploadedFile("big.xlsx", broken)})
    assert answer["Location"] == f"{url}/reading/"
    run_ready_tasks()
    page = client.get(f"{url}/reading/")
    html = page.content.decode()
    assert page.status_code == 200 and "The file could not be read" in html and "big.xlsx:" in html
    assert "<title>Error:" in html
    assert not ImportUpload.objects.exists()
    assert client.get(f"{url}/reading/")["Location"] == f"{url}/"
