"""stance.model: per-label linear models with learned thresholds, on a tiny synthetic labelled set."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from conftest import TINY_LABELS, tiny_matrix
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks

from stance.features import StanceFeatures
from stance.model import THRESHOLD_GRID, StanceClassifier, best_threshold

UNSEEN = [
    "Analysts said the decision by Seoul was mistaken.",  # 'mistaken' + Seoul, wording never seen
    "Extending the pact is crucial, the minister said.",  # 'crucial' + extend
    "The delegates had lunch at noon.",  # nothing
]


# -- learning -----------------------------------------------------------------------------------------------


def test_learned_labels_are_predicted_on_unseen_sentences(tiny_model):
    predicted = tiny_model.predict(UNSEEN)
    assert tiny_model.labels == TINY_LABELS
    assert predicted.tolist() == [[1, 0], [0, 1], [0, 0]]


def test_probability_of_the_learned_label_is_highest_on_its_sentence(tiny_model):
    probabilities = tiny_model.predict_proba(UNSEEN)
    assert probabilities.shape == (3, 2)
    assert ((probabilities >= 0) & (probabilities <= 1)).all()
    seoul, extension = TINY_LABELS.index("blames_seoul"), TINY_LABELS.index("pro_extension")
    assert probabilities[0, seoul] > probabilities[0, extension]
    assert probabilities[1, extension] > probabilities[1, seoul]
    assert probabilities[0, seoul] > probabilities[2, seoul]


def test_fit_learns_one_threshold_per_label_from_the_grid(tiny_model):
    assert tiny_model.thresholds_.shape == (2,)
    assert all(np.isclose(THRESHOLD_GRID, value).any() for value in tiny_model.thresholds_)


def test_dataframe_input_gives_the_same_probabilities_as_a_list(tiny_model):
    import pandas as pd

    frame = pd.DataFrame({"id": ["a", "b", "c"], "text": UNSEEN})
    np.testing.assert_array_equal(tiny_model.predict_proba(frame), tiny_model.predict_proba(UNSEEN))


def test_fit_with_groups_keeps_sources_whole_and_still_learns(tiny_lexicon):
    texts, Y = tiny_matrix()
    groups = [f"source-{index % 3}" for index in range(len(texts))]
    model = StanceClassifier(labels=TINY_LABELS, features=StanceFeatures(lexicon=tiny_lexicon, min_df=1), threshold_folds=3)
    model.fit(texts, Y, groups=groups)
    assert model.predict(UNSEEN[:2]).tolist() == [[1, 0], [0, 1]]


def test_fit_does_not_touch_the_features_parameter(tiny_lexicon):
    template = StanceFeatures(lexicon=tiny_lexicon, min_df=1)
    texts, Y = tiny_matrix()
    model = StanceClassifier(labels=TINY_LABELS, features=template).fit(texts, Y)
    assert model.features is template
    assert not hasattr(template, "meaning_names_")  # it was cloned, not fitted in place
    assert hasattr(model.features_, "meaning_names_")


@pytest.mark.parametrize(
    "labels, Y, message",
    [
        (TINY_LABELS, np.zeros((3, 2), dtype=int), "rows"),
        (("blames_seoul",), None, "columns"),
    ],
    ids=["wrong-row-count", "labels-do-not-match-columns"],
)
def test_fit_refuses_a_target_that_does_not_fit_the_data(tiny_lexicon, labels, Y, message):
    texts, full_Y = tiny_matrix()
    with pytest.raises(ValueError, match=message):
        StanceClassifier(labels=labels, features=StanceFeatures(lexicon=tiny_lexicon)).fit(
            texts, full_Y if Y is None else Y
        )


def test_predict_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        StanceClassifier(labels=TINY_LABELS).predict_proba(["Seoul erred."])


# -- thresholds ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("thresholds", [(0.5, 0.5), (0.05, 0.95), (0.95, 0.05), (0.3, 0.7)])
def test_predict_is_probability_at_or_above_each_labels_threshold(tiny_model, thresholds):
    model = copy.deepcopy(tiny_model)  # the shared fitted model stays untouched
    model.thresholds_ = np.array(thresholds)
    sentences = UNSEEN + tiny_matrix()[0]
    probabilities = model.predict_proba(sentences)
    expected = np.column_stack([probabilities[:, column] >= thresholds[column] for column in range(2)]).astype(int)
    np.testing.assert_array_equal(model.predict(sentences), expected)


def test_threshold_above_every_probability_predicts_nothing_and_below_predicts_everything(tiny_model):
    model = copy.deepcopy(tiny_model)
    model.thresholds_ = np.array([1.01, -0.01])
    predicted = model.predict(UNSEEN)
    assert predicted[:, 0].tolist() == [0, 0, 0]
    assert predicted[:, 1].tolist() == [1, 1, 1]


@pytest.mark.parametrize(
    "y_true, scores, expected",
    [
        # F1 is 1 for any threshold in (0.2, 0.3]; grid values 0.225 … 0.3; the tie goes to the one nearest 0.5.
        ([1, 1, 0, 0], [0.9, 0.3, 0.2, 0.1], 0.3),
        # F1 is 1 for any threshold in (0.6, 0.8]; 0.625 is nearest 0.5 among them.
        ([1, 0, 0, 0], [0.8, 0.6, 0.4, 0.1], 0.625),
        # Positives score 0.12 and 0.15, negatives at most 0.06: F1 is 1 on (0.06, 0.12] -> grid 0.075, 0.1.
        ([1, 1, 0, 0, 0], [0.12, 0.15, 0.06, 0.02, 0.0], 0.1),
        # Taking all positives costs one false positive (F1 0.8) vs missing one (F1 0.67): threshold <= 0.4.
        ([1, 1, 0], [0.9, 0.4, 0.4], 0.4),
    ],
)
def test_best_threshold_picks_the_f1_maximising_grid_value(y_true, scores, expected):
    assert best_threshold(np.array(y_true), np.array(scores)) == pytest.approx(expected)


def test_best_threshold_without_positives_is_the_default():
    assert best_threshold(np.array([0, 0, 0]), np.array([0.9, 0.1, 0.5]), default=0.5) == 0.5


def test_best_threshold_returns_a_grid_value():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, size=50)
    scores = rng.random(50)
    value = best_threshold(y_true, scores)
    assert np.isclose(THRESHOLD_GRID, value).any()


def test_best_threshold_with_weights_follows_the_heavier_sentences():
    # Unweighted, taking both positives (threshold <= 0.4) is best. When the negative at 0.4 counts
    # ten times, a false positive there costs more than the missed positive: the threshold rises above 0.4.
    y_true, scores = np.array([1, 1, 0]), np.array([0.9, 0.4, 0.4])
    assert best_threshold(y_true, scores) <= 0.4
    assert best_threshold(y_true, scores, weights=np.array([1.0, 1.0, 10.0])) > 0.4


# -- the user's labels ---------------------------------------------------------------------------------------


def test_user_weight_makes_the_users_own_labels_count_more(tiny_lexicon):
    import pandas as pd

    texts, Y = tiny_matrix()
    # The user labels a wording the training data never used: 'zorblat' sentences are pro-extension.
    user = ["Zorblat talks resumed in the capital.", "Zorblat envoys met again.", "Zorblat delegates spoke."]
    frame = pd.DataFrame(
        {"text": texts + user, "provenance": ["seed"] * len(texts) + ["user"] * len(user)}
    )
    Y = np.vstack([Y, [[0, 1]] * len(user)])
    extension = TINY_LABELS.index("pro_extension")

    def probability(weight: float) -> float:
        features = StanceFeatures(lexicon=tiny_lexicon, min_df=1)
        model = StanceClassifier(labels=TINY_LABELS, features=features, user_weight=weight).fit(frame, Y)
        return model.predict_proba(["Zorblat officials arrived."])[0, extension]

    assert probability(10.0) > probability(1.0) + 0.05


def test_user_weight_changes_nothing_without_user_rows(tiny_lexicon, tiny_model):
    texts, Y = tiny_matrix()
    features = StanceFeatures(lexicon=tiny_lexicon, min_df=1)
    heavy = StanceClassifier(labels=TINY_LABELS, features=features, user_weight=10.0).fit(texts, Y)
    np.testing.assert_array_equal(heavy.predict_proba(UNSEEN), tiny_model.predict_proba(UNSEEN))
    np.testing.assert_array_equal(heavy.thresholds_, tiny_model.thresholds_)


# -- explain ----------------------------------------------------------------------------------------------------


def test_explain_names_features_of_the_sentence_per_label(tiny_model):
    (explanation,) = tiny_model.explain(["Analysts said the decision by Seoul was mistaken."], top=3)
    assert set(explanation) == set(TINY_LABELS)
    seoul = explanation["blames_seoul"]
    assert 0 < len(seoul) <= 3
    names = [name for name, _ in seoul]
    assert any("mistaken" in name or "mistak" in name or "south_korea" in name for name in names)
    assert all(abs(a[1]) >= abs(b[1]) for a, b in zip(seoul, seoul[1:]))  # strongest first


# -- scikit-learn contract -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "check",
    ["check_no_attributes_set_in_init", "check_get_params_invariance", "check_set_params",
     "check_parameters_default_constructible", "check_estimator_cloneable"],
)
def test_classifier_passes_scikit_learn_api_check(check):
    getattr(estimator_checks, check)("StanceClassifier", StanceClassifier(labels=TINY_LABELS))


def test_clone_keeps_parameters_and_drops_fitted_state(tiny_model):
    copy = clone(tiny_model)
    assert copy.labels == tiny_model.labels and copy.C == tiny_model.C
    assert copy.features.get_params() == tiny_model.features.get_params()
    assert not hasattr(copy, "estimators_")
