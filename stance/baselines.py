"""Three reference models the stance model must beat, run through the same evaluation code.

``KeywordRules`` is what a researcher would do by hand: a label fires when one of
its keywords (from ``schema.toml``) appears. ``PlainNgrams`` is the textbook text
classifier: word n-gram TF-IDF and a logistic regression per label at threshold 0.5.
``PlainEmbeddings`` is the textbook use of a sentence encoder: the same encoder as the
stance model, on the sentence as written, and a logistic regression per label at 0.5.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from stance.encoder import shipped_encoder
from stance.features import as_sentence_frame, stem, tokenize


def _stems(text: str) -> list[str]:
    return [stem(token.lower()) for token in tokenize(text)]


class KeywordRules(ClassifierMixin, BaseEstimator):
    """Label a sentence with every label one of whose keywords it contains (stem match)."""

    def __init__(self, labels=(), keywords=None):
        self.labels = labels
        self.keywords = keywords

    def fit(self, X, Y=None, groups=None):
        keywords = self.keywords or {}
        self.phrases_ = [[_stems(phrase) for phrase in keywords.get(label, [])] for label in self.labels]
        return self

    def _contains(self, stems: list[str], phrase: list[str]) -> bool:
        width = len(phrase)
        return width > 0 and any(stems[i : i + width] == phrase for i in range(len(stems) - width + 1))

    def predict_proba(self, X) -> np.ndarray:
        texts = as_sentence_frame(X)["text"]
        rows = []
        for text in texts:
            stems = _stems(text)
            rows.append([float(any(self._contains(stems, phrase) for phrase in phrases)) for phrases in self.phrases_])
        return np.array(rows).reshape(len(texts), len(self.labels))

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X) >= 0.5).astype(int)


def fit_per_label(matrix, Y) -> list:
    """One class-balanced logistic regression per label column. A column with one class only
    (a small training fold without any positive) keeps that class as its probability, as the
    stance model does, so a baseline never fails where the model it is compared with runs."""
    models: list = []
    for column in np.asarray(Y).T:
        if column.min() == column.max():
            models.append(float(column[0]))
        else:
            models.append(LogisticRegression(class_weight="balanced", max_iter=1000).fit(matrix, column))
    return models


def probabilities_per_label(models: list, matrix) -> np.ndarray:
    return np.column_stack(
        [np.full(matrix.shape[0], model) if isinstance(model, float) else model.predict_proba(matrix)[:, 1] for model in models]
    )


class PlainNgrams(ClassifierMixin, BaseEstimator):
    """TF-IDF of word uni- and bigrams with one class-balanced logistic regression per label.

    Balanced like the stance model, so the comparison isolates the features: unbalanced,
    it predicts no label at all on rare classes and scores a meaningless zero.
    """

    def __init__(self, labels=()):
        self.labels = labels

    def fit(self, X, Y, groups=None):
        texts = as_sentence_frame(X)["text"]
        self.vectorizer_ = TfidfVectorizer(ngram_range=(1, 2)).fit(texts)
        matrix = self.vectorizer_.transform(texts)
        self.estimators_ = fit_per_label(matrix, Y)
        return self

    def predict_proba(self, X) -> np.ndarray:
        return probabilities_per_label(self.estimators_, self.vectorizer_.transform(as_sentence_frame(X)["text"]))

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X) >= 0.5).astype(int)


class PlainEmbeddings(ClassifierMixin, BaseEstimator):
    """Sentence embeddings of the text as written, with one class-balanced logistic regression per label."""

    def __init__(self, labels=()):
        self.labels = labels

    def _embed(self, X) -> np.ndarray:
        return shipped_encoder().encode(as_sentence_frame(X)["text"].tolist())

    def fit(self, X, Y, groups=None):
        matrix = self._embed(X)
        self.estimators_ = fit_per_label(matrix, Y)
        return self

    def predict_proba(self, X) -> np.ndarray:
        return probabilities_per_label(self.estimators_, self._embed(X))

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X) >= 0.5).astype(int)
