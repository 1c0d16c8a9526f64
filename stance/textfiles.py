"""Read the small text files a user hands over: articles, manifests, labels and speaker tables.

Files come from editors and spreadsheets, so the readers take what those save (a UTF-8
BOM, CRLF line ends, the UTF-16 "Unicode text" export, ``;`` or tab delimiters) and turn
every failure into one line that names the file and, where it helps, the line.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from stance.errors import InputDataError


def read_text_file(path: Path) -> str:
    """Read a UTF-8 file (a BOM is fine), turning every failure into a one-line error."""
    if path.is_dir():
        raise InputDataError("is a directory, expected a file", path=path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputDataError("no such file", path=path) from None
    except OSError as exc:
        raise InputDataError(f"cannot read: {exc.strerror}", path=path) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputDataError("is UTF-16; save it as UTF-8 and try again", path=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputDataError(
            f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8 and try again",
            path=path,
            line=line,
        ) from None
    if "\x00" in text:
        raise InputDataError("holds NUL bytes: it looks like a binary file, not text", path=path)
    return text.replace("\r\n", "\n").replace("\r", "\n")


TABLE_DELIMITERS = (",", ";", "\t")
"""What spreadsheets save a table with: commas, or semicolons where the comma is the decimal
mark, or tabs in their "Unicode text" export."""


def read_table_text(path: Path) -> str:
    """A spreadsheet's table as text: UTF-8 (a BOM is fine) or the UTF-16 of a "Unicode text" export."""
    try:
        raw = path.read_bytes()
    except OSError:
        raw = b""  # read_text_file gives the error its words
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            raise InputDataError("starts like UTF-16 but is not valid UTF-16", path=path) from None
    return read_text_file(path)


def sniff_delimiter(header_line: str) -> str:
    """The delimiter a header line uses: the one of ``TABLE_DELIMITERS`` it holds most, outside quotes."""
    unquoted = "".join(part for index, part in enumerate(header_line.split('"')) if index % 2 == 0)
    return max(TABLE_DELIMITERS, key=lambda delimiter: (unquoted.count(delimiter), delimiter == ","))


def read_csv_records(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the (line, fields) of every non-blank row of a small CSV file.

    The delimiter (comma, semicolon or tab) is read off the header line. Short rows are
    padded with ''; a row with more fields than the header is refused with its line.
    Line numbers count physical lines, so a row after a field with an embedded newline
    is still found where it is. An empty file gives an empty header.
    """
    text = read_table_text(path)
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip() for name in next(reader, [])]
    records = []
    for fields in reader:
        if not any(field.strip() for field in fields):
            continue
        if len(fields) > len(header):
            hint = " (quote a value that holds a comma)" if delimiter == "," else ""
            raise InputDataError(
                f"has {len(fields)} fields but the header has {len(header)}{hint}",
                path=path,
                line=reader.line_num,
            )
        records.append((reader.line_num, fields + [""] * (len(header) - len(fields))))
    return header, records
