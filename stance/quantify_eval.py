"""Which share estimate comes closest to the truth on sources the model never saw?

Compares, per label and held-out source, |estimate - true share| for:

- ``cc``: classify and count (the raw share of sentences the model labels);
- ``acc``: adjusted classify and count (Forman 2008), with the error counts the model
  measured on its own training data, out of fold;
- ``pcc``: the mean of the model's probabilities;
- ``pcc_calibrated``: the report's estimator, the mean of probabilities calibrated (Platt
  scaling) on the training data's out-of-fold probabilities (Card & Smith 2018).

Without ``--test`` each training source is held out in turn (every fit sees the other sources
only, calibration included). With ``--test FILE`` the model is trained on the training files and
scored on each source of the file, or on the whole file (``--pooled``). Run it as
``python -m stance.quantify_eval seeds/labels.csv [--test dev/dev.csv]``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone

from stance.labels import LabelledSentences, read_labelled
from stance.quantify import ErrorCounts, ProbabilitySums, adjusted_share, calibrated_share, calibrations_of, correct
from stance.training import load_training_set, stance_model

METHODS = ("cc", "acc", "pcc", "pcc_calibrated")


def _subset(data: LabelledSentences, mask: np.ndarray) -> LabelledSentences:
    return LabelledSentences(data.frame[mask].reset_index(drop=True), data.Y[mask], data.label_names)


def _estimates(model, test: LabelledSentences, held_out: str) -> list[dict]:
    probabilities = model.predict_proba(test.frame)
    predicted = probabilities >= model.thresholds_
    calibrations = calibrations_of(model)
    rows = []
    for j, label in enumerate(test.label_names):
        errors = ErrorCounts.of(model.error_counts_[label])
        observed = float(predicted[:, j].mean())
        adjusted = correct(int(predicted[:, j].sum()), len(test.Y), errors)
        calibration = calibrations[label]
        calibrated = calibrated_share(
            int(predicted[:, j].sum()), len(test.Y), ProbabilitySums.of(probabilities[:, j], calibration), calibration
        )
        rows.append(
            {
                "held_out": held_out,
                "label": label,
                "sentences": len(test.Y),
                "true": float(test.Y[:, j].mean()),
                "cc": observed,
                "acc": float(adjusted_share(observed, errors.tpr, errors.fpr)),
                "pcc": float(probabilities[:, j].mean()),
                "pcc_calibrated": calibrated.corrected,
                "acc_low": adjusted.corrected_low,
                "acc_high": adjusted.corrected_high,
                "pcc_calibrated_low": calibrated.corrected_low,
                "pcc_calibrated_high": calibrated.corrected_high,
            }
        )
    return rows


def compare_estimates(train_files: list[Path], test_file: Path | None = None, pooled: bool = False) -> pd.DataFrame:
    """One row per held-out source (or, ``pooled``, per test set) and label: the true share and each
    method's estimate. The calibration and the error counts are the model's own, from its training
    data out of fold, so every fit sees the training sources only."""
    training = load_training_set(list(train_files))
    estimator = stance_model(training)
    data = training.data
    rows: list[dict] = []
    if test_file is None:
        for source in sorted(set(data.groups)):
            mask = data.groups == source
            train = _subset(data, ~mask)
            model = clone(estimator).fit(train.frame, train.Y, groups=train.groups)
            rows += _estimates(model, _subset(data, mask), source)
    else:
        test = read_labelled([Path(test_file)], data.label_names, min_positives=0)
        model = clone(estimator).fit(data.frame, data.Y, groups=data.groups)
        sources = test.groups if test.groups is not None and not pooled else np.array(["(all)"] * len(test.Y))
        for source in sorted(set(sources)):
            rows += _estimates(model, _subset(test, sources == source), str(source))
    return pd.DataFrame(rows)


def absolute_errors(estimates: pd.DataFrame) -> pd.DataFrame:
    """Mean |estimate - true share| per label and method over held-out sources (and over labels), and
    how often the corrected share's 95% interval holds the true share."""
    errors = estimates[list(METHODS)].sub(estimates["true"], axis=0).abs()
    errors["label"] = estimates["label"]
    table = errors.groupby("label", sort=False)[list(METHODS)].mean()
    table.loc["(mean)"] = table.mean()
    for method in ("acc", "pcc_calibrated"):
        covered = (estimates[f"{method}_low"] <= estimates["true"]) & (estimates["true"] <= estimates[f"{method}_high"])
        table[f"{method}_interval_covers"] = covered.groupby(estimates["label"], sort=False).mean()
        table.loc["(mean)", f"{method}_interval_covers"] = covered.mean()
    return table


def main(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m stance.quantify_eval", description=__doc__.splitlines()[0])
    parser.add_argument("train", nargs="+", type=Path, help="labelled training files")
    parser.add_argument("--test", type=Path, help="score each source of this file (else each training source held out)")
    parser.add_argument("--pooled", action="store_true", help="with --test: one estimate for the whole file")
    args = parser.parse_args(argv)
    estimates = compare_estimates(args.train, args.test, args.pooled)
    pd.set_option("display.width", 200)
    print(estimates.round(3).to_string(index=False))
    print()
    print("mean |estimate - true share| over held-out sources, and how often each interval holds the truth")
    print(absolute_errors(estimates).round(3).to_string())


if __name__ == "__main__":
    main(sys.argv[1:])
