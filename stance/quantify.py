"""Shares corrected for the classifier's errors (quantification), with intervals that carry the
uncertainty of the error rates.

A label the model finds in 5% of sentences is not a 5% share: if the model misses half
the sentences that carry it (true-positive rate 0.5) and wrongly flags 2% of the others
(false-positive rate 0.02), the share it implies is (0.05 - 0.02) / (0.5 - 0.02) = 6%.
This is adjusted classify-and-count (Forman 2008), the correction kept after comparing
it with calibrated probability averaging (Card & Smith 2018): see ``python -m
stance.quantify`` and docs/quantification.md.

The rates come from held-out predictions (out of fold, sources kept whole, or a
development set), as confusion counts. Those counts are few, so the interval of a
corrected share is a bootstrap over three things: the true- and false-positive rates
(Beta posteriors of their counts) and the observed share (the Jeffreys posterior of its
binomial count, which, unlike resampling the count itself, does not collapse to a point
when the model finds the label in no sentence). Draws use a fixed seed: a report is the
same from run to run.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from stance.stats import wilson_interval

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


@dataclass(frozen=True)
class Corrected:
    """A share as the model counts it and corrected for its errors, each with a 95% interval."""

    count: int
    total: int
    low: float
    high: float
    corrected: float | None
    corrected_low: float | None
    corrected_high: float | None

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0

    def columns(self) -> dict[str, float | int | None]:
        """The count and the shares as the CSV files write them (fractions, 4 decimals; None if uncorrected)."""

        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        return {
            "count": self.count,
            "share": rounded(self.share),
            "low": rounded(self.low),
            "high": rounded(self.high),
            "corrected": rounded(self.corrected),
            "corrected_low": rounded(self.corrected_low),
            "corrected_high": rounded(self.corrected_high),
        }


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


def difference_interval(
    a: tuple[int, int], b: tuple[int, int], errors: ErrorCounts, seed: int = SEED
) -> tuple[float, float]:
    """95% interval of corrected share a minus corrected share b.

    Both sources are labelled by the same model, so each draw applies one pair of rates to
    both: the rates' uncertainty scales the difference but does not invent one.
    """
    tpr, fpr, uniform = _draws(errors, seed)
    rng = np.random.default_rng([seed, *a, *b])
    first = _corrected_draws(_observed_draws(*a, rng, DRAWS), tpr, fpr, uniform)
    second = _corrected_draws(_observed_draws(*b, rng, DRAWS), tpr, fpr, rng.uniform(0, 1, DRAWS))
    low, high = np.percentile(first - second, [2.5, 97.5])
    return float(low), float(high)


def error_counts_of(model) -> tuple[dict[str, ErrorCounts] | None, str | None]:
    """The error counts a report corrects with, and where they were measured.

    A development set, when the model carries its counts, is preferred to the training
    data's out-of-fold predictions: it was labelled apart from the training data.
    """
    for attribute, where in (
        ("dev_error_counts_", "the development set"),
        ("error_counts_", "the training data, out of fold with sources kept whole"),
    ):
        counts = getattr(model, attribute, None)
        if counts:
            return {label: ErrorCounts.of(value) for label, value in counts.items()}, where
    return None, None
