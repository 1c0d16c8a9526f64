"""stance.quantify_eval: the comparison of share estimates runs on any labelled file, held out by source or
against a second file, and scores each estimate against the true share (no model score is asserted)."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import make_training_folder, tiny_rows, with_sources, write_labels_csv

from stance.quantify_eval import METHODS, absolute_errors, compare_estimates


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
