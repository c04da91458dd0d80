"""Reading exports: encodings decided over the whole file, separators, line endings, XLSX, bounds."""

import io

import pytest
from openpyxl import Workbook

from together.importing import reading

HEADER = "Organisation,Our partners have agreed outcomes\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Orgañisation,Q1\nA,1\n".encode(), "utf-8"),
        ("Orgañisation,Q1\nA,1\n".encode("utf-8-sig"), "utf-8-sig"),
        ("Orgañisation,Q1\nA,1\n".encode("utf-16"), "utf-16-le"),
        (b"\xfe\xff" + "Orgañisation,Q1\nA,1\n".encode("utf-16-be"), "utf-16-be"),
        ("Orgañisation,Q1\nA,1\n".encode("utf-16-le"), "utf-16-le"),
        ("Orgañisation,Q1\nA,1\n".encode("cp1252"), "cp1252"),
    ],
)
def test_encodings(data, encoding):
    table = reading.read(data)
    assert table.encoding == encoding
    assert table.rows == [["Orgañisation", "Q1"], ["A", "1"]]


def test_a_windows_1252_pound_after_64_kb_is_read_right():
    text = HEADER + "".join(f"Council,{n % 5 + 1}\n" for n in range(9000)) + "Council £,3\n"
    data = text.encode("cp1252")
    assert data.index(b"\xa3") > 65536
    table = reading.read(data)
    assert table.encoding == "cp1252"
    assert table.rows[-1] == ["Council £", "3"]
    assert len(table.rows) == 9002


@pytest.mark.parametrize("separator", [",", ";", "\t"])
@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_separators_and_line_endings(separator, line_end):
    rows = [["Organisation", "We agree, mostly", "Q2"], ["Council", "4", "don't know"], ["NHS", "", "2"]]
    text = line_end.join(separator.join(f'"{c}"' if "," in c else c for c in row) for row in rows) + line_end
    table = reading.read(text.encode())
    assert table.separator == separator
    assert table.rows == rows


def test_rows_are_squared_and_trailing_empties_removed():
    table = reading.read(b"a,b,c,,\n1,2\n3,4,5,,\n,,,,\n\n")
    assert table.rows == [["a", "b", "c"], ["1", "2", ""], ["3", "4", "5"]]


def test_an_over_long_field_is_a_message_not_a_csv_error():
    data = b'Organisation,Q1\n"' + b"x" * (reading.MAX_FIELD + 10) + b'",1\n'
    with pytest.raises(reading.Unreadable) as raised:
        reading.read(data)
    assert raised.value.messages == ["line 2: a cell is longer than 100,000 characters, which no answer needs"]


def test_a_header_of_100000_columns_is_one_message():
    data = (",".join(f"c{n}" for n in range(100_000)) + "\n").encode()
    with pytest.raises(reading.Unreadable) as raised:
        reading.read(data)
    assert raised.value.messages == ["the header has 100,000 columns; at most 2,000 can be read"]


def test_messages_are_capped_with_and_n_more():
    assert reading.capped([str(n) for n in range(5)], limit=3) == ["0", "1", "and 3 more"]
    assert reading.capped(["a", "b"], limit=3) == ["a", "b"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"\xd0\xcf\x11\xe0rest", "old-style Excel file"),
        (b"PK\x03\x04not really a zip", "not an XLSX workbook"),
        (b"\xef\xbb\xbfa,b\n\xff\xfe,1\n", "says it is UTF-8 (with a byte-order mark) but byte 8 is not"),
        # Binary data with zero bytes here and there is not taken for UTF-16.
        (bytes(n * 37 % 7 * 40 for n in range(5000)), "binary data, not text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary data, not text"),
        # UTF-16 without a mark, cut off half-way through a character.
        ("Organisation,Q1\nA,1\n".encode("utf-16-le") + b"A", "looks like UTF-16 text, but byte 41 is not"),
    ],
)
def test_unreadable_files_say_why(data, message):
    with pytest.raises(reading.Unreadable) as raised:
        reading.read(data)
    assert message in raised.value.messages[0]


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_first_sheet_or_a_named_one_and_values_as_text():
    import datetime

    data = _workbook(
        {
            "Responses": [["Organisation", "Q1", "When"], ["Council", 4.0, datetime.datetime(2025, 3, 1, 9, 30)]],
            "Summary": [["Mean", "=AVERAGE(Responses!B2:B2)"]],
        }
    )
    table = reading.read(data)
    assert (table.kind, table.sheet, table.sheets) == ("xlsx", "Responses", ["Responses", "Summary"])
    assert table.rows == [["Organisation", "Q1", "When"], ["Council", "4", "2025-03-01 09:30:00"]]
    summary = reading.read(data, sheet="Summary")
    assert summary.rows == [["Mean"]], "a formula is never computed: with no saved value it reads as empty"
    with pytest.raises(reading.Unreadable, match="no sheet 'Other'; its sheets are 'Responses', 'Summary'"):
        reading.read(data, sheet="Other")


def test_a_sheet_cannot_be_chosen_in_a_csv():
    with pytest.raises(reading.Unreadable, match="only in an Excel workbook"):
        reading.read(b"a,b\n1,2\n", sheet="Sheet1")
