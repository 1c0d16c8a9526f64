"""The commands of the learning loop: train --fast and --dev, evaluate --dev and --adaptation, suggest."""

from __future__ import annotations

import csv

from conftest import make_training_folder, tiny_rows, with_sources, write_labels_csv
from typer.testing import CliRunner

from stance.cli import app

runner = CliRunner()


def labels_folder(tmp_path):
    labels = make_training_folder(tmp_path / "data", with_sources(tiny_rows()))
    write_labels_csv(labels, with_sources(tiny_rows()), header=("text", "labels", "source"))
    return labels


def test_adaptation_without_a_development_set_is_refused(tmp_path):
    labels = labels_folder(tmp_path)
    result = runner.invoke(app, ["evaluate", str(labels), "--adaptation"])
    assert result.exit_code == 2
    assert "--adaptation needs --dev" in result.output


def test_train_fast_writes_a_model_without_an_encoder(tmp_path):
    from stance.persist import load_model

    labels = labels_folder(tmp_path)
    out = tmp_path / "fast.skops"
    result = runner.invoke(app, ["train", str(labels), "--out", str(out), "--fast"])
    assert result.exit_code == 0, result.output
    model = load_model(out)
    assert model.features_.encoder is False and model.n_sentences_ == len(tiny_rows())


def test_train_with_a_development_set_keeps_its_error_counts(tmp_path):
    from stance.persist import load_model

    labels = labels_folder(tmp_path)
    dev = tmp_path / "dev.csv"
    with dev.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "labels", "source"])
        writer.writerow(["Seoul's choice was mistaken and harmful.", "blames_seoul", "d"])
        writer.writerow(["Extending the crucial pact matters.", "pro_extension", "d"])
        writer.writerow(["The envoys had lunch.", "", "d"])
    out = tmp_path / "model.skops"
    result = runner.invoke(app, ["train", str(labels), "--out", str(out), "--dev", str(dev)])
    assert result.exit_code == 0, result.output
    counts = load_model(out).dev_error_counts_
    assert sum(counts["blames_seoul"].values()) == 3


def test_suggest_writes_the_labels_format_and_names_the_model(tmp_path, tiny_model_file):
    table = tmp_path / "sentences.csv"
    table.write_text("id,source,text\na,x,Seoul was mistaken.\nb,x,The pact is crucial.\nc,y,They met.\n", encoding="utf-8")
    out = tmp_path / "suggested.csv"
    result = runner.invoke(app, ["suggest", str(table), "--n", "2", "-o", str(out), "--model", str(tiny_model_file)])
    assert result.exit_code == 0, result.output
    assert "model: " in result.output and "trained on" in result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 2 and all(row["labels"] == "" for row in rows)
    assert {row["id"] for row in rows} <= {"a", "b", "c"}


def test_suggest_to_a_dash_writes_the_table_to_stdout_and_no_file(tmp_path, tiny_model_file, monkeypatch):
    monkeypatch.chdir(tmp_path)
    table = tmp_path / "sentences.csv"
    table.write_text("id,source,text\na,x,Seoul was mistaken.\nb,x,The pact is crucial.\nc,y,They met.\n", encoding="utf-8")
    result = runner.invoke(app, ["suggest", str(table), "--n", "2", "-o", "-", "--model", str(tiny_model_file)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert len(rows) == 2 and set(rows[0]) >= {"id", "source", "text", "labels", "provenance"}
    assert not (tmp_path / "-").exists()


def test_evaluate_with_a_development_set_prints_its_table_under_its_own_title(tmp_path):
    labels = labels_folder(tmp_path)
    dev = tmp_path / "dev.csv"
    dev.write_text(
        "text,labels,source\nSeoul's choice was mistaken.,blames_seoul,d\nThe crucial pact must be extended.,pro_extension,d\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["evaluate", str(labels), "--dev", str(dev)])
    assert result.exit_code == 0, result.output
    head, _, tail = result.stdout.partition("Development set (")
    assert head.startswith("Leave-one-source-out (s0, s1, s2 held out in turn)")
    assert "stance   macro-F1" in tail and "keyword rules   macro-F1" in tail


def test_adaptation_prints_both_ways_of_picking_and_draws_the_curve(tmp_path):
    labels = labels_folder(tmp_path)
    dev = tmp_path / "dev.csv"
    rows = [(f"Seoul's step {i} was mistaken.", "blames_seoul") for i in range(6)]
    rows += [(f"The crucial pact {i} must be extended.", "pro_extension") for i in range(6)]
    rows += [(f"The envoys had lunch on day {i}.", "") for i in range(12)]
    write_labels_csv(dev, [(text, cell, "d") for text, cell in rows], header=("text", "labels", "source"))
    chart = tmp_path / "curves" / "adapt.png"
    result = runner.invoke(app, ["evaluate", str(labels), "--dev", str(dev), "--adaptation", "--plot", str(chart)])
    assert result.exit_code == 0, result.output
    table = [line.split() for line in result.stdout.splitlines() if line.strip().startswith(("suggest", "random"))]
    assert [(row[0], row[1]) for row in table] == [("suggest", "0"), ("suggest", "10"), ("random", "0"), ("random", "10")]
    assert all(0.0 <= float(row[2]) <= 1.0 for row in table)
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(chart.parent.glob("*.tmp"))


def test_suggest_never_offers_a_sentence_the_model_was_trained_on_even_after_its_file_grew(tmp_path):
    labels = labels_folder(tmp_path)
    model = tmp_path / "model.skops"
    assert runner.invoke(app, ["train", str(labels), "--out", str(model), "--fast"]).exit_code == 0
    with labels.open("a", encoding="utf-8", newline="") as handle:  # as an annotate session would
        csv.writer(handle).writerow(["A sentence answered after training.", "", "s0"])
    trained_on = [f"  {text} " for text, *_ in tiny_rows()]  # spaces around a sentence do not hide it
    new = ["The talks resumed in Tokyo today.", "Seoul said the pact would lapse.", "Washington sent an envoy."]
    table = tmp_path / "sentences.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "source", "text"])
        writer.writerows([(f"s{i}", "x", text) for i, text in enumerate(trained_on[:6] + new)])
    out = tmp_path / "suggested.csv"
    result = runner.invoke(app, ["suggest", str(table), "--n", "9", "-o", str(out), "--model", str(model)])
    assert result.exit_code == 0, result.output
    assert sorted(row["text"] for row in csv.DictReader(out.open(encoding="utf-8"))) == sorted(new)
    assert "passing over 6 sentences the model was trained on" in result.output
    assert "only 3 sentences" in result.output
