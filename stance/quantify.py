"""Shares corrected for the classifier's errors (quantification), with 95% intervals.

A label the model finds in 30% of a source's sentences is not a 30% share: a model trained
on other outlets is too eager on some labels and too shy on others. The report's correction
is calibrated probability averaging (Card & Smith 2018): each sentence's probability is
recalibrated by Platt scaling fitted on the training data's out-of-fold probabilities
(sources kept whole), and a source's share is the mean of the calibrated probabilities.
It was kept over adjusted classify-and-count (Forman 2008) after both were compared on
held-out seed sources, on the development set, and on real seed text for a model trained on
written sentences (docs/quantification.md); adjusted classify-and-count is still here, for
that comparison (``python -m stance.quantify_eval``).

The interval of a calibrated share carries two uncertainties: that of the two Platt
parameters (draws from the normal approximation of their fit, the same draws for every
source, so that a difference between sources is not invented by them) and that of which
sentences carry the label given their probabilities (a normal draw with the variance
sum q(1 - q)). A draw moves a share by the parameters' gradient, so it needs only three
sums per source and label (:class:`ProbabilitySums`), which add up across the partitions
of a corpus. Draws use a fixed seed: a report is the same from run to run.
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


# -- calibrated probability averaging ---------------------------------------------------------------------

PROBABILITY_FLOOR = 1e-4
"""Probabilities are kept inside [floor, 1 - floor] before their logit is taken."""


def logit(probabilities) -> np.ndarray:
    p = np.clip(np.asarray(probabilities, dtype=float), PROBABILITY_FLOOR, 1 - PROBABILITY_FLOOR)
    return np.log(p / (1 - p))


@dataclass(frozen=True)
class Calibration:
    """Platt scaling of one label's probabilities, q = 1 / (1 + exp(-(slope * logit(p) + intercept))),
    with the covariance of the two parameters (the inverse of the fit's Hessian)."""

    slope: float
    intercept: float
    covariance: tuple[tuple[float, float], tuple[float, float]]

    @classmethod
    def fit(cls, probabilities: np.ndarray, truth: np.ndarray) -> Calibration:
        """The maximum-likelihood Platt fit on held-out probabilities (Newton's method, a light ridge
        so that a label seen in no held-out sentence, or separated perfectly, still gives finite
        parameters)."""
        x = logit(probabilities)
        y = np.asarray(truth, dtype=float)
        design = np.column_stack([x, np.ones_like(x)])
        ridge = np.eye(2) * 1e-3
        theta = np.array([1.0, 0.0])
        for _ in range(100):
            q = 1 / (1 + np.exp(-(design @ theta)))
            hessian = (design * (q * (1 - q))[:, None]).T @ design + ridge
            step = np.linalg.solve(hessian, design.T @ (y - q) - ridge @ theta)
            theta = theta + step
            if np.abs(step).max() < 1e-10:
                break
        q = 1 / (1 + np.exp(-(design @ theta)))
        covariance = np.linalg.inv((design * (q * (1 - q))[:, None]).T @ design + ridge)
        return cls(float(theta[0]), float(theta[1]), tuple(map(tuple, covariance.tolist())))

    @classmethod
    def from_array(cls, row: np.ndarray) -> Calibration:
        """From the six numbers a model keeps: slope, intercept and the covariance, row by row."""
        return cls(float(row[0]), float(row[1]), ((float(row[2]), float(row[3])), (float(row[4]), float(row[5]))))

    def as_array(self) -> np.ndarray:
        return np.array([self.slope, self.intercept, *self.covariance[0], *self.covariance[1]])

    def __call__(self, probabilities) -> np.ndarray:
        return 1 / (1 + np.exp(-(self.slope * logit(probabilities) + self.intercept)))


@dataclass(frozen=True)
class ProbabilitySums:
    """What a calibrated share needs of a group of sentences: sums over them of the calibrated
    probability q, of q(1 - q) (its variance, and its derivative in the intercept), and of
    q(1 - q) logit(p) (its derivative in the slope). Sums of disjoint groups add."""

    calibrated: float
    variance: float
    slope_gradient: float

    @classmethod
    def of(cls, probabilities: np.ndarray, calibration: Calibration) -> ProbabilitySums:
        q = calibration(probabilities)
        variance = q * (1 - q)
        return cls(float(q.sum()), float(variance.sum()), float((variance * logit(probabilities)).sum()))


@lru_cache(maxsize=64)
def _parameter_draws(calibration: Calibration, seed: int) -> np.ndarray:
    """Offsets of (slope, intercept) drawn from the normal approximation of their fit, made once per
    label and report. Read-only."""
    offsets = np.random.default_rng(seed).multivariate_normal(np.zeros(2), np.array(calibration.covariance), DRAWS)
    offsets.flags.writeable = False
    return offsets


def _calibrated_draws(sums: ProbabilitySums, total: int, offsets: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    moved = sums.calibrated + offsets[:, 0] * sums.slope_gradient + offsets[:, 1] * sums.variance
    sampled = rng.standard_normal(len(offsets)) * np.sqrt(sums.variance)
    return np.clip((moved + sampled) / total, 0.0, 1.0)


def calibrated_share(
    count: int, total: int, sums: ProbabilitySums | None, calibration: Calibration | None, seed: int = SEED
) -> Corrected:
    """The raw share of ``count`` of ``total`` sentences with its Wilson interval, and the mean
    calibrated probability with its 95% interval; without a calibration, only the raw share."""
    low, high = wilson_interval(count, total)
    if calibration is None or sums is None or total == 0:
        return Corrected(count, total, low, high, None, None, None)
    point = min(max(sums.calibrated / total, 0.0), 1.0)
    rng = np.random.default_rng([seed, count, total])
    draws = _calibrated_draws(sums, total, _parameter_draws(calibration, seed), rng)
    corrected_low, corrected_high = np.percentile(draws, [2.5, 97.5])
    return Corrected(
        count, total, low, high, point, float(min(point, corrected_low)), float(max(point, corrected_high))
    )


def calibrated_difference_interval(
    a: tuple[ProbabilitySums, int], b: tuple[ProbabilitySums, int], calibration: Calibration, seed: int = SEED
) -> tuple[float, float]:
    """95% interval of calibrated share a minus calibrated share b: one set of parameter draws for both
    (they move both shares alike), independent draws of which sentences carry the label."""
    offsets = _parameter_draws(calibration, seed)
    rng = np.random.default_rng([seed, a[1], b[1]])
    difference = _calibrated_draws(*a, offsets, rng) - _calibrated_draws(*b, offsets, rng)
    low, high = np.percentile(difference, [2.5, 97.5])
    return float(low), float(high)


def calibrations_of(model) -> dict[str, Calibration] | None:
    """The model's calibration per label, or None for a model trained before it kept one."""
    kept = getattr(model, "calibration_", None)
    if kept is None:
        return None
    return {label: Calibration.from_array(row) for label, row in zip(model.labels, kept)}
