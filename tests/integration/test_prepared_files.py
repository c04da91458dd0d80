"""A large round's PDF and exports are made by the background worker, for the member who asked,
in their role, and kept for them alone until they expire."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from tests.integration import test_report
from tests.integration.helpers import add_member, make_partnership
from together.jobs import cleanup, lifecycle, services
from together.jobs.models import FileState, PreparedBytes, PreparedFile
from together.messaging.worker import run_ready_tasks
from together.partnerships.models import Membership, Role
from together.releases import services as releases
from together.reports import build, exports

pytestmark = pytest.mark.django_db

round_ = test_report.round_  # a closed round of 19 responses, with a small hidden group


@pytest.fixture
def large(settings):
    """Every round of 10 or more responses counts as large here."""
    settings.BACKGROUND_FILES_FROM = 10


@pytest.fixture
def viewer(round_, django_user_model):
    user = django_user_model.objects.create_user(email="viewer@example.org", password="x")
    add_member(round_.partnership, user, Role.VIEWER)
    return user


def base(round_) -> str:
    return f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}"


def ask(client, round_, what="report.pdf"):
    path = f"{base(round_)}/report.pdf" if what == "report.pdf" else f"{base(round_)}/export/{what}"
    return client.get(path)


def publish(round_, user):
    from together.reviews import lifecycle as rounds

    rounds.apply(round_, "publish", user)
    round_.refresh_from_db()


def test_a_small_round_pdf_comes_at_once(client, facilitator, round_):
    client.force_login(facilitator)
    response = ask(client, round_)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not PreparedFile.objects.exists()


def test_a_large_round_pdf_is_made_by_the_worker_then_downloaded(client, facilitator, round_, large):
    client.force_login(facilitator)
    response = ask(client, round_)
    prepared = PreparedFile.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{base(round_)}/files/{prepared.pk}/"
    assert (prepared.state, prepared.role, prepared.user) == (FileState.QUEUED, Role.OWNER, facilitator)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert "Your file is being made" in html and "Waiting to start" in html
    assert f'href="{base(round_)}/files/{prepared.pk}/">Check again</a>' in html
    assert 'http-equiv="refresh"' not in html
    download = f"{base(round_)}/files/{prepared.pk}/download"
    assert client.get(download).status_code == 404  # not made yet
    assert run_ready_tasks() == 1
    prepared.refresh_from_db()
    assert prepared.state == FileState.READY and prepared.size > 0
    html = client.get(response["Location"]).content.decode()
    assert "Your file is ready" in html and f'href="{download}"' in html
    got = client.get(download)
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert "no-store" in got["Cache-Control"]
    assert got["Content-Disposition"] == 'attachment; filename="northbridge-partnership-spring-review.pdf"'
    direct = build.pdf(releases.obtain(round_, Role.OWNER, facilitator), facilitator)
    # The same document. Its bytes differ only inside the embedded font subsets, which record the
    # time they were made (two direct builds a second apart differ the same way): text and pages.
    assert test_report.pdf_text(got.content) == test_report.pdf_text(direct)
    assert len(got.content) == prepared.size


def test_the_response_level_csv_is_the_same_bytes_as_made_directly(client, facilitator, round_, large):
    client.force_login(facilitator)
    prepared_url = ask(client, round_, "responses.csv")["Location"]
    run_ready_tasks()
    got = client.get(prepared_url + "download")
    assert got["Content-Disposition"].endswith('-responses.csv"')
    assert got.content == exports.responses_csv(releases.obtain(round_, Role.OWNER, facilitator))


def test_asking_again_while_it_is_being_made_gives_the_same_file(client, facilitator, round_, large):
    client.force_login(facilitator)
    first = ask(client, round_)["Location"]
    assert ask(client, round_)["Location"] == first
    assert PreparedFile.objects.count() == 1 and DBTaskResult.objects.count() == 1
    prepared = PreparedFile.objects.get()
    lifecycle.apply(prepared, "start")
    assert ask(client, round_)["Location"] == first  # still the same while it is built
    # A different kind, or the same kind once this one is ready, is a new file.
    assert ask(client, round_, "data.xlsx")["Location"] != first
    lifecycle.apply(prepared, "finish")
    assert ask(client, round_)["Location"] != first
    assert PreparedFile.objects.count() == 3


def test_only_the_person_who_asked_gets_the_file(client, facilitator, round_, large, django_user_model):
    client.force_login(facilitator)
    progress = ask(client, round_)["Location"]
    run_ready_tasks()
    download = progress + "download"
    assert client.get(download).status_code == 200
    colleague = django_user_model.objects.create_user(email="colleague@example.org", password="x")
    add_member(round_.partnership, colleague, Role.FACILITATOR)
    stranger = django_user_model.objects.create_user(email="stranger@example.org", password="x")
    make_partnership(stranger, name="Elsewhere Partnership")
    other_partnership = PreparedFile.objects.get().pk
    for user in (colleague, stranger):
        client.force_login(user)
        assert client.get(progress).status_code == 404
        assert client.get(download).status_code == 404
    # The stranger's own partnership's address with this file's number is no way in either.
    theirs = Membership.objects.get(user=stranger).partnership_id
    client.force_login(stranger)
    assert client.get(f"/partnerships/{theirs}/rounds/{round_.pk}/files/{other_partnership}/").status_code == 404
    client.logout()
    assert client.get(download).status_code == 302  # to sign in


def test_a_file_made_for_a_facilitator_is_refused_once_they_are_a_viewer(client, facilitator, round_, large):
    client.force_login(facilitator)
    progress = ask(client, round_, "data.xlsx")["Location"]
    run_ready_tasks()
    Membership.objects.filter(user=facilitator).update(role=Role.VIEWER)
    publish(round_, facilitator)
    assert client.get(progress).status_code == 404
    assert client.get(progress + "download").status_code == 404


def test_a_viewers_workbook_holds_what_a_viewer_may_see(client, facilitator, viewer, round_, large):
    publish(round_, facilitator)
    client.force_login(viewer)
    assert ask(client, round_, "responses.csv").status_code == 403
    progress = ask(client, round_, "data.xlsx")["Location"]
    assert PreparedFile.objects.get().role == Role.VIEWER
    run_ready_tasks()
    got = client.get(progress + "download")
    assert load_workbook(io.BytesIO(got.content)).sheetnames == ["Results"]
    direct = load_workbook(io.BytesIO(exports.workbook(releases.obtain(round_, Role.VIEWER, viewer))))
    mine = load_workbook(io.BytesIO(got.content))
    assert [list(r) for r in mine["Results"].values] == [list(r) for r in direct["Results"].values]
    facilitators = load_workbook(io.BytesIO(exports.workbook(releases.obtain(round_, Role.OWNER, facilitator))))
    assert len(facilitators.sheetnames) > 1  # what the viewer's file leaves out


def test_a_viewers_job_never_makes_response_level_rows(facilitator, viewer, round_):
    publish(round_, facilitator)
    # Even asked for directly, past the view's check, the worker refuses to make it.
    prepared = services.ask(round_, "responses.csv", user=viewer, role=Role.VIEWER)
    run_ready_tasks()
    prepared.refresh_from_db()
    assert prepared.state == FileState.FAILED and "no longer available to you" in prepared.reason
    assert not PreparedBytes.objects.exists()


def test_a_failure_says_so_and_trying_again_makes_a_new_file(client, facilitator, round_, large, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk trouble")

    monkeypatch.setattr(build, "pdf", broken)
    client.force_login(facilitator)
    progress = ask(client, round_)["Location"]
    run_ready_tasks()
    page = client.get(progress).content.decode()
    assert "<title>Error: Your file could not be made" in page
    assert "Something went wrong while it was being made (OSError)." in page
    again = f'href="{base(round_)}/report.pdf">Try again</a>'
    assert again in page
    monkeypatch.undo()
    retried = ask(client, round_)["Location"]
    assert retried != progress
    run_ready_tasks()
    assert client.get(retried + "download").status_code == 200


def test_a_file_nobody_started_within_ten_minutes_is_shown_as_failed(client, facilitator, round_, large):
    client.force_login(facilitator)
    progress = ask(client, round_)["Location"]
    PreparedFile.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=11))
    page = client.get(progress).content.decode()
    assert "background worker may not be running" in page
    assert ask(client, round_)["Location"] != progress  # asking again starts afresh
    assert PreparedFile.objects.filter(state=FileState.FAILED).count() == 1


def test_expired_files_are_refused_and_then_deleted(client, facilitator, round_, large):
    client.force_login(facilitator)
    progress = ask(client, round_)["Location"]
    run_ready_tasks()
    prepared = PreparedFile.objects.get()
    assert prepared.expires_at - prepared.finished_at == datetime.timedelta(hours=1)
    assert cleanup.remove_expired() == 0
    PreparedFile.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(progress + "download").status_code == 404
    assert "This file is no longer kept" in client.get(progress).content.decode()
    out = io.StringIO()
    call_command("clean_prepared_files", stdout=out)
    assert out.getvalue().strip() == "1 expired prepared file(s) deleted"
    assert not PreparedFile.objects.exists() and not PreparedBytes.objects.exists()
    assert client.get(progress).status_code == 404


def test_clean_up_gives_up_files_left_unfinished(facilitator, round_):
    prepared = services.ask(round_, "report.pdf", user=facilitator, role=Role.OWNER)
    later = timezone.now() + datetime.timedelta(minutes=11)
    assert cleanup.remove_expired(now=later) == 0
    prepared.refresh_from_db()
    assert prepared.state == FileState.FAILED
    run_ready_tasks()  # the worker reaching it late does not make it
    prepared.refresh_from_db()
    assert prepared.state == FileState.FAILED and not PreparedBytes.objects.exists()
    assert cleanup.remove_expired(now=later + datetime.timedelta(hours=1)) == 1


def test_the_lifecycle_allows_only_its_changes(facilitator, round_):
    prepared = services.ask(round_, "report.pdf", user=facilitator, role=Role.OWNER)
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.apply(prepared, "finish")
    lifecycle.apply(prepared, "start")
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.apply(prepared, "start")
    lifecycle.apply(prepared, "fail", reason="stopped")
    for action in ("start", "finish", "fail"):
        with pytest.raises(lifecycle.TransitionRefused):
            lifecycle.apply(prepared, action)


def test_a_round_deleted_meanwhile_leaves_nothing_for_the_worker(facilitator, round_):
    services.ask(round_, "report.pdf", user=facilitator, role=Role.OWNER)
    PreparedFile.objects.all().delete()
    assert run_ready_tasks() == 1  # the task finds no file and ends
