"""stance init: a new story's corpus skeleton that every stage can read, never written over a corpus."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT
from typer.testing import CliRunner

from stance.cli import app
from stance.corpus import read_manifest
from stance.errors import UsageError
from stance.labels import read_label_table
from stance.schema import load_schema


def test_init_writes_files_that_the_stages_read(tmp_path):
    folder = tmp_path / "story"
    result = CliRunner().invoke(app, ["init", str(folder)])
    assert result.exit_code == 0, result.stderr
    assert sorted(path.name for path in folder.iterdir()) == ["labels.csv", "schema.toml", "sources.csv", "speakers.csv"]
    schema = load_schema(folder / "schema.toml")
    assert schema.label_names and set(schema.side_names) <= set(schema.actors)
    assert read_manifest(folder) == {}
    assert read_label_table(folder / "labels.csv", allow_no_rows=True).empty
    assert "GSOMIA" not in (folder / "schema.toml").read_text(encoding="utf-8")


def test_init_refuses_a_folder_that_holds_files_and_leaves_it_alone(tmp_path):
    (tmp_path / "article.txt").write_text("Kept.", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "stance", "init", str(tmp_path)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == UsageError.exit_code
    assert len(done.stderr.strip().splitlines()) == 1 and "not an empty folder" in done.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["article.txt"]
