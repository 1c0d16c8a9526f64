"""Which share estimate comes closest to the truth on sources the model never saw?

Compares, per label and held-out source, |estimate - true share| for:

- ``cc``: classify and count (the raw share of sentences the model labels);
- ``acc``: adjusted classify and count (Forman 2008), with the error counts the model
  measured on its own training data, out of fold;
- ``pcc``: the mean of the model's probabilities;
- ``pcc_calibrated``: the mean of probabilities calibrated (Platt scaling) on the
  training data's leave-one-source-out probabilities (Card & Smith 2018).

On one labels file each source is held out in turn (every fit sees the other sources
only, calibration included). Given a second file (a development set), the model is
trained on the first and scored on each source of the second. Run it as
``python -m stance.quantify_eval seeds/labels.csv [dev/dev.csv]``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from stance.evaluate import out_of_source_predictions
from stance.labels import LabelledSentences, read_labelled
from stance.quantify import ErrorCounts, adjusted_share, correct
from stance.training import load_training_set, stance_model

METHODS = ("cc", "acc", "pcc", "pcc_calibrated")


@dataclass(frozen=True)
class Calibrator:
    """Platt scaling of one label's probabilities: a logistic curve fitted on held-out logits."""

    slope: float
    intercept: float

    @classmethod
    def fit(cls, probabilities: np.ndarray, truth: np.ndarray) -> Calibrator:
        if truth.min() == truth.max():
            return cls(0.0, float(np.log((truth.mean() + 1e-3) / (1 - truth.mean() + 1e-3))))
        model = LogisticRegression(C=1e4).fit(_logit(probabilities)[:, None], truth)
        return cls(float(model.coef_[0, 0]), float(model.intercept_[0]))

    def __call__(self, probabilities: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-(self.slope * _logit(probabilities) + self.intercept)))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def _subset(data: LabelledSentences, mask: np.ndarray) -> LabelledSentences:
    return LabelledSentences(data.frame[mask].reset_index(drop=True), data.Y[mask], data.label_names)


def _estimator_parts(estimator, train: LabelledSentences):
    """The model fitted on ``train``, and one calibrator per label from its held-out probabilities."""
    model = clone(estimator).fit(train.frame, train.Y, groups=train.groups)
    _, held_out, _ = out_of_source_predictions(estimator, train)
    calibrators = [Calibrator.fit(held_out[:, j], train.Y[:, j]) for j in range(train.Y.shape[1])]
    return model, calibrators


def _estimates(model, calibrators, test: LabelledSentences, held_out: str) -> list[dict]:
    probabilities = model.predict_proba(test.frame)
    predicted = probabilities >= model.thresholds_
    rows = []
    for j, label in enumerate(test.label_names):
        errors = ErrorCounts.of(model.error_counts_[label])
        observed = float(predicted[:, j].mean())
        interval = correct(int(predicted[:, j].sum()), len(test.Y), errors)
        rows.append(
            {
                "held_out": held_out,
                "label": label,
                "sentences": len(test.Y),
                "true": float(test.Y[:, j].mean()),
                "cc": observed,
                "acc": float(adjusted_share(observed, errors.tpr, errors.fpr)),
                "pcc": float(probabilities[:, j].mean()),
                "pcc_calibrated": float(calibrators[j](probabilities[:, j]).mean()),
                "acc_low": interval.corrected_low,
                "acc_high": interval.corrected_high,
            }
        )
    return rows


def compare_estimates(train_file: Path | str, test_file: Path | str | None = None) -> pd.DataFrame:
    """One row per held-out source and label: the true share and each method's estimate."""
    training = load_training_set([Path(train_file)])
    estimator = stance_model(training)
    data = training.data
    rows: list[dict] = []
    if test_file is None:
        for source in sorted(set(data.groups)):
            mask = data.groups == source
            model, calibrators = _estimator_parts(estimator, _subset(data, ~mask))
            rows += _estimates(model, calibrators, _subset(data, mask), source)
    else:
        test = read_labelled([Path(test_file)], data.label_names, min_positives=0)
        model, calibrators = _estimator_parts(estimator, data)
        sources = test.groups if test.groups is not None else np.array(["(all)"] * len(test.Y))
        for source in sorted(set(sources)):
            rows += _estimates(model, calibrators, _subset(test, sources == source), str(source))
    return pd.DataFrame(rows)


def absolute_errors(estimates: pd.DataFrame) -> pd.DataFrame:
    """Mean |estimate - true share| per label and method over held-out sources (and over labels), and
    how often the corrected share's 95% interval holds the true share."""
    errors = estimates[list(METHODS)].sub(estimates["true"], axis=0).abs()
    errors["label"] = estimates["label"]
    table = errors.groupby("label", sort=False)[list(METHODS)].mean()
    table.loc["(mean)"] = table.mean()
    covered = (estimates["acc_low"] <= estimates["true"]) & (estimates["true"] <= estimates["acc_high"])
    table["acc_interval_covers"] = covered.groupby(estimates["label"], sort=False).mean()
    table.loc["(mean)", "acc_interval_covers"] = covered.mean()
    return table


def main(argv: list[str]) -> None:
    if not 1 <= len(argv) <= 2:
        raise SystemExit("usage: python -m stance.quantify_eval TRAIN.csv [TEST.csv]")
    estimates = compare_estimates(*argv)
    pd.set_option("display.width", 200)
    print(estimates.round(3).to_string(index=False))
    print()
    print("mean |estimate - true share| over held-out sources")
    print(absolute_errors(estimates).round(3).to_string())


if __name__ == "__main__":
    main(sys.argv[1:])
