"""A labelling session's retrain adds the new answers to what the model was trained on, and its
card says so; a card names its training files so that they are found again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import SEEDS
from typer.testing import CliRunner

from stance.card import card_paths, read_card
from stance.cli import app
from stance.paths import portable_location, resolve_location
from stance.persist import load_model
from stance.schema import load_schema
from stance.training import earlier_training_files, train

STORY_FILES = ("sources.csv", "schema.toml", "speakers.csv")


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, Path]:
    """A fast model trained on a copy of the seed labels, and that labels file."""
    folder = tmp_path_factory.mktemp("training")
    for name in ("labels.csv", "schema.toml", "speakers.csv"):
        shutil.copy(SEEDS / name, folder / name)
    model = folder / "model.skops"
    train([folder / "labels.csv"], model, fast=True)
    return model, folder / "labels.csv"


@pytest.fixture()
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in [*SEEDS.glob("*.txt"), *(SEEDS / name for name in STORY_FILES)]:
        shutil.copy(path, folder / path.name)
    (folder / "labels.csv").write_text("id,source,text,labels\n", encoding="utf-8")
    return folder


def test_a_retrain_after_annotation_trains_on_the_old_labels_plus_the_new_and_the_card_counts_both(
    trained, corpus, tmp_path
):
    model, seed_labels = trained
    model_copy = tmp_path / "model.skops"
    for path in (model, *card_paths(model)):
        shutil.copy(path, tmp_path / path.name.replace(model.stem, "model"))
    before = load_model(model_copy)
    keys = "1\r" + "12\r" + "4\r" + "q" + "y\n"
    result = CliRunner().invoke(app, ["annotate", str(corpus), "--model", str(model_copy), "--annotator", "t"], input=keys)
    assert result.exit_code == 0, result.stderr
    card = read_card(model_copy)
    extends = card["data"]["extends"]
    rows_before = read_card(model)["data"]["rows"]
    assert extends["model"] == "model.skops" and extends["rows_before"] == rows_before
    assert extends["rows_added"] + extends["relabelled"] == 3  # a seed sentence answered again is relabelled
    assert card["data"]["rows"] == rows_before + extends["rows_added"]
    assert f"plus {extends['rows_added']} new ones from labels.csv" in result.stderr
    assert card["data"]["files"] == ["labels.csv", "labels.csv"]
    assert Path(card["data"]["locations"][1]) == seed_labels.resolve()
    answered = [line[2:] for line in result.stdout.splitlines() if line.startswith("> ")][:3]
    frame = {"text": answered, "is_quote": [False] * 3, "speaker_side": [""] * 3}
    import pandas as pd

    after = load_model(model_copy)
    assert (before.predict_proba(pd.DataFrame(frame)) != after.predict_proba(pd.DataFrame(frame))).any()
    assert "Retrained with new answers" in card_paths(model_copy)[1].read_text(encoding="utf-8")


def test_training_files_are_found_again_only_when_unchanged_and_of_the_same_labels(trained, tmp_path):
    model, seed_labels = trained
    card = read_card(model)
    labels = load_schema(SEEDS / "schema.toml").label_names
    assert earlier_training_files(card, labels) == [seed_labels.resolve()]
    assert earlier_training_files(card, labels[:2]) == []  # another story's labels: nothing to add to
    changed = json.loads(json.dumps(card))
    changed["data"]["sha256"] = "0" * 64  # the file was edited since the model was trained
    assert earlier_training_files(changed, labels) == []
    missing = json.loads(json.dumps(card))
    missing["data"]["locations"] = [str(tmp_path / "gone.csv")]
    assert earlier_training_files(missing, labels) == []


def test_the_shipped_training_files_are_named_so_that_any_install_finds_them():
    location = portable_location(SEEDS / "labels.csv")
    assert location == "shipped:seeds/labels.csv"
    assert resolve_location(location).read_bytes() == (SEEDS / "labels.csv").read_bytes()
    assert portable_location(Path("labelled") / "written-1.csv") == "shipped:labelled/written-1.csv"
    assert resolve_location("shipped:labelled/written-1.csv").is_file()


def test_a_retrain_with_labels_kept_elsewhere_reads_the_corpus_story_files(trained, corpus, tmp_path):
    model, _ = trained
    model_copy = tmp_path / "model.skops"
    for path in (model, *card_paths(model)):
        shutil.copy(path, tmp_path / path.name.replace(model.stem, "model"))
    elsewhere = tmp_path / "downloads" / "more.csv"
    elsewhere.parent.mkdir()
    elsewhere.write_text("id,source,text,labels\n", encoding="utf-8")
    arguments = ["annotate", str(corpus), "--labels", str(elsewhere), "--model", str(model_copy), "--annotator", "t"]
    result = CliRunner().invoke(app, arguments, input="1\r" + "q" + "y\n")
    assert result.exit_code == 0, result.stderr
    assert "model written to" in result.stdout
    assert "speakers.csv" not in result.stderr and "schema.toml" not in result.stderr
