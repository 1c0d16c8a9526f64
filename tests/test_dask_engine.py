"""The Dask engine gives exactly the single-process answers: predictions row for row, and
every report file byte for byte, on an in-process local cluster with two workers."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from stance.classify import predict_frame
from stance.corpus import Corpus
from stance.cli import app
from stance.dask_engine import DASK_HINT, classify_partitioned
from stance.errors import UsageError
from stance.persist import load_model
from stance.report import build

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "stance.skops"


@pytest.fixture(scope="module")
def scheduler():
    """An in-process cluster of two workers, shared by the tests of this module."""
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    yield cluster.scheduler_address
    cluster.close()


@pytest.fixture()
def small_corpus(tmp_path):
    """Two of the seed articles with the seed manifest, schema and speakers."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("003_291576e80f34e9f0.txt", "004_ac623f98074beb19.txt", "sources.csv", "schema.toml", "speakers.csv"):
        shutil.copy(ROOT / "seeds" / name, corpus / name)
    return corpus


def test_dask_classify_gives_the_single_process_predictions_row_for_row(tmp_path, scheduler):
    sentences = pd.read_csv(ROOT / "seeds" / "labels.csv", dtype=str, keep_default_na=False)[["id", "text"]]
    source = tmp_path / "sentences.csv"
    sentences.to_csv(source, index=False)
    out = tmp_path / "classified"

    count = classify_partitioned(str(source), out, MODEL, scheduler=scheduler)

    on_dask = pd.read_parquet(out).reset_index(drop=True)
    local = predict_frame(load_model(MODEL), sentences)
    assert count == len(sentences)
    pd.testing.assert_frame_equal(on_dask, local, check_dtype=False)


@pytest.mark.parametrize("batch", [200, 1])
def test_dask_report_files_equal_the_single_process_report_byte_for_byte(small_corpus, tmp_path, scheduler, batch, monkeypatch):
    local_files = build(Corpus.open(small_corpus), MODEL, tmp_path / "local")
    monkeypatch.setattr("stance.corpus.ARTICLES_PER_BATCH", batch)  # 1: a task per article, counted part by part
    dask_files = build(Corpus.open(small_corpus), MODEL, tmp_path / "dask", engine="dask", scheduler=scheduler)
    assert [path.name for path in local_files] == [path.name for path in dask_files]
    for local, on_dask in zip(local_files, dask_files):
        assert local.read_bytes() == on_dask.read_bytes(), f"{local.name} differs between engines"


def test_without_the_extra_the_dask_engine_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "distributed", None)  # importing it now raises ImportError
    source = tmp_path / "in.txt"
    source.write_text("Seoul's decision was mistaken.\n", encoding="utf-8")
    with pytest.raises(UsageError, match="pip install"):
        classify_partitioned(str(source), tmp_path / "out", MODEL)
    result = CliRunner().invoke(app, ["classify", str(source), "--engine", "dask", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {DASK_HINT}"
    assert not (tmp_path / "out").exists()


def test_dask_engine_needs_an_output_folder(tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("A sentence.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["classify", str(source), "--engine", "dask"])
    assert result.exit_code == 2
    assert "--output FOLDER" in result.stderr
