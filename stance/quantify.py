"""Shares corrected for the classifier's errors (quantification), with 95% intervals.

A label the model finds in 30% of a source's sentences is not a 30% share: a model trained
on other outlets is too eager on some labels and too shy on others. The report's correction
is calibrated probability averaging (Card & Smith 2018): each sentence's probability is
recalibrated by Platt scaling fitted on the training data's out-of-fold probabilities
(sources kept whole), and a source's share is the mean of the calibrated probabilities.
It was kept over adjusted classify-and-count (Forman 2008) after the two were compared on
held-out seed sources, on the development set, and on real seed text for a model trained on
written sentences (docs/quantification.md, ``python -m stance.quantify_eval``).

The interval of a calibrated share carries two uncertainties: that of the two Platt
parameters (their covariance, clustered by source: sentences of one outlet do not err
independently) and that of which sentences carry the label given their probabilities
(variance sum q(1 - q)). The first enters through the share's gradient in the parameters
(the delta method), so a share needs only three sums per source and label
(:class:`ProbabilitySums`), which add up across the partitions of a corpus.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stance.stats import Z_95, wilson_interval

PROBABILITY_FLOOR = 1e-4
"""Probabilities are kept inside [floor, 1 - floor] before their logit is taken."""
MIN_CALIBRATION_POSITIVES = 5
"""A label seen in fewer held-out sentences than this is not calibrated: its Platt fit would rest on
two or three sentences, and the linear approximation of its uncertainty would understate it."""
RIDGE = 1e-3
"""A light ridge on the Platt parameters: a label separated perfectly still gets finite ones."""


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


def logit(probabilities) -> np.ndarray:
    p = np.clip(np.asarray(probabilities, dtype=float), PROBABILITY_FLOOR, 1 - PROBABILITY_FLOOR)
    return np.log(p / (1 - p))


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(values, -50, 50)))


@dataclass(frozen=True)
class Calibration:
    """Platt scaling of one label's probabilities, q = 1 / (1 + exp(-(slope * logit(p) + intercept))),
    with the covariance of the two parameters and the (weighted) number of held-out positives."""

    slope: float
    intercept: float
    covariance: tuple[tuple[float, float], tuple[float, float]]
    positives: float

    @classmethod
    def fit(cls, probabilities, truth, weights=None, groups=None) -> Calibration:
        """The (weighted) maximum-likelihood Platt fit on held-out probabilities, by damped Newton steps.

        The covariance is the sandwich estimate clustered by ``groups`` (a sentence's source):
        sentences of one outlet share its style, so they do not count as independent evidence of
        how the model errs there. Without groups every sentence is its own cluster.
        """
        x, y = logit(probabilities), np.asarray(truth, dtype=float)
        w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
        design = np.column_stack([x, np.ones_like(x)])
        ridge = np.eye(2) * RIDGE

        def loss(theta: np.ndarray) -> float:
            z = design @ theta
            return float(np.sum(w * (np.logaddexp(0, z) - y * z)) + 0.5 * theta @ ridge @ theta)

        theta = np.array([1.0, 0.0])
        for _ in range(100):
            q = _sigmoid(design @ theta)
            hessian = (design * (w * q * (1 - q))[:, None]).T @ design + ridge
            step = np.linalg.solve(hessian, design.T @ (w * (y - q)) - ridge @ theta)
            size = 1.0
            while loss(theta + size * step) > loss(theta) + 1e-12 and size > 1e-6:
                size /= 2
            theta = theta + size * step
            if np.abs(size * step).max() < 1e-9:
                break
        q = _sigmoid(design @ theta)
        bread = np.linalg.inv((design * (w * q * (1 - q))[:, None]).T @ design + ridge)
        scores = design * (w * (y - q))[:, None]
        clusters = np.arange(len(x)) if groups is None else np.unique(np.asarray(groups), return_inverse=True)[1]
        summed = np.zeros((clusters.max() + 1 if len(x) else 0, 2))
        np.add.at(summed, clusters, scores)
        covariance = bread @ (summed.T @ summed) @ bread
        return cls(float(theta[0]), float(theta[1]), tuple(map(tuple, covariance.tolist())), float(w[y == 1].sum()))

    @classmethod
    def from_array(cls, row: np.ndarray) -> Calibration:
        """From the seven numbers a model keeps (:meth:`as_array`)."""
        return cls(
            float(row[0]), float(row[1]), ((float(row[2]), float(row[3])), (float(row[4]), float(row[5]))), float(row[6])
        )

    def as_array(self) -> np.ndarray:
        """Slope, intercept, the covariance row by row, and the held-out positives."""
        return np.array([self.slope, self.intercept, *self.covariance[0], *self.covariance[1], self.positives])

    @property
    def usable(self) -> bool:
        return self.positives >= MIN_CALIBRATION_POSITIVES

    def __call__(self, probabilities) -> np.ndarray:
        return _sigmoid(self.slope * logit(probabilities) + self.intercept)

    def parameter_variance(self, slope_gradient: float, intercept_gradient: float) -> float:
        """Variance of a quantity with these gradients in (slope, intercept), from the parameters' covariance."""
        gradient = np.array([slope_gradient, intercept_gradient])
        return float(max(gradient @ np.array(self.covariance) @ gradient, 0.0))


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


def calibrated_share(count: int, total: int, sums: ProbabilitySums | None, calibration: Calibration | None) -> Corrected:
    """The raw share of ``count`` of ``total`` sentences with its Wilson interval, and the mean
    calibrated probability with its 95% interval; without a usable calibration, only the raw share."""
    low, high = wilson_interval(count, total)
    if calibration is None or sums is None or total == 0 or not calibration.usable:
        return Corrected(count, total, low, high, None, None, None)
    point = sums.calibrated / total
    spread = Z_95 * np.sqrt(calibration.parameter_variance(sums.slope_gradient, sums.variance) + sums.variance) / total
    return Corrected(count, total, low, high, point, max(point - spread, 0.0), min(point + spread, 1.0))


def calibrated_difference_interval(
    a: tuple[ProbabilitySums, int], b: tuple[ProbabilitySums, int], calibration: Calibration
) -> tuple[float, float]:
    """95% interval of calibrated share a minus calibrated share b. The parameters move both shares
    alike, so their uncertainty enters through the difference of the two gradients; which sentences
    carry the label is independent between the sources. An empty source gives no evidence: (-1, 1)."""
    (first, n_first), (second, n_second) = a, b
    if n_first == 0 or n_second == 0 or not calibration.usable:
        return -1.0, 1.0
    difference = first.calibrated / n_first - second.calibrated / n_second
    parameters = calibration.parameter_variance(
        first.slope_gradient / n_first - second.slope_gradient / n_second,
        first.variance / n_first - second.variance / n_second,
    )
    spread = Z_95 * np.sqrt(parameters + first.variance / n_first**2 + second.variance / n_second**2)
    return difference - spread, difference + spread


def calibrations_of(model) -> dict[str, Calibration] | None:
    """The model's calibration per label, or None for a model trained before it kept one."""
    kept = getattr(model, "calibration_", None)
    if kept is None:
        return None
    return {label: Calibration.from_array(row) for label, row in zip(model.labels, kept)}
