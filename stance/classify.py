"""Label sentences with a trained model, chunk by chunk.

The output keeps the input's columns in order and adds the labels, one 0/1 column
per label and a probability per label. Reading (:mod:`stance.tables`), predicting
and writing happen a chunk at a time, so memory stays flat however long the input is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd

ATTRIBUTION_COLUMNS = ("is_quote", "speaker_side")
"""Columns of a sentence table that the model uses when the input has them."""


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
    sink,
    text_column: str = "text",
    explain: bool = False,
    on_chunk: Callable[[int], None] | None = None,
) -> int:
    """Predict chunk by chunk and write to ``sink`` (see :mod:`stance.tables`); return the sentence count."""
    total = 0
    columns: list[str] = [text_column]
    for chunk in chunks:
        columns = list(chunk.columns)
        if chunk.empty:  # a header with no rows: nothing to predict
            continue
        sink.write(predict_frame(model, chunk, text_column=text_column, explain=explain))
        total += len(chunk)
        if on_chunk:
            on_chunk(len(chunk))
    if total == 0:  # nothing was read: still write the columns, so the output is a valid, empty table
        sink.write(pd.DataFrame({column: pd.Series(dtype=str) for column in output_columns(model, columns, explain)}))
    return total


def classify_table(table: pd.DataFrame, model) -> pd.DataFrame:
    """The sentence table with the model's labels, 0/1 columns and probabilities."""
    probabilities = model.predict_proba(table[["text", "is_quote", "speaker_side"]])
    decided = probabilities >= model.thresholds_
    out = table.copy()
    out["labels"] = [";".join(n for n, on in zip(model.labels, row) if on) for row in decided]
    for column, name in enumerate(model.labels):
        out[name] = decided[:, column].astype(int)
    for column, name in enumerate(model.labels):
        out[f"p_{name}"] = np.round(probabilities[:, column], 4)
    return out
