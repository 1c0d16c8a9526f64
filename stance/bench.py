"""Benchmark: ``python -m stance.bench``. Speed and memory figures, kept out of the unit tests.

Prints, measured in this run on this machine:

* classify throughput (sentences per second) of the stance model on N sentences, and
  of a bare ``TfidfVectorizer + LogisticRegression`` pipeline trained on the same
  seeds and timed on the same sentences, with their ratio;
* peak memory (max RSS) of ``stance classify`` run as a subprocess on an M-line file;
* wall time of ``stance train`` and ``stance evaluate`` on the seeds, as subprocesses;
* sentences per second and peak memory of ``stance classify`` on a large input in one
  process and with ``--engine dask`` on a local two-worker cluster (needs the dask extra);
* precision and recall of the speaker and its side on the attribution test set
  (``stance.attribution_eval``), when run from a checkout that has it.

Sentences are the seed sentences repeated with a counter appended, so no two are
identical and no cache can make the figures look better than they are.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def _sentences(seed_texts: list[str], count: int) -> list[str]:
    return [f"{seed_texts[i % len(seed_texts)]} ({i})" for i in range(count)]


def _best_of(repeats: int, action) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def throughput(labels_path: Path, model_path: Path, count: int, repeats: int) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline

    from stance.labels import read_label_table, parse_labels
    from stance.persist import load_model

    model = load_model(model_path)
    table = read_label_table(labels_path)
    texts = _sentences(table["text"].tolist(), count)
    Y = np.array([[int(name in parse_labels(cell)) for name in model.labels] for cell in table["labels"]])
    bare = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), OneVsRestClassifier(LogisticRegression(max_iter=1000)))
    bare.fit(table["text"], Y)
    stance_seconds = _best_of(repeats, lambda: model.predict_proba(texts))
    bare_seconds = _best_of(repeats, lambda: bare.predict_proba(texts))
    print(f"classify throughput on {count:,} sentences (best of {repeats}):")
    print(f"  stance model              {count / stance_seconds:>10,.0f} sentences/s")
    print(f"  bare tf-idf + logistic    {count / bare_seconds:>10,.0f} sentences/s")
    print(f"  ratio stance / bare       {bare_seconds / stance_seconds:>10.2f}")


_MEASURE = (
    "import resource, subprocess, sys; "
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)"
)


def _run(arguments: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one command, measured in a fresh wrapper process
    so that an earlier, larger child cannot stand in for this one's peak."""
    start = time.perf_counter()
    completed = subprocess.run([sys.executable, "-c", _MEASURE, *arguments], check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    return seconds, int(completed.stdout.strip()) // 1024


def _write_sentences(path: Path, texts: list[str], count: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for line in _sentences(texts, count):
            handle.write(line + "\n")


def _seed_texts(labels_path: Path) -> list[str]:
    from stance.labels import read_label_table

    return read_label_table(labels_path)["text"].tolist()


def stance_command() -> list[str]:
    return [sys.executable, "-m", "stance"]


def memory(labels_path: Path, model_path: Path, lines: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "sentences.txt"
        _write_sentences(source, _seed_texts(labels_path), lines)
        seconds, peak = _run(
            stance_command() + ["-q", "classify", str(source), "--model", str(model_path), "--output", str(Path(folder) / "out.csv")]
        )
    print(f"stance classify on {lines:,} lines: {seconds:.1f} s, peak memory {peak} MiB (max RSS of the process)")


def scale(labels_path: Path, model_path: Path, count: int) -> None:
    """The same input through classify in one process and on a local two-worker Dask cluster."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "sentences.txt"
        _write_sentences(source, _seed_texts(labels_path), count)
        base = stance_command() + ["-q", "classify", str(source), "--model", str(model_path)]
        local_seconds, local_peak = _run(base + ["--output", str(Path(folder) / "local.parquet")])
        dask_seconds, dask_peak = _run(base + ["--engine", "dask", "--output", str(Path(folder) / "dask")])
    print(f"classify {count:,} sentences (text file in, Parquet out; process wall time):")
    print(f"  one process               {count / local_seconds:>10,.0f} sentences/s   peak {local_peak} MiB")
    print(f"  dask, 2 local workers     {count / dask_seconds:>10,.0f} sentences/s   peak {dask_peak} MiB (largest process)")
    print(f"  speed-up                  {local_seconds / dask_seconds:>10.2f}")


def timings(labels_path: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        seconds, _ = _run(stance_command() + ["-q", "train", str(labels_path), "--out", str(Path(folder) / "m.skops")])
    print(f"stance train on {labels_path}: {seconds:.1f} s (process wall time, imports included)")
    seconds, _ = _run(stance_command() + ["-q", "evaluate", str(labels_path)])
    print(f"stance evaluate on {labels_path}: {seconds:.1f} s (process wall time, imports included)")


def attribution() -> None:
    """Speaker and side precision and recall on the attribution test set (in a checkout only)."""
    from stance.attribution_eval import DEFAULT_SET, report

    if DEFAULT_SET.exists():
        print(report(DEFAULT_SET))


def main(argv: list[str] | None = None) -> None:
    from stance.paths import default_labels, default_model

    parser = argparse.ArgumentParser(prog="python -m stance.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=200_000, help="sentences for the throughput test")
    parser.add_argument("--memory-lines", type=int, default=1_000_000, help="lines for the memory test")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats; the best is kept")
    parser.add_argument(
        "--scale-sentences", type=int, default=2_000_000, help="sentences for one process vs Dask (0 skips it)"
    )
    parser.add_argument("--labels", type=Path, default=None, help="labelled sentences [default: seeds/labels.csv]")
    parser.add_argument("--model", type=Path, default=None, help="model file [default: the shipped model]")
    args = parser.parse_args(argv)
    labels_path = args.labels or default_labels()
    model_path = args.model or default_model()
    attribution()
    throughput(labels_path, model_path, args.sentences, args.repeats)
    memory(labels_path, model_path, args.memory_lines)
    timings(labels_path)
    if args.scale_sentences:
        scale(labels_path, model_path, args.scale_sentences)


if __name__ == "__main__":
    main()
