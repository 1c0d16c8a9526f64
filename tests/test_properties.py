"""Properties that must hold for any input, checked with Hypothesis.

(a) Labels files: rows written with the csv module (any Unicode text, commas, quotes,
newlines; any subset of the seed schema's labels, in any case and spacing) read back
with :func:`stance.labels.read_labelled` give the same texts (stripped) and label
sets, and read -> write -> read is the identity.

(b) The classify path (:func:`stance.classify.predict_frame` with the shipped model):
any Unicode text gives one row whose probabilities lie in [0, 1] and whose labels are
model labels that agree with the 0/1 columns and the thresholds.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stance.labels import MIN_POSITIVES, read_labelled
from stance.schema import load_schema

ROOT = Path(__file__).resolve().parents[1]
SEED_LABELS = load_schema(ROOT / "seeds" / "schema.toml").label_names
SHIPPED_MODEL = ROOT / "models" / "stance.skops"
PADDING = "\u2063padding sentence"  # an invisible separator no generated text starts with
"""Rows that give every label its minimum of positive sentences (read_labelled refuses fewer)."""

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any Unicode except what a UTF-8 text file cannot or does not keep: lone surrogates cannot be
# encoded, NUL marks a binary file (refused on purpose), and '\r' is a line ending that the
# reader normalises to '\n' everywhere, by design (see stance.textfiles.read_text_file).
characters = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r")
sentence_text = st.text(characters, min_size=1, max_size=80).filter(
    lambda text: text.strip() and not text.strip().startswith(PADDING)
)
tricky_text = st.one_of(
    sentence_text,
    st.builds(
        lambda a, sep, b: a + sep + b,
        sentence_text,
        st.sampled_from([",", '"', '""', "\n", ",\n", '",', ";", "\t", " , "]),
        sentence_text,
    ),
)
label_sets = st.sets(st.sampled_from(SEED_LABELS)).map(lambda names: tuple(sorted(names)))
# How a person types a set of names into a spreadsheet cell: any case, stray spaces, trailing ';'.
spellings = st.sampled_from(
    [
        lambda names: ";".join(names),
        lambda names: " ; ".join(name.upper() for name in names),
        lambda names: ";".join(f"  {name.title()} " for name in names) + (";" if names else ""),
    ]
)
rows_strategy = st.lists(
    st.tuples(tricky_text, label_sets, st.text(characters, max_size=20)),
    min_size=1,
    max_size=12,
    unique_by=lambda row: row[0].strip(),
)


def padding_rows() -> list[tuple[str, tuple[str, ...], str]]:
    return [(f"{PADDING} {name} {i}", (name,), "") for name in SEED_LABELS for i in range(MIN_POSITIVES)]


def write_rows(path: Path, rows, spell=lambda names: ";".join(names)) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "labels", "note"])
        for text, labels, note in rows:
            writer.writerow([text, spell(labels), note])


def as_pairs(data) -> list[tuple[str, tuple[str, ...]]]:
    return list(zip(data.frame["text"], data.frame["label_set"]))


@FAST
@given(rows=rows_strategy, spell=spellings)
def test_labels_written_with_csv_read_back_the_same(rows, spell):
    rows = rows + padding_rows()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "labels.csv"
        write_rows(path, rows, spell)
        data = read_labelled(path, SEED_LABELS)
    assert as_pairs(data) == [(text.strip(), labels) for text, labels, _ in rows]
    assert data.Y.tolist() == [[int(name in labels) for name in SEED_LABELS] for _, labels, _ in rows]
    assert data.frame["note"].tolist() == [note for _, _, note in rows]


@FAST
@given(rows=rows_strategy, spell=spellings)
def test_read_write_read_is_the_identity(rows, spell):
    rows = rows + padding_rows()
    with tempfile.TemporaryDirectory() as folder:
        first_path, second_path = Path(folder) / "first.csv", Path(folder) / "second.csv"
        write_rows(first_path, rows, spell)
        first = read_labelled(first_path, SEED_LABELS)
        write_rows(second_path, zip(first.frame["text"], first.frame["label_set"], first.frame["note"]))
        second = read_labelled(second_path, SEED_LABELS)
    assert as_pairs(second) == as_pairs(first)
    assert np.array_equal(second.Y, first.Y)
    assert second.frame["note"].tolist() == first.frame["note"].tolist()


# -- (b) the classify path on any text ----------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped_model():
    from stance.persist import load_model

    return load_model(SHIPPED_MODEL)


def check_rows(model, out: pd.DataFrame, texts: list[str]) -> None:
    names = list(model.labels)
    assert len(out) == len(texts)
    assert out["text"].tolist() == texts
    for _, row in out.iterrows():
        chosen = [name for name in row["labels"].split(";") if name]
        assert set(chosen) <= set(names)
        assert chosen == [name for name in names if name in chosen]  # in the model's order, no repeats
        for name, threshold in zip(names, model.thresholds_):
            p = row[f"p_{name}"]
            assert 0.0 <= p <= 1.0
            assert row[name] in (0, 1)
            assert row[name] == int(name in chosen)
            if abs(p - threshold) > 1e-4:  # p is rounded to 4 places; the decision uses the exact value
                assert row[name] == int(p >= threshold)


any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)


@settings(max_examples=150, deadline=None)
@given(text=any_text)
def test_any_text_gives_one_consistent_row(shipped_model, text):
    from stance.classify import predict_frame

    out = predict_frame(shipped_model, pd.DataFrame({"text": [text]}))
    check_rows(shipped_model, out, [text])


@settings(max_examples=30, deadline=None)
@given(texts=st.lists(any_text, min_size=1, max_size=6))
def test_a_sentence_scores_the_same_alone_or_in_a_batch(shipped_model, texts):
    from stance.classify import predict_frame

    together = predict_frame(shipped_model, pd.DataFrame({"id": range(len(texts)), "text": texts}))
    check_rows(shipped_model, together, texts)
    assert together["id"].tolist() == list(range(len(texts)))  # the input's columns are kept, in order
    alone = pd.concat([predict_frame(shipped_model, pd.DataFrame({"text": [text]})) for text in texts])
    columns = ["labels", *shipped_model.labels, *[f"p_{name}" for name in shipped_model.labels]]
    pd.testing.assert_frame_equal(
        together[columns].reset_index(drop=True), alone[columns].reset_index(drop=True), check_dtype=False
    )
