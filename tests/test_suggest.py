"""stance.suggest: the least certain sentences first, spread over the corpus, in the labels format."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stance.suggest import choose, suggestion_table


class FixedModel:
    """A model whose probabilities are given per text, with one label and threshold 0.5."""

    labels = ("blames_seoul",)
    thresholds_ = np.array([0.5])

    def __init__(self, probabilities: dict[str, float], vectors: dict[str, list[float]]):
        self.probabilities = probabilities
        self.features_ = self
        self.encoder = True
        self.vectors = vectors

    def predict_proba(self, frame):
        return np.array([[self.probabilities[text]] for text in frame["text"]])

    def embeddings(self, frame):
        return np.array([self.vectors[text] for text in frame["text"]])


def corpus(probabilities: dict[str, float], vectors: dict[str, list[float]]) -> tuple[FixedModel, pd.DataFrame]:
    frame = pd.DataFrame({"id": [f"s{i}" for i in range(len(probabilities))], "source": "x", "text": list(probabilities)})
    return FixedModel(probabilities, vectors), frame


def test_the_sentence_nearest_the_threshold_comes_first():
    model, frame = corpus({"sure no": 0.01, "unsure": 0.49, "sure yes": 0.99}, {"sure no": [1, 0], "unsure": [0, 1], "sure yes": [1, 1]})
    assert frame["text"].iloc[choose(model, frame, 1)].tolist() == ["unsure"]


def test_near_copies_give_way_to_a_different_sentence():
    # Three near-identical uncertain sentences and one different, slightly less uncertain one:
    # two picks take one of the copies and the different sentence, not two copies.
    probabilities = {"copy a": 0.50, "copy b": 0.50, "copy c": 0.51, "other": 0.55}
    vectors = {"copy a": [1, 0], "copy b": [1, 0.001], "copy c": [1, 0.002], "other": [0, 1]}
    model, frame = corpus(probabilities, vectors)
    picked = set(frame["text"].iloc[choose(model, frame, 2)])
    assert "other" in picked and len(picked & {"copy a", "copy b", "copy c"}) == 1


def test_asking_for_more_than_there_is_gives_everything_once():
    model, frame = corpus({"a": 0.2, "b": 0.4}, {"a": [1, 0], "b": [0, 1]})
    assert sorted(choose(model, frame, 10).tolist()) == [0, 1]
    assert choose(model, frame, 0).tolist() == []


def test_suggestions_are_in_the_labels_format_with_an_empty_labels_column(tmp_path):
    model, frame = corpus({"a": 0.45, "b": 0.9, "c": 0.1}, {"a": [1, 0], "b": [0, 1], "c": [1, 1]})
    table = suggestion_table(model, frame, 2)
    assert list(table.columns[:5]) == ["id", "source", "text", "labels", "provenance"]
    assert (table["labels"] == "").all() and (table["provenance"] == "user").all()
    assert table["text"].iloc[0] == "a"
    assert table["model_guess"].tolist()[0] == ""  # 0.45 is under the threshold
    assert table["model_blames_seoul"].iloc[0] == pytest.approx(0.45)


def test_suggestions_read_back_as_labelled_sentences_once_filled_in(tmp_path):
    from stance.labels import read_labelled

    model, frame = corpus({"a": 0.45, "b": 0.6, "c": 0.1}, {"a": [1, 0], "b": [0, 1], "c": [1, 1]})
    table = suggestion_table(model, frame, 3)
    table["labels"] = ["blames_seoul", "blames_seoul", "blames_seoul"]
    path = tmp_path / "suggested.csv"
    table.to_csv(path, index=False)
    data = read_labelled([path], ("blames_seoul",))
    assert data.Y[:, 0].tolist() == [1, 1, 1]
