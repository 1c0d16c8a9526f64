"""stance.counts: the tallies of the parts of a sentence table merge into the tally of the whole."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stance.counts import EVIDENCE_PER_STANCE, LEAST_SURE_PER_SOURCE, merge, tally
from stance.quantify import Calibration

STANCES = ("blames_seoul", "pro_extension")
THRESHOLDS = {"blames_seoul": 0.5, "pro_extension": 0.4}
CALIBRATIONS = {
    "blames_seoul": Calibration(0.9, -0.6, ((0.01, 0.002), (0.002, 0.02)), positives=40.0),
    "pro_extension": Calibration(1.1, 0.3, ((0.02, -0.001), (-0.001, 0.01)), positives=55.0),
}


def random_table(seed: int, articles: int = 24) -> pd.DataFrame:
    """A classified sentence table of several sources, articles of 1-12 sentences, quoted speakers
    of several sides, a few hand-labelled rows, and probabilities with ties. Ids are made as the
    sentence splitter makes them (source, paragraph, sentence), so they repeat across the articles
    of one source."""
    rng = np.random.default_rng(seed)
    rows = []
    for article in range(articles):
        source = f"source-{article % 5}"
        for sentence in range(int(rng.integers(1, 13))):
            p = np.round(rng.random(2), 1)  # rounded: ties that only the id can break
            speaker = rng.choice(["", "", "Abe", "Moon", "Esper"])
            rows.append(
                {
                    "id": f"{source}-000-{sentence:02d}",
                    "file": f"a{article:02d}.txt",
                    "paragraph": 0,
                    "sentence": sentence,
                    "source": source,
                    "text": f"sentence {sentence} of article {article}",
                    "is_quote": bool(speaker) or bool(rng.random() < 0.1),
                    "speaker": speaker,
                    "speaker_side": {"Abe": "japan", "Moon": "south_korea", "Esper": ""}.get(speaker, ""),
                    "p_blames_seoul": p[0],
                    "p_pro_extension": p[1],
                    "blames_seoul": int(p[0] >= THRESHOLDS["blames_seoul"]),
                    "pro_extension": int(p[1] >= THRESHOLDS["pro_extension"]),
                    "hand_labelled": bool(rng.random() < 0.15),
                }
            )
    return pd.DataFrame(rows)


def by_file_parts(table: pd.DataFrame, parts: int) -> list[pd.DataFrame]:
    files = sorted(set(table["file"]))
    return [table[table["file"].isin(files[start::parts])] for start in range(parts)]


def by_row_parts(table: pd.DataFrame, parts: int) -> list[pd.DataFrame]:
    """Slices that cut articles in two, and an empty one."""
    return [table.iloc[start::parts] for start in range(parts)] + [table.iloc[:0]]


def places(frame: pd.DataFrame, *keys: str) -> dict:
    """Per group, the sentences' places (file, sentence): ids alone repeat across articles."""
    return {key: sorted(zip(group["file"], group["sentence"])) for key, group in frame.groupby(list(keys))}


@pytest.mark.parametrize("seed, parts, cut", [(0, 2, by_file_parts), (1, 3, by_file_parts), (2, 7, by_row_parts),
                                              (3, 24, by_file_parts), (4, 5, by_row_parts)])
def test_merged_tallies_of_the_parts_are_the_tally_of_the_whole(seed, parts, cut):
    table = random_table(seed)
    whole = tally(table, STANCES, THRESHOLDS, CALIBRATIONS)
    merged = merge([tally(part, STANCES, THRESHOLDS, CALIBRATIONS) for part in cut(table, parts)])
    pd.testing.assert_frame_equal(merged.articles.reset_index(drop=True), whole.articles.reset_index(drop=True),
                                  check_dtype=False)
    pd.testing.assert_frame_equal(merged.by_source, whole.by_source)
    for source in sorted(set(table["source"])):
        assert merged.voices_of(source) == whole.voices_of(source)
        assert merged.speakers_of(source) == whole.speakers_of(source)
    assert places(merged.evidence, "source", "stance") == places(whole.evidence, "source", "stance")
    assert places(merged.least_sure, "source") == places(whole.least_sure, "source")
    assert sorted(merged.hand["id"]) == sorted(whole.hand["id"])
    for source in [None, *sorted(set(table["source"]))]:
        for stance, share in merged.shares(source).items():
            expected = whole.shares(source)[stance]
            assert (share.count, share.total) == (expected.count, expected.total)
            # Sums of an article split between parts are added in another order: equal to the last bits.
            assert (share.corrected, share.corrected_low, share.corrected_high) == pytest.approx(
                (expected.corrected, expected.corrected_low, expected.corrected_high), abs=1e-12
            )


def test_the_evidence_of_a_source_is_its_surest_sentences_even_when_ids_repeat():
    table = random_table(6)
    counted = tally(table, STANCES, THRESHOLDS)
    for (source, stance), rows in counted.evidence.groupby(["source", "stance"]):
        carrying = table[(table["source"] == source) & (table[stance] == 1)]
        assert len(rows) == min(EVIDENCE_PER_STANCE, len(carrying))
    merged = merge([counted])
    assert places(merged.evidence, "source", "stance") == places(counted.evidence, "source", "stance")


def test_tallies_of_another_model_are_not_merged():
    table = random_table(7)
    other = {**THRESHOLDS, "blames_seoul": 0.6}
    with pytest.raises(ValueError, match="thresholds"):
        merge([tally(table, STANCES, THRESHOLDS), tally(table, STANCES, other)])
    with pytest.raises(ValueError, match="at least one"):
        merge([])


def test_a_tally_counts_what_the_table_holds():
    table = random_table(4)
    counted = tally(table, STANCES, THRESHOLDS)
    source = "source-2"
    mine = table[table["source"] == source]
    assert counted.sentences(source) == len(mine)
    summed = counted.summed(source)
    assert {stance: int(summed[stance]) for stance in STANCES} == {stance: int(mine[stance].sum()) for stance in STANCES}
    near = (np.abs(mine[["p_blames_seoul", "p_pro_extension"]].to_numpy() - [0.5, 0.4]) < 0.1).any(axis=1)
    assert counted.unsure(source) == int(near.sum())
    assert counted.voices_of(source)["blames_seoul"].total == int(mine["blames_seoul"].sum())
    assert counted.speakers_of(source) == {
        side: sorted(set(group["speaker"]))
        for side, group in mine[mine["speaker"] != ""].assign(side=mine["speaker_side"].replace("", "unknown")).groupby("side")
    }


def test_a_tally_keeps_only_the_sentences_a_report_shows_of_each_source():
    table = random_table(5)
    counted = tally(table, STANCES, THRESHOLDS)
    assert counted.evidence.groupby(["source", "stance"]).size().max() <= EVIDENCE_PER_STANCE
    assert counted.least_sure.groupby("source").size().max() <= LEAST_SURE_PER_SOURCE
    for (source, stance), rows in counted.evidence.groupby(["source", "stance"]):
        carrying = table[(table["source"] == source) & (table[stance] == 1)]
        assert rows[f"p_{stance}"].min() >= carrying[f"p_{stance}"].nlargest(EVIDENCE_PER_STANCE).min()
    assert set(counted.hand["id"]) == set(table.loc[table["hand_labelled"], "id"])
