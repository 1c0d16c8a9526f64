"""stance.classify: reading CSV, JSONL, plain text and stdin, and the shape of the labelled output."""

from __future__ import annotations

import csv
import io
import json
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import TINY_LABELS

from stance.classify import classify_stream, predict_frame
from stance.tables import CsvSink, detect_format, read_chunks
from stance.errors import InputDataError, UsageError

SENTENCES = [
    "Seoul made a mistaken decision, critics said.",
    "Extending the pact is crucial.",
    "The delegates had lunch at noon.",
    "Officials called the “clearly mistaken” move by Seoul regrettable; others disagreed.",
]
LABEL_COLUMNS = ["labels", *TINY_LABELS, *(f"p_{name}" for name in TINY_LABELS)]


def write_csv(path, sentences, extra_columns=True):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        if extra_columns:
            writer.writerow(["id", "text", "outlet"])
            writer.writerows([f"s{i}", text, "Outlet"] for i, text in enumerate(sentences))
        else:
            writer.writerow(["text"])
            writer.writerows([text] for text in sentences)
    return path


def write_jsonl(path, sentences):
    lines = [
        json.dumps({"id": f"s{i}", "text": text, "outlet": "Outlet"}, ensure_ascii=False)
        for i, text in enumerate(sentences)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_txt(path, sentences):
    path.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    return path


def classify_to_frame(model, path, input_format, text_column="text") -> pd.DataFrame:
    sink = io.StringIO()
    classify_stream(model, read_chunks(str(path), input_format, text_column), CsvSink(sink), text_column)
    return pd.read_csv(io.StringIO(sink.getvalue()), dtype=str, keep_default_na=False)


@pytest.fixture()
def stdin_with(monkeypatch):
    def feed(text: str):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8"))

    return feed


# -- same sentences, same answers, whatever the input format -------------------------------------------------------


def test_csv_jsonl_text_and_stdin_give_identical_labels_and_probabilities(tiny_model, tmp_path, stdin_with):
    results = {
        "csv": classify_to_frame(tiny_model, write_csv(tmp_path / "in.csv", SENTENCES), "csv"),
        "jsonl": classify_to_frame(tiny_model, write_jsonl(tmp_path / "in.jsonl", SENTENCES), "jsonl"),
        "txt": classify_to_frame(tiny_model, write_txt(tmp_path / "in.txt", SENTENCES), "txt"),
    }
    stdin_with("\n".join(SENTENCES) + "\n")
    results["stdin"] = classify_to_frame(tiny_model, "-", "txt")
    reference = results["csv"]
    assert reference["text"].tolist() == SENTENCES
    for name, frame in results.items():
        assert frame["text"].tolist() == SENTENCES, name
        pd.testing.assert_frame_equal(frame[LABEL_COLUMNS], reference[LABEL_COLUMNS], obj=name)


def test_output_probabilities_are_the_models(tiny_model, tmp_path):
    frame = classify_to_frame(tiny_model, write_txt(tmp_path / "in.txt", SENTENCES), "txt")
    expected = np.round(tiny_model.predict_proba(SENTENCES), 4)
    got = frame[[f"p_{name}" for name in TINY_LABELS]].astype(float).to_numpy()
    np.testing.assert_allclose(got, expected, atol=1e-9)


def test_output_keeps_input_columns_in_order_then_labels_then_01_then_probabilities(tiny_model, tmp_path):
    frame = classify_to_frame(tiny_model, write_csv(tmp_path / "in.csv", SENTENCES), "csv")
    assert list(frame.columns) == ["id", "text", "outlet", *LABEL_COLUMNS]
    assert frame["id"].tolist() == ["s0", "s1", "s2", "s3"]
    assert set(frame["outlet"]) == {"Outlet"}


def test_jsonl_output_keeps_field_order_of_the_first_record(tiny_model, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"outlet": "O", "text": "Seoul erred.", "id": 7}\n'
        '{"id": 8, "text": "The pact is crucial.", "outlet": "P"}\n',
        encoding="utf-8",
    )
    frame = classify_to_frame(tiny_model, path, "jsonl")
    assert list(frame.columns) == ["outlet", "text", "id", *LABEL_COLUMNS]
    assert frame["id"].tolist() == ["7", "8"]


def test_label_columns_are_0_or_1_and_agree_with_the_labels_cell(tiny_model, tmp_path):
    frame = classify_to_frame(tiny_model, write_txt(tmp_path / "in.txt", SENTENCES), "txt")
    for _, row in frame.iterrows():
        on = [name for name in TINY_LABELS if row[name] == "1"]
        assert all(row[name] in {"0", "1"} for name in TINY_LABELS)
        assert row["labels"] == ";".join(on)


def test_predict_frame_decides_with_the_models_thresholds(tiny_model):
    import copy

    model = copy.deepcopy(tiny_model)
    model.thresholds_ = np.array([0.05, 0.95])
    chunk = pd.DataFrame({"text": SENTENCES})
    out = predict_frame(model, chunk)
    probabilities = model.predict_proba(SENTENCES)
    assert out["blames_seoul"].tolist() == (probabilities[:, 0] >= 0.05).astype(int).tolist()
    assert out["pro_extension"].tolist() == (probabilities[:, 1] >= 0.95).astype(int).tolist()


def test_predict_frame_does_not_change_the_input_chunk(tiny_model):
    chunk = pd.DataFrame({"text": SENTENCES})
    predict_frame(tiny_model, chunk)
    assert list(chunk.columns) == ["text"]


def test_explain_adds_a_why_column_per_label(tiny_model):
    out = predict_frame(tiny_model, pd.DataFrame({"text": SENTENCES[:1]}), explain=True)
    assert list(out.columns)[-2:] == [f"why_{name}" for name in TINY_LABELS]
    assert out["why_blames_seoul"].iloc[0]


def test_other_text_column_is_classified_and_kept_under_its_name(tiny_model, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("sentence,n\n" + "".join(f'"{text}",{i}\n' for i, text in enumerate(SENTENCES[:2])), encoding="utf-8")
    frame = classify_to_frame(tiny_model, path, "csv", text_column="sentence")
    assert list(frame.columns) == ["sentence", "n", *LABEL_COLUMNS]
    reference = classify_to_frame(tiny_model, write_txt(tmp_path / "in.txt", SENTENCES[:2]), "txt")
    pd.testing.assert_frame_equal(frame[LABEL_COLUMNS], reference[LABEL_COLUMNS])


def test_other_text_column_works_when_the_input_also_has_a_text_column(tiny_model, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('text,sentence\nignore me,"Seoul made a mistaken decision, critics said."\n', encoding="utf-8")
    frame = classify_to_frame(tiny_model, path, "csv", text_column="sentence")
    reference = classify_to_frame(tiny_model, write_txt(tmp_path / "in.txt", SENTENCES[:1]), "txt")
    assert list(frame.columns) == ["text", "sentence", *LABEL_COLUMNS]
    pd.testing.assert_frame_equal(frame[LABEL_COLUMNS], reference[LABEL_COLUMNS])


def test_empty_input_still_writes_a_header(tiny_model, tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("\n\n", encoding="utf-8")
    sink = io.StringIO()
    assert classify_stream(tiny_model, read_chunks(str(path), "txt"), CsvSink(sink)) == 0
    assert sink.getvalue().strip().split(",") == ["text", *LABEL_COLUMNS]


def test_blank_lines_of_a_text_file_are_skipped(tiny_model, tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("\n" + SENTENCES[0] + "\r\n\n  \n" + SENTENCES[1] + "\n", encoding="utf-8")
    frame = classify_to_frame(tiny_model, path, "txt")
    assert frame["text"].tolist() == SENTENCES[:2]


def test_input_is_read_in_chunks_with_the_same_result(tiny_model, tmp_path, monkeypatch):
    import stance.tables

    path = write_txt(tmp_path / "in.txt", SENTENCES * 3)
    whole = classify_to_frame(tiny_model, path, "txt")
    monkeypatch.setattr(stance.tables, "CHUNK_ROWS", 5)
    assert [len(chunk) for chunk in read_chunks(str(path), "txt")] == [5, 5, 2]
    chunked = classify_to_frame(tiny_model, path, "txt")
    pd.testing.assert_frame_equal(chunked, whole)


# -- formats ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expected",
    [("in.csv", "csv"), ("IN.CSV", "csv"), ("in.jsonl", "jsonl"), ("in.ndjson", "jsonl"), ("in.txt", "txt"),
     ("sentences", "txt"), ("-", "txt")],
)
def test_format_is_detected_from_the_file_name(name, expected):
    assert detect_format(name) == expected


def test_tsv_input_is_read_as_tab_separated(tiny_model, tmp_path):
    path = tmp_path / "in.tsv"
    path.write_text("id\ttext\n" + "".join(f"s{i}\t{text}\n" for i, text in enumerate(SENTENCES)), encoding="utf-8")
    frame = classify_to_frame(tiny_model, path, detect_format(str(path)))
    assert frame["text"].tolist() == SENTENCES


# -- bad input is an InputDataError naming the file ------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, input_format, message",
    [
        ("in.csv", "sentence\nSeoul erred.\n", "csv", "no 'text' column"),
        ("in.jsonl", '{"text": "ok"}\nnot json\n', "jsonl", "in.jsonl line 2: is not valid JSON"),
        ("in.jsonl", '{"text": 3}\n', "jsonl", "in.jsonl line 1: needs an object with a string 'text' field"),
        ("in.jsonl", '["Seoul erred."]\n', "jsonl", "line 1"),
        ("in.txt", b"Seoul erred.\n\xff\xfe broken\n", "txt", "not valid UTF-8"),
        ("in.csv", b"text\nCaf\xe9\n", "csv", "not valid UTF-8"),
        ("in.csv", 'text\n"unterminated\n', "csv", "not a valid CSV"),
    ],
)
def test_bad_input_is_an_input_data_error_naming_the_file(tiny_model, tmp_path, name, content, input_format, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputDataError) as caught:
        classify_stream(tiny_model, read_chunks(str(path), input_format), CsvSink(io.StringIO()))
    assert name in str(caught.value)
    assert message in str(caught.value)


def test_empty_csv_is_an_input_data_error(tiny_model, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(InputDataError, match="in.csv"):
        classify_stream(tiny_model, read_chunks(str(path), "csv"), CsvSink(io.StringIO()))


@pytest.mark.parametrize(
    "make, message",
    [(lambda tmp_path: tmp_path / "missing.txt", "no such file"), (lambda tmp_path: tmp_path, "holds no")],
    ids=["missing", "empty-folder"],
)
def test_missing_input_is_an_input_data_error(tmp_path, make, message):
    with pytest.raises(InputDataError, match=message):
        list(read_chunks(str(make(tmp_path)), "txt"))


def test_unknown_format_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="'xml'"):
        list(read_chunks(str(write_txt(tmp_path / "in.txt", SENTENCES)), "xml"))
