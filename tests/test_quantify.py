"""stance.quantify: the calibrated mean recovers a known prevalence from synthetic scores with a known
calibration, its interval covers the truth at about the nominal rate, and its sums add across groups."""

from __future__ import annotations

import numpy as np
import pytest

from stance.quantify import (
    MIN_CALIBRATION_POSITIVES,
    Calibration,
    ProbabilitySums,
    calibrated_difference_interval,
    calibrated_share,
    calibrations_of,
    logit,
)


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


def test_calibration_of_a_label_never_seen_is_finite_low_and_not_used():
    fitted = Calibration.fit(np.linspace(0.01, 0.9, 200), np.zeros(200))
    assert np.isfinite([fitted.slope, fitted.intercept]).all()
    assert fitted(np.array([0.5])).item() < 0.05
    assert not fitted.usable
    share = calibrated_share(3, 60, ProbabilitySums.of(np.full(60, 0.3), fitted), fitted)
    assert share.corrected is None  # a label never seen held out is not corrected, only counted


def test_a_label_seen_in_enough_held_out_sentences_is_used():
    truth = np.zeros(200)
    truth[:MIN_CALIBRATION_POSITIVES] = 1
    assert Calibration.fit(np.linspace(0.9, 0.01, 200), truth).usable


def test_clustered_covariance_is_wider_when_whole_sources_err_together():
    # 20 sources of 50 sentences; in each, the link is shifted by the source's own offset.
    rng = np.random.default_rng(5)
    x = rng.normal(0, 1.5, 1_000)
    sources = np.repeat(np.arange(20), 50)
    shift = rng.normal(0, 1.0, 20)[sources]
    truth = rng.random(1_000) < 1 / (1 + np.exp(-(SLOPE * x + INTERCEPT + shift)))
    scores = 1 / (1 + np.exp(-x))
    independent = Calibration.fit(scores, truth)
    clustered = Calibration.fit(scores, truth, groups=sources)
    assert clustered.covariance[1][1] > 2 * independent.covariance[1][1]


def test_weights_pull_the_calibration_towards_the_heavier_sentences():
    rng = np.random.default_rng(6)
    scores, truth = scored_sentences(rng, 2_000, 0.0)
    heavy = np.where(truth, 5.0, 1.0)  # the positives count five times: the fitted share rises
    assert Calibration.fit(scores, truth, weights=heavy).intercept > Calibration.fit(scores, truth).intercept + 1.0


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
        share = calibrated_share(int((scores >= 0.5).sum()), n, ProbabilitySums.of(scores, calibration), calibration)
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


def test_a_difference_with_an_empty_source_says_nothing():
    calibration = Calibration.fit(*scored_sentences(np.random.default_rng(8), 1_000, 0.0))
    sums = ProbabilitySums.of(np.full(10, 0.5), calibration)
    assert calibrated_difference_interval((sums, 10), (ProbabilitySums(0.0, 0.0, 0.0), 0), calibration) == (-1.0, 1.0)


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
    assert all(c.positives == 6 for c in calibrations.values())  # six sentences of each label, all held out once
    for calibration in calibrations.values():
        assert Calibration.from_array(calibration.as_array()) == calibration

    class Older:
        labels = ("x",)

    assert calibrations_of(Older()) is None


def test_logit_is_finite_at_zero_and_one():
    assert np.isfinite(logit(np.array([0.0, 1.0]))).all()
