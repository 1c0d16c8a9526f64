"""stance.audit (hand labels a held-out model contradicts, most confident first), the learning curve,
and their commands: `stance audit` and `stance evaluate --learning-curve --plot`."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import make_training_folder, tiny_rows, write_labels_csv
from typer.testing import CliRunner

from stance.audit import audit
from stance.cli import app
from stance.errors import UsageError
from stance.evaluate import learning_curve
from stance.training import load_training_set, stance_model

SOURCES = ("alpha", "beta", "gamma", "delta")

# On top of the conftest set: many sentences saying Seoul's decision was mistaken (blames_seoul), and
# sentences naming Seoul without judging it, so that 'Seoul' alone does not mean the label.
MORE_ROWS = [
    ("Seoul's decision to leave the pact was mistaken.", "blames_seoul"),
    ("Analysts said Seoul's decision was mistaken.", "blames_seoul"),
    ("Seoul's mistaken decision angered Washington.", "blames_seoul"),
    ("Tokyo called Seoul's decision mistaken.", "blames_seoul"),
    ("Seoul's decision was a mistaken gamble.", "blames_seoul"),
    ("Many believe Seoul's decision was mistaken.", "blames_seoul"),
    ("Seoul announced its decision on Thursday.", ""),
    ("Seoul hosted the talks in a hotel.", ""),
    ("Officials in Seoul met reporters.", ""),
    ("Seoul's delegation arrived on Monday.", ""),
]
OBVIOUS = "Analysts said Seoul's decision was mistaken."  # its blames_seoul is dropped: plainly wrong
SUBTLE = "Seoul hosted the talks in a hotel."  # given blames_seoul: wrong, but it does name Seoul


def sentence_id(index: int) -> str:
    return f"s{index:02d}"


def labelled_folder(folder: Path, flips: dict[str, str], base=None, sources=SOURCES) -> Path:
    """The tiny schema and a labels file (id, source, text, labels, note) spread over the sources in turn,
    with some labels changed."""
    labels = make_training_folder(folder)
    rows = []
    for index, (text, cell) in enumerate(tiny_rows() + MORE_ROWS if base is None else base):
        rows.append((sentence_id(index), sources[index % len(sources)], text, flips.get(text, cell), ""))
    return write_labels_csv(labels, rows, header=("id", "source", "text", "labels", "note"))


def id_of(text: str) -> str:
    return sentence_id([t for t, _ in tiny_rows() + MORE_ROWS].index(text))


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    return labelled_folder(tmp_path_factory.mktemp("audit") / "data", {OBVIOUS: "", SUBTLE: "blames_seoul"})


@pytest.fixture(scope="module")
def suspects(planted):
    return audit(load_training_set([planted]))


# -- the audit ------------------------------------------------------------------------------------------------


def test_audit_ranks_the_planted_wrong_label_first(suspects):
    top = suspects.iloc[0]
    assert (top["rank"], top["id"], top["source"], top["text"]) == (1, id_of(OBVIOUS), "beta", OBVIOUS)
    assert (top["label"], top["given"]) == ("blames_seoul", "no")
    assert top["model_probability"] > 0.5  # the held-out model says yes


def test_audit_finds_the_subtler_planted_label_too_but_below_the_obvious_one(suspects):
    keys = list(zip(suspects["id"], suspects["label"], suspects["given"]))
    assert keys.index((id_of(OBVIOUS), "blames_seoul", "no")) < keys.index((id_of(SUBTLE), "blames_seoul", "yes"))
    subtle = suspects[suspects["id"] == id_of(SUBTLE)].iloc[0]
    assert subtle["model_probability"] < 0.5  # the held-out model says no


def test_audit_rows_are_ranked_by_how_sure_the_model_is_of_the_opposite(suspects):
    assert list(suspects.columns) == ["rank", "id", "source", "text", "label", "given", "model_probability", "note"]
    assert list(suspects["rank"]) == list(range(1, len(suspects) + 1))
    pairs = zip(suspects["model_probability"], suspects["given"])
    contradiction = [p if given == "no" else 1 - p for p, given in pairs]
    assert contradiction == sorted(contradiction, reverse=True)


@pytest.fixture()
def fixed_predictions(tmp_path, monkeypatch):
    """A training set whose held-out predictions are set by hand (no model is fitted)."""
    import numpy as np

    training = load_training_set([labelled_folder(tmp_path / "data", {}, base=tiny_rows(), sources=("a", "b"))])
    Y = training.data.Y  # rows 0-5 blames_seoul, 6-11 pro_extension, 12-19 neither (columns in TINY_LABELS order)
    predictions, probabilities = Y.copy(), np.where(Y == 1, 0.9, 0.1)
    for row, column, probability in [(0, 0, 0.05), (6, 1, 0.2), (12, 0, 0.9), (13, 1, 0.6), (14, 0, 0.4)]:
        predictions[row, column] = 1 - Y[row, column]  # the model decides the other way...
        probabilities[row, column] = probability  # ...this sure of 'yes'
    probabilities[1, 0] = 0.99  # agrees with its label, however sure: never a suspect
    fixed = (predictions, probabilities, ["a", "b"])
    monkeypatch.setattr("stance.audit.out_of_source_predictions", lambda model, data: fixed)
    return training


def test_audit_ranks_a_yes_label_by_the_model_probability_of_no(fixed_predictions):
    suspects = audit(fixed_predictions)
    # Contradiction: 1 - 0.05 = 0.95, then 0.9, 1 - 0.2 = 0.8, 0.6, 0.4.
    assert list(zip(suspects["id"], suspects["label"], suspects["given"])) == [
        ("s00", "blames_seoul", "yes"),
        ("s12", "blames_seoul", "no"),
        ("s06", "pro_extension", "yes"),
        ("s13", "pro_extension", "no"),
        ("s14", "blames_seoul", "no"),
    ]
    assert list(suspects["model_probability"]) == [0.05, 0.9, 0.2, 0.6, 0.4]
    assert list(suspects["rank"]) == [1, 2, 3, 4, 5]


def test_audit_top_keeps_only_the_most_confident_suspects(fixed_predictions):
    top = audit(fixed_predictions, top=2)
    assert list(zip(top["rank"], top["id"], top["label"])) == [(1, "s00", "blames_seoul"), (2, "s12", "blames_seoul")]


def test_audit_of_the_correct_labels_does_not_suspect_the_planted_sentences(tmp_path):
    suspects = audit(load_training_set([labelled_folder(tmp_path / "data", {})]))
    assert not {id_of(OBVIOUS), id_of(SUBTLE)} & set(suspects["id"])


# -- stance audit ------------------------------------------------------------------------------------------------


def test_cli_audit_lists_the_planted_label_first_and_writes_every_suspect_as_csv(planted, suspects, tmp_path):
    out = tmp_path / "suspects.csv"
    result = CliRunner().invoke(app, ["audit", str(planted), "--top", "1", "--output", str(out)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("  1. [beta] blames_seoul: given no, model says yes (model ")
    assert lines[1].strip() == OBVIOUS
    assert "  2. " not in result.stdout  # --top 1
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == ["rank", "id", "source", "text", "label", "given", "model_probability", "note"]
    assert len(rows) == len(suspects)  # --top limits the listing, not the file
    first = (rows[0]["rank"], rows[0]["id"], rows[0]["label"], rows[0]["given"])
    assert first == ("1", id_of(OBVIOUS), "blames_seoul", "no")
    assert f"wrote {len(suspects)} suspects" in result.stderr


def test_cli_audit_without_sources_is_a_usage_error(tmp_path):
    labels = make_training_folder(tmp_path / "data")  # text and labels only
    result = CliRunner().invoke(app, ["audit", str(labels)])
    assert result.exit_code == UsageError.exit_code
    assert result.stderr.startswith("error: ") and "source" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# -- the learning curve ---------------------------------------------------------------------------------------------


CURVE_SOURCES = ("alpha", "beta", "gamma")


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    """The conftest set alone over three sources: small, so that 4 sizes x 3 folds stay fast."""
    return labelled_folder(tmp_path_factory.mktemp("curve") / "data", {}, base=tiny_rows(), sources=CURVE_SOURCES)


def test_learning_curve_has_one_point_per_fraction_with_growing_training_sizes(clean):
    training = load_training_set([clean])
    fractions = (0.25, 0.5, 1.0)
    points = learning_curve(stance_model(training), training.data, fractions=fractions)
    assert [point.fraction for point in points] == list(fractions)
    sizes = [point.mean_training_sentences for point in points]
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)
    # Each fold trains on every source but one; at 1.0 it uses all of them, at f about f of them.
    rows = len(training.data.Y)
    per_source = [sum(1 for s in training.data.groups if s == source) for source in CURVE_SOURCES]
    fold_sizes = [rows - count for count in per_source]
    assert sizes[-1] == pytest.approx(sum(fold_sizes) / len(fold_sizes))
    assert sizes[0] == pytest.approx(sum(round(0.25 * n) for n in fold_sizes) / len(fold_sizes))
    assert all(0.0 <= point.macro_f1 <= 1.0 for point in points)


def test_learning_curve_needs_sources(tmp_path):
    training = load_training_set([make_training_folder(tmp_path / "data")])
    with pytest.raises(ValueError, match="source"):
        learning_curve(stance_model(training), training.data)


def test_cli_evaluate_learning_curve_writes_a_png_and_prints_the_table(clean, tmp_path):
    chart = tmp_path / "charts" / "curve.png"
    result = CliRunner().invoke(app, ["evaluate", str(clean), "--learning-curve", "--plot", str(chart)])
    assert result.exit_code == 0, result.stderr
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = [line.split() for line in result.stdout.splitlines() if line.strip()[:1].isdigit()]
    assert [row[0] for row in table] == ["0.25", "0.50", "0.75", "1.00"]
    sizes = [float(row[1]) for row in table]
    assert sizes == sorted(sizes)
    assert all(0.0 <= float(row[2]) <= 1.0 for row in table)
    assert "fraction" in result.stdout and "macro-F1" in result.stdout
    assert f"chart written to {chart}" in " ".join(result.stderr.split())
    assert not list(chart.parent.glob("*.tmp"))
