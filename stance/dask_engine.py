"""Run ``classify`` and ``report`` on a Dask cluster, for corpora past one machine.

The same model is applied partition by partition (``map_partitions``); each worker
process loads the model file once and keeps it. By default a local cluster of two
worker processes is started; ``--scheduler ADDRESS`` uses an existing one (every
worker then needs ``stance`` installed and the model file at the same path).
Dask is an optional extra: ``pip install "stance[dask]"``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from stance.atomic import atomic_folder
from stance.classify import classify_table, output_columns, predict_frame
from stance.corpus import Corpus
from stance.errors import InputDataError, UsageError
from stance.persist import load_model
from stance.tables import detect_format, folder_files

DASK_HINT = 'the dask engine needs the optional extra: pip install "stance[dask]"'
LOCAL_WORKERS = 2
BLOCKSIZE = "8MB"

_WORKER_MODELS: dict[str, object] = {}
"""Models loaded in this process, by path: on a worker, the model is read once, not per partition."""


def _dask():
    try:
        import dask.bag
        import dask.dataframe
        import distributed
    except ImportError:
        raise UsageError(DASK_HINT) from None
    return dask.dataframe, dask.bag, distributed


@contextmanager
def dask_client(scheduler: str | None = None, workers: int = LOCAL_WORKERS) -> Iterator[object]:
    """A client of the given scheduler, or of a local cluster started (and stopped) here."""
    _, _, distributed = _dask()
    if scheduler:
        client = distributed.Client(scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    cluster = distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def worker_model(model_path: str):
    """The model at ``model_path``, loaded once per process."""
    if model_path not in _WORKER_MODELS:
        _WORKER_MODELS[model_path] = load_model(model_path)
    return _WORKER_MODELS[model_path]


def classify_partition(frame: pd.DataFrame, model_path: str, text_column: str) -> pd.DataFrame:
    """One partition through the model, exactly as the single-process path does it."""
    if frame.empty:
        return _empty_result(worker_model(model_path), frame, text_column)
    return predict_frame(worker_model(model_path), frame, text_column=text_column)


def _empty_result(model, frame: pd.DataFrame, text_column: str) -> pd.DataFrame:
    columns = output_columns(model, list(frame.columns))
    result = frame.reindex(columns=columns)
    result["labels"] = result["labels"].astype("str")
    for name in model.labels:
        result[name] = result[name].astype("int64")
        result[f"p_{name}"] = result[f"p_{name}"].astype("float64")
    return result


def read_dataframe(path: str, input_format: str | None, text_column: str):
    """A Dask DataFrame of the input: a CSV, TSV, JSONL, Parquet or text file, or a folder of one kind."""
    dataframe, bag, _ = _dask()
    source = Path(path)
    if not source.exists():
        raise InputDataError("no such file or folder", path=source)
    files = folder_files(source) if source.is_dir() else [source]
    formats = {input_format or detect_format(str(file)) for file in files}
    if len(formats) != 1:
        raise InputDataError(f"mixes formats ({', '.join(sorted(formats))}); --engine dask reads one kind", path=source)
    kind = formats.pop()
    names = [str(file) for file in files]
    if kind == "parquet":
        frame = dataframe.read_parquet(names)
    elif kind in ("csv", "tsv"):
        frame = dataframe.read_csv(
            names, sep="," if kind == "csv" else "\t", dtype=str, keep_default_na=False, blocksize=BLOCKSIZE
        )
    elif kind == "jsonl":
        frame = dataframe.read_json(names, lines=True, blocksize=BLOCKSIZE)
    else:
        lines = bag.read_text(names, blocksize=BLOCKSIZE).map(lambda line: line.rstrip("\r\n"))
        frame = lines.filter(lambda line: bool(line.strip())).to_dataframe(meta={text_column: str})
    if text_column not in frame.columns:
        found = ", ".join(repr(c) for c in frame.columns)
        raise InputDataError(f"has no {text_column!r} column (found {found}); name it with --text-column", path=source)
    return frame


def classify_partitioned(
    input_path: str,
    output: Path,
    model_path: Path,
    text_column: str = "text",
    input_format: str | None = None,
    scheduler: str | None = None,
) -> int:
    """Classify on a cluster and write a partitioned Parquet dataset; return the sentence count."""
    model = load_model(model_path)  # fail fast, before a cluster starts, on a bad model file
    frame = read_dataframe(input_path, input_format, text_column)
    meta = _empty_result(model, frame._meta, text_column)
    import dask

    with dask_client(scheduler):
        result = frame.map_partitions(
            classify_partition, model_path=str(Path(model_path).resolve()), text_column=text_column, meta=meta
        )
        with atomic_folder(output) as staging:
            # One pass over the data: the count rides along with the write.
            write = result.to_parquet(staging, write_index=False, compute=False)
            _, count = dask.compute(write, result.map_partitions(len).sum())
        return int(count)


def classify_and_store(part: Corpus, model_path: str, path: str) -> dict[str, np.ndarray]:
    """A task of ``classify_on_cluster``: classify a part of a corpus, store its sentence table at ``path``
    (Parquet), and return its articles' near-duplicate signatures."""
    from stance.near_duplicates import table_signatures
    from stance.sentences import sentence_table

    table = classify_table(sentence_table(part), worker_model(model_path))
    table.to_parquet(path, index=False)
    return table_signatures(table)


def classify_on_cluster(
    corpus: Corpus, model_path: Path | str, folder: Path, scheduler: str | None = None
) -> tuple[list[Path], dict[str, np.ndarray]]:
    """Classify the corpus on a cluster, a batch of articles per task (:meth:`Corpus.batches`), each storing its sentence
    table as a Parquet file in ``folder`` (workers of a remote cluster must see it); return the files,
    in the corpus's order, and every article's near-duplicate signature.

    Each task carries only its own articles' manifest rows (with the story files), so the task
    graph grows with the corpus, not with its square, and no process holds the whole table.
    """
    _dask()  # without the extra, say how to install it before anything starts
    corpus = replace(corpus, folder=corpus.folder.resolve())
    model_path = str(Path(model_path).resolve())
    parts = corpus.batches()
    paths = [Path(folder).resolve() / f"part-{index:05d}.parquet" for index in range(len(parts))]
    signatures: dict[str, np.ndarray] = {}
    with dask_client(scheduler) as client:
        tasks = client.map(classify_and_store, parts, [model_path] * len(parts), [str(p) for p in paths], pure=False)
        for found in client.gather(tasks):
            signatures.update(found)
    return paths, signatures
