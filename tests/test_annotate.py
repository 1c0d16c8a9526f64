"""stance.annotate: which sentences are still to label, the order each strategy asks them in,
and the writer that records each answer at once without losing the file's other rows and columns."""

from __future__ import annotations

import copy
import csv
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import TINY_LABELS, write_labels_csv

from stance.annotate import (
    ANSWER_COLUMNS,
    LabelsWriter,
    context,
    default_annotator,
    LabelledSentences,
    order_candidates,
    unlabelled,
)
from stance.baselines import KeywordRules
from stance.errors import UsageError
from stance.labels import read_label_table

# Sentences for the tiny model (blames_seoul ~ 'mistaken ... Seoul', pro_extension ~ 'crucial ... pact').
# Each has a different mix of the two signals, so the model gives each its own probabilities.
SEOUL = "Seoul made a mistaken decision to quit the deal."
PACT = "Keeping the crucial pact would be wise."
BOTH = "Seoul was mistaken, and the crucial pact should be extended."
NEITHER = "The delegates had lunch on Tuesday."
MIXED_TEXTS = [SEOUL, PACT, BOTH, NEITHER]


def candidate_frame(texts: list[str]) -> pd.DataFrame:
    """Candidates shaped like rows of the sentence table (ids c0, c1, ... in the given order)."""
    return pd.DataFrame(
        {
            "id": [f"c{index}" for index in range(len(texts))],
            "source": "alpha",
            "file": "alpha.txt",
            "text": texts,
            "is_quote": False,
            "speaker_side": "",
        }
    )


def with_thresholds(model, thresholds) -> object:
    """A copy of the (shared, read-only) tiny model with its per-label thresholds set by hand."""
    changed = copy.deepcopy(model)
    changed.thresholds_ = np.asarray(thresholds, dtype=float)
    return changed


def keyword_rules() -> KeywordRules:
    return KeywordRules(TINY_LABELS, {"blames_seoul": ["mistaken"], "pro_extension": ["crucial"]}).fit(None)


# -- uncertain ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("nearest", range(len(MIXED_TEXTS)))
def test_uncertain_asks_first_about_the_sentence_sitting_on_a_threshold(tiny_model, nearest):
    candidates = candidate_frame(MIXED_TEXTS)
    probabilities = tiny_model.predict_proba(candidates)
    assert len({tuple(np.round(row, 6)) for row in probabilities}) == len(MIXED_TEXTS)  # all differ: a fair test
    # Put both thresholds exactly at this sentence's probabilities: its margin is 0, every other one's is not.
    model = with_thresholds(tiny_model, probabilities[nearest])
    ordered = order_candidates(candidates, model, None, "uncertain")
    assert ordered["id"].iloc[0] == f"c{nearest}"
    assert ordered["margin"].iloc[0] == pytest.approx(0.0)
    assert sorted(ordered["id"]) == sorted(candidates["id"])


def test_uncertain_margin_is_the_distance_to_the_nearest_threshold_and_grows_down_the_list(tiny_model):
    candidates = candidate_frame(MIXED_TEXTS)
    thresholds = [0.3, 0.6]
    ordered = order_candidates(candidates, with_thresholds(tiny_model, thresholds), None, "uncertain")
    by_id = ordered.set_index("id")
    for index, text in enumerate(MIXED_TEXTS):
        (p_seoul, p_pact) = tiny_model.predict_proba([text])[0]
        row = by_id.loc[f"c{index}"]
        assert row["p_blames_seoul"] == pytest.approx(p_seoul)
        assert row["p_pro_extension"] == pytest.approx(p_pact)
        assert row["margin"] == pytest.approx(min(abs(p_seoul - 0.3), abs(p_pact - 0.6)))
    assert list(ordered["margin"]) == sorted(ordered["margin"])


def test_guess_lists_the_labels_at_or_above_their_threshold_in_model_order(tiny_model):
    candidates = candidate_frame(MIXED_TEXTS)
    everything = order_candidates(candidates, with_thresholds(tiny_model, [0.0, 0.0]), None, "uncertain")
    nothing = order_candidates(candidates, with_thresholds(tiny_model, [1.01, 1.01]), None, "uncertain")
    assert set(everything["guess"]) == {"blames_seoul;pro_extension"}
    assert set(nothing["guess"]) == {""}


# -- random ---------------------------------------------------------------------------------------------


def test_random_order_is_a_reproducible_permutation_of_the_candidates(tiny_model):
    candidates = candidate_frame([f"Sentence number {n} about the talks." for n in range(10)])
    first = list(order_candidates(candidates, tiny_model, None, "random")["id"])
    second = list(order_candidates(candidates, tiny_model, None, "random")["id"])
    assert first == second
    assert sorted(first) == sorted(candidates["id"])
    assert len(set(first)) == len(first)
    assert first != list(candidates["id"])  # actually shuffled


def test_random_order_does_not_depend_on_the_model_thresholds(tiny_model):
    candidates = candidate_frame(MIXED_TEXTS * 2)
    candidates["id"] = [f"c{index}" for index in range(len(candidates))]
    low = order_candidates(candidates, with_thresholds(tiny_model, [0.1, 0.1]), None, "random")
    high = order_candidates(candidates, with_thresholds(tiny_model, [0.9, 0.9]), None, "random")
    assert list(low["id"]) == list(high["id"])


# -- disagree -------------------------------------------------------------------------------------------


def test_disagree_keeps_only_keyword_hits_when_the_model_guesses_nothing(tiny_model):
    candidates = candidate_frame(MIXED_TEXTS)
    model = with_thresholds(tiny_model, [1.01, 1.01])  # no probability reaches 1.01: the guess is always empty
    ordered = order_candidates(candidates, model, keyword_rules(), "disagree")
    # The rules fire on 'mistaken' / 'crucial'; BOTH disagrees on two labels, so it comes first.
    assert list(ordered["id"])[0] == "c2"
    assert set(ordered["id"]) == {"c0", "c1", "c2"}
    assert list(ordered["disagreements"]) == [2, 1, 1]


def test_disagree_keeps_only_keyword_misses_when_the_model_guesses_everything(tiny_model):
    candidates = candidate_frame(MIXED_TEXTS)
    model = with_thresholds(tiny_model, [0.0, 0.0])  # every label is guessed for every sentence
    ordered = order_candidates(candidates, model, keyword_rules(), "disagree")
    # BOTH has both keywords, so model and rules agree on it: it is dropped. NEITHER differs on both labels.
    assert "c2" not in set(ordered["id"])
    assert list(ordered["id"])[0] == "c3"
    assert set(ordered["id"]) == {"c0", "c1", "c3"}


def test_disagree_with_a_model_that_agrees_with_the_rules_leaves_nothing(tiny_model):
    candidates = candidate_frame([NEITHER, "Reporters waited outside the ministry."])
    model = with_thresholds(tiny_model, [1.01, 1.01])  # guesses nothing, and no keyword appears
    assert order_candidates(candidates, model, keyword_rules(), "disagree").empty


# -- unknown strategy ------------------------------------------------------------------------------------


@pytest.mark.parametrize("texts", [MIXED_TEXTS, []], ids=["candidates", "no-candidates"])
def test_unknown_strategy_is_a_usage_error_naming_the_choices(tiny_model, texts):
    with pytest.raises(UsageError) as caught:
        order_candidates(candidate_frame(texts), tiny_model, None, "confident")
    message = str(caught.value)
    assert "'confident'" in message
    assert all(name in message for name in ("suggest", "uncertain", "disagree", "random"))


# -- what is left to label -------------------------------------------------------------------------------


def sentence_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["a-0", "a-1", "b-0", "b-1"],
            "source": ["alpha", "alpha", "beta", "beta"],
            "text": ["One.", "Two.", "One.", "Three."],
        }
    )


def test_unlabelled_drops_sentences_labelled_for_the_same_source_only(tmp_path):
    labels = write_labels_csv(tmp_path / "labels.csv", [("alpha", "  One.  ", "")], header=("source", "text", "labels"))
    left = unlabelled(sentence_rows(), labels)
    # 'One.' is labelled for alpha (spaces around it are an editing accident); beta's 'One.' is not.
    assert list(left["id"]) == ["a-1", "b-0", "b-1"]
    done = LabelledSentences(labels)
    assert ("alpha", "One.") in done and ("beta", "One.") not in done


def test_unlabelled_without_a_labels_file_is_every_sentence(tmp_path):
    assert list(unlabelled(sentence_rows(), tmp_path / "missing.csv")["id"]) == ["a-0", "a-1", "b-0", "b-1"]


def test_unlabelled_recognises_labelled_sentences_in_a_file_without_a_source_column(tmp_path):
    labels = write_labels_csv(tmp_path / "labels.csv", [("Two.", ""), ("Three.", "blames_seoul")])
    assert list(unlabelled(sentence_rows(), labels)["id"]) == ["a-0", "b-0"]


# -- the writer --------------------------------------------------------------------------------------------


def sentence(sentence_id: str, text: str, source: str = "alpha"):
    return SimpleNamespace(id=sentence_id, source=source, text=text)


def read_rows(path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_writer_on_a_new_file_writes_the_codebook_columns_with_provenance(tmp_path):
    path = tmp_path / "labels.csv"
    writer = LabelsWriter.open(path)
    assert not path.exists()  # nothing is written before the first answer
    before = datetime.now(timezone.utc).replace(microsecond=0)
    writer.add(sentence("a-0", "Seoul erred."), ["blames_seoul"], "ana")
    after = datetime.now(timezone.utc)
    header, rows = read_rows(path)
    assert header == ["id", "source", "text", "labels", "provenance", "note", "annotator", "annotated_at"] == ANSWER_COLUMNS
    (row,) = rows
    assert (row["id"], row["source"], row["text"], row["labels"], row["provenance"], row["note"], row["annotator"]) == (
        "a-0", "alpha", "Seoul erred.", "blames_seoul", "user", "", "ana"
    )
    stamp = datetime.fromisoformat(row["annotated_at"])
    assert stamp.utcoffset() == timedelta(0)
    assert before <= stamp <= after


def test_writer_keeps_the_existing_rows_and_columns_in_their_order(tmp_path):
    path = write_labels_csv(
        tmp_path / "labels.csv",
        [("Old one.", "pro_extension", "alpha", "checked"), ("Old, \"quoted\" two.", "", "beta", "")],
        header=("text", "labels", "source", "reviewer"),
    )
    writer = LabelsWriter.open(path)
    writer.add(sentence("a-3", "New one."), ["blames_seoul", "pro_extension"], "ana", note="both")
    header, rows = read_rows(path)
    assert header == ["text", "labels", "source", "reviewer", "id", "provenance", "note", "annotator", "annotated_at"]
    assert [(r["text"], r["labels"], r["source"], r["reviewer"], r["annotator"]) for r in rows] == [
        ("Old one.", "pro_extension", "alpha", "checked", ""),
        ('Old, "quoted" two.', "", "beta", "", ""),
        ("New one.", "blames_seoul;pro_extension", "alpha", "", "ana"),
    ]
    assert rows[2]["note"] == "both" and rows[2]["id"] == "a-3"
    assert list(read_label_table(path)["text"]) == ["Old one.", 'Old, "quoted" two.', "New one."]


def test_writer_keeps_commas_quotes_and_unicode_of_a_sentence_exactly(tmp_path):
    path = tmp_path / "labels.csv"
    text = "“It is crucial,” he said, \"and mistaken\"; Seoul’s move."
    LabelsWriter.open(path).add(sentence("a-0", text), [], "ana")
    assert list(read_label_table(path)["text"]) == [text]
    assert list(read_label_table(path)["labels"]) == [""]


def test_writer_remove_last_takes_back_only_the_latest_answer_for_that_sentence(tmp_path):
    path = tmp_path / "labels.csv"
    writer = LabelsWriter.open(path)
    writer.add(sentence("a-0", "First."), ["blames_seoul"], "ana")
    writer.add(sentence("a-1", "Second."), [], "ana")
    writer.add(sentence("a-0", "First."), ["pro_extension"], "ana")
    writer.remove_last("a-0")
    _, rows = read_rows(path)
    assert [(row["id"], row["labels"]) for row in rows] == [("a-0", "blames_seoul"), ("a-1", "")]
    writer.remove_last("nobody")  # an id without an answer changes nothing
    assert [(row["id"], row["labels"]) for row in read_rows(path)[1]] == [("a-0", "blames_seoul"), ("a-1", "")]


def test_writer_reopened_file_continues_where_it_stopped(tmp_path):
    path = tmp_path / "labels.csv"
    LabelsWriter.open(path).add(sentence("a-0", "First."), ["blames_seoul"], "ana")
    LabelsWriter.open(path).add(sentence("a-1", "Second."), [], "bo")
    header, rows = read_rows(path)
    assert header == ANSWER_COLUMNS
    assert [(row["id"], row["annotator"]) for row in rows] == [("a-0", "ana"), ("a-1", "bo")]


def test_copy_without_last_writes_the_file_as_before_the_session_and_leaves_the_original(tmp_path):
    path = write_labels_csv(tmp_path / "labels.csv", [("Old.", "")], header=("text", "labels"))
    writer = LabelsWriter.open(path)
    writer.add(sentence("a-0", "First."), ["blames_seoul"], "ana")
    writer.add(sentence("a-1", "Second."), [], "ana")
    earlier = tmp_path / "before.csv"
    assert writer.copy_without_last(earlier, 2) == 1
    assert [row["text"] for row in read_rows(earlier)[1]] == ["Old."]
    assert [row["text"] for row in read_rows(path)[1]] == ["Old.", "First.", "Second."]


def test_every_save_leaves_no_temporary_file_behind(tmp_path):
    path = tmp_path / "labels.csv"
    writer = LabelsWriter.open(path)
    for index in range(3):
        writer.add(sentence(f"a-{index}", f"Sentence {index}."), [], "ana")
    writer.remove_last("a-2")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labels.csv"]


# -- context and annotator -----------------------------------------------------------------------------------


def test_context_is_the_neighbouring_sentences_of_the_same_article_only():
    table = pd.DataFrame(
        {
            "id": ["a-0", "a-1", "a-2", "b-0"],
            "file": ["a.txt", "a.txt", "a.txt", "b.txt"],
            "text": ["A zero.", "A one.", "A two.", "B zero."],
        }
    )
    assert context(table, "a-0") == ("", "A one.")
    assert context(table, "a-1") == ("A zero.", "A two.")
    assert context(table, "a-2") == ("A one.", "")  # the next article's first sentence is not context
    assert context(table, "b-0") == ("", "")


def test_default_annotator_is_the_login_name_or_unknown(monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "ana")
    assert default_annotator() == "ana"

    def no_login_name():
        raise OSError("no login name")

    monkeypatch.setattr("getpass.getuser", no_login_name)
    assert default_annotator() == "unknown"


def test_suggest_shows_first_what_stance_suggest_would_pick_then_every_other_sentence_by_margin(tiny_model):
    from stance.annotate import SUGGESTED_FIRST
    from stance.suggest import choose

    texts = [f"{text} Day {day}." for day in range(8) for text in MIXED_TEXTS]
    assert len(texts) > SUGGESTED_FIRST
    candidates = candidate_frame(texts)
    ordered = order_candidates(candidates, tiny_model, None, "suggest")
    by_margin = ordered.sort_values(["margin", "id"], kind="stable")
    picks = by_margin.iloc[choose(tiny_model, by_margin, SUGGESTED_FIRST)]["id"].tolist()
    assert ordered["id"].tolist()[:SUGGESTED_FIRST] == picks
    rest = ordered.iloc[SUGGESTED_FIRST:]
    assert sorted(ordered["id"]) == sorted(candidates["id"])
    assert list(rest["margin"]) == sorted(rest["margin"])


def test_suggest_hands_the_sentences_already_labelled_to_the_choice_as_covered(tiny_model, monkeypatch):
    seen = {}

    def spy(model, pool, n, labelled):
        seen["labelled texts"] = set(pool["text"][labelled])
        return np.arange(min(n, int((~labelled).sum())))

    monkeypatch.setattr("stance.annotate.choose", spy)
    candidates = candidate_frame(MIXED_TEXTS[:3])
    done = candidate_frame(MIXED_TEXTS[3:5])
    ordered = order_candidates(candidates, tiny_model, None, "suggest", labelled=done)
    assert seen["labelled texts"] == set(MIXED_TEXTS[3:5])
    assert set(ordered["text"]) == set(MIXED_TEXTS[:3])


class MeaningModel:
    """Probability 0.4 for every sentence, and a sentence vector per text: war texts alike, trade texts alike."""

    labels = ("blames_seoul",)
    thresholds_ = np.array([0.5])

    def __init__(self):
        self.features_ = self
        self.encoder = True

    def predict_proba(self, frame):
        return np.full((len(frame), 1), 0.4)

    def embeddings(self, frame):
        return np.array([[1.0, 0.0] if text.startswith("War") else [0.0, 1.0] for text in frame["text"]])


def test_suggest_asks_first_about_a_kind_of_sentence_the_labels_file_does_not_cover(monkeypatch):
    monkeypatch.setattr("stance.annotate.SUGGESTED_FIRST", 1)
    candidates = candidate_frame(["War talk b.", "War talk c.", "Trade talk a."])
    done = candidate_frame(["War talk a."])
    assert order_candidates(candidates, MeaningModel(), None, "suggest", labelled=done)["text"].iloc[0] == "Trade talk a."
    assert order_candidates(candidates, MeaningModel(), None, "suggest")["text"].iloc[0].startswith("War")
