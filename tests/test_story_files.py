"""Labels anywhere: the schema and speakers given, else beside the data, else the shipped story's,
and the user told whenever the files used are not the ones beside the data."""

from __future__ import annotations

import shutil
import subprocess
import sys
import warnings

import pytest
from conftest import (
    ROOT,
    SEEDS,
    TINY_LABELS,
    make_training_folder,
    tiny_rows,
    write_labels_csv,
)
from typer.testing import CliRunner

from stance.cli import app
from stance.errors import InputDataError
from stance.story_files import StoryFileWarning, find_schema, find_speakers
from stance.training import load_training_set

SEED_LABELS = ("pro_extension", "blames_seoul", "blames_tokyo", "blames_us")


def seed_labels_elsewhere(folder, rows: int = 200):
    """The first seed sentences in a folder that holds no story file."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = (SEEDS / "labels.csv").read_text(encoding="utf-8").splitlines()[: rows + 1]
    path = folder / "mylabels.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_labels_file_alone_is_read_with_the_shipped_schema_and_a_warning_naming_where_it_looked(tmp_path):
    labels = seed_labels_elsewhere(tmp_path / "mine")
    with pytest.warns(StoryFileWarning, match=str(tmp_path / "mine" / "schema.toml")):
        training = load_training_set([labels])
    assert training.schema.label_names == SEED_LABELS
    assert training.speakers.side_of("Foreign Minister Kang Kyung-wha") == "south_korea"


def test_the_schema_beside_the_data_wins_over_the_shipped_one_without_a_word_about_the_schema(tmp_path):
    labels = make_training_folder(tmp_path / "tiny")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        training = load_training_set([labels])
    assert training.schema.label_names == TINY_LABELS
    messages = [str(w.message) for w in caught if issubclass(w.category, StoryFileWarning)]
    assert len(messages) == 1 and "speakers.csv" in messages[0]  # another story: its sides are unknown, and said so
    assert training.speakers.side_of("Foreign Minister Kang Kyung-wha") == "unknown"


def test_a_schema_given_explicitly_is_used_wherever_the_labels_are(tmp_path):
    make_training_folder(tmp_path / "story")
    (tmp_path / "elsewhere").mkdir()
    labels = write_labels_csv(tmp_path / "elsewhere" / "labels.csv", tiny_rows())
    schema, shipped = find_schema(labels, tmp_path / "story" / "schema.toml")
    assert schema.label_names == TINY_LABELS and not shipped


def test_a_missing_schema_or_speakers_file_given_explicitly_is_an_error_naming_it(tmp_path):
    with pytest.raises(InputDataError, match="nope.toml.*--schema"):
        find_schema(tmp_path, tmp_path / "nope.toml")
    with pytest.raises(InputDataError, match="nope.csv.*--speakers"):
        find_speakers(tmp_path, tmp_path / "nope.csv")


def test_train_takes_a_labels_file_outside_any_story_folder(tmp_path, monkeypatch):
    labels = seed_labels_elsewhere(tmp_path / "mine")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["train", str(labels), "--fast", "-o", str(tmp_path / "m.skops")])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "m.skops").exists()
    assert "using the shipped story's" in result.stderr


def test_train_with_the_story_files_given_by_option(tmp_path, monkeypatch):
    labels = seed_labels_elsewhere(tmp_path / "mine")
    story = tmp_path / "story"
    story.mkdir()
    shutil.copy(SEEDS / "schema.toml", story / "schema.toml")
    shutil.copy(SEEDS / "speakers.csv", story / "speakers.csv")
    monkeypatch.chdir(tmp_path)
    arguments = ["train", str(labels), "--fast", "--out", "m.skops"]
    arguments += ["--schema", str(story / "schema.toml"), "--speakers", str(story / "speakers.csv")]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr


def test_the_installed_command_names_the_missing_schema_file_in_one_line(tmp_path):
    labels = seed_labels_elsewhere(tmp_path, rows=20)
    done = subprocess.run(
        [sys.executable, "-m", "stance", "evaluate", str(labels), "--schema", str(tmp_path / "nope.toml")],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert done.returncode == InputDataError.exit_code
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: ") and line.endswith("nope.toml: no such file (given with --schema)")
