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
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone

from stance.labels import LabelledSentences, read_labelled
from stance.quantify import Corrected, ProbabilitySums, calibrated_share, calibrations_of
from stance.stats import wilson_interval
from stance.training import load_training_set, stance_model

METHODS = ("cc", "acc", "pcc", "pcc_calibrated")

# -- adjusted classify-and-count, the estimator the calibrated mean is compared with -------------------------

DRAWS = 4000
SEED = 20191122
MIN_SEPARATION = 0.05
"""Below this gap between true- and false-positive rate a label's predictions say almost
nothing about its prevalence: the correction is not made."""


@dataclass(frozen=True)
class ErrorCounts:
    """One label's confusion counts on held-out sentences."""

    tp: int
    fn: int
    fp: int
    tn: int

    @classmethod
    def of(cls, counts: dict[str, int]) -> ErrorCounts:
        return cls(int(counts["tp"]), int(counts["fn"]), int(counts["fp"]), int(counts["tn"]))

    @property
    def tpr(self) -> float:
        """True-positive rate, the posterior mean under a uniform prior (defined with no positive)."""
        return (self.tp + 1) / (self.tp + self.fn + 2)

    @property
    def fpr(self) -> float:
        return (self.fp + 1) / (self.fp + self.tn + 2)

    def draw_rates(self, rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Plausible (tpr, fpr) pairs given these counts: Beta(successes + 1, failures + 1) each."""
        return rng.beta(self.tp + 1, self.fn + 1, size), rng.beta(self.fp + 1, self.tn + 1, size)


def adjusted_share(observed, tpr, fpr):
    """Forman's adjusted count: the prevalence that would give the observed share, clipped to [0, 1]."""
    return np.clip((np.asarray(observed) - fpr) / (np.asarray(tpr) - fpr), 0.0, 1.0)


def _observed_draws(count: int, total: int, rng: np.random.Generator, size: int) -> np.ndarray:
    return rng.beta(count + 0.5, total - count + 0.5, size)


@lru_cache(maxsize=64)
def _draws(errors: ErrorCounts, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rate draws and the uniform draws of one label, made once per report: a corpus of a thousand
    sources corrects thousands of shares with the same four labels' counts. Read-only."""
    rng = np.random.default_rng(seed)
    tpr, fpr = errors.draw_rates(rng, DRAWS)
    uniform = rng.uniform(0, 1, DRAWS)
    for values in (tpr, fpr, uniform):
        values.flags.writeable = False
    return tpr, fpr, uniform


def _corrected_draws(observed: np.ndarray, tpr: np.ndarray, fpr: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Adjusted shares of each draw; a draw whose rates cannot separate the label says nothing (uniform)."""
    informative = (tpr - fpr) >= MIN_SEPARATION
    safe_tpr = np.where(informative, tpr, fpr + 1.0)
    return np.where(informative, adjusted_share(observed, safe_tpr, fpr), uniform)


def correct(count: int, total: int, errors: ErrorCounts | None, seed: int = SEED) -> Corrected:
    """The raw share of ``count`` of ``total`` sentences with its Wilson interval, and the
    corrected share with its 95% percentile interval.

    Without error counts, or with rates that cannot separate the label, only the raw share is given.
    """
    low, high = wilson_interval(count, total)
    if errors is None or total == 0 or errors.tpr - errors.fpr < MIN_SEPARATION:
        return Corrected(count, total, low, high, None, None, None)
    tpr, fpr, uniform = _draws(errors, seed)
    rng = np.random.default_rng([seed, count, total])
    draws = _corrected_draws(_observed_draws(count, total, rng, DRAWS), tpr, fpr, uniform)
    point = float(adjusted_share(count / total, errors.tpr, errors.fpr))
    corrected_low, corrected_high = np.percentile(draws, [2.5, 97.5])
    return Corrected(
        count, total, low, high, point, float(min(point, corrected_low)), float(max(point, corrected_high))
    )


# -- calibrated probability averaging ---------------------------------------------------------------------



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
        sums = ProbabilitySums.of(probabilities[:, j], calibration)
        calibrated = calibrated_share(int(predicted[:, j].sum()), len(test.Y), sums, calibration)
        rows.append(
            {
                "held_out": held_out,
                "label": label,
                "sentences": len(test.Y),
                "true": float(test.Y[:, j].mean()),
                "cc": observed,
                "acc": float(adjusted_share(observed, errors.tpr, errors.fpr)),
                "pcc": float(probabilities[:, j].mean()),
                # The mean even where the report would not correct (too few held-out positives).
                "pcc_calibrated": sums.calibrated / len(test.Y),
                "acc_low": adjusted.corrected_low,
                "acc_high": adjusted.corrected_high,
                "pcc_calibrated_low": calibrated.corrected_low,  # None where the report would not correct
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
        low, high = (estimates[f"{method}_{end}"].astype(float) for end in ("low", "high"))  # None: no interval
        covered = (low <= estimates["true"]) & (estimates["true"] <= high)
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
