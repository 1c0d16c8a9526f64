"""stance.trust: each figure of the model's quality is said with where it was measured, and a corpus is
named without a path of this machine."""

from __future__ import annotations

import shutil

from conftest import SEEDS

from stance.corpus import Corpus
from stance.trust import trust_statements

CARD = {
    "data": {"rows": 155, "sources": {"a": 50, "b": 55, "c": 50}},
    "evaluation": {
        "models": [
            {"model": "keyword rules", "macro_f1": 0.3},
            {"model": "stance", "macro_f1": 0.697, "per_label": {"x": {"f1": 0.71}}},
        ]
    },
}
OUT_OF_FOLD = "the training data, out of fold with sources kept whole"


def joined(statements: list[str]) -> str:
    return " ".join(statements)


def test_the_held_out_figure_names_the_sources_it_was_measured_on():
    text = joined(trust_statements(CARD, ["d"], OUT_OF_FOLD, {"x": "Ex"}))
    assert "leaving out each of its 3 real training sources in turn (a, b, c; 155 labelled sentences in all)" in text
    assert "macro-F1 0.70; F1 Ex 0.71" in text
    assert "None of this corpus's sources was in the model's training data" in text


def test_a_model_trained_on_written_sentences_alone_never_calls_its_sources_real_or_unseen():
    card = CARD | {"data": CARD["data"] | {"provenance": {"written": 100, "counterfactual": 55}}}
    text = joined(trust_statements(card, ["d"], OUT_OF_FOLD))
    assert "real training sources" not in text and "That is the figure for an outlet" not in text
    assert "leaving out each of its 3 training sources in turn" in text
    assert "Every one of those sentences was written for training, none taken from real coverage" in text
    mixed = CARD | {"data": CARD["data"] | {"provenance": {"seed": 10, "written": 145}}}
    assert "3 real training sources" in joined(trust_statements(mixed, ["d"], OUT_OF_FOLD))


def test_a_corpus_of_training_sources_is_called_in_sample_and_never_unseen():
    text = joined(trust_statements(CARD, ["a", "b"], OUT_OF_FOLD))
    assert "Every source of this corpus was in the model's training data" in text
    assert "in-sample" in text
    assert "outlets it never saw" not in text


def test_a_corpus_mixing_seen_and_new_sources_says_which_is_which():
    text = joined(trust_statements(CARD, ["a", "d", "e"], OUT_OF_FOLD))
    assert "1 of this corpus's 3 sources were in the model's training data (a)" in text
    assert "the one for the other 2" in text


def test_a_development_set_score_is_given_as_measured_there():
    card = CARD | {"development": {"macro_f1": 0.55, "sentences": 300}}
    text = joined(trust_statements(card, ["d"], "the out-of-fold probabilities"))
    assert "Measured on the development set (300 sentences), labelled apart from the training data" in text
    assert "macro-F1 0.55" in text
    assert "recalibrated on the out-of-fold probabilities" in text


def test_without_a_calibration_the_shares_are_said_to_be_raw():
    assert "shares are the model's raw counts" in joined(trust_statements(CARD, ["a"], None))


def test_without_a_card_nothing_is_claimed():
    [statement] = trust_statements(None, ["a"], None)
    assert "how well it labels is not known" in statement


def test_the_seed_corpus_is_named_as_shipped_wherever_it_is_copied(tmp_path):
    assert Corpus.open(SEEDS).name == "the shipped seed corpus"
    copy = tmp_path / "elsewhere"
    shutil.copytree(SEEDS, copy)
    assert Corpus.open(copy).name == "the shipped seed corpus"


def test_another_corpus_is_named_by_its_folder_alone(tmp_path):
    folder = tmp_path / "my-corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Seoul said no.", encoding="utf-8")
    name = Corpus.open(folder).name
    assert name == "the corpus folder “my-corpus”" and str(tmp_path) not in name
