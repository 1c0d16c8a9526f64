"""The stance classifier: one linear model per label over :class:`StanceFeatures`, with a
decision threshold per label chosen by cross-validation and stored in the model.

Rare labels get balanced class weights; the thresholds then trade precision for
recall per label, on held-out predictions rather than on the training fit, which a
linear model on a few hundred sentences would overfit. When the training rows
carry their source, the folds keep each source whole, as the evaluation does, so
thresholds are tuned for outlets the model has not seen.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold
from sklearn.utils.validation import check_is_fitted

from stance.features import StanceFeatures, as_sentence_frame
from stance.labels import USER_PROVENANCE
from stance.quantify import Calibration

THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.025), 3)


def best_threshold(
    y_true: np.ndarray, scores: np.ndarray, default: float = 0.5, weights: np.ndarray | None = None
) -> float:
    """The grid threshold with the highest (weighted) F1 on held-out scores; ties go to the one nearest 0.5."""
    weights = np.ones(len(y_true)) if weights is None else np.asarray(weights, dtype=float)
    positives = weights[y_true == 1].sum()
    if positives == 0:
        return default
    best, best_f1 = default, -1.0
    for threshold in sorted(THRESHOLD_GRID, key=lambda value: abs(value - default)):
        predicted = scores >= threshold
        true_positives = weights[predicted & (y_true == 1)].sum()
        f1 = 2 * true_positives / (weights[predicted].sum() + positives)
        if f1 > best_f1 + 1e-12:
            best, best_f1 = float(threshold), f1
    return best


def error_counts(labels, Y_true: np.ndarray, Y_predicted: np.ndarray) -> dict[str, dict[str, int]]:
    """Per label, the confusion counts (tp, fn, fp, tn) of held-out predictions.

    The card shows them, to say where the model errs; like every estimate of its errors
    they must come from sentences the predicting model did not see: out of fold, sources
    kept whole, or a development set.
    """
    counts = {}
    for column, label in enumerate(labels):
        truth, predicted = Y_true[:, column] == 1, np.asarray(Y_predicted[:, column], dtype=bool)
        counts[label] = {
            "tp": int(np.sum(truth & predicted)),
            "fn": int(np.sum(truth & ~predicted)),
            "fp": int(np.sum(~truth & predicted)),
            "tn": int(np.sum(~truth & ~predicted)),
        }
    return counts


UNSURE_BAND = 0.1
"""A sentence is one the model is unsure of when some label's probability lies this close to its threshold."""


def unsure(probabilities: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Per sentence, whether some label's probability lies within :data:`UNSURE_BAND` of its threshold."""
    return (np.abs(probabilities - thresholds) < UNSURE_BAND).any(axis=1)


def unsure_share(probabilities: np.ndarray, thresholds: np.ndarray) -> float:
    """The share of sentences the model is unsure of: a report compares a source's share with the
    training data's (out of fold) to tell a source unlike the training sentences."""
    if len(probabilities) == 0:
        return 0.0
    return float(unsure(probabilities, thresholds).mean())


class StanceClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label stance classifier with learned per-label thresholds.

    ``fit(X, Y, groups=None)`` takes sentences (see :class:`StanceFeatures`) and an
    indicator matrix ``Y`` with one column per name in ``labels``. ``groups`` (the
    source of each sentence) makes the threshold folds leave sources out whole.

    Parameters
    ----------
    labels : tuple of str
        Label names, in the column order of ``Y``.
    features : StanceFeatures or None
        The featuriser to clone and fit; ``None`` means ``StanceFeatures()`` defaults.
    C : float
        Inverse regularisation strength of each logistic regression.
    threshold_folds : int
        Folds for choosing thresholds (at most the number of sources when grouped).
    user_weight : float
        How much a sentence whose ``provenance`` is ``user`` counts, in the fits and in the
        choice of thresholds, against one sentence of the shipped training data. A user labels
        the corpus the model is about to read: a few of those sentences say more about it than
        as many of the sentences written for other outlets (instance weighting for domain
        adaptation, Jiang & Zhai 2007).
    """

    def __init__(
        self, labels=(), features=None, C: float = 1.0, threshold_folds: int = 5, user_weight: float = 1.0
    ):
        self.labels = labels
        self.features = features
        self.C = C
        self.threshold_folds = threshold_folds
        self.user_weight = user_weight

    def _sample_weights(self, frame) -> np.ndarray:
        if "provenance" not in frame:
            return np.ones(len(frame))
        return np.where(frame["provenance"].to_numpy() == USER_PROVENANCE, float(self.user_weight), 1.0)

    def _new_features(self) -> StanceFeatures:
        return clone(self.features) if self.features is not None else StanceFeatures()

    def _fit_models(self, X, Y: np.ndarray, weights: np.ndarray):
        features = self._new_features().fit(X)
        matrix = features.transform(X)
        models: list = []
        for column in range(Y.shape[1]):
            if Y[:, column].min() == Y[:, column].max():
                # One class only (a fold or a small sample without any positive): nothing to
                # learn, so the label's probability is that class.
                models.append(float(Y[0, column]))
            else:
                model = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000)
                models.append(model.fit(matrix, Y[:, column], sample_weight=weights))
        return features, models

    @staticmethod
    def _scores(features, models, X) -> np.ndarray:
        matrix = features.transform(X)
        return np.column_stack(
            [
                np.full(matrix.shape[0], model) if isinstance(model, float) else model.predict_proba(matrix)[:, 1]
                for model in models
            ]
        )

    def _folds(self, n_rows: int, groups):
        if groups is not None and len(set(groups)) >= 2:
            n_splits = min(self.threshold_folds, len(set(groups)))
            return GroupKFold(n_splits=n_splits).split(np.zeros(n_rows), groups=groups)
        return KFold(n_splits=min(self.threshold_folds, n_rows), shuffle=True, random_state=0).split(np.zeros(n_rows))

    def fit(self, X, Y, groups=None):
        """Fit the featuriser and one model per label; pick each label's threshold out of fold."""
        frame = as_sentence_frame(X).reset_index(drop=True)
        Y = np.asarray(Y, dtype=int)
        if Y.ndim != 2 or Y.shape[0] != len(frame):
            raise ValueError(f"Y must be an indicator matrix with {len(frame)} rows")
        if len(self.labels) != Y.shape[1]:
            raise ValueError(f"labels names {len(self.labels)} columns but Y has {Y.shape[1]}")
        weights = self._sample_weights(frame)
        out_of_fold = np.full(Y.shape, np.nan)
        for train, test in self._folds(len(frame), groups):
            features, models = self._fit_models(frame.iloc[train], Y[train], weights[train])
            out_of_fold[test] = self._scores(features, models, frame.iloc[test])
        scored = ~np.isnan(out_of_fold[:, 0])
        self.thresholds_ = np.array(
            [
                best_threshold(Y[scored, column], out_of_fold[scored, column], weights=weights[scored])
                for column in range(Y.shape[1])
            ]
        )
        self.error_counts_ = error_counts(self.labels, Y[scored], out_of_fold[scored] >= self.thresholds_)
        # Platt scaling of the held-out probabilities, what a report averages to estimate a share:
        # weighted as the fits are, its uncertainty clustered by source.
        sources = None if groups is None else np.asarray(groups)[scored]
        self.calibration_ = np.array(
            [
                Calibration.fit(out_of_fold[scored, column], Y[scored, column], weights[scored], sources).as_array()
                for column in range(Y.shape[1])
            ]
        )
        self.unsure_share_ = unsure_share(out_of_fold[scored], self.thresholds_)
        self.features_, self.estimators_ = self._fit_models(frame, Y, weights)
        self.n_sentences_ = len(frame)
        self.classes_ = np.asarray(self.labels, dtype=object)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Probability of each label (columns in ``labels`` order)."""
        check_is_fitted(self, "estimators_")
        return self._scores(self.features_, self.estimators_, as_sentence_frame(X))

    def predict(self, X) -> np.ndarray:
        """Indicator matrix: each label whose probability reaches its threshold."""
        return (self.predict_proba(X) >= self.thresholds_).astype(int)

    def explain(self, X, top: int = 3) -> list[dict[str, list[tuple[str, float]]]]:
        """Per sentence and label, the features that pushed the decision most (weight x value)."""
        check_is_fitted(self, "estimators_")
        matrix = self.features_.transform(as_sentence_frame(X)).tocsr()
        names = self.features_.get_feature_names_out()
        explanations = []
        for row in range(matrix.shape[0]):
            start, end = matrix.indptr[row], matrix.indptr[row + 1]
            columns, values = matrix.indices[start:end], matrix.data[start:end]
            per_label = {}
            for label, model in zip(self.labels, self.estimators_):
                if isinstance(model, float):
                    per_label[label] = []
                    continue
                contributions = model.coef_[0, columns] * values
                order = np.argsort(-np.abs(contributions))[:top]
                per_label[label] = [(str(names[columns[i]]), float(contributions[i])) for i in order]
            explanations.append(per_label)
        return explanations
