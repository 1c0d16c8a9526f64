"""stance.quantify_eval: the comparison of share estimates runs on any labelled file, held out by source or
against a second file, and scores each estimate against the true share (no model score is asserted)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import make_training_folder, tiny_rows, with_sources, write_labels_csv

from stance.quantify_eval import METHODS, ErrorCounts, absolute_errors, adjusted_share, compare_estimates, correct


@pytest.fixture(scope="module")
def labelled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quantify")
    path = make_training_folder(folder)
    write_labels_csv(path, with_sources(tiny_rows()), header=("text", "labels", "source"))
    return path


def test_each_source_is_held_out_with_its_true_share_and_every_estimate(labelled):
    estimates = compare_estimates([labelled])
    assert sorted(set(estimates["held_out"])) == ["s0", "s1", "s2"]
    assert sorted(set(estimates["label"])) == ["blames_seoul", "pro_extension"]
    rows = pd.read_csv(labelled, keep_default_na=False)
    for row in estimates.itertuples():
        mine = rows[rows["source"] == row.held_out]
        assert row.sentences == len(mine)
        assert row.true == pytest.approx(mine["labels"].str.contains(row.label).mean())
        for method in METHODS:
            assert 0.0 <= getattr(row, method) <= 1.0


def test_a_second_file_is_scored_source_by_source(labelled, tmp_path):
    test = write_labels_csv(tmp_path / "dev.csv", [("Seoul was mistaken to end the deal.", "blames_seoul", "d1"),
                                                   ("The meeting lasted two hours.", "", "d1"),
                                                   ("The crucial pact should be extended.", "pro_extension", "d2")],
                            header=("text", "labels", "source"))
    estimates = compare_estimates([labelled], test)
    assert sorted(set(estimates["held_out"])) == ["d1", "d2"]
    d1 = estimates[(estimates["held_out"] == "d1") & (estimates["label"] == "blames_seoul")].iloc[0]
    assert (d1["sentences"], d1["true"]) == (2, 0.5)
    pooled = compare_estimates([labelled], test, pooled=True)
    assert set(pooled["held_out"]) == {"(all)"} and set(pooled["sentences"]) == {3}
    assert (pooled["pcc_calibrated_low"] <= pooled["pcc_calibrated"]).all()
    assert (pooled["pcc_calibrated"] <= pooled["pcc_calibrated_high"]).all()


def test_absolute_errors_average_over_sources_per_label_and_overall():
    estimates = pd.DataFrame(
        {"held_out": ["a", "b"], "label": ["x", "x"], "true": [0.2, 0.4], "cc": [0.3, 0.4], "acc": [0.2, 0.2],
         "pcc": [0.2, 0.4], "pcc_calibrated": [0.0, 0.4], "acc_low": [0.1, 0.3], "acc_high": [0.3, 0.5],
         "pcc_calibrated_low": [0.0, 0.3], "pcc_calibrated_high": [0.1, 0.5]}
    )
    table = absolute_errors(estimates)
    assert table.loc["x", "cc"] == pytest.approx(0.05) and table.loc["x", "acc"] == pytest.approx(0.1)
    assert table.loc["(mean)", "acc_interval_covers"] == 1.0
    assert table.loc["(mean)", "pcc_calibrated_interval_covers"] == 0.5


# -- adjusted classify-and-count: recovers a known prevalence from known error rates ----------------------------


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
