"""stance.framing: shares, voices, evidence, agreement and plain-language summaries from hand-made tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from stance.framing import (
    OWN_VOICE,
    RangeCheck,
    SourceFraming,
    Voice,
    agreement,
    comparisons,
    evidence,
    finding_sentence,
    holds_when_corrected,
    least_sure,
    range_check,
    summarise,
)
from stance.counts import Tally, tally
from stance.quantify import Calibration
from stance.stats import Comparison, wilson_interval

STANCES = ["blames_seoul", "pro_extension", "blames_us"]
DISPLAY = {"blames_seoul": "Blames Seoul", "pro_extension": "Pro-extension", "blames_us": "Blames Washington"}


def sentence_table(rows: list[dict]) -> pd.DataFrame:
    """A classified sentence table: every row names its id, source and text; the rest defaults to
    one article per source, the outlet's own voice, no stance and probability 0.1 for every stance."""
    filled = []
    for row in rows:
        out = {"file": f"{row['source']}.txt", "speaker": "", "speaker_side": "", "is_quote": False}
        out.update({stance: 0 for stance in STANCES})
        out.update({f"p_{stance}": 0.1 for stance in STANCES})
        out.update(row)
        filled.append(out)
    return pd.DataFrame(filled)


def alpha_rows() -> list[dict]:
    """Source 'alpha', 10 sentences: Blames Seoul 4 (3 by japan speakers, 1 own voice), Pro-extension 1 (own
    voice), Blames Washington 0; plus an unattributed quotation and a us speaker carrying nothing."""
    return [
        {"id": "alpha-00", "source": "alpha", "text": "Seoul erred, Kono said.", "speaker": "Kono",
         "speaker_side": "japan", "blames_seoul": 1, "p_blames_seoul": 0.9},
        {"id": "alpha-01", "source": "alpha", "text": "Seoul broke trust, Abe said.", "speaker": "Abe",
         "speaker_side": "japan", "blames_seoul": 1, "p_blames_seoul": 0.8},
        {"id": "alpha-02", "source": "alpha", "text": "Seoul is wrong, Abe said.", "speaker": "Abe",
         "speaker_side": "japan", "is_quote": True, "blames_seoul": 1, "p_blames_seoul": 0.7},
        {"id": "alpha-03", "source": "alpha", "text": "Seoul's exit was a mistake.", "blames_seoul": 1,
         "p_blames_seoul": 0.95},
        {"id": "alpha-04", "source": "alpha", "text": "The pact is crucial.", "pro_extension": 1,
         "p_pro_extension": 0.6},
        {"id": "alpha-05", "source": "alpha", "text": "“We will see,” one official said.", "is_quote": True},
        {"id": "alpha-06", "source": "alpha", "text": "Talks go on, Esper said.", "speaker": "Esper",
         "speaker_side": "us"},
        {"id": "alpha-07", "source": "alpha", "text": "The ministers met."},
        {"id": "alpha-08", "source": "alpha", "text": "It rained."},
        {"id": "alpha-09", "source": "alpha", "text": "The meeting ended."},
    ]


def beta_rows() -> list[dict]:
    """Source 'beta', 4 sentences, none carrying a stance; one speaker of unknown side."""
    return [
        {"id": "beta-00", "source": "beta", "text": "The talks began."},
        {"id": "beta-01", "source": "beta", "text": "Nothing changed, Lee said.", "speaker": "Lee"},
        {"id": "beta-02", "source": "beta", "text": "The pact expires soon."},
        {"id": "beta-03", "source": "beta", "text": "Reporters waited."},
    ]


@pytest.fixture()
def table() -> pd.DataFrame:
    return sentence_table(alpha_rows() + beta_rows())


def tally_of(table: pd.DataFrame, thresholds: dict[str, float] | None = None, calibrations=None) -> Tally:
    return tally(table, STANCES, thresholds or dict.fromkeys(STANCES, 0.5), calibrations)


IDENTITY = Calibration(1.0, 0.0, ((1e-4, 0.0), (0.0, 1e-4)), positives=100.0)
"""A calibration that leaves probabilities as they are, known to within a hundredth."""


def framing_of(table: pd.DataFrame, source: str, outlet: str) -> SourceFraming:
    return SourceFraming(
        source=source,
        outlet=outlet,
        headline="",
        published="",
        n_sentences=int((table["source"] == source).sum()),
        shares=tally_of(table).shares(source),
        voices=tally_of(table).voices_of(source),
        speakers_by_side=tally_of(table).speakers_of(source),
    )


# -- shares and voices ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, stance, count, total",
    [("alpha", "blames_seoul", 4, 10), ("alpha", "pro_extension", 1, 10), ("alpha", "blames_us", 0, 10),
     ("beta", "blames_seoul", 0, 4)],
)
def test_source_shares_count_the_sources_own_sentences_only(table, source, stance, count, total):
    share = tally_of(table).shares(source)[stance]
    assert (share.count, share.total) == (count, total)
    assert share.share == pytest.approx(count / total)
    assert (share.low, share.high) == pytest.approx(wilson_interval(count, total))
    assert share.low <= share.share <= share.high


def test_share_of_a_source_with_no_sentences_is_zero_not_a_division_error(table):
    share = tally_of(table).shares("nobody")["blames_seoul"]
    assert (share.count, share.total, share.share, share.low, share.high) == (0, 0, 0.0, 0.0, 0.0)


def test_voices_split_the_outlets_own_voice_from_speaker_sides(table):
    voices = tally_of(table).voices_of("alpha")
    assert voices["blames_seoul"].total == 4
    assert voices["blames_seoul"].by_voice == {"japan": 3, OWN_VOICE: 1}
    assert voices["pro_extension"].by_voice == {OWN_VOICE: 1}
    assert voices["blames_us"].total == 0 and voices["blames_us"].by_voice == {}


def test_a_quotation_without_a_speaker_counts_as_unattributed_not_as_own_voice():
    rows = sentence_table([
        {"id": "g-0", "source": "g", "text": "“Seoul erred.”", "is_quote": True, "blames_seoul": 1},
        {"id": "g-1", "source": "g", "text": "Seoul erred.", "blames_seoul": 1},
    ])
    assert tally_of(rows).voices_of("g")["blames_seoul"].by_voice == {OWN_VOICE: 1, "unattributed quotation": 1}


@pytest.mark.parametrize(
    "by_voice, main",
    [({}, None), ({"japan": 3, OWN_VOICE: 1}, ("japan", 3)), ({"us": 2, "japan": 2}, ("japan", 2))],
)
def test_voice_main_is_the_largest_and_ties_go_to_the_first_name(by_voice, main):
    assert Voice("x", sum(by_voice.values()), by_voice).main == main


def test_speakers_are_grouped_by_side_with_unknown_for_a_speaker_without_one(table):
    assert tally_of(table).speakers_of("alpha") == {"japan": ["Abe", "Kono"], "us": ["Esper"]}
    assert tally_of(table).speakers_of("beta") == {"unknown": ["Lee"]}


# -- evidence and least sure -----------------------------------------------------------------------------


def test_evidence_is_the_top_three_carrying_sentences_by_probability(table):
    items = evidence(table, "alpha", "blames_seoul")
    assert [item.id for item in items] == ["alpha-03", "alpha-00", "alpha-01"]  # 0.95, 0.9, 0.8; 0.7 left out
    assert all(item.predicted and item.stance == "blames_seoul" for item in items)
    assert items[1].speaker == "Kono" and items[1].speaker_side == "japan"


def test_evidence_for_a_stance_no_sentence_carries_is_empty(table):
    assert evidence(table, "alpha", "blames_us") == []


def test_least_sure_picks_the_sentence_closest_to_its_stances_threshold():
    rows = sentence_table([
        {"id": "s-0", "source": "s", "text": "Far below.", "p_blames_seoul": 0.05, "p_pro_extension": 0.02},
        {"id": "s-1", "source": "s", "text": "Just under the bar.", "p_pro_extension": 0.58},
        {"id": "s-2", "source": "s", "text": "Well above.", "blames_seoul": 1, "p_blames_seoul": 0.99},
    ])
    thresholds = {"blames_seoul": 0.5, "pro_extension": 0.6, "blames_us": 0.5}
    [closest] = least_sure(rows, "s", STANCES, thresholds, top=1)
    assert (closest.id, closest.stance, closest.probability, closest.predicted) == ("s-1", "pro_extension", 0.58, False)


def test_least_sure_orders_by_margin_and_ties_by_id():
    rows = sentence_table([
        {"id": "s-2", "source": "s", "text": "b", "p_blames_seoul": 0.25},
        {"id": "s-1", "source": "s", "text": "a", "blames_seoul": 1, "p_blames_seoul": 0.75},
        {"id": "s-0", "source": "s", "text": "c", "p_blames_seoul": 0.0, "p_pro_extension": 0.0, "p_blames_us": 0.0},
    ])
    thresholds = dict.fromkeys(STANCES, 0.5)
    items = least_sure(rows, "s", STANCES, thresholds, top=2)
    assert [item.id for item in items] == ["s-1", "s-2"]  # both exactly 0.25 away; s-0 is 0.5 away
    assert [item.predicted for item in items] == [True, False]


def test_least_sure_of_a_source_without_sentences_is_empty(table):
    assert least_sure(table, "nobody", STANCES, dict.fromkeys(STANCES, 0.5)) == []


# -- agreement ----------------------------------------------------------------------------------------------


def labelled(model: list[int], hand: list[int], stance: str = "blames_seoul") -> pd.DataFrame:
    return pd.DataFrame({stance: model, f"hand_{stance}": hand})


def test_agreement_is_one_and_kappa_one_when_model_and_hand_labels_are_the_same():
    result = agreement(labelled([1, 0, 1, 0], [1, 0, 1, 0]), ["blames_seoul"])["blames_seoul"]
    assert result == {"n": 4, "agreement": 1.0, "kappa": 1.0, "model_only": 0, "hand_only": 0, "both": 2}


def test_agreement_and_kappa_of_a_hand_worked_example():
    # model 1,1,0,0 vs hand 1,0,0,0: 3 of 4 agree. Chance: 0.5 x 0.25 + 0.5 x 0.75 = 0.5, so kappa = 0.25 / 0.5.
    result = agreement(labelled([1, 1, 0, 0], [1, 0, 0, 0]), ["blames_seoul"])["blames_seoul"]
    assert result["agreement"] == pytest.approx(0.75)
    assert result["kappa"] == pytest.approx(0.5)
    assert (result["model_only"], result["hand_only"], result["both"]) == (1, 0, 1)


def test_kappa_is_minus_one_when_model_and_hand_always_disagree_on_a_balanced_set():
    result = agreement(labelled([1, 0, 1, 0], [0, 1, 0, 1]), ["blames_seoul"])["blames_seoul"]
    assert result["agreement"] == 0.0
    assert result["kappa"] == pytest.approx(-1.0)
    assert (result["model_only"], result["hand_only"], result["both"]) == (2, 2, 0)


def test_kappa_is_undefined_when_both_agree_that_no_sentence_carries_the_stance():
    result = agreement(labelled([0, 0, 0], [0, 0, 0]), ["blames_seoul"])["blames_seoul"]
    assert result["agreement"] == 1.0
    assert math.isnan(result["kappa"])


# -- comparisons and findings -------------------------------------------------------------------------------


def test_comparisons_count_each_sources_sentences_per_stance(table):
    results = comparisons(tally_of(table), ["alpha", "beta"])
    by_stance = {c.stance: c for c in results}
    assert set(by_stance) == set(STANCES)
    seoul = by_stance["blames_seoul"]
    assert (seoul.source_a, seoul.count_a, seoul.total_a, seoul.source_b, seoul.count_b, seoul.total_b) == (
        "alpha", 4, 10, "beta", 0, 4
    )


def test_finding_sentence_names_the_larger_share_first_with_counts_and_adjusted_p():
    comparison = Comparison("blames_seoul", "a", "b", 2, 40, 30, 40, p_value=0.001, p_adjusted=0.0123)
    sentence = finding_sentence(comparison, {"a": "Alpha Times", "b": "Beta News"}, DISPLAY)
    assert sentence == (
        "Beta News carries “Blames Seoul” in 75% of its sentences (30 of 40), Alpha Times in 5% (2 of 40); "
        "Fisher's exact test, Holm-adjusted p = 0.012."
    )


# -- summaries ---------------------------------------------------------------------------------------------


def test_summary_lists_carried_stances_by_count_then_who_carries_them_then_what_is_missing(table):
    summary = summarise(framing_of(table, "alpha", "Alpha Times"), DISPLAY)
    assert summary == (
        "Alpha Times (10 sentences): Blames Seoul 40% (4), Pro-extension 10% (1). "
        "Of its 4 Blames Seoul sentences, most (3) are from japan speakers and 1 is in the outlet's own voice. "
        "Its one Pro-extension sentence is in the outlet's own voice. "
        "The model labels no sentence Blames Washington."
    )


def test_summary_of_a_source_with_no_stance_says_so(table):
    summary = summarise(framing_of(table, "beta", "Beta News"), DISPLAY)
    assert summary == "Beta News (4 sentences): the model labels none of its sentences with any stance."


def test_summary_does_not_say_most_when_two_voices_share_a_stance_equally():
    rows = sentence_table([
        {"id": "e-0", "source": "e", "text": "a", "speaker": "Abe", "speaker_side": "japan", "blames_us": 1},
        {"id": "e-1", "source": "e", "text": "b", "speaker": "Moon", "speaker_side": "south_korea", "blames_us": 1},
    ])
    summary = summarise(framing_of(rows, "e", "Even"), DISPLAY)
    assert "most" not in summary
    assert "Of its 2 Blames Washington sentences, 1 is from japan speakers and 1 is from south korea speakers." in summary
    assert summary.endswith("The model labels no sentence Blames Seoul, Pro-extension.")


def test_summary_describes_only_the_two_most_carried_stances():
    rows = sentence_table([
        {"id": "t-0", "source": "t", "text": "a", "blames_seoul": 1, "pro_extension": 1, "blames_us": 1},
        {"id": "t-1", "source": "t", "text": "b", "blames_seoul": 1, "pro_extension": 1},
        {"id": "t-2", "source": "t", "text": "c", "blames_seoul": 1},
    ])
    summary = summarise(framing_of(rows, "t", "Three"), DISPLAY)
    assert summary.startswith("Three (3 sentences): Blames Seoul 100% (3), Pro-extension 67% (2), Blames Washington 33% (1).")
    assert "All 3 of its Blames Seoul sentences" in summary and "All 2 of its Pro-extension sentences" in summary
    assert "Blames Washington sentence" not in summary
    assert "labels no sentence" not in summary


def test_summary_names_sides_by_their_display_names_and_gives_the_corrected_share(table):
    framing = framing_of(table, "alpha", "Alpha Times")
    framing.shares = tally_of(table, calibrations=dict.fromkeys(STANCES, IDENTITY)).shares("alpha")
    summary = summarise(framing, DISPLAY, {"japan": "Japan"}.get)
    assert "most (3) are from Japan speakers" in summary
    corrected = framing.shares["blames_seoul"]
    assert f"Blames Seoul 40% (4; corrected {corrected.corrected * 100:.0f}%, " in summary


# -- corrected shares, findings and the range check ---------------------------------------------------------------


def test_with_a_calibration_the_corrected_share_is_the_mean_calibrated_probability(table):
    alpha = table[table["source"] == "alpha"]
    share = tally_of(table, calibrations=dict.fromkeys(STANCES, IDENTITY)).shares("alpha")["blames_seoul"]
    assert share.corrected == pytest.approx(alpha["p_blames_seoul"].mean(), abs=1e-6)
    assert share.corrected_low <= share.corrected <= share.corrected_high
    assert (share.count, share.total) == (4, 10)
    eager = Calibration(1.0, 2.0, IDENTITY.covariance, IDENTITY.positives)  # a model that is too shy: calibration raises every share
    assert tally_of(table, calibrations=dict.fromkeys(STANCES, eager)).shares("alpha")["blames_seoul"].corrected > share.corrected


def twelve_against_two() -> pd.DataFrame:
    rows = [{"id": f"a-{i}", "source": "a", "text": "x", "blames_seoul": int(i < 12), "p_blames_seoul": 0.9 if i < 12 else 0.1}
            for i in range(40)]
    rows += [{"id": f"b-{i}", "source": "b", "text": "x", "blames_seoul": int(i < 2), "p_blames_seoul": 0.9 if i < 2 else 0.1}
             for i in range(40)]
    return sentence_table(rows)


def test_a_significant_raw_difference_that_the_correction_erases_is_not_a_finding():
    # 12 of 40 against 2 of 40 passes Fisher's test and holds for a calibration that keeps the
    # probabilities apart; one that maps every probability near zero (a label the held-out data never
    # carried) erases it: both corrected shares sit at zero.
    comparison = Comparison("blames_seoul", "a", "b", 12, 40, 2, 40, p_value=0.001, p_adjusted=0.004)
    table = twelve_against_two()
    assert holds_when_corrected(comparison, tally_of(table, calibrations=dict.fromkeys(STANCES, IDENTITY)))
    flat = Calibration(0.0, -8.0, IDENTITY.covariance, IDENTITY.positives)
    assert not holds_when_corrected(comparison, tally_of(table, calibrations=dict.fromkeys(STANCES, flat)))


def test_a_difference_without_a_calibration_stands_on_the_raw_test():
    comparison = Comparison("blames_seoul", "a", "b", 12, 40, 2, 40, p_value=0.001, p_adjusted=0.004)
    uncalibrated = tally_of(twelve_against_two())
    assert holds_when_corrected(comparison, uncalibrated)
    assert not holds_when_corrected(Comparison("blames_seoul", "a", "b", 3, 40, 2, 40, 0.9, 0.9), uncalibrated)


def test_range_check_counts_sentences_near_a_threshold_and_flags_a_source_well_above_the_training_share():
    near = [{"id": f"n-{i}", "source": "n", "text": "x", "p_blames_seoul": 0.52} for i in range(30)]
    far = [{"id": f"f-{i}", "source": "f", "text": "x", "p_blames_seoul": 0.02} for i in range(30)]
    rows = sentence_table(near + far)
    thresholds = dict.fromkeys(STANCES, 0.5)
    unsure = range_check(tally_of(rows, thresholds), "n", reference=0.3)
    sure = range_check(tally_of(rows, thresholds), "f", reference=0.3)
    assert (unsure.unsure, unsure.total, unsure.outside) == (30, 30, True)
    assert (sure.unsure, sure.outside) == (0, False)


@pytest.mark.parametrize(
    "unsure, total, reference, outside",
    [(6, 10, 0.4, False),  # 60% of 10: the interval reaches well below 40%
     (60, 100, 0.4, True),  # 60% of 100: its interval starts near 50%
     (60, 100, None, False)],  # no training figure: nothing is flagged
)
def test_a_source_is_outside_the_range_only_when_its_interval_clears_the_training_share(unsure, total, reference, outside):
    assert RangeCheck(unsure, total, reference).outside is outside


def test_evidence_the_hand_labels_reject_is_marked():
    rows = sentence_table([
        {"id": "h-0", "source": "h", "text": "a", "blames_seoul": 1, "p_blames_seoul": 0.9, "hand_labelled": True,
         "hand_blames_seoul": 0},
        {"id": "h-1", "source": "h", "text": "b", "blames_seoul": 1, "p_blames_seoul": 0.8, "hand_labelled": True,
         "hand_blames_seoul": 1},
        {"id": "h-2", "source": "h", "text": "c", "blames_seoul": 1, "p_blames_seoul": 0.7, "hand_labelled": False,
         "hand_blames_seoul": 0},
    ])
    assert [item.hand_rejects for item in evidence(rows, "h", "blames_seoul")] == [True, False, False]


def test_finding_sentence_prints_a_tiny_p_value_as_below_one_in_a_thousand():
    comparison = Comparison("blames_seoul", "a", "b", 2, 40, 30, 40, p_value=1e-9, p_adjusted=4e-8)
    sentence = finding_sentence(comparison, {"a": "Alpha Times", "b": "Beta News"}, DISPLAY)
    assert sentence.endswith("Holm-adjusted p < 0.001.") and "0.000" not in sentence
