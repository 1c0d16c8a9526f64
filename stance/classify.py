"""Label sentences from a file or stream with a trained model, chunk by chunk.

Inputs: a CSV with a text column, JSON Lines with a ``text`` field, or plain text
with one sentence a line (also from stdin). The output keeps the input's columns in
order and adds the labels, one 0/1 column per label and a probability per label.
Reading, predicting and writing happen a chunk at a time, so memory stays flat
however long the input is.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from stance.errors import InputDataError, UsageError

CHUNK_ROWS = 5_000
FORMATS = ("csv", "tsv", "jsonl", "txt")
ATTRIBUTION_COLUMNS = ("is_quote", "speaker_side")
"""Columns of a sentence table that the model uses when the input has them."""


def detect_format(path: str) -> str:
    """Input format from the file name: .csv, .tsv, .jsonl/.ndjson, anything else is plain text."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".tsv":
        return "tsv"
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    return "txt"


def _open_text(path: str) -> TextIO:
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="strict", newline="")
    file_path = Path(path)
    if file_path.is_dir():
        raise InputDataError("is a directory, expected a file of sentences", path=file_path)
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


def _csv_chunks(handle: TextIO, text_column: str, path: str, separator: str) -> Iterator[pd.DataFrame]:
    try:
        reader = pd.read_csv(handle, sep=separator, dtype=str, keep_default_na=False, chunksize=CHUNK_ROWS)
        for chunk in reader:
            if text_column not in chunk.columns:
                found = ", ".join(repr(c) for c in chunk.columns)
                raise InputDataError(
                    f"has no {text_column!r} column (found {found}); name it with --text-column", path=path
                )
            yield chunk
    except pd.errors.EmptyDataError:
        raise InputDataError("is empty: a CSV needs a header row", path=path) from None


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


def read_chunks(path: str, input_format: str, text_column: str = "text") -> Iterator[pd.DataFrame]:
    """Chunks of the input as DataFrames of strings, each holding ``text_column``."""
    if input_format not in FORMATS:
        raise UsageError(f"--format {input_format!r} is invalid; choose one of {', '.join(FORMATS)}")
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


def output_columns(model, input_columns: list[str], explain: bool = False) -> list[str]:
    """The input's columns, then ``labels``, a 0/1 column and a probability per label (and explanations)."""
    names = list(model.labels)
    columns = list(input_columns) + ["labels"] + names + [f"p_{name}" for name in names]
    return columns + ([f"why_{name}" for name in names] if explain else [])


def predict_frame(model, chunk: pd.DataFrame, text_column: str = "text", explain: bool = False) -> pd.DataFrame:
    """The chunk with ``labels``, a 0/1 column per label and ``p_<label>`` appended (and ``why_<label>``)."""
    sentences = pd.DataFrame({"text": chunk[text_column].to_numpy()})
    for column in ATTRIBUTION_COLUMNS:
        if all(name in chunk.columns for name in ATTRIBUTION_COLUMNS):
            sentences[column] = chunk[column].to_numpy()
    probabilities = model.predict_proba(sentences)
    decided = probabilities >= model.thresholds_
    names = list(model.labels)
    out = chunk.copy()
    out["labels"] = [";".join(name for name, on in zip(names, row) if on) for row in decided]
    for column, name in enumerate(names):
        out[name] = decided[:, column].astype(int)
    for column, name in enumerate(names):
        out[f"p_{name}"] = np.round(probabilities[:, column], 4)
    if explain:
        explanations = model.explain(sentences)
        for name in names:
            out[f"why_{name}"] = [
                ", ".join(f"{feature} {weight:+.2f}" for feature, weight in per_label[name]) for per_label in explanations
            ]
    return out


def classify_stream(
    model,
    chunks: Iterator[pd.DataFrame],
    sink: TextIO,
    text_column: str = "text",
    explain: bool = False,
    on_chunk: Callable[[int], None] | None = None,
) -> int:
    """Predict chunk by chunk and write CSV to ``sink``; return the number of sentences."""
    total = 0
    header = True
    columns: list[str] = [text_column]
    for chunk in chunks:
        columns = list(chunk.columns)
        result = predict_frame(model, chunk, text_column=text_column, explain=explain)
        result.to_csv(sink, index=False, header=header, lineterminator="\n")
        header = False
        total += len(chunk)
        if on_chunk:
            on_chunk(len(chunk))
    if header:  # nothing was read: still write a header so the output is a valid, empty table
        pd.DataFrame(columns=output_columns(model, columns, explain)).to_csv(sink, index=False, lineterminator="\n")
    return total


def count_lines(path: str) -> int | None:
    """Lines in a file, for a progress total; None for stdin."""
    if path == "-":
        return None
    with open(path, "rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
