"""stance.quantify: corrected shares recover a known prevalence from synthetic predictions (with known
error rates for the adjusted count, with a known calibration for the calibrated mean, the report's
estimator), and their intervals cover the truth at about the nominal rate."""

from __future__ import annotations

import numpy as np
import pytest

from stance.quantify import (
    Calibration,
    ErrorCounts,
    ProbabilitySums,
    adjusted_share,
    calibrated_difference_interval,
    calibrated_share,
    calibrations_of,
    correct,
    logit,
)


def simulate(rng, prevalence: float, n: int, tpr: float, fpr: float, calibration: int):
    """A source of ``n`` sentences with the given true prevalence, labelled by a model with the given
    rates; and the error counts measured on ``calibration`` held-out sentences (a third positive)."""
    truth = rng.random(n) < prevalence
    predicted = np.where(truth, rng.random(n) < tpr, rng.random(n) < fpr)
    positives = calibration // 3
    tp = int((rng.random(positives) < tpr).sum())
    fp = int((rng.random(calibration - positives) < fpr).sum())
    errors = ErrorCounts(tp=tp, fn=positives - tp, fp=fp, tn=calibration - positives - fp)
    return int(predicted.sum()), int(truth.sum()), errors


def test_adjusted_share_inverts_the_models_error_rates_exactly():
    # True share 0.3, tpr 0.6, fpr 0.1: the model finds 0.3*0.6 + 0.7*0.1 = 0.25.
    assert adjusted_share(0.25, 0.6, 0.1) == pytest.approx(0.3)


@pytest.mark.parametrize("observed, expected", [(0.05, 0.0), (0.95, 1.0)])
def test_adjusted_share_is_clipped_to_zero_and_one(observed, expected):
    assert adjusted_share(observed, 0.8, 0.1) == expected


def test_correction_recovers_a_known_prevalence_the_raw_share_misses():
    # A model that finds only half the sentences that carry a label and flags 4% of the others:
    # the raw share is far from the truth, the corrected one close to it.
    rng = np.random.default_rng(1)
    count, true_count, errors = simulate(rng, prevalence=0.2, n=20_000, tpr=0.5, fpr=0.04, calibration=30_000)
    result = correct(count, 20_000, errors)
    assert abs(result.share - 0.2) > 0.05
    assert result.corrected == pytest.approx(true_count / 20_000, abs=0.01)
    assert result.corrected_low <= 0.2 <= result.corrected_high


def test_a_label_the_model_never_finds_still_gets_an_interval_above_zero():
    """The report's old failure: 0 of 60 printed as 0% with a tight interval, for a label the model
    misses half the time. With 5 of 10 found, a true share of 3% or more is quite possible."""
    result = correct(0, 60, ErrorCounts(tp=5, fn=5, fp=2, tn=140))
    assert result.share == 0.0 and result.corrected == 0.0
    # Resampling the count itself would give 0 of 60 every time and an interval of [0, 0].
    assert result.corrected_low == 0.0 and result.corrected_high > 0.03


@pytest.mark.parametrize("prevalence, tpr, fpr", [(0.05, 0.6, 0.03), (0.25, 0.7, 0.1), (0.5, 0.8, 0.2)])
def test_corrected_interval_covers_the_true_share_at_about_the_nominal_rate(prevalence, tpr, fpr):
    rng = np.random.default_rng(7)
    trials = 300
    covered = 0
    for trial in range(trials):
        count, true_count, errors = simulate(rng, prevalence, n=200, tpr=tpr, fpr=fpr, calibration=300)
        result = correct(count, 200, errors, seed=trial)
        covered += result.corrected_low <= true_count / 200 <= result.corrected_high
    assert 0.90 <= covered / trials <= 0.995, covered / trials


def test_without_error_counts_only_the_raw_share_is_given():
    result = correct(3, 30, None)
    assert (result.share, result.corrected, result.corrected_low, result.corrected_high) == (0.1, None, None, None)
    assert result.low < 0.1 < result.high


def test_a_model_no_better_than_chance_on_a_label_gets_no_correction():
    result = correct(10, 50, ErrorCounts(tp=10, fn=10, fp=40, tn=40))  # tpr 0.5, fpr 0.5
    assert result.corrected is None


def test_the_same_inputs_give_the_same_interval():
    errors = ErrorCounts(tp=8, fn=4, fp=6, tn=120)
    assert correct(7, 40, errors) == correct(7, 40, errors)




# -- calibrated probability averaging (the report's estimator) ----------------------------------------------

SLOPE, INTERCEPT = 1.5, -0.8
"""The true link of the synthetic model: P(label | score p) = 1 / (1 + exp(-(1.5 logit(p) - 0.8)))."""


def scored_sentences(rng, n: int, centre: float):
    """``n`` sentences whose score logits are normal around ``centre``, and labels drawn by the true link."""
    x = rng.normal(centre, 1.5, n)
    scores = 1 / (1 + np.exp(-x))
    truth = rng.random(n) < 1 / (1 + np.exp(-(SLOPE * x + INTERCEPT)))
    return scores, truth


def test_calibration_recovers_the_link_of_synthetic_scores():
    scores, truth = scored_sentences(np.random.default_rng(0), 20_000, 0.0)
    fitted = Calibration.fit(scores, truth)
    assert fitted.slope == pytest.approx(SLOPE, abs=0.08)
    assert fitted.intercept == pytest.approx(INTERCEPT, abs=0.08)
    assert np.array(fitted.covariance)[0, 0] < 1e-3  # 20,000 sentences pin the slope down


def test_calibration_of_a_label_never_seen_is_finite_and_low():
    fitted = Calibration.fit(np.linspace(0.01, 0.9, 200), np.zeros(200))
    assert np.isfinite([fitted.slope, fitted.intercept]).all()
    assert fitted(np.array([0.5])).item() < 0.05


def test_calibrated_share_recovers_a_known_prevalence_the_raw_share_misses():
    rng = np.random.default_rng(1)
    calibration = Calibration.fit(*scored_sentences(rng, 1_000, 0.0))
    scores, truth = scored_sentences(rng, 5_000, -1.0)  # a source the model scores lower than its training data
    count = int((scores >= 0.3).sum())  # a threshold tuned for recall: the raw count runs high
    share = calibrated_share(count, len(scores), ProbabilitySums.of(scores, calibration), calibration)
    assert share.share - truth.mean() > 0.05
    assert share.corrected == pytest.approx(truth.mean(), abs=0.02)
    assert share.corrected_low <= truth.mean() <= share.corrected_high


@pytest.mark.parametrize("centre, n", [(-2.0, 40), (-1.0, 200), (0.5, 60), (1.5, 1_000)])
def test_calibrated_interval_covers_the_true_share_at_about_the_nominal_rate(centre, n):
    rng = np.random.default_rng(2)
    covered = 0
    for run in range(300):
        calibration = Calibration.fit(*scored_sentences(rng, 300, 0.0))
        scores, truth = scored_sentences(rng, n, centre)
        share = calibrated_share(int((scores >= 0.5).sum()), n, ProbabilitySums.of(scores, calibration), calibration, seed=run)
        covered += share.corrected_low <= truth.mean() <= share.corrected_high
    assert 0.90 <= covered / 300 <= 0.995


def test_without_a_calibration_only_the_raw_share_is_given():
    share = calibrated_share(5, 50, None, None)
    assert (share.corrected, share.corrected_low, share.corrected_high) == (None, None, None)
    assert share.share == 0.1


def test_probability_sums_of_two_groups_add_up_to_those_of_both():
    rng = np.random.default_rng(3)
    calibration = Calibration.fit(*scored_sentences(rng, 500, 0.0))
    scores = rng.random(300)
    first, second, both = (ProbabilitySums.of(part, calibration) for part in (scores[:120], scores[120:], scores))
    assert first.calibrated + second.calibrated == pytest.approx(both.calibrated)
    assert first.variance + second.variance == pytest.approx(both.variance)
    assert first.slope_gradient + second.slope_gradient == pytest.approx(both.slope_gradient)


def test_calibrated_difference_interval_excludes_zero_only_for_a_real_difference():
    rng = np.random.default_rng(4)
    calibration = Calibration.fit(*scored_sentences(rng, 1_000, 0.0))
    high, low, alike = (scored_sentences(rng, 200, centre)[0] for centre in (1.0, -1.5, 1.05))
    sums = {name: (ProbabilitySums.of(s, calibration), len(s)) for name, s in (("high", high), ("low", low), ("alike", alike))}
    assert calibrated_difference_interval(sums["high"], sums["low"], calibration)[0] > 0
    lower, upper = calibrated_difference_interval(sums["high"], sums["alike"], calibration)
    assert lower < 0 < upper


def test_a_fitted_model_keeps_a_calibration_per_label_and_an_old_model_none(tiny_model):
    calibrations = calibrations_of(tiny_model)
    assert set(calibrations) == set(tiny_model.labels)
    assert all(np.isfinite(c.as_array()).all() for c in calibrations.values())

    class Older:
        labels = ("x",)

    assert calibrations_of(Older()) is None


def test_logit_is_finite_at_zero_and_one():
    assert np.isfinite(logit(np.array([0.0, 1.0]))).all()
