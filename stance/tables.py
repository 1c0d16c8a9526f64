"""Read and write tables of sentences a chunk at a time, in every format the tool accepts.

Inputs: CSV or TSV with a text column, JSON Lines with a ``text`` field, plain text
with one sentence a line (also stdin, ``-``), Parquet, or a folder of such files read
as one input (a partitioned Parquet dataset is such a folder). Outputs: CSV (stdout
or a file) or Parquet, chosen by the file name. Chunks keep memory flat however
large the input; Parquet needs the optional pyarrow (``pip install "stance[parquet]"``).
"""

from __future__ import annotations

import csv
import io
import json
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pandas as pd

from stance.attribution import SPEAKERS_NAME
from stance.corpus import LABELS_NAME, MANIFEST_NAME
from stance.errors import InputDataError, UsageError
from stance.schema import SCHEMA_NAME

CHUNK_ROWS = 5_000
FORMATS = ("csv", "tsv", "jsonl", "txt", "parquet")
_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
_FOLDER_SUFFIXES = (*_SUFFIXES, ".txt")
PARQUET_HINT = 'Parquet needs pyarrow: pip install "stance[parquet]"'
CORPUS_FILES = (MANIFEST_NAME, SCHEMA_NAME, SPEAKERS_NAME, LABELS_NAME)


class TableWarning(UserWarning):
    """Part of a folder input was not read (files of no table format)."""


def detect_format(path: str) -> str:
    """Input format from the file name; anything unknown is plain text, one sentence a line."""
    return _SUFFIXES.get(Path(path).suffix.lower(), "txt")


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise UsageError(PARQUET_HINT) from None
    return pyarrow


def _open_text(path: str) -> TextIO:
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="strict", newline="")
    file_path = Path(path)
    if not file_path.exists():
        raise InputDataError("no such file", path=file_path)
    return file_path.open("r", encoding="utf-8-sig", errors="strict", newline="")


def _decode_guard(chunks: Iterator[pd.DataFrame], path: str) -> Iterator[pd.DataFrame]:
    """Turn a decoding or parsing failure in the middle of a stream into a one-line error."""
    name = "stdin" if path == "-" else path
    try:
        yield from chunks
    except UnicodeDecodeError:
        raise InputDataError("is not valid UTF-8; save it as UTF-8 and try again", path=name) from None
    except (pd.errors.ParserError, csv.Error) as exc:
        raise InputDataError(f"is not a valid CSV: {str(exc).strip().splitlines()[0]}", path=name) from None


def _require_text(chunk: pd.DataFrame, text_column: str, path: str) -> pd.DataFrame:
    if text_column not in chunk.columns:
        found = ", ".join(repr(c) for c in chunk.columns)
        raise InputDataError(f"has no {text_column!r} column (found {found}); name it with --text-column", path=path)
    return chunk


def _csv_chunks(handle: TextIO, text_column: str, path: str, separator: str) -> Iterator[pd.DataFrame]:
    # index_col=False: a first row longer than the header must not silently become an index.
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            reader = pd.read_csv(
                handle, sep=separator, dtype=str, keep_default_na=False, chunksize=CHUNK_ROWS, index_col=False
            )
            for chunk in reader:
                yield _require_text(chunk, text_column, path)
        except pd.errors.EmptyDataError:
            raise InputDataError("is empty: a CSV needs a header row", path=path) from None
        except pd.errors.ParserWarning:
            raise InputDataError(
                "has a row with more fields than the header (a stray comma? quote values that hold one)", path=path
            ) from None


def _jsonl_chunks(handle: TextIO, text_column: str, path: str) -> Iterator[pd.DataFrame]:
    records: list[dict] = []
    columns: list[str] | None = None
    for line_number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputDataError(f"is not valid JSON ({exc.msg})", path=path, line=line_number) from None
        if not isinstance(record, dict) or not isinstance(record.get(text_column), str):
            raise InputDataError(f"needs an object with a string {text_column!r} field", path=path, line=line_number)
        records.append(record)
        if len(records) == CHUNK_ROWS:
            columns = columns or list(records[0])
            yield pd.DataFrame.from_records(records).reindex(columns=columns)
            records = []
    if records:
        columns = columns or list(records[0])
        yield pd.DataFrame.from_records(records).reindex(columns=columns)


def _txt_chunks(handle: TextIO, text_column: str) -> Iterator[pd.DataFrame]:
    lines: list[str] = []
    for line in handle:
        line = line.rstrip("\r\n")
        if line.strip():
            lines.append(line)
        if len(lines) == CHUNK_ROWS:
            yield pd.DataFrame({text_column: lines})
            lines = []
    if lines:
        yield pd.DataFrame({text_column: lines})


def _parquet_chunks(path: str, text_column: str) -> Iterator[pd.DataFrame]:
    pyarrow = _pyarrow()
    try:
        parquet = pyarrow.parquet.ParquetFile(path)
    except (pyarrow.ArrowInvalid, OSError) as exc:
        raise InputDataError(f"is not a readable Parquet file ({exc})", path=path) from None
    for batch in parquet.iter_batches(batch_size=CHUNK_ROWS):
        yield _require_text(batch.to_pandas(), text_column, path)


def _file_chunks(path: str, input_format: str, text_column: str) -> Iterator[pd.DataFrame]:
    if input_format == "parquet":
        yield from _parquet_chunks(path, text_column)
        return
    handle = _open_text(path)
    try:
        if input_format in ("csv", "tsv"):
            chunks = _csv_chunks(handle, text_column, path, "," if input_format == "csv" else "\t")
        elif input_format == "jsonl":
            chunks = _jsonl_chunks(handle, text_column, path)
        else:
            chunks = _txt_chunks(handle, text_column)
        yield from _decode_guard(chunks, path)
    finally:
        if path != "-":
            handle.close()


def corpus_folder_strays(folder: Path) -> list[str] | None:
    """None when a folder is not a corpus (it holds no ``.txt`` article) but one of sentence
    tables; for a corpus, the tables in it that are neither articles nor the corpus's own
    files (a ``to-label.csv`` a user wrote there, a stray manifest), which are not read."""
    files = [path for path in folder.iterdir() if path.is_file()]
    if not any(path.suffix.lower() == ".txt" for path in files):
        return None
    return sorted(path.name for path in files if path.suffix.lower() in _SUFFIXES and path.name not in CORPUS_FILES)


def folder_files(folder: Path) -> list[Path]:
    """The readable files of a folder input, recursively (a partitioned dataset nests), sorted."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in _FOLDER_SUFFIXES)
    if not files:
        raise InputDataError(f"holds no {', '.join(_FOLDER_SUFFIXES)} file to read", path=folder)
    return files


def _warn_skipped(folder: Path, read: list[Path]) -> None:
    skipped = sorted(
        str(path.relative_to(folder)) for path in folder.rglob("*")
        if path.is_file() and path not in read and not path.name.startswith(".")
    )
    if skipped:
        warnings.warn(
            f"{folder}: skipped {len(skipped)} file(s) of no table format ({', '.join(skipped[:5])}"
            f"{' and more' if len(skipped) > 5 else ''})",
            TableWarning,
            stacklevel=3,
        )


def read_chunks(path: str, input_format: str | None = None, text_column: str = "text") -> Iterator[pd.DataFrame]:
    """Chunks of the input as DataFrames, each holding ``text_column``.

    A folder is read file by file in name order, each file in the format of its name.
    """
    if input_format is not None and input_format not in FORMATS:
        raise UsageError(f"--format {input_format!r} is invalid; choose one of {', '.join(FORMATS)}")
    if path != "-" and Path(path).is_dir():
        files = folder_files(Path(path))
        _warn_skipped(Path(path), files)
        for file in files:  # every table's columns checked before the first row is written
            first = _file_chunks(str(file), detect_format(str(file)), text_column)
            next(first, None)
            first.close()
        for file in files:
            yield from _file_chunks(str(file), detect_format(str(file)), text_column)
        return
    yield from _file_chunks(path, input_format or ("txt" if path == "-" else detect_format(path)), text_column)


def count_rows(path: str) -> int | None:
    """Roughly how many rows an input holds, for a progress total (lines of text files,
    rows of Parquet files); None for stdin."""
    if path == "-":
        return None
    if not Path(path).exists():
        raise InputDataError("no such file", path=path)
    files = folder_files(Path(path)) if Path(path).is_dir() else [Path(path)]
    total = 0
    for file in files:
        if file.suffix.lower() == ".parquet":
            pyarrow = _pyarrow()
            try:
                total += pyarrow.parquet.ParquetFile(file).metadata.num_rows
            except (pyarrow.ArrowInvalid, OSError) as exc:
                raise InputDataError(f"is not a readable Parquet file ({exc})", path=file) from None
        else:
            with open(file, "rb") as handle:
                total += sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    return total


class CsvSink:
    """Writes chunks as one CSV: the header once, then rows."""

    def __init__(self, handle: TextIO):
        self.handle = handle
        self.header = True

    def write(self, frame: pd.DataFrame) -> None:
        frame.to_csv(self.handle, index=False, header=self.header, lineterminator="\n")
        self.header = False

    def close(self) -> None:
        self.handle.flush()


class ParquetSink:
    """Writes chunks as one Parquet file with the schema of the first chunk."""

    def __init__(self, path: Path):
        self.pyarrow = _pyarrow()
        self.path = path
        self.writer = None

    def write(self, frame: pd.DataFrame) -> None:
        table = self.pyarrow.Table.from_pandas(frame, preserve_index=False)
        if self.writer is None:
            self.writer = self.pyarrow.parquet.ParquetWriter(self.path, table.schema)
        else:
            table = table.cast(self.writer.schema)
        self.writer.write_table(table)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def is_parquet(path: Path | str | None) -> bool:
    return path is not None and Path(path).suffix.lower() == ".parquet"
