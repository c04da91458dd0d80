"""`together backup` while people answer, and `together restore`, lose nothing and change nothing.

Copying the SQLite file while the service ran dropped answers still in the write-ahead log, and
copying it with its log gave a malformed database; the backup command takes a consistent copy on
either database. A round trip gives back every table and every export as they were.
"""

import io
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from openpyxl import load_workbook

from tests.integration import test_concurrency
from tests.integration.browserless import HttpRespondent
from tests.integration.helpers import close, make_partnership, make_round, released
from tests.integration.test_results import add_responses
from together.backups import services
from together.partnerships.models import Partnership
from together.reports import exports
from together.reviews.models import Answer, Response, ResponseState

pytestmark = pytest.mark.django_db(transaction=True)

busy_live_server = test_concurrency.busy_live_server
plain_http_cookies = test_concurrency.plain_http_cookies


def tables() -> dict[str, list]:
    """Every row of every table the service keeps, in a fixed order."""
    found = {}
    for model in apps.get_models():
        if model._meta.managed and model._meta.db_table in connection.introspection.table_names():
            fields = [f.attname for f in model._meta.concrete_fields]
            found[model._meta.db_table] = sorted(
                (tuple(str(v) for v in row) for row in model.objects.values_list(*fields)), key=repr
            )
    return found


def every_export(round_) -> dict[str, object]:
    view = released(round_)
    sheets = load_workbook(io.BytesIO(exports.workbook(view)), read_only=True)
    return {
        "results.csv": exports.results_csv(view),
        "results.json": exports.results_json(view),
        "responses.csv": exports.responses_csv(view),
        "workbook": {sheet.title: [tuple(c.value for c in row) for row in sheet.iter_rows()] for sheet in sheets},
    }


def run(command, *args) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_a_backup_while_people_answer_holds_every_acknowledged_response_whole(
    busy_live_server, plain_http_cookies, facilitator, framework_version, tmp_path
):
    round_ = make_round(make_partnership(facilitator), framework_version)
    framework = framework_version.framework
    acknowledged, stop = [], threading.Event()

    def respondent(_):
        sent = 0
        while not stop.is_set():
            person = HttpRespondent(busy_live_server)
            done = person.submit(round_, person.fill_in(round_, framework))
            assert "Your answers have been sent" in done
            acknowledged.append(1)
            sent += 1
        return sent

    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(respondent, i) for i in range(6)]
        while len(acknowledged) < 12:
            threading.Event().wait(0.1)
        before = len(acknowledged)
        backup = tmp_path / "during.backup"
        output = run("backup", str(backup))
        stop.set()
        total = sum(f.result() for f in futures)
    assert "Backed up to" in output and backup.exists()
    assert services.kind_of(backup) == connection.vendor
    if connection.vendor == "sqlite":
        import sqlite3

        copy = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        sent = copy.execute("SELECT id FROM reviews_response WHERE state = ?", (ResponseState.SUBMITTED,)).fetchall()
        answers = copy.execute("SELECT response_id, COUNT(*) FROM reviews_answer GROUP BY response_id").fetchall()
        copy.close()
        counts = dict(answers)
        # Everything acknowledged before the backup began is in it, each with all its answers.
        assert before <= len(sent) <= total
        assert all(counts.get(rid) == len(framework.statements) for (rid,) in sent)
    # Restoring it gives a database that works, with at least what was acknowledged.
    run("restore", str(backup), "--replace")
    kept = Response.objects.filter(round=round_, state=ResponseState.SUBMITTED)
    assert before <= kept.count() <= total
    assert Answer.objects.filter(response__in=kept).count() == kept.count() * len(framework.statements)


def test_a_round_trip_gives_back_every_table_and_every_export(facilitator, framework_version, tmp_path):
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, framework_version)
    organisation = partnership.organisations.first()
    group = partnership.groups.first()
    add_responses(round_, organisation, group, 8, value=4)
    add_responses(round_, partnership.organisations.last(), group, 7, value=2)
    close(round_)
    exported = every_export(round_)
    backup = tmp_path / "quiet.backup"
    run("backup", str(backup))
    kept = tables()

    # Life goes on: a new partnership, a renamed one, more answers to another round.
    Partnership.objects.filter(pk=partnership.pk).update(name="Renamed after the backup")
    other = make_round(make_partnership(facilitator, name="Made after the backup"), framework_version)
    add_responses(other, other.partnership.organisations.first(), other.partnership.groups.first(), 5)
    assert tables() != kept

    with pytest.raises(CommandError, match="already holds .* partnerships .* add --replace"):
        run("restore", str(backup))
    run("restore", str(backup), "--replace")
    restored = tables()
    changed = {name for name in kept if kept[name] != restored.get(name)}
    assert changed == set(), changed
    assert every_export(round_) == exported


def test_restore_refuses_a_backup_made_under_another_secret_key(facilitator, framework_version, tmp_path, settings):
    make_partnership(facilitator)
    backup = tmp_path / "keyed.backup"
    run("backup", str(backup))
    settings.SECRET_KEY = "another-key-" + "x" * 50
    with pytest.raises(CommandError, match="another SECRET_KEY"):
        run("restore", str(backup), "--replace")
    run("restore", str(backup), "--replace", "--other-key")
    assert Partnership.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a backup made by 'together backup'"),
        (b"name,organisation\nA,B\n", "not a backup made by 'together backup'"),
    ],
)
def test_restore_says_what_is_wrong_with_a_file_that_is_no_backup(db, tmp_path, content, message):
    path = tmp_path / "wrong.backup"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run("restore", str(path))
    with pytest.raises(CommandError, match="cannot be read"):
        run("restore", str(tmp_path / "missing.backup"))


def test_restore_refuses_a_backup_from_the_other_kind_of_database(db, tmp_path):
    path = tmp_path / "other.backup"
    path.write_bytes((b"PGDMP" if connection.vendor == "sqlite" else b"SQLite format 3\x00") + b"\x00" * 100)
    with pytest.raises(CommandError, match="restore it into a"):
        run("restore", str(path))


def test_a_backup_to_a_missing_folder_says_so_and_leaves_nothing(db, tmp_path):
    with pytest.raises(CommandError, match="no such folder"):
        run("backup", str(tmp_path / "nowhere" / "file.backup"))
    with pytest.raises(CommandError, match="is a folder"):
        run("backup", str(tmp_path))
    assert not list(Path(tmp_path).glob("*.partial"))
