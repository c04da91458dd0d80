"""The translator's file: every text keyed by ids, Welsh read back against the English as it is,
and Welsh whose English changed marked out of date."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.conftest import FRAMEWORK_FILE, MINIMAL_FILE
from together.framework import load_framework_file, parse_framework
from together.framework import translation as t
from together.framework.rules import missing_welsh, texts

MINIMAL = load_framework_file(MINIMAL_FILE)


def table(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def test_every_text_is_a_row_keyed_by_ids_with_its_status():
    found = t.rows(MINIMAL)
    assert len(found) == len(list(texts(MINIMAL)))
    keys = [row.key for row in found]
    assert len(set(keys)) == len(keys)
    assert any(key.startswith("theme:") and "/statement:" in key for key in keys)
    assert {row.status for row in found} <= {t.DONE, t.MISSING}
    assert sum(row.status == t.MISSING for row in found) == len(missing_welsh(MINIMAL))
    shipped = t.rows(load_framework_file(FRAMEWORK_FILE))
    assert len(shipped) == 423 and all(row.status == t.DONE for row in shipped)


def test_filled_in_welsh_makes_a_complete_framework_that_reads_back_as_any_file():
    rows = table(t.to_csv(t.rows(MINIMAL)))
    assert rows[0] == list(t.HEADER)
    for row in rows[1:]:
        if not row[3]:
            row[3] = f"Cymraeg am: {row[2]}"
    welsh = t.read(as_csv(rows), "welsh.csv", MINIMAL)
    done = t.apply(MINIMAL, welsh)
    assert missing_welsh(done) == [] and done.translation_status["cy"] == "complete"
    assert [text.en for _p, text in texts(done)] == [text.en for _p, text in texts(MINIMAL)]
    # The same from the Excel file.
    book = t.to_xlsx(t.rows(done), "Minimal")
    assert load_workbook(io.BytesIO(book)).active.title == "Translation"
    assert t.read(book, "welsh.xlsx", done) == {row.key: row.welsh for row in t.rows(done)}


def test_partial_welsh_says_partial():
    first = next(row for row in t.rows(MINIMAL) if row.status == t.MISSING)
    partial = t.apply(MINIMAL, {first.key: "Rhywfaint o Gymraeg."})
    assert partial.translation_status["cy"] == "partial"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda rows: rows[1].__setitem__(2, "Different English"), "row 2, column english: the English is not"),
        (lambda rows: rows[1].__setitem__(0, "theme:nowhere/title"), "row 2, column key: 'theme:nowhere/title'"),
        (lambda rows: rows.append(list(rows[1])), "is already on row 2"),
        (lambda rows: rows.__setitem__(0, ["key", "english"]), "missing: welsh"),
        (lambda rows: [row.__setitem__(3, "") for row in rows[1:]], "no row has Welsh to use"),
    ],
)
def test_a_wrong_file_is_refused_with_its_row_and_column(change, message):
    rows = table(t.to_csv(t.rows(MINIMAL)))
    rows[1][3] = rows[1][3] or "Teitl"
    change(rows)
    with pytest.raises(t.TranslationInvalid) as refused:
        t.read(as_csv(rows), "welsh.csv", MINIMAL)
    assert message in str(refused.value)


def test_files_that_are_not_a_translator_s_file_are_refused():
    for data, message in ((b"", "is empty"), (b"\xff\xfe\x00x", "not UTF-8"), (b"PK\x03\x04junk", "not an Excel")):
        with pytest.raises(t.TranslationInvalid) as refused:
            t.read(data, "f", MINIMAL)
        assert message in str(refused.value)


def test_welsh_left_behind_by_changed_english_is_out_of_date():
    source = MINIMAL_FILE.read_text(encoding="utf-8")
    assert "en: Minimal framework, cy: Fframwaith bach" in source or "Fframwaith bach" in source
    edited = parse_framework(source.replace("Minimal framework", "Minimal framework revised"))
    stale = t.out_of_date(edited, MINIMAL)
    assert [row.key for row in stale] == ["title"] and stale[0].welsh == "Fframwaith bach"
    assert t.out_of_date(MINIMAL, MINIMAL) == []
