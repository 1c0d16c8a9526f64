"""stance.attribution_eval: matching speakers, aligning cases with the sentence table, and the figures."""

from __future__ import annotations

import pytest

from stance.attribution import SpeakerTable
from stance.attribution_eval import DEFAULT_SET, Case, Outcome, format_scores, read_cases, run_cases, same_speaker, score

TABLE = SpeakerTable({"Korean Central News Agency": "north_korea", "KCNA": "north_korea", "Kono": "japan"},
                     {"KCNA": "Korean Central News Agency"})


def case(text: str, speaker: str = "", side: str = "", kind: str = "report", group: str = "g", paragraph: int = 0,
         is_quote: bool = False) -> Case:
    return Case(group=group, paragraph=paragraph, text=text, is_quote=is_quote, speaker=speaker, side=side, kind=kind)


@pytest.mark.parametrize(
    "predicted, expected, same",
    [
        ("Foreign Minister Taro Kono", "Taro Kono", True),
        ("Kono", "Taro Kono", True),
        ("The minister", "the minister", True),
        ("the KCNA", "Korean Central News Agency", True),  # an alias of the same entry
        ("Kim", "Moon", False),
        ("Japan", "Japan's foreign ministry", False),
        ("", "Kono", False),
        ("Taro", "Taro Kono", False),  # a first name is not the speaker's name
    ],
)
def test_same_speaker(predicted, expected, same):
    assert same_speaker(predicted, expected, TABLE) is same


def test_cases_are_aligned_with_the_sentences_cut_from_them():
    cases = [
        case("TOKYO (AP) — Kono said the pact mattered.", "Kono", "japan", kind="dateline", paragraph=0),
        case("(END)", kind="furniture", paragraph=1),
        case("The envoy left early. Then the talks ended.", paragraph=2),
    ]
    dateline, furniture, two = run_cases(cases, TABLE)
    assert (dateline.found, dateline.pieces, dateline.text) == (True, 1, "Kono said the pact mattered.")
    assert (dateline.speaker, dateline.side) == ("Kono", "japan")
    assert not furniture.found
    assert two.pieces == 2


def outcome(speaker_expected: str, side_expected: str, speaker: str, side: str, kind: str = "report") -> Outcome:
    return Outcome(case("text", speaker_expected, side_expected, kind=kind), found=True, pieces=1, text="text",
                   speaker=speaker, side=side)


def test_precision_and_recall_count_what_was_found_against_what_was_expected():
    outcomes = [
        outcome("Kono", "japan", "Kono", "japan"),  # right
        outcome("Kono", "japan", "Taro", "japan"),  # wrong speaker, right side
        outcome("Kono", "japan", "", ""),  # missed
        outcome("", "", "For example", "unknown"),  # a speaker where there is none
    ]
    scores = score(outcomes, TABLE)
    assert (scores.speaker_precision, scores.speaker_recall) == (1 / 3, 1 / 3)
    assert (scores.side_precision, scores.side_recall) == (2 / 3, 2 / 3)


def test_dateline_speaker_and_kept_furniture_are_counted():
    outcomes = [
        outcome("", "", "South Korea (AP) — In a reversal", "south_korea"),
        Outcome(case("(END)", kind="furniture"), found=True, pieces=1, text="(END)"),
    ]
    scores = score(outcomes, TABLE)
    assert (scores.dateline_speakers, scores.furniture_kept) == (1, 1)
    assert "datelines taken as speakers 1" in format_scores(scores, "set.csv")


def test_shipped_test_set_is_well_formed():
    cases = read_cases(DEFAULT_SET)
    sentences = [c for c in cases if c.kind != "furniture"]
    assert len(sentences) >= 150
    assert all(bool(c.speaker) == bool(c.side) for c in sentences)
    assert all(c.is_quote is False or c.speaker for c in sentences)  # every quotation in it names its speaker
    assert {"dateline", "marker", "headline", "clause", "transcript", "furniture"} <= {c.kind for c in cases}
