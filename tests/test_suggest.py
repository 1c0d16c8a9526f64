"""stance.suggest: the most representative sentences not yet covered by labels, in the labels format."""

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


def test_the_typical_sentence_is_asked_about_not_the_outlier_nor_the_least_certain():
    # A tight group of three around (1, 0) and one outlier. The outlier is the least certain,
    # but on a small budget the sentence that stands for the group teaches more.
    probabilities = {"edge a": 0.30, "middle": 0.10, "edge b": 0.30, "outlier": 0.50}
    vectors = {"edge a": [1, 0.1], "middle": [1, 0], "edge b": [1, -0.1], "outlier": [-1, 5]}
    model, frame = corpus(probabilities, vectors)
    picked = frame["text"].iloc[choose(model, frame, 2)].tolist()
    assert picked == ["middle", "outlier"]  # the larger group first


def test_near_copies_give_way_to_a_different_sentence():
    probabilities = {"copy a": 0.50, "copy b": 0.50, "copy c": 0.51, "other": 0.55}
    vectors = {"copy a": [1, 0], "copy b": [1, 0.001], "copy c": [1, 0.002], "other": [0, 1]}
    model, frame = corpus(probabilities, vectors)
    picked = set(frame["text"].iloc[choose(model, frame, 2)])
    assert "other" in picked and len(picked & {"copy a", "copy b", "copy c"}) == 1


def test_labelled_sentences_are_never_asked_again_and_cover_their_kind():
    # Two kinds of sentence; one of the first kind is labelled already: one more pick goes to the second kind.
    vectors = {"war a": [1, 0], "war b": [1, 0.05], "war c": [1, -0.05], "trade a": [0, 1], "trade b": [0.05, 1]}
    model, frame = corpus({text: 0.5 for text in vectors}, vectors)
    labelled = frame["text"].eq("war a").to_numpy()
    assert frame["text"].iloc[choose(model, frame, 1, labelled=labelled)].tolist()[0].startswith("trade")
    assert "war a" not in set(frame["text"].iloc[choose(model, frame, 5, labelled=labelled)])


def test_a_row_with_no_text_is_never_offered():
    vectors = {"": [5, 5], "a": [1, 0], "b": [0, 1], "c": [1, 1]}
    model, frame = corpus({text: 0.5 for text in vectors}, vectors)
    assert "" not in set(frame["text"].iloc[choose(model, frame, 4)])


def test_when_groups_run_short_a_twin_of_a_labelled_sentence_comes_last():
    # Identical vectors leave groups empty; of the fill-ins, the sentence whose group a label covers goes last.
    vectors = {"done": [1, 0], "twin": [1, 0], "o1": [0, 1], "o2": [0, 1], "o3": [0, 1]}
    model, frame = corpus({text: 0.5 for text in vectors}, vectors)
    picked = frame["text"].iloc[choose(model, frame, 4, labelled=frame["text"].eq("done").to_numpy())].tolist()
    assert picked[-1] == "twin" and set(picked[:3]) == {"o1", "o2", "o3"}


def test_asking_for_more_than_there_is_gives_everything_once():
    model, frame = corpus({"a": 0.2, "b": 0.4, "c": 0.9}, {"a": [1, 0], "b": [0, 1], "c": [1, 1]})
    assert sorted(choose(model, frame, 10).tolist()) == [0, 1, 2]
    assert sorted(choose(model, frame, 10, labelled=np.array([False, True, False])).tolist()) == [0, 2]
    assert choose(model, frame, 0).tolist() == []


def test_identical_sentences_still_give_as_many_picks_as_asked_and_no_warning(recwarn):
    model, frame = corpus({"same": 0.5, "also same": 0.5, "other": 0.5}, {"same": [1, 0], "also same": [1, 0], "other": [1, 0]})
    assert sorted(choose(model, frame, 3).tolist()) == [0, 1, 2]
    assert not [warning for warning in recwarn if "distinct clusters" in str(warning.message)]


def test_a_large_corpus_is_grouped_from_samples_and_still_gives_n_distinct_unlabelled_picks(monkeypatch):
    monkeypatch.setattr("stance.suggest.MAX_GROUPED", 30)
    monkeypatch.setattr("stance.suggest.MAX_COVERING", 5)
    rng = np.random.default_rng(1)
    texts = [f"sentence {i}" for i in range(200)]
    model, frame = corpus({text: 0.5 for text in texts}, {text: list(rng.normal(size=3)) for text in texts})
    labelled = np.arange(200) < 40
    picks = choose(model, frame, 10, labelled=labelled)
    assert len(set(picks.tolist())) == 10 and picks.min() >= 40 and picks.max() < 200


def test_suggestions_are_in_the_labels_format_with_an_empty_labels_column(tmp_path):
    model, frame = corpus({"a": 0.45, "b": 0.9, "c": 0.1}, {"a": [1, 0], "b": [0, 1], "c": [1, 1]})
    table = suggestion_table(model, frame, 3)
    assert list(table.columns[:5]) == ["id", "source", "text", "labels", "provenance"]
    assert (table["labels"] == "").all() and (table["provenance"] == "user").all()
    row = table.set_index("text").loc["a"]
    assert row["model_guess"] == ""  # 0.45 is under the threshold
    assert row["model_blames_seoul"] == pytest.approx(0.45)
    assert table.set_index("text").loc["b", "model_guess"] == "blames_seoul"


def test_suggestions_read_back_as_labelled_sentences_once_filled_in(tmp_path):
    from stance.labels import read_labelled

    model, frame = corpus({"a": 0.45, "b": 0.6, "c": 0.1}, {"a": [1, 0], "b": [0, 1], "c": [1, 1]})
    table = suggestion_table(model, frame, 3)
    table["labels"] = ["blames_seoul", "blames_seoul", "blames_seoul"]
    path = tmp_path / "suggested.csv"
    table.to_csv(path, index=False)
    data = read_labelled([path], ("blames_seoul",))
    assert data.Y[:, 0].tolist() == [1, 1, 1]
