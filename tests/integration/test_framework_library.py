"""The framework library: ownership, upload with every problem listed, bounded checking,
preview that saves nothing, publish and rollback, and choosing a framework per round."""

import io
import re
import time

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import FRAMEWORK_FILE, MINIMAL_FILE
from tests.integration.helpers import add_member, make_partnership, make_round
from together.accounts.models import User
from together.framework import parse_framework
from together.frameworks import services, uploads
from together.frameworks.models import FrameworkDraft, FrameworkVersion, LibraryFramework
from together.partnerships.models import Role
from together.reviews.models import Answer, Response, Round

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only-1"
MINIMAL = MINIMAL_FILE.read_bytes()


def alias_bomb() -> bytes:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        lines.append(f"a{level}: &a{level} [{','.join([f'*a{level - 1}'] * 9)}]")
    return ("\n".join(lines) + "\n").encode()


DEEP = b"a: " + b"[" * 3000 + b"]" * 3000 + b"\n"


@pytest.fixture
def world(framework_version, client):
    owner = User.objects.create_user("owner@northbridge.example", PASSWORD)
    partnership = make_partnership(owner)
    viewer = User.objects.create_user("viewer@northbridge.example", PASSWORD)
    add_member(partnership, viewer, Role.VIEWER)
    other_owner = User.objects.create_user("owner@elsewhere.example", PASSWORD)
    other = make_partnership(other_owner, name="Elsewhere Partnership", organisations=("Elsewhere Council",))
    client.force_login(owner)
    return {"p": partnership, "owner": owner, "viewer": viewer, "other": other, "other_owner": other_owner}


def upload(client, partnership, name, data, follow=False):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/partnerships/{partnership.pk}/frameworks/upload/", {"file": SimpleUploadedFile(name, data)}, follow=follow
    )


def publish_minimal(client, partnership, data=MINIMAL, name="minimal.yaml"):
    response = upload(client, partnership, name, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft_url = response["Location"]
    response = client.post(f"{draft_url}publish/")
    assert response.status_code == 302
    return LibraryFramework.objects.get(framework_id="minimal", partnership=partnership)


def test_library_lists_shared_first_with_statements_and_time(client, world):
    publish_minimal(client, world["p"])
    page = client.get(f"/partnerships/{world['p'].pk}/frameworks/").content.decode()
    shared, own = page.index("Transforming Together Framework"), page.index("Minimal framework")
    assert shared < own
    minutes = services.estimate_of(services.current().framework).minutes
    assert ">43<" in page and f"about {minutes} minutes" in page
    assert "This service (shared)" in page and "Your partnership" in page


def test_a_bad_file_lists_every_problem_with_its_line_and_stores_nothing(client, world):
    bad = MINIMAL.replace(b"format: 1", b"format: 3").replace(
        b"title: {en: Shared purpose, cy: Diben cyffredin}",
        b"title: {en: Shared purpose, together, cy: Diben cyffredin}",
    )
    response = upload(client, world["p"], "ours.yaml", bad)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The file has 2 problems: nothing was stored" in page
    assert '<a href="#problem-1">Line 1: format: must be 1</a>' in page
    assert (
        "Line 31: themes[0].title.together: unknown key &#x27;together&#x27; (allowed here: en, cy): if the text"
        in page
    )
    assert 'id="problem-2"' in page and "put the text in quotes" in page
    assert "Fix the problems listed above, then upload the file again" in page
    assert FrameworkDraft.objects.count() == 0 and LibraryFramework.objects.filter(partnership=world["p"]).count() == 0


def test_a_file_that_is_not_yaml_is_refused_by_name(client, world):
    response = upload(client, world["p"], "ours.docx", b"PK\x03\x04")
    assert "The file must be a YAML file (ending in .yaml or .yml) or an Excel workbook (ending in .xlsx)" in (
        response.content.decode()
    )
    assert FrameworkDraft.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (alias_bomb(), "uses a YAML anchor or alias"),
        (DEEP, "is nested more than 25 levels deep"),
        (b"format: 1\nid: x\x0c\n", "contains the invisible control character U+000C"),
    ],
)
def test_hostile_files_are_refused_quickly_in_a_bounded_process(client, world, data, message):
    started = time.perf_counter()
    response = upload(client, world["p"], "hostile.yaml", data)
    assert time.perf_counter() - started < 5
    assert message in response.content.decode()
    assert FrameworkDraft.objects.count() == 0


def test_a_check_that_runs_out_of_time_refuses_the_file_and_stores_nothing(client, world, monkeypatch):
    monkeypatch.setattr(uploads, "WALL_SECONDS", 0.001)
    response = upload(client, world["p"], "slow.yaml", MINIMAL)
    assert "The file was refused: checking the file took longer than 0.001 seconds. Nothing was stored." in (
        response.content.decode()
    )
    assert FrameworkDraft.objects.count() == 0


def test_the_checking_process_cannot_take_more_memory_than_its_limit():
    import subprocess
    import sys

    grab = "from together.frameworks import sandbox; sandbox._limit(); b = bytearray(1024 * 1024 * 1024)"
    child = subprocess.run([sys.executable, "-c", grab], capture_output=True, check=False, timeout=30)
    assert child.returncode != 0 and b"MemoryError" in child.stderr


def test_a_workbook_upload_is_checked_in_the_same_bounded_process(client, world):
    from together.framework.check import read_framework_file
    from together.framework.xlsx import write_xlsx

    workbook = write_xlsx(read_framework_file(MINIMAL_FILE))
    response = upload(client, world["p"], "ours.xlsx", workbook)
    assert response.status_code == 302
    assert FrameworkDraft.objects.get().framework.title.en == "Minimal framework"
    broken = upload(client, world["p"], "broken.xlsx", b"PK\x03\x04 not really a workbook")
    assert "nothing was stored" in broken.content.decode() and FrameworkDraft.objects.count() == 1


def test_a_workbook_s_problems_are_listed_by_cell(client, world):
    from openpyxl import load_workbook

    from together.framework.check import read_framework_file
    from together.framework.xlsx import write_xlsx

    book = load_workbook(io.BytesIO(write_xlsx(read_framework_file(MINIMAL_FILE))))
    sheet = book["Statements"]
    headings = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headings.index("Statement (English)") + 1).value = None
    out = io.BytesIO()
    book.save(out)
    page = upload(client, world["p"], "ours.xlsx", out.getvalue()).content.decode()
    column = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[headings.index("Statement (English)")]
    assert f"Statements!{column}2: text.en: English text is missing" in page
    assert ">Cell</th>" in page and not FrameworkDraft.objects.exists()


def test_the_template_and_every_version_download_and_read_back_as_the_same_framework(client, world):
    from together.framework import canonical_json
    from together.framework.xlsx import read_xlsx

    base = f"/partnerships/{world['p'].pk}/frameworks"
    template = client.get(f"{base}/template.xlsx")
    assert template.status_code == 200 and template["Content-Disposition"] == (
        'attachment; filename="framework-template.xlsx"'
    )
    assert read_xlsx(template.content, "framework-template.xlsx").themes
    entry = publish_minimal(client, world["p"])
    stored = canonical_json(entry.current.framework)
    page = client.get(f"{base}/{entry.pk}/").content.decode()
    assert "Download as a spreadsheet" in page and "Download as YAML" in page
    as_xlsx = client.get(f"{base}/{entry.pk}/versions/1/download.xlsx")
    assert as_xlsx["Content-Disposition"] == 'attachment; filename="minimal-version-1.xlsx"'
    assert canonical_json(read_xlsx(as_xlsx.content, "minimal-version-1.xlsx")) == stored
    as_yaml = client.get(f"{base}/{entry.pk}/versions/1/download.yaml")
    assert canonical_json(parse_framework(as_yaml.content.decode(), "minimal-version-1.yaml")) == stored
    assert client.get(f"{base}/{entry.pk}/versions/1/download.pdf").status_code == 404
    assert client.get(f"{base}/{entry.pk}/versions/9/download.yaml").status_code == 404
    # A viewer may read and download; the shared framework too.
    client.force_login(world["viewer"])
    assert client.get(f"{base}/{entry.pk}/versions/1/download.yaml").status_code == 200
    shared = services.current()
    assert client.get(f"{base}/{shared.library_id}/versions/{shared.number}/download.xlsx").status_code == 200


def test_bounded_check_reads_the_shipped_framework_like_the_validator():
    checked = uploads.check_bounded("transforming-together.yaml", FRAMEWORK_FILE.read_bytes())
    assert not checked.problems and len(checked.framework.statements) == 43 and checked.seconds < 5


def test_preview_walks_every_page_as_respondents_see_it_and_saves_nothing(client, world):
    response = upload(client, world["p"], "minimal.yaml", MINIMAL)
    draft_url = response["Location"]
    counts = (Response.objects.count(), Answer.objects.count(), FrameworkVersion.objects.count(), Round.objects.count())
    start = client.get(f"{draft_url}preview/")
    assert "Nothing you enter is saved" in start.content.decode() and "Start now" in start.content.decode()
    response = client.post(f"{draft_url}preview/")
    assert response["Location"] == f"{draft_url}preview/purpose/"
    theme = client.get(f"{draft_url}preview/purpose/").content.decode()
    assert "Shared purpose" in theme and "Our partners have agreed shared outcomes." in theme
    assert "Theme 1 of" in theme and "Embedded and sustained" in theme
    # A page sent without ratings gets the respondent's own error; a full one moves on.
    missing = client.post(f"{draft_url}preview/purpose/", {})
    assert "Select how far this describes your partnership" in missing.content.decode()
    full = client.post(
        f"{draft_url}preview/purpose/", {"rating-purpose-outcomes": "4", "rating-purpose-priorities": "dk"}
    )
    assert full.status_code == 302
    assert (
        Response.objects.count(),
        Answer.objects.count(),
        FrameworkVersion.objects.count(),
        Round.objects.count(),
    ) == counts
    assert FrameworkDraft.objects.get().state == "uploaded"
    assert client.get(f"{draft_url}preview/no-such-theme/").status_code == 404


def test_publish_then_rollback_keeps_each_round_on_its_pinned_version(client, world):
    partnership = world["p"]
    entry = publish_minimal(client, partnership)
    first = entry.versions.get(number=1)
    client.post(f"/partnerships/{partnership.pk}/rounds/new/", {"framework": entry.pk, "name": "First round"})
    round_one = Round.objects.get(name="First round")
    assert round_one.framework_version == first

    entry = publish_minimal(client, partnership, MINIMAL.replace(b"Hold a workshop.", b"Hold two workshops."))
    second = entry.versions.get(number=2)
    assert entry.current == second
    client.post(f"/partnerships/{partnership.pk}/rounds/new/", {"framework": entry.pk, "name": "Second round"})
    assert Round.objects.get(name="Second round").framework_version == second

    page = client.get(f"/partnerships/{partnership.pk}/frameworks/{entry.pk}/").content.decode()
    assert "First round" in page and "Second round" in page and "Make this version current" in page
    response = client.post(f"/partnerships/{partnership.pk}/frameworks/{entry.pk}/versions/1/current/", follow=True)
    assert "Version 1 is now current" in response.content.decode()
    entry.refresh_from_db()
    assert entry.current == first
    assert Round.objects.get(name="Second round").framework_version == second
    client.post(f"/partnerships/{partnership.pk}/rounds/new/", {"framework": entry.pk, "name": "Third round"})
    assert Round.objects.get(name="Third round").framework_version == first
    again = client.post(f"/partnerships/{partnership.pk}/frameworks/{entry.pk}/versions/1/current/", follow=True)
    assert "Version 1 is already the current one." in again.content.decode()


def test_republishing_identical_content_makes_no_new_version(client, world):
    entry = publish_minimal(client, world["p"])
    publish_minimal(client, world["p"], MINIMAL.replace(b"Hold a workshop.", b"Hold two workshops."))
    response = upload(client, world["p"], "again.yaml", MINIMAL)
    draft_page = client.get(response["Location"]).content.decode()
    assert "this is the same as version 1, which becomes current" in draft_page
    client.post(f"{response['Location']}publish/")
    entry.refresh_from_db()
    assert entry.versions.count() == 2 and entry.current.number == 1


def test_a_partnership_upload_under_the_shared_id_leaves_the_shared_framework_alone(client, world, framework_version):
    own = MINIMAL.replace(b"id: minimal\n", b"id: transforming-together\n")
    response = upload(client, world["p"], "ours.yaml", own)
    assert "A shared framework has the same id" in client.get(response["Location"]).content.decode()
    client.post(f"{response['Location']}publish/")
    assert services.current() == framework_version
    assert services.current("transforming-together", world["p"]).framework.title.en == "Minimal framework"
    assert "Minimal framework" not in client.get("/framework/").content.decode()
    # The other partnership is offered only the shared one.
    client.force_login(world["other_owner"])
    page = client.get(f"/partnerships/{world['other'].pk}/rounds/new/").content.decode()
    assert "Minimal framework" not in page and "Transforming Together Framework" in page


def test_round_creation_offers_the_frameworks_with_shared_first_and_pins_the_choice(client, world, framework_version):
    entry = publish_minimal(client, world["p"])
    page = client.get(f"/partnerships/{world['p'].pk}/rounds/new/").content.decode()
    radios = re.findall(r'name="framework" type="radio" value="(\d+)"', page)
    shared = LibraryFramework.objects.get(framework_id="transforming-together", partnership=None)
    assert radios == [str(shared.pk), str(entry.pk)]
    minutes = services.estimate_of(services.current().framework).minutes
    assert f"Version 1: 43 statements, about {minutes} minutes to answer." in page
    assert re.search(rf'value="{shared.pk}"[^>]*checked', page)
    response = client.post(f"/partnerships/{world['p'].pk}/rounds/new/", {"framework": entry.pk, "name": "Own round"})
    assert response.status_code == 302
    assert Round.objects.get(name="Own round").framework_version.library == entry
    # Another partnership's framework cannot be chosen by its id.
    client.force_login(world["other_owner"])
    response = client.post(f"/partnerships/{world['other'].pk}/rounds/new/", {"framework": entry.pk, "name": "Sly"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Round.objects.filter(name="Sly").exists()


def test_actions_without_a_round_use_the_partnerships_first_framework(client, world):
    page = client.get(f"/partnerships/{world['p'].pk}/actions/new/").content.decode()
    assert services.current().framework.themes[0].title.en in page


def _urls(world, client):
    """Every new address, with ids of the partnership's own framework, draft and version."""
    entry = publish_minimal(client, world["p"])
    draft = upload(client, world["p"], "second.yaml", MINIMAL.replace(b"Hold a workshop.", b"Hold three."))
    draft_id = FrameworkDraft.objects.get(state="uploaded").pk
    assert draft.status_code == 302
    p = world["p"].pk
    base = f"/partnerships/{p}/frameworks"
    return [
        ("get", f"{base}/drafts/{draft_id}/"),
        ("post", f"{base}/drafts/{draft_id}/publish/"),
        ("post", f"{base}/drafts/{draft_id}/discard/"),
        ("get", f"{base}/drafts/{draft_id}/preview/"),
        ("get", f"{base}/drafts/{draft_id}/preview/purpose/"),
        ("get", f"{base}/{entry.pk}/"),
        ("post", f"{base}/{entry.pk}/versions/1/current/"),
        ("get", f"{base}/{entry.pk}/versions/1/preview/"),
        ("get", f"{base}/{entry.pk}/versions/1/preview/purpose/"),
        ("get", f"{base}/{entry.pk}/versions/1/download.yaml"),
        ("get", f"{base}/{entry.pk}/versions/1/download.xlsx"),
    ]


def test_another_partnerships_framework_is_not_found_on_every_address(client, world):
    urls = _urls(world, client)
    client.force_login(world["other_owner"])
    other = world["other"].pk
    for method, url in urls:
        # Through the other partnership's own address, with this partnership's ids.
        guessed = re.sub(r"/partnerships/\d+/", f"/partnerships/{other}/", url)
        assert getattr(client, method)(guessed).status_code == 404, guessed
        # And through this partnership's address, where the other owner is not a member.
        assert getattr(client, method)(url).status_code == 404, url
    assert FrameworkDraft.objects.get(state="uploaded")  # nothing was published or discarded
    assert client.get("/operator/frameworks/").status_code == 404


def test_a_viewer_reads_the_library_but_cannot_upload_or_change_it(client, world):
    urls = _urls(world, client)
    client.force_login(world["viewer"])
    p = world["p"].pk
    assert client.get(f"/partnerships/{p}/frameworks/").status_code == 200
    assert "Upload a framework" not in client.get(f"/partnerships/{p}/frameworks/").content.decode()
    assert client.get(f"/partnerships/{p}/frameworks/upload/").status_code == 403
    assert upload(client, world["p"], "minimal.yaml", MINIMAL).status_code == 403
    readable = {"/frameworks/{}/".format(u.split("/frameworks/")[1].split("/")[0]) for _, u in urls}
    for method, url in urls:
        status = getattr(client, method)(url).status_code
        if method == "get" and ("/versions/" in url or any(url.endswith(r) for r in readable)):
            assert status == 200, url
        else:
            assert status == 403, url


def test_members_cannot_change_the_shared_framework(client, world):
    shared = LibraryFramework.objects.get(framework_id="transforming-together", partnership=None)
    response = client.post(f"/partnerships/{world['p'].pk}/frameworks/{shared.pk}/versions/1/current/")
    assert response.status_code == 403
    page = client.get(f"/partnerships/{world['p'].pk}/frameworks/{shared.pk}/").content.decode()
    assert "Operators manage its versions." in page and "Make this version current" not in page


def test_operators_publish_and_roll_back_shared_frameworks(client, world, framework_version):
    staff = User.objects.create_user("ops@service.example", PASSWORD, is_staff=True)
    client.force_login(staff)
    from django.core.files.uploadedfile import SimpleUploadedFile

    make_round(world["p"], framework_version)
    changed = MINIMAL.replace(b"id: minimal\n", b"id: transforming-together\n")
    response = client.post("/operator/frameworks/upload/", {"file": SimpleUploadedFile("tt.yaml", changed)})
    assert response.status_code == 302 and response["Location"].startswith("/operator/frameworks/drafts/")
    client.post(f"{response['Location']}publish/")
    shared = LibraryFramework.objects.get(framework_id="transforming-together", partnership=None)
    assert shared.current.number == 2 and services.current().number == 2
    page = client.get(f"/operator/frameworks/{shared.pk}/").content.decode()
    assert "1 round" in page  # the facilitators' round on version 1, counted, not named
    client.post(f"/operator/frameworks/{shared.pk}/versions/1/current/")
    assert services.current() == framework_version
    assert client.get("/operator/frameworks/").status_code == 200


def test_operator_pages_are_not_found_for_people_without_staff_access(client, world):
    shared = LibraryFramework.objects.get(framework_id="transforming-together", partnership=None)
    for url in ("/operator/frameworks/", "/operator/frameworks/upload/", f"/operator/frameworks/{shared.pk}/"):
        assert client.get(url).status_code == 404


# The command line


def test_framework_use_rolls_back_the_shared_framework(tmp_path, capsys, framework_version):
    changed = tmp_path / "tt.yaml"
    changed.write_text(FRAMEWORK_FILE.read_text().replace("Our partners", "All our partners", 1))
    call_command("framework", "load", str(changed))
    assert services.current().number == 2
    call_command("framework", "use", "transforming-together", "1")
    assert services.current() == framework_version
    assert "transforming-together version 1 is now current in the shared library" in capsys.readouterr().out
    # Loading the files again (as each start of the service does) leaves the choice alone, and says so.
    call_command("framework", "load", str(changed))
    assert services.current() == framework_version
    assert (
        "unchanged, already stored as transforming-together version 2; version 1 is current "
        "(together framework use transforming-together 2 to change that)"
    ) in capsys.readouterr().out


def test_framework_use_for_a_partnership_and_its_errors(client, world, capsys):
    entry = publish_minimal(client, world["p"])
    publish_minimal(client, world["p"], MINIMAL.replace(b"Hold a workshop.", b"Hold two workshops."))
    call_command("framework", "use", "minimal", "1", "--partnership", str(world["p"].pk))
    entry.refresh_from_db()
    assert entry.current.number == 1
    with pytest.raises(CommandError, match="minimal has no version 7") as raised:
        call_command("framework", "use", "minimal", "7", "--partnership", "Northbridge Partnership")
    assert raised.value.returncode == 2
    with pytest.raises(CommandError, match="the shared library has no framework with the id 'minimal'") as raised:
        call_command("framework", "use", "minimal", "1")
    assert raised.value.returncode == 2
    with pytest.raises(CommandError, match="no partnership has the id or name 'Nowhere'"):
        call_command("framework", "use", "minimal", "1", "--partnership", "Nowhere")


def test_round_create_command(client, world, capsys):
    entry = publish_minimal(client, world["p"])
    p = str(world["p"].pk)
    call_command("round", "create", "--partnership", p, "--name", "Scripted", "--closes", "2099-03-31")
    scripted = Round.objects.get(name="Scripted")
    assert scripted.framework_version == services.current() and not scripted.open_link_enabled
    assert scripted.state == "draft" and str(scripted.closes_on) == "2099-03-31"
    call_command(
        "round", "create", "--partnership", p, "--name", "Own", "--closes", "2099-03-31",
        "--framework", "minimal", "--version", "1", "--open-link",
    )  # fmt: skip
    own = Round.objects.get(name="Own")
    assert own.framework_version.library == entry and own.open_link_enabled
    assert f"/r/{own.open_link_code}/" in capsys.readouterr().out
    for args, message in [
        (["--closes", "2001-01-01"], "--closes: The closing date must be today or in the future"),
        (["--closes", "2099-03-31", "--framework", "nope"], "cannot use a framework with the id 'nope'"),
        (["--closes", "2099-03-31", "--framework", "minimal", "--version", "3"], "minimal has no version 3"),
    ]:
        with pytest.raises(CommandError, match=re.escape(message)) as raised:
            call_command("round", "create", "--partnership", p, "--name", "Bad", *args)
        assert raised.value.returncode == 2
    # Another partnership cannot reach this one's framework by its id.
    with pytest.raises(CommandError, match="cannot use a framework with the id 'minimal'"):
        call_command(
            "round", "create", "--partnership", str(world["other"].pk), "--name", "Bad", "--closes", "2099-03-31",
            "--framework", "minimal",
        )  # fmt: skip
    assert not Round.objects.filter(name="Bad").exists()


def test_round_create_command_refuses_a_bad_date_with_exit_status_2():
    import subprocess
    import sys

    from tests.conftest import ROOT

    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "together.cli",
            "round",
            "create",
            "--partnership",
            "1",
            "--name",
            "x",
            "--closes",
            "31/3/27",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 50, "DEBUG": "true"},
    )
    assert child.returncode == 2, child.stderr
    assert "'31/3/27' is not a date: write it as YYYY-MM-DD" in child.stderr


@pytest.mark.django_db(transaction=True)
def test_the_migration_puts_existing_versions_in_the_shared_library_with_the_newest_current():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("frameworks", "0001_initial")])
    old = executor.loader.project_state([("frameworks", "0001_initial")]).apps.get_model(
        "frameworks", "FrameworkVersion"
    )
    for number in (1, 2):
        old.objects.create(
            framework_id="transforming-together",
            number=number,
            content_hash=str(number) * 64,
            content={},
            source_name="tt.yaml",
        )
    old.objects.create(framework_id="minimal", number=1, content_hash="m" * 64, content={}, source_name="m.yaml")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    shared = {e.framework_id: e for e in LibraryFramework.objects.select_related("current")}
    assert set(shared) == {"transforming-together", "minimal"}
    assert all(e.partnership_id is None for e in shared.values())
    assert shared["transforming-together"].current.number == 2 and shared["minimal"].current.number == 1
    assert FrameworkVersion.objects.filter(library__isnull=True).count() == 0
