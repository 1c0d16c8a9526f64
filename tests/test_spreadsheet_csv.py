"""Labels files as spreadsheets save them: BOM, semicolons, tabs, CRLF, UTF-16 "Unicode text"."""

from __future__ import annotations

import pytest

from stance.textfiles import read_csv_records, sniff_delimiter
from stance.errors import InputDataError
from stance.labels import read_label_table

ROWS = [("text", "labels", "source"), ("Seoul erred, badly.", "blames_seoul", "a"), ("Talks went on.", "", "b")]


def saved(path, delimiter: str, encoding: str = "utf-8", newline: str = "\n"):
    def cell(value: str) -> str:
        return f'"{value}"' if delimiter in value or "," in value else value

    text = newline.join(delimiter.join(cell(value) for value in row) for row in ROWS) + newline
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    "delimiter, encoding, newline",
    [
        (",", "utf-8", "\n"),
        (",", "utf-8-sig", "\r\n"),
        (";", "utf-8-sig", "\r\n"),
        ("\t", "utf-8", "\n"),
        ("\t", "utf-16", "\r\n"),
    ],
    ids=["plain", "bom-crlf", "semicolon", "tab", "utf16-unicode-text"],
)
def test_each_spreadsheet_export_reads_as_the_same_table(tmp_path, delimiter, encoding, newline):
    table = read_label_table(saved(tmp_path / "labels.csv", delimiter, encoding, newline))
    assert table[["text", "labels", "source"]].values.tolist() == [list(row) for row in ROWS[1:]]


def test_the_delimiter_is_read_off_the_header_outside_quotes():
    assert sniff_delimiter("text;labels;source") == ";"
    assert sniff_delimiter("text\tlabels") == "\t"
    assert sniff_delimiter('"a;b",labels') == ","
    assert sniff_delimiter("text") == ","


def test_the_comma_hint_is_given_only_for_a_comma_file(tmp_path):
    comma = tmp_path / "comma.csv"
    comma.write_text("text,labels\nSeoul, again,x\n", encoding="utf-8")
    with pytest.raises(InputDataError, match="quote a value that holds a comma"):
        read_csv_records(comma)
    semicolon = tmp_path / "semicolon.csv"
    semicolon.write_text("text;labels\nSeoul;x;y\n", encoding="utf-8")
    with pytest.raises(InputDataError) as refused:
        read_csv_records(semicolon)
    assert "comma" not in str(refused.value) and "3 fields" in str(refused.value)
