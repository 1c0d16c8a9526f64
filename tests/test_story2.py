"""A second story without code: a corpus of another dispute, with labels of other names and its
own actors, goes through every command, and nothing of the shipped story shows in what comes out."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from stance.cli import app

STORY = ROOT / "tests" / "data" / "story2"
# The shipped story's words: its pact, its parties' names and its label names.
FIRST_STORY = re.compile(r"GSOMIA|Seoul|Tokyo|Japan|Korea|Washington|pro_extension|blames_|Pro-extension|Blames ")


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("story2")
    shutil.copytree(STORY, folder / "corpus")
    return folder


def run(story: Path, *arguments: str, input: str | None = None):
    result = CliRunner().invoke(app, list(arguments), input=input)
    assert result.exit_code == 0, (arguments, result.stdout, result.stderr)
    return result


def test_the_second_story_goes_through_every_command_in_its_own_words(story, monkeypatch):
    monkeypatch.chdir(story)
    outputs = [
        run(story, "sentences", "corpus", "-o", "sentences.csv"),
        run(story, "train", "corpus/labels.csv", "--fast", "-o", "model.skops"),
        run(story, "classify", "sentences.csv", "--model", "model.skops", "-o", "classified.csv"),
        run(story, "report", "corpus", "--model", "model.skops", "-o", "reports"),
        run(story, "suggest", "corpus", "--n", "3", "--model", "model.skops", "-o", "suggested.csv"),
        run(story, "annotate", "corpus", "--model", "model.skops", "--labels", "answers.csv", input="2\rq\nn\n"),
    ]
    header = (story / "classified.csv").read_text(encoding="utf-8").splitlines()[0]
    assert {"backs_weir", "faults_ostrel", "faults_marvane"} <= set(header.split(","))
    assert (story / "answers.csv").read_text(encoding="utf-8").count("faults_ostrel") == 1
    written = [path for path in story.rglob("*") if path.is_file() and "corpus" not in path.parts]
    assert len(written) > 10 and (story / "reports" / "index.html").exists()
    for path in written:
        if path.suffix in {".png", ".skops"}:
            continue
        found = FIRST_STORY.search(path.read_text(encoding="utf-8"))
        assert found is None, f"{path.relative_to(story)} holds {found.group(0)!r}"
    for result in outputs:
        assert FIRST_STORY.search(result.stdout + result.stderr) is None, result.stderr
