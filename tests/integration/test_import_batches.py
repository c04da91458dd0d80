"""Imports written in short transactions: a pending batch counts nowhere, holds the round still,
is removed when it fails or its process dies, and lets respondents' saves through meanwhile."""

import datetime
import io
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.integration.helpers import complete_questionnaire, make_partnership, make_round
from together.imports import services as imports
from together.imports.models import BatchState, ImportBatch, ImportedResponse, pending_in
from together.messaging.worker import run_ready_tasks
from together.releases import services as releases
from together.reviews import importer, lifecycle
from together.reviews.models import Answer, Response, Round

pytestmark = pytest.mark.django_db


def csv_file(round_, people: int, value: int = 4, organisation: str = "Northbridge Council") -> bytes:
    statements = [s.id for s in round_.framework.statements]
    lines = [",".join(["organisation", *statements])]
    lines += [",".join([organisation, *[str(value)] * len(statements)]) for _ in range(people)]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def small_chunks(monkeypatch):
    """About two responses a transaction, and no real pause, so a small file takes many steps."""
    statements = 42
    monkeypatch.setattr(imports, "CHUNK_CELLS", 2 * statements)
    monkeypatch.setattr(imports, "PAUSE_SECONDS", 0)


@pytest.fixture
def draft(facilitator, framework_version):
    return make_round(make_partnership(facilitator), framework_version, open_=False)


def between_chunks(monkeypatch, look):
    """Call ``look()`` at the first pause between two of the import's transactions."""
    calls = []

    def pause(seconds):
        calls.append(seconds)
        if len(calls) == 1:
            look()

    monkeypatch.setattr(imports.time, "sleep", pause)
    return calls


def test_a_pending_batch_counts_nowhere_and_holds_the_round(
    client, draft, facilitator, small_chunks, monkeypatch, framework_version
):
    from together.api import tokens

    _api_token, token = tokens.issue(facilitator, "Import test")
    seen = {}

    def look():
        batch = pending_in(draft.pk)
        written = ImportedResponse.objects.filter(batch=batch).count()
        assert 0 < written < 10, "some rows are in the database, not all"
        assert Response.objects.filter(round=draft).count() == written
        seen["written"] = written
        # Counted nowhere: not a complete batch, not in the round's count, the API or the report's list.
        assert not ImportBatch.objects.exists()
        assert imports.imported_count(draft) == 0
        assert releases.live_counts(draft, "owner")["responses"] == 0
        rounds = client.get(
            f"/api/v1/partnerships/{draft.partnership_id}/rounds/", HTTP_AUTHORIZATION=f"Token {token}"
        ).json()
        assert [r["responses"] for r in rounds] == [0]
        # The round page says so and offers no change of state.
        client.force_login(facilitator)
        page = client.get(f"/partnerships/{draft.partnership_id}/rounds/{draft.pk}/").content.decode()
        assert "is being imported: " in page and "Close the round" not in page
        # The round cannot close or open, nor take a second file.
        for change in ("close", "open"):
            with pytest.raises(lifecycle.TransitionRefused, match="still being imported"):
                lifecycle.apply(Round.objects.get(pk=draft.pk), change, facilitator)
        with pytest.raises(imports.ImportRefused, match="still being imported"):
            imports.import_file(io.BytesIO(csv_file(draft, 3, value=2)), draft, file_name="other.csv", user=facilitator)
        # Even a round closed behind the lifecycle's back gives no results, on the web or the API.
        Round.objects.filter(pk=draft.pk).update(state="closed")
        with pytest.raises(releases.NotAvailable) as refused:
            releases.obtain(Round.objects.get(pk=draft.pk), releases.OPERATOR)
        assert refused.value.code == "importing"
        api = client.get(f"/api/v1/rounds/{draft.pk}/results/", HTTP_AUTHORIZATION=f"Token {token}")
        assert api.status_code == 503 and "still being imported" in api.json()["detail"]
        results = client.get(f"/partnerships/{draft.partnership_id}/rounds/{draft.pk}/results/")
        assert "still being imported" in results.content.decode()
        export = client.get(f"/partnerships/{draft.partnership_id}/rounds/{draft.pk}/export/responses.csv")
        assert b"Northbridge Council" not in export.content
        assert not releases.is_released(draft)
        Round.objects.filter(pk=draft.pk).update(state="draft")

    between_chunks(monkeypatch, look)
    batch = imports.import_file(io.BytesIO(csv_file(draft, 10)), draft, file_name="last-year.csv", user=facilitator)
    assert seen["written"]
    assert (batch.state, batch.rows, batch.written) == (BatchState.COMPLETE, 10, 10)
    assert list(ImportBatch.objects.all()) == [batch]
    assert imports.imported_count(draft) == 10
    assert releases.live_counts(draft, "owner")["responses"] == 10
    lifecycle.apply(draft, "close", facilitator)
    assert releases.obtain(Round.objects.get(pk=draft.pk), releases.OPERATOR).results.respondents == 10


def test_a_failure_part_way_removes_what_was_written(draft, facilitator, small_chunks, monkeypatch):
    store = importer.store
    calls = []

    def failing_store(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return store(*args, **kwargs)

    monkeypatch.setattr(importer, "store", failing_store)
    with pytest.raises(importer.ImportInvalid, match="stopped part-way"):
        imports.import_file(io.BytesIO(csv_file(draft, 10)), draft, file_name="last-year.csv", user=facilitator)
    assert not Response.objects.filter(round=draft).exists()
    assert not Answer.objects.filter(round=draft).exists()
    assert not ImportedResponse.objects.exists()
    assert pending_in(draft.pk) is None
    # The round is as it was: the same file can go in now.
    monkeypatch.setattr(importer, "store", store)
    batch = imports.import_file(io.BytesIO(csv_file(draft, 10)), draft, file_name="last-year.csv", user=facilitator)
    assert batch.state == BatchState.COMPLETE and Response.objects.filter(round=draft).count() == 10


def test_each_transaction_writes_ids_above_the_last_ones(draft, facilitator, small_chunks, monkeypatch):
    """Ids are handed out in ascending order across the whole file, so each short transaction
    adds to one narrow stretch of each id index instead of rewriting pages all over it."""
    store = importer.store
    written = []  # (response ids, answer ids) of each transaction, in the order they were written

    def recording_store(round_, parsed, *args, **kwargs):
        before_responses = set(Response.objects.filter(round=round_).values_list("pk", flat=True))
        before_answers = set(Answer.objects.filter(round=round_).values_list("pk", flat=True))
        stored = store(round_, parsed, *args, **kwargs)
        responses = set(Response.objects.filter(round=round_).values_list("pk", flat=True)) - before_responses
        answers = set(Answer.objects.filter(round=round_).values_list("pk", flat=True)) - before_answers
        written.append((sorted(responses), sorted(answers)))
        return stored

    monkeypatch.setattr(importer, "store", recording_store)
    imports.import_file(io.BytesIO(csv_file(draft, 9)), draft, file_name="last-year.csv", user=facilitator)
    assert len(written) >= 4
    for earlier, later in zip(written, written[1:], strict=False):
        assert earlier[0][-1] < later[0][0] and earlier[1][-1] < later[1][0]
    ids = [pk for responses, _answers in written for pk in responses]
    assert len(ids) == len(set(ids)) == 9
    # Still random ids, not a count: version 4, with nothing in common between neighbours.
    assert {pk.version for pk in ids} == {4}
    assert len({pk.hex[:8] for pk in ids}) > 1


class ProcessDied(BaseException):
    """Stands for the process being killed: nothing in the import gets to run afterwards."""


def _die_part_way(draft, facilitator, monkeypatch) -> ImportBatch:
    def die():
        raise ProcessDied

    between_chunks(monkeypatch, die)
    with pytest.raises(ProcessDied):
        imports.import_file(io.BytesIO(csv_file(draft, 10)), draft, file_name="last-year.csv", user=facilitator)
    monkeypatch.undo()
    monkeypatch.setattr(imports, "PAUSE_SECONDS", 0)
    batch = ImportBatch.all_objects.get()
    assert batch.state == BatchState.PENDING
    assert Response.objects.filter(round=draft).exists(), "the dead import left rows behind"
    return batch


def test_rows_of_a_dead_import_are_removed_by_the_clean_up_after_15_minutes(
    draft, facilitator, small_chunks, monkeypatch
):
    batch = _die_part_way(draft, facilitator, monkeypatch)
    written = Response.objects.filter(round=draft).count()
    assert releases.live_counts(draft, "owner")["responses"] == 0, "never counted"
    # Fourteen minutes without progress could be a slow import: it is left alone.
    assert imports.discard_stale(timezone.now() + datetime.timedelta(minutes=14)) == 0
    assert Response.objects.filter(round=draft).count() == written
    assert imports.discard_stale(timezone.now() + datetime.timedelta(minutes=16)) == 1
    assert not Response.objects.filter(round=draft).exists()
    assert not Answer.objects.filter(round=draft).exists()
    batch.refresh_from_db()
    assert batch.state == BatchState.FAILED and "stopped before it finished" in batch.problems[0]["message"]
    # On the command line too.
    from django.core.management import call_command

    out = io.StringIO()
    call_command("clean_imports", stdout=out)
    assert "0 stopped import(s) given up" in out.getvalue()


def test_rows_of_a_dead_import_are_removed_by_the_next_import(draft, facilitator, small_chunks, monkeypatch):
    batch = _die_part_way(draft, facilitator, monkeypatch)
    # Until it is stale, the next import is refused, and so is closing the round.
    with pytest.raises(imports.ImportRefused, match="still being imported"):
        imports.import_file(io.BytesIO(csv_file(draft, 3, value=2)), draft, file_name="other.csv")
    ImportBatch.all_objects.filter(pk=batch.pk).update(heartbeat=timezone.now() - datetime.timedelta(minutes=16))
    other = imports.import_file(io.BytesIO(csv_file(draft, 3, value=2)), draft, file_name="other.csv")
    assert other.state == BatchState.COMPLETE
    assert Response.objects.filter(round=draft).count() == 3
    assert set(Answer.objects.filter(round=draft).values_list("value", flat=True)) == {2}
    assert ImportBatch.all_objects.get(pk=batch.pk).state == BatchState.FAILED


def test_closing_clears_a_dead_import_first(draft, facilitator, small_chunks, monkeypatch):
    batch = _die_part_way(draft, facilitator, monkeypatch)
    with pytest.raises(lifecycle.TransitionRefused, match="still being imported"):
        lifecycle.apply(draft, "close", facilitator)
    ImportBatch.all_objects.filter(pk=batch.pk).update(heartbeat=timezone.now() - datetime.timedelta(minutes=16))
    # Once stale it is removed; with no complete file, the draft round has nothing to close with.
    with pytest.raises(lifecycle.TransitionRefused, match="Only a round of imported responses"):
        lifecycle.apply(draft, "close", facilitator)
    assert not Response.objects.filter(round=draft).exists()


@pytest.mark.django_db(transaction=True)
def test_a_respondent_can_save_during_a_long_import(facilitator, framework_version, monkeypatch, settings):
    """On a real SQLite file, a respondent with a one-second busy timeout saves page after page
    while a file several seconds long is written in another thread."""
    settings.RESPONSE_RATE_LIMIT = (100_000, 3600)  # one test client sends questionnaire after questionnaire
    partnership = make_partnership(facilitator)
    collecting = make_round(partnership, framework_version)
    target = make_round(partnership, framework_version, open_=False)
    monkeypatch.setattr(imports, "PAUSE_SECONDS", 0.1)
    monkeypatch.setattr(imports, "CHUNK_CELLS", 1000)
    data = csv_file(target, 1500)  # 63,000 answers: 63 transactions with a pause after each
    if connection.vendor == "sqlite":
        assert connection.settings_dict["NAME"] and "memory" not in connection.settings_dict["NAME"]
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 1000")
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    outcome = {}

    def run():
        try:
            outcome["batch"] = imports.import_file(io.BytesIO(data), target, file_name="big.csv", user=facilitator)
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    while pending_in(target.pk) is None and thread.is_alive():
        time.sleep(0.01)
    sent_during = 0
    while thread.is_alive():
        complete_questionnaire(Client(), collecting, f"/r/{collecting.open_link_code}/")
        if ImportBatch.all_objects.filter(round=target, state=BatchState.PENDING).exists():
            sent_during += 1
    thread.join()
    assert "error" not in outcome, outcome.get("error")
    assert outcome["batch"].state == BatchState.COMPLETE
    assert sent_during >= 1, "the import ended before a respondent had sent answers during it"
    assert Response.objects.filter(round=collecting, state="submitted").count() >= sent_during
    assert Response.objects.filter(round=target).count() == 1500


@pytest.mark.django_db(transaction=True)
def test_a_large_web_upload_is_imported_outside_the_request(client, facilitator, framework_version, monkeypatch):
    from tests.integration.helpers import web_import
    from together.imports.models import ImportUpload

    round_ = make_round(make_partnership(facilitator), framework_version, open_=False)
    monkeypatch.setattr(imports, "BACKGROUND_BYTES", 1000)
    client.force_login(facilitator)
    base = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/import"
    before = set(imports.UPLOAD_DIR.iterdir()) if imports.UPLOAD_DIR.is_dir() else set()

    answer = web_import(client, round_, "last-year.csv", csv_file(round_, 40))
    batch = ImportBatch.all_objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"{base}/{batch.pk}/"
    assert not ImportUpload.objects.exists(), "the upload is let go once the import has started"
    prepared = imports.UPLOAD_DIR / batch.source.rsplit("/", 1)[-1]
    assert prepared.exists() and (prepared.stat().st_mode & 0o077) == 0, "only the service may read it"
    assert b"Northbridge Council" in prepared.read_bytes()
    assert "Importing responses" in client.get(answer["Location"]).content.decode()  # queued, not yet run
    assert run_ready_tasks() == 1  # what together worker does
    page = client.get(answer["Location"]).content.decode()
    assert "Responses imported" in page and "40 responses from last-year.csv" in page
    assert Response.objects.filter(round=round_).count() == 40
    assert not prepared.exists(), "the prepared rows are deleted once imported"
    assert (set(imports.UPLOAD_DIR.iterdir()) if imports.UPLOAD_DIR.is_dir() else set()) == before

    # A file with a mistake: the dry run names it, and nothing can be imported.
    other = make_round(round_.partnership, framework_version, open_=False)
    data = csv_file(other, 40).replace(b"Northbridge Council,4,", b"Northbridge Council,7,", 1)
    answer = web_import(client, other, "typo.csv", data)
    assert answer.status_code == 302 and answer["Location"].endswith("/import/check/")
    page = client.get(answer["Location"]).content.decode()
    assert "This file cannot be imported yet" in page
    assert "the answer &#x27;7&#x27; (1 in" in page
    assert not Response.objects.filter(round=other).exists()
    assert not ImportBatch.all_objects.filter(round=other).exists()


def test_the_progress_page_while_running_never_refreshes_itself(client, draft, facilitator):
    batch = ImportBatch.all_objects.create(
        round=draft,
        file_name="last-year.csv",
        sha256="0" * 64,
        rows=2500,
        checked=2500,
        written=1000,
        state=BatchState.PENDING,
        heartbeat=timezone.now(),
    )
    client.force_login(facilitator)
    url = f"/partnerships/{draft.partnership_id}/rounds/{draft.pk}/import/{batch.pk}/"
    page = client.get(url).content.decode()
    assert "Importing responses" in page and "1000 of 2500" in page
    assert 'http-equiv="refresh"' not in page and "Refresh this page" in page
    # An import that has shown no progress for 15 minutes is reported as stopped, without refreshing.
    ImportBatch.all_objects.filter(pk=batch.pk).update(heartbeat=timezone.now() - datetime.timedelta(minutes=16))
    page = client.get(url).content.decode()
    assert "The import stopped before it finished" in page and 'http-equiv="refresh"' not in page
