"""Read a corpus folder: one ``.txt`` article per file plus a ``sources.csv`` manifest.

A corpus is any folder laid out like ``seeds/``. The manifest names each file's
source id, outlet, date and headline; an article it does not list still counts,
under its file stem, with a warning, so a user can drop a new article in and look
before writing its manifest row.
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stance.errors import InputDataError

MANIFEST_NAME = "sources.csv"
MANIFEST_COLUMNS = ("file", "source", "outlet", "published", "headline")


class CorpusWarning(UserWarning):
    """Something about the corpus is odd but not fatal (an article without a manifest row)."""


@dataclass(frozen=True)
class Article:
    """One article's raw text and what the manifest says about it."""

    file: str
    source: str
    outlet: str
    published: str
    headline: str
    text: str


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


def read_manifest(corpus_dir: Path) -> dict[str, dict[str, str]]:
    """Return the manifest rows keyed by file name; an absent manifest is an empty one."""
    path = corpus_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    header, records = read_csv_records(path)
    missing = [name for name in MANIFEST_COLUMNS if name not in header]
    if missing:
        raise InputDataError(
            f"missing column(s) {', '.join(missing)} (required: {', '.join(MANIFEST_COLUMNS)})",
            path=path,
        )
    rows: dict[str, dict[str, str]] = {}
    for line, fields in records:
        row = dict(zip(header, (field.strip() for field in fields)))
        file_name = row.get("file", "")
        if not file_name:
            raise InputDataError("empty 'file' value", path=path, line=line)
        if file_name in rows:
            raise InputDataError(f"lists {file_name!r} twice; each article needs one row", path=path, line=line)
        rows[file_name] = row
    return rows


def _article_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise InputDataError("is not a folder (a corpus is a folder of .txt articles)", path=corpus_dir)
    files = sorted(corpus_dir.glob("*.txt"))
    if not files:
        raise InputDataError("holds no .txt article", path=corpus_dir)
    return files


def _read_article(path: Path) -> str:
    text = read_text_file(path)
    if not text.strip():
        raise InputDataError("is empty: an article needs text", path=path)
    return text


def iter_corpus(corpus_dir: Path | str, check_first: bool = True) -> Iterator[Article]:
    """Articles of a corpus folder one at a time, in file-name order, so a corpus of
    thousands of articles is never held in memory at once.

    With ``check_first`` every file is decoded once before the first article is
    yielded, so a bad file stops the run before any output is written.
    """
    corpus_dir = Path(corpus_dir)
    files = _article_files(corpus_dir)
    manifest = read_manifest(corpus_dir)
    if check_first:
        for path in files:
            _read_article(path)
    for path in files:
        yield _article(path, manifest)


def _details(path: Path, manifest: dict[str, dict[str, str]]) -> dict[str, str]:
    """What the manifest says of an article file; its file stem stands in for a missing row."""
    row = manifest.get(path.name) or {"source": path.stem}
    return {
        "file": path.name,
        "source": row.get("source") or path.stem,
        "outlet": row.get("outlet") or row.get("source") or path.stem,
        "published": row.get("published", ""),
        "headline": row.get("headline", ""),
    }


def _article(path: Path, manifest: dict[str, dict[str, str]]) -> Article:
    text = _read_article(path)
    if path.name not in manifest:
        warnings.warn(
            f"{path.name}: not in {MANIFEST_NAME}; using '{path.stem}' as its source id", CorpusWarning, stacklevel=3
        )
    return Article(**_details(path, manifest), text=text)


def article_details(corpus_dir: Path | str) -> list[dict[str, str]]:
    """File, source, outlet, date and headline of every article, from the manifest alone:
    for a report's headings, without reading the articles (or warning about them) again."""
    corpus_dir = Path(corpus_dir)
    manifest = read_manifest(corpus_dir)
    return [_details(path, manifest) for path in _article_files(corpus_dir)]


def read_article(corpus_dir: Path | str, file_name: str) -> Article:
    """One article of a corpus, with its manifest details (a partition of a distributed run)."""
    corpus_dir = Path(corpus_dir)
    return _article(corpus_dir / file_name, read_manifest(corpus_dir))


def read_corpus(corpus_dir: Path | str) -> list[Article]:
    """Every article of a corpus folder, in file-name order."""
    return list(iter_corpus(corpus_dir, check_first=False))
