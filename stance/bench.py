"""Benchmark: ``python -m stance.bench``. Speed and memory figures, kept out of the unit tests.

Prints, measured in this run on this machine, each model beside its bare peer:

* the fast (lexical) model's classify throughput against a bare ``TfidfVectorizer +
  LogisticRegression`` pipeline trained on the same seeds, on the same sentences, in process;
* the default (encoder) model, ``stance classify`` file to file as a process, against
  sentence-transformers all-MiniLM-L6-v2 on torch plus a logistic regression
  (``scripts/bench_torch_baseline.py``, run by the scratch interpreter given with
  ``--torch-python``; its own timer leaves out its imports, model load and fit, so the
  ratio is, if anything, kind to torch);
* peak memory (max RSS) of ``stance classify`` with each model;
* wall time and peak memory of ``stance train`` (default and fast) on the shipped training
  files and of ``stance report`` on the seeds;
* sentences per second of ``stance classify`` on a large input in one process and with
  ``--engine dask`` on a local two-worker cluster (needs the dask extra);
* ``stance report`` on a generated corpus of many articles (``--articles``), in one
  process and on the local cluster;
* precision and recall of the speaker and its side on the attribution test set
  (``stance.attribution_eval``), when run from a checkout that has it.

Sentences are the seed sentences with a counter appended, so no two are identical and
no cache can make the figures look better than they are.
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


def fast_throughput(labels_path: Path, model_path: Path, count: int, repeats: int) -> None:
    """The fast model against the bare lexical pipeline it must keep up with, in process."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline

    from stance.labels import parse_labels, read_label_table
    from stance.persist import load_model

    model = load_model(model_path)
    table = read_label_table(labels_path)
    texts = _sentences(table["text"].tolist(), count)
    Y = np.array([[int(name in parse_labels(cell)) for name in model.labels] for cell in table["labels"]])
    bare = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), OneVsRestClassifier(LogisticRegression(max_iter=1000)))
    bare.fit(table["text"], Y)
    stance_seconds = _best_of(repeats, lambda: model.predict_proba(texts))
    bare_seconds = _best_of(repeats, lambda: bare.predict_proba(texts))
    print(f"classify throughput on {count:,} sentences, in process (best of {repeats}):")
    print(f"  fast model ({model_path.name})   {count / stance_seconds:>10,.0f} sentences/s")
    print(f"  bare tf-idf + logistic      {count / bare_seconds:>10,.0f} sentences/s")
    print(f"  ratio fast / bare           {bare_seconds / stance_seconds:>10.2f}")


TORCH_BASELINE = Path(__file__).resolve().parents[1] / "scripts" / "bench_torch_baseline.py"


def encoder_throughput(labels_path: Path, model_path: Path, count: int, torch_python: Path | None) -> None:
    """The default model file to file against the usual torch pipeline, on the same sentences."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "sentences.txt"
        _write_sentences(source, _seed_texts(labels_path), count)
        out = Path(folder) / "out.csv"
        seconds, peak = _run(stance_command() + ["-q", "classify", str(source), "--model", str(model_path), "-o", str(out)])
        print(f"classify {count:,} sentences file to file (process wall time, imports and model load included):")
        print(f"  default model ({model_path.name})   {count / seconds:>8,.0f} sentences/s   peak {peak} MiB")
        if torch_python is None or not TORCH_BASELINE.exists():
            print("  torch baseline: skipped (give --torch-python, the interpreter of a scratch venv with torch)")
            return
        done = subprocess.run(
            [str(torch_python), str(TORCH_BASELINE), str(source), str(Path(folder) / "torch.csv"), "--labels", str(labels_path)],
            check=True, capture_output=True, text=True,
        )
        torch_rate = float(done.stderr.strip().splitlines()[-1].split(": ")[1].split()[0])
        print(f"  sentence-transformers on torch + LR   {torch_rate:>8,.0f} sentences/s (encode, predict and write only)")
        print(f"  ratio default / torch                 {count / seconds / torch_rate:>8.2f}")


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
    print(f"stance classify ({model_path.name}) on {lines:,} lines: {seconds:.1f} s, peak memory {peak} MiB (max RSS)")


def _one_process_and_dask(command: list[str], folder: Path, local_output: str) -> tuple[float, int, float, int]:
    """Wall seconds and peak MiB of one command run locally, then with ``--engine dask``."""
    local_seconds, local_peak = _run(command + ["--output", str(folder / local_output)])
    dask_seconds, dask_peak = _run(command + ["--engine", "dask", "--output", str(folder / "dask")])
    return local_seconds, local_peak, dask_seconds, dask_peak


def scale(labels_path: Path, model_path: Path, count: int) -> None:
    """The same input through classify in one process and on a local two-worker Dask cluster."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "sentences.txt"
        _write_sentences(source, _seed_texts(labels_path), count)
        command = stance_command() + ["-q", "classify", str(source), "--model", str(model_path)]
        local_seconds, local_peak, dask_seconds, dask_peak = _one_process_and_dask(command, Path(folder), "local.parquet")
    print(f"classify {count:,} sentences (text file in, Parquet out; process wall time):")
    print(f"  one process               {count / local_seconds:>10,.0f} sentences/s   peak {local_peak} MiB")
    print(f"  dask, 2 local workers     {count / dask_seconds:>10,.0f} sentences/s   peak {dask_peak} MiB (largest process)")
    print(f"  speed-up                  {local_seconds / dask_seconds:>10.2f}")


def timings(training_files: list[Path], dev: Path | None) -> None:
    """Train both models on the shipped training files, then report on the seeds."""
    dev_option = ["--dev", str(dev)] if dev else []
    with tempfile.TemporaryDirectory() as folder:
        for name, fast in (("default", []), ("fast", ["--fast"])):
            out = Path(folder) / f"{name}.skops"
            arguments = ["-q", "train", *map(str, training_files), *fast, *dev_option, "-o", str(out)]
            seconds, peak = _run(stance_command() + arguments)
            print(f"stance train ({name}) on {len(training_files)} files: {seconds:.1f} s, peak {peak} MiB "
                  "(process wall time: fit, the card's leave-one-source-out evaluation and the development set)")
        seconds, peak = _run(stance_command() + ["-q", "report", "-o", str(Path(folder) / "reports")])
        print(f"stance report on the seeds (default model): {seconds:.1f} s, peak {peak} MiB")


def _write_corpus(folder: Path, texts: list[str], articles: int, sources: int = 25, per_article: int = 8) -> None:
    """A corpus of distinct articles: seed sentences drawn at random (with the article's number
    in its first), spread over the sources and the months of 2019, with a manifest."""
    import csv
    import shutil

    from stance.paths import default_corpus

    folder.mkdir()
    for name in ("schema.toml", "speakers.csv"):
        shutil.copy(default_corpus() / name, folder / name)
    rng = np.random.default_rng(0)
    with (folder / "sources.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "source", "outlet", "published", "headline"])
        for index in range(articles):
            name = f"{index:06d}.txt"
            picks = [texts[i] for i in rng.choice(len(texts), per_article, replace=False)]
            picks[0] = f"Article {index}: {picks[0]}"
            (folder / name).write_text("\n\n".join(picks) + "\n", encoding="utf-8")
            source = f"outlet-{index % sources:02d}"
            writer.writerow([name, source, source.title(), f"2019-{1 + index % 12:02d}-15", f"Headline {index}"])


def report_scale(labels_path: Path, model_path: Path, articles: int) -> None:
    """``stance report`` on a corpus of many articles, in one process and on the local cluster."""
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus"
        _write_corpus(corpus, _seed_texts(labels_path), articles)
        command = stance_command() + ["-q", "report", str(corpus), "--model", str(model_path)]
        local_seconds, local_peak, dask_seconds, dask_peak = _one_process_and_dask(command, Path(folder), "local")
    print(f"stance report on {articles:,} generated articles ({model_path.name}; process wall time):")
    print(f"  one process               {local_seconds:>8.0f} s   peak {local_peak} MiB")
    print(f"  dask, 2 local workers     {dask_seconds:>8.0f} s   peak {dask_peak} MiB (largest process)")


def attribution() -> None:
    """Speaker and side precision and recall on the attribution test set (in a checkout only)."""
    from stance.attribution_eval import DEFAULT_SET, report

    if DEFAULT_SET.exists():
        print(report(DEFAULT_SET))


def main(argv: list[str] | None = None) -> None:
    from stance.paths import default_labels, default_model, resolve_location
    from stance.card import read_card

    parser = argparse.ArgumentParser(prog="python -m stance.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=200_000, help="sentences for the fast model's throughput")
    parser.add_argument("--encoder-sentences", type=int, default=10_000, help="sentences for the default model's throughput")
    parser.add_argument("--torch-python", type=Path, default=None, help="python of a scratch venv with torch")
    parser.add_argument("--memory-lines", type=int, default=1_000_000, help="lines for the fast model's memory test")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats; the best is kept")
    parser.add_argument(
        "--scale-sentences", type=int, default=2_000_000, help="sentences for one process vs Dask (0 skips it)"
    )
    parser.add_argument("--articles", type=int, default=100_000, help="articles for the report at scale (0 skips it)")
    parser.add_argument("--labels", type=Path, default=None, help="labelled sentences [default: seeds/labels.csv]")
    parser.add_argument("--model", type=Path, default=None, help="default model [default: the shipped one]")
    parser.add_argument("--fast-model", type=Path, default=None, help="fast model [default: the shipped one]")
    parser.add_argument("--dev", type=Path, default=Path("dev/dev.csv"), help="development set for the train timing")
    args = parser.parse_args(argv)
    labels_path = args.labels or default_labels()
    model_path = args.model or default_model()
    fast_path = args.fast_model or model_path.with_name("stance-fast.skops")
    training_files = [resolve_location(location) for location in read_card(model_path)["data"]["locations"]]
    attribution()
    fast_throughput(labels_path, fast_path, args.sentences, args.repeats)
    encoder_throughput(labels_path, model_path, args.encoder_sentences, args.torch_python)
    memory(labels_path, fast_path, args.memory_lines)
    timings(training_files, args.dev if args.dev.exists() else None)
    if args.scale_sentences:
        scale(labels_path, fast_path, args.scale_sentences)
    if args.articles:
        report_scale(labels_path, fast_path, args.articles)


if __name__ == "__main__":
    main()
