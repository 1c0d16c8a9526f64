"""stance.evaluate and stance.baselines: leave-one-source-out never trains on the held-out source,
per-label scores, and the two reference models on toy data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator

from stance.baselines import KeywordRules, PlainEmbeddings, PlainNgrams
from stance.evaluate import adaptation_curve, format_table, leave_one_source_out, out_of_source_predictions, score
from stance.labels import LabelledSentences


class SpyEstimator(BaseEstimator):
    """Records the sources of every fit and predict call (on the class: ``clone`` copies instances).

    Its prediction for a row says whether the model predicting it was trained on 'alpha', so the
    test can also see which fold's model answered for which rows.
    """

    calls: list[tuple[str, frozenset[str], frozenset[str]]] = []

    def __init__(self, n_labels: int = 1):
        self.n_labels = n_labels

    def fit(self, X, Y, groups=None):
        self.trained_on_ = frozenset(groups)
        assert frozenset(X["source"]) == self.trained_on_  # the rows and the groups agree
        assert len(Y) == len(X)
        SpyEstimator.calls.append(("fit", self.trained_on_, frozenset()))
        return self

    def predict_proba(self, X):
        SpyEstimator.calls.append(("predict", self.trained_on_, frozenset(X["source"])))
        return np.full((len(X), self.n_labels), 1.0 if "alpha" in self.trained_on_ else 0.0)

    def predict(self, X):
        return (self.predict_proba(X) >= 0.5).astype(int)


@pytest.fixture()
def spy():
    SpyEstimator.calls = []
    yield SpyEstimator
    SpyEstimator.calls = []


def labelled_sentences(texts, sources, Y, label_names=("x",)) -> LabelledSentences:
    frame = pd.DataFrame({"text": list(texts), "source": list(sources)})
    return LabelledSentences(frame=frame, Y=np.asarray(Y, dtype=int), label_names=tuple(label_names))


THREE_SOURCES = labelled_sentences(
    texts=[f"sentence {i}" for i in range(7)],
    sources=["alpha", "beta", "gamma", "alpha", "beta", "gamma", "gamma"],
    Y=[[1], [0], [1], [0], [1], [0], [1]],
)


# -- leave-one-source-out ---------------------------------------------------------------------------------


def test_out_of_source_predictions_never_train_on_the_held_out_source(spy):
    out_of_source_predictions(SpyEstimator(), THREE_SOURCES)
    fits = [trained for kind, trained, _ in spy.calls if kind == "fit"]
    predictions = [(trained, predicted) for kind, trained, predicted in spy.calls if kind == "predict"]
    assert sorted(map(sorted, fits)) == [["alpha", "beta"], ["alpha", "gamma"], ["beta", "gamma"]]
    assert predictions, "the spy was never asked to predict"
    for trained, predicted in predictions:
        assert len(predicted) == 1 and not (trained & predicted), (trained, predicted)


def test_each_sentence_gets_the_prediction_of_the_model_that_left_its_source_out(spy):
    predictions, probabilities, sources = out_of_source_predictions(SpyEstimator(), THREE_SOURCES)
    assert sources == ["alpha", "beta", "gamma"]
    # Only the model holding out 'alpha' was trained without it, and it alone answers 0.
    expected = [[0 if source == "alpha" else 1] for source in THREE_SOURCES.frame["source"]]
    assert predictions.tolist() == expected
    assert probabilities.tolist() == [[float(value) for value in row] for row in expected]


@pytest.mark.parametrize("sources", [["alpha"] * 4, ["", "", "", ""], ["alpha", "alpha", "", "alpha"]])
def test_leave_one_source_out_refuses_data_without_two_named_sources(sources):
    data = labelled_sentences(["a", "b", "c", "d"], sources, [[1], [0], [1], [0]])
    with pytest.raises(ValueError, match="source"):
        leave_one_source_out({"spy": SpyEstimator()}, data)


def test_leave_one_source_out_with_one_source_says_it_needs_two():
    data = labelled_sentences(["a", "b", "c", "d"], ["alpha"] * 4, [[1], [0], [1], [0]])
    with pytest.raises(ValueError, match="at least two sources; found 1"):
        leave_one_source_out({"spy": SpyEstimator()}, data)


def test_leave_one_source_out_reports_progress_once_per_model_in_order(spy):
    seen = []
    results = leave_one_source_out({"first": SpyEstimator(), "second": SpyEstimator()}, THREE_SOURCES, seen.append)
    assert seen == ["first", "second"]
    assert [result.model for result in results] == ["first", "second"]
    assert all(result.folds == ["alpha", "beta", "gamma"] for result in results)


# -- scores ------------------------------------------------------------------------------------------------


def test_score_gives_per_label_precision_recall_f1_and_support_of_a_hand_made_example():
    Y = np.array([[1, 0], [1, 1], [0, 1], [0, 0]])
    predicted = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
    # Label a: one hit (row 0), one miss (row 1), one false alarm (row 2) -> P = R = F1 = 1/2, support 2.
    # Label b: rows 1 and 2 both right, nothing else predicted -> P = R = F1 = 1, support 2.
    result = score("toy", Y, predicted, ["a", "b"], ["s1", "s2"])
    a, b = result.per_label["a"], result.per_label["b"]
    assert (a.precision, a.recall, a.f1, a.support) == (0.5, 0.5, 0.5, 2)
    assert (b.precision, b.recall, b.f1, b.support) == (1.0, 1.0, 1.0, 2)
    assert result.macro_f1 == pytest.approx(0.75)
    assert result.as_dict() == {
        "model": "toy",
        "macro_f1": 0.75,
        "held_out_sources": ["s1", "s2"],
        "per_label": {
            "a": {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2},
            "b": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2},
        },
    }


def test_score_of_a_label_never_predicted_is_zero_not_an_error():
    Y = np.array([[1, 0], [1, 1], [0, 1]])
    predicted = np.array([[0, 0], [0, 1], [0, 1]])
    result = score("silent", Y, predicted, ["a", "b"], [])
    a, b = result.per_label["a"], result.per_label["b"]
    assert (a.precision, a.recall, a.f1, a.support) == (0.0, 0.0, 0.0, 2)
    assert (b.precision, b.recall, b.f1, b.support) == (1.0, 1.0, 1.0, 2)


def test_score_of_a_one_label_schema_scores_the_label_not_its_absence():
    Y = np.array([[1], [1], [0], [0]])
    predicted = np.array([[1], [0], [0], [0]])
    # The label: one of two positives found, no false alarm -> P = 1, R = 1/2, F1 = 2/3, support 2.
    # (Its absence would score P = 2/3, R = 1, F1 = 0.8.)
    scores = score("one label", Y, predicted, ["a"], []).per_label["a"]
    assert (scores.precision, scores.recall, scores.support) == (1.0, 0.5, 2)
    assert scores.f1 == pytest.approx(2 / 3)


def test_format_table_shows_every_model_and_label_with_three_decimals():
    result = score("toy", np.array([[1, 0], [0, 1]]), np.array([[1, 0], [1, 1]]), ["a", "b"], ["s1", "s2"])
    table = format_table([result], ["a", "b"])
    assert table.startswith("Leave-one-source-out (s1, s2 held out in turn)")
    assert "toy   macro-F1 0.833" in table  # a: P 1/2, R 1 -> F1 2/3; b: 1.0
    assert any(line.split() == ["a", "0.500", "1.000", "0.667", "1"] for line in table.splitlines())


# -- baselines ---------------------------------------------------------------------------------------------

KEYWORDS = {"pro_extension": ["extend", "raise risk"], "blames_seoul": ["undermining trust"]}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Both sides want to extend the pact.", [1, 0]),
        ("They extended it for a year.", [1, 0]),
        ("Extending it would be wise.", [1, 0]),
        ("Quitting raises risks in the region.", [1, 0]),  # a two-word keyword, both words inflected
        ("Seoul undermined trust, Tokyo said.", [0, 1]),
        ("The extent of the damage is unclear.", [0, 0]),  # shares letters, not the stem
        ("Quitting raises the risk.", [0, 0]),  # the keyword's words must be adjacent
        ("Trust was undermined.", [0, 0]),  # ... and in order
        ("The ministers met on Friday.", [0, 0]),
    ],
)
def test_keyword_rules_fire_on_a_keywords_inflected_forms_and_not_otherwise(sentence, expected):
    rules = KeywordRules(labels=("pro_extension", "blames_seoul"), keywords=KEYWORDS).fit([sentence])
    assert rules.predict([sentence]).tolist() == [expected]
    assert rules.predict_proba([sentence]).tolist() == [[float(value) for value in expected]]


def test_keyword_rules_without_keywords_for_a_label_never_fire_it():
    rules = KeywordRules(labels=("pro_extension", "blames_tokyo"), keywords={"pro_extension": ["extend"]}).fit(None)
    assert rules.predict(["Extend it.", "Tokyo retaliated."]).tolist() == [[1, 0], [0, 0]]


ALPHA_BETA = [
    ("alpha one", [1, 0]), ("alpha two", [1, 0]), ("alpha three", [1, 0]), ("alpha four", [1, 0]),
    ("beta one", [0, 1]), ("beta two", [0, 1]), ("beta three", [0, 1]), ("beta four", [0, 1]),
]


def test_plain_ngrams_learns_a_trivially_separable_toy_label():
    texts, Y = zip(*ALPHA_BETA)
    model = PlainNgrams(labels=("has_alpha", "has_beta")).fit(list(texts), np.array(Y))
    assert model.predict(["alpha five", "beta five", "alpha"]).tolist() == [[1, 0], [0, 1], [1, 0]]
    probabilities = model.predict_proba(["alpha five"])
    assert probabilities.shape == (1, 2)
    assert probabilities[0, 0] > 0.5 > probabilities[0, 1]


def test_plain_ngrams_scores_perfectly_out_of_source_when_the_cue_is_shared_by_sources():
    texts, Y = zip(*ALPHA_BETA)
    data = labelled_sentences(texts, ["s1", "s2"] * 4, Y, label_names=("has_alpha", "has_beta"))
    [result] = leave_one_source_out({"ngrams": PlainNgrams(labels=("has_alpha", "has_beta"))}, data)
    assert result.folds == ["s1", "s2"]
    assert result.macro_f1 == 1.0


@pytest.mark.parametrize("baseline", [PlainNgrams, PlainEmbeddings], ids=["ngrams", "embeddings"])
def test_a_baseline_trained_without_any_positive_of_a_label_predicts_that_label_never(baseline):
    texts = ["alpha one", "alpha two", "beta one", "beta two"]
    Y = np.array([[1, 0], [1, 0], [0, 0], [0, 0]])
    model = baseline(labels=("has_alpha", "never_seen")).fit(texts, Y)
    probabilities = model.predict_proba(["alpha three", "beta three"])
    assert probabilities[:, 1].tolist() == [0.0, 0.0]
    assert probabilities[0, 0] > probabilities[1, 0]


# -- adaptation ---------------------------------------------------------------------------------------------


class TextSpy(BaseEstimator):
    """Records the sentences of every fit and predict, and the provenance of those it was fitted on."""

    fitted: list[tuple[frozenset[str], frozenset[str]]] = []
    predicted: list[tuple[frozenset[str], frozenset[str]]] = []

    def fit(self, X, Y, groups=None):
        self.trained_on_ = frozenset(X["text"])
        users = X.loc[X.get("provenance", pd.Series("", index=X.index)) == "user", "text"]
        TextSpy.fitted.append((self.trained_on_, frozenset(users)))
        return self

    def predict(self, X):
        TextSpy.predicted.append((self.trained_on_, frozenset(X["text"])))
        return np.zeros((len(X), 1), dtype=int)


def first_k(model, frame, k):
    return np.arange(k)


def test_adaptation_never_scores_a_sentence_its_model_was_trained_on_and_marks_added_ones_as_the_users():
    TextSpy.fitted, TextSpy.predicted = [], []
    pool = labelled_sentences([f"new {i}" for i in range(30)], ["new"] * 30, [[i % 2] for i in range(30)])
    points = adaptation_curve(TextSpy(), THREE_SOURCES, pool, first_k, sizes=(0, 10, 20, 25), repeats=2, folds=3)
    # k = 25 is more than the 20 sentences outside any one part: it is left out.
    assert [(p.strategy, p.added) for p in points] == [(s, k) for s in ("suggest", "random") for k in (0, 10, 20)]
    runs = 2 * (1 + 2 * 2)  # each way of picking: k = 0 once, 10 and 20 on each of the two cuts
    assert len(TextSpy.predicted) == runs * 3
    for run in range(runs):
        parts = TextSpy.predicted[3 * run : 3 * run + 3]
        assert frozenset().union(*(scored for _, scored in parts)) == set(pool.frame["text"])  # each run scores all
        for trained_on, scored in parts:
            assert not trained_on & scored
    for trained_on, users in TextSpy.fitted:
        assert users == trained_on - set(THREE_SOURCES.frame["text"])
    assert [len(point.repeat_macro_f1) for point in points] == [1, 2, 2] * 2  # k = 0 is one cut


def test_each_cut_of_the_new_corpus_scores_its_parts_with_other_sentences():
    TextSpy.fitted, TextSpy.predicted = [], []
    pool = labelled_sentences([f"new {i}" for i in range(30)], ["new"] * 30, [[i % 2] for i in range(30)])
    adaptation_curve(TextSpy(), THREE_SOURCES, pool, first_k, sizes=(10,), repeats=3, folds=3)
    suggest_runs = TextSpy.predicted[:9]  # three cuts of three parts, suggest first
    cuts = [frozenset(scored for _, scored in suggest_runs[3 * cut : 3 * cut + 3]) for cut in range(3)]
    assert len(set(cuts)) == 3


def test_the_adaptation_table_gives_each_row_the_range_of_its_cuts():
    from stance.evaluate import AdaptationPoint, format_adaptation

    points = [
        AdaptationPoint("suggest", 0, 0.5, {"a": 0.5}, (0.5,)),
        AdaptationPoint("suggest", 10, 0.6, {"a": 0.6}, (0.55, 0.6, 0.65)),
    ]
    rows = [line.split() for line in format_adaptation(points, ("a",)).splitlines() if line.strip().startswith("suggest")]
    assert rows == [["suggest", "0", "0.500", "–", "0.500"], ["suggest", "10", "0.600", "0.550-0.650", "0.600"]]


def pick_both_kinds(model, frame, k):
    zorblat = frame["text"].str.startswith("Zorblat").to_numpy()
    return np.r_[np.flatnonzero(zorblat)[: k // 2], np.flatnonzero(~zorblat)[: k - k // 2]]


def test_adaptation_curve_rises_when_the_new_corpus_uses_a_wording_training_never_saw(tiny_lexicon):
    from conftest import TINY_LABELS, tiny_matrix

    from stance.features import StanceFeatures
    from stance.model import StanceClassifier

    texts, Y = tiny_matrix()
    training = labelled_sentences(texts, [f"s{i % 3}" for i in range(len(texts))], Y, TINY_LABELS)
    new = [f"Zorblat item {i} is here." for i in range(20)] + [f"Plain note {i} arrived." for i in range(20)]
    pool = labelled_sentences(new, ["new"] * 40, [[0, 1]] * 20 + [[0, 0]] * 20, TINY_LABELS)
    model = StanceClassifier(labels=TINY_LABELS, features=StanceFeatures(lexicon=tiny_lexicon, min_df=1), threshold_folds=3)
    points = adaptation_curve(model, training, pool, pick_both_kinds, sizes=(0, 10))
    by_k = {(p.strategy, p.added): p.per_label["pro_extension"] for p in points}
    assert by_k[("suggest", 10)] > by_k[("suggest", 0)] + 0.3
