"""Leave-one-source-out evaluation: train on every source but one, test on that one.

A random split would put sentences of the same article on both sides and reward a
model for learning an outlet's vocabulary. Holding out a whole source asks the
question users care about: how well does it label an outlet it has never seen?
Predictions of all held-out folds are pooled before scoring, so each sentence counts
once and a small source does not swing the mean.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import precision_recall_fscore_support

from stance.labels import USER_PROVENANCE, WRITTEN_PROVENANCE, LabelledSentences


@dataclass(frozen=True)
class LabelScores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Evaluation:
    """Pooled held-out scores of one model."""

    model: str
    per_label: dict[str, LabelScores]
    folds: list[str] = field(default_factory=list)

    @property
    def macro_f1(self) -> float:
        return float(np.mean([scores.f1 for scores in self.per_label.values()]))

    def as_dict(self) -> dict:
        return {
            "model": self.model,
            "macro_f1": round(self.macro_f1, 4),
            "held_out_sources": self.folds,
            "per_label": {
                name: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "support": s.support,
                }
                for name, s in self.per_label.items()
            },
        }


def out_of_source_predictions(
    estimator, data: LabelledSentences, held_out: list[str] | None = None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Held-out predictions and probabilities for every sentence, each from a model that never saw its source.

    ``held_out`` limits the folds to those sources (the others are always trained on, and
    their rows keep zeros): scoring only real sentences needs only their sources' folds.
    """
    groups = data.groups
    if groups is None:
        raise ValueError("leave-one-source-out needs a 'source' for every sentence")
    if len(set(groups)) < 2:
        raise ValueError(f"leave-one-source-out needs at least two sources; found {len(set(groups))}")
    sources = sorted(set(groups) if held_out is None else held_out)
    predictions = np.zeros_like(data.Y)
    probabilities = np.zeros(data.Y.shape, dtype=float)
    for source in sources:
        test = groups == source
        train = ~test
        model = clone(estimator).fit(data.frame[train], data.Y[train], groups=groups[train])
        probabilities[test] = model.predict_proba(data.frame[test])
        predictions[test] = model.predict(data.frame[test])
    return predictions, probabilities, sources


def score(name: str, Y: np.ndarray, predictions: np.ndarray, label_names, folds: list[str]) -> Evaluation:
    per_label = {}
    for column, label in enumerate(label_names):
        # Column by column: with a single label, a one-column Y would otherwise be read as a
        # binary target and scored for the label's absence.
        p, r, f, _ = precision_recall_fscore_support(
            Y[:, column], predictions[:, column], average="binary", zero_division=0
        )
        per_label[label] = LabelScores(float(p), float(r), float(f), int(Y[:, column].sum()))
    return Evaluation(model=name, per_label=per_label, folds=folds)


def leave_one_source_out(
    models: dict[str, object],
    data: LabelledSentences,
    progress: Callable[[str], None] | None = None,
    real_only: bool = False,
) -> list[Evaluation]:
    """Evaluate each named model by leave-one-source-out on the same folds.

    With ``real_only`` every source is still held out in turn, but only the real
    sentences (see :func:`real_rows`) are scored; where none is real (a new story's
    first labels, all written by hand), every sentence is.
    """
    rows = real_rows(data) if real_only else np.ones(len(data.frame), dtype=bool)
    if not rows.any():
        rows = np.ones(len(data.frame), dtype=bool)
    held_out = sorted(set(data.groups[rows])) if data.groups is not None else None
    results = []
    for name, estimator in models.items():
        if progress:
            progress(name)
        predictions, _, sources = out_of_source_predictions(estimator, data, held_out)
        results.append(score(name, data.Y[rows], predictions[rows], data.label_names, sources))
    return results


@dataclass(frozen=True)
class CurvePoint:
    fraction: float
    mean_training_sentences: float
    macro_f1: float


def learning_curve(
    estimator, data: LabelledSentences, fractions=(0.25, 0.5, 0.75, 1.0), seed: int = 0
) -> list[CurvePoint]:
    """Leave-one-source-out macro-F1 when each fold trains on only a fraction of its sentences.

    If the curve still rises at 1.0, more labels would likely still help.
    """
    groups = data.groups
    if groups is None:
        raise ValueError("a learning curve needs a 'source' for every sentence")
    sources = sorted(set(groups))
    rng = np.random.default_rng(seed)
    points = []
    for fraction in fractions:
        predictions = np.zeros_like(data.Y)
        sizes = []
        for source in sources:
            test = np.flatnonzero(groups == source)
            train = np.flatnonzero(groups != source)
            size = max(2, int(round(fraction * len(train))))
            sample = np.sort(rng.choice(train, size=min(size, len(train)), replace=False))
            sizes.append(len(sample))
            model = clone(estimator).fit(data.frame.iloc[sample], data.Y[sample], groups=groups[sample])
            predictions[test] = model.predict(data.frame.iloc[test])
        scores = score("stance", data.Y, predictions, data.label_names, sources)
        points.append(CurvePoint(fraction, float(np.mean(sizes)), scores.macro_f1))
    return points


def format_curve(points: list[CurvePoint]) -> str:
    lines = ["Learning curve (leave-one-source-out, each fold trained on a fraction of its sentences)", ""]
    lines.append(f"  {'fraction':>8}{'sentences':>11}{'macro-F1':>10}")
    for point in points:
        lines.append(f"  {point.fraction:>8.2f}{point.mean_training_sentences:>11.0f}{point.macro_f1:>10.3f}")
    return "\n".join(lines) + "\n"


def format_table(results: list[Evaluation], label_names, title: str | None = None) -> str:
    """A plain-text table under ``title`` (by default, the held-out sources): one block per model,
    a row per label, then macro-F1."""
    if title is None:
        title = f"Leave-one-source-out ({', '.join(results[0].folds)} held out in turn)" if results else ""
    lines = [title, ""]
    for result in results:
        lines.append(f"{result.model}   macro-F1 {result.macro_f1:.3f}")
        lines.append(f"  {'label':<18}{'precision':>10}{'recall':>8}{'F1':>8}{'support':>9}")
        for name in label_names:
            s = result.per_label[name]
            lines.append(f"  {name:<18}{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>8.3f}{s.support:>9}")
        lines.append("")
    return "\n".join(lines)


def real_rows(data: LabelledSentences) -> np.ndarray:
    """Rows labelled on real text (seed or user sentences), as opposed to sentences the team wrote.

    A figure measured on written or counterfactual sentences says how well the model
    imitates its writers; only this part says how it does on real coverage.
    """
    if "provenance" not in data.frame:
        return np.ones(len(data.frame), dtype=bool)
    return ~data.frame["provenance"].isin(WRITTEN_PROVENANCE).to_numpy()


def on_held_out_set(
    models: dict[str, object],
    training: LabelledSentences,
    held_out: LabelledSentences,
    progress: Callable[[str], None] | None = None,
) -> list[Evaluation]:
    """Fit each model on all the training data and score it on a set it never saw (the development set)."""
    results = []
    sources = sorted(set(held_out.frame["source"])) if "source" in held_out.frame else []
    for name, estimator in models.items():
        if progress:
            progress(f"{name} on the development set")
        model = clone(estimator).fit(training.frame, training.Y, groups=training.groups)
        results.append(score(name, held_out.Y, model.predict(held_out.frame), held_out.label_names, sources))
    return results


@dataclass(frozen=True)
class AdaptationPoint:
    strategy: str
    added: int
    macro_f1: float
    per_label: dict[str, float]
    repeat_macro_f1: tuple[float, ...]
    """The macro-F1 of each cut of the new corpus: their spread says how much of a difference is noise."""


ADAPTATION_FOLDS = 3
"""The new corpus is cut in this many parts: the labels are picked from the others, each part is scored."""
ADAPTATION_REPEATS = 3
"""Cuts of the new corpus, each shuffled otherwise, averaged: one cut of a few hundred sentences
moves macro-F1 by several hundredths on its own."""


def adaptation_curve(
    estimator,
    training: LabelledSentences,
    pool: LabelledSentences,
    choose: Callable[[object, object, int], np.ndarray],
    sizes=(0, 10, 25, 50, 100),
    repeats: int = ADAPTATION_REPEATS,
    folds: int = ADAPTATION_FOLDS,
    progress: Callable[[str], None] | None = None,
) -> list[AdaptationPoint]:
    """How a model learns from its user's labels: add ``k`` labelled sentences of a new corpus
    (``pool``) to the training data, as the user's, and score the corpus.

    The pool is cut into ``folds`` parts (shuffled with a fixed seed, ``repeats`` times over).
    For each part, ``k`` sentences are picked from the other parts, the way ``stance suggest``
    picks them (``choose(model, candidates, k)`` returns row positions) or at random, and the
    part is scored by the model trained with them. Every ``k`` and both ways of picking are so
    scored on the same sentences, all of the pool, none by a model that saw it: scoring only
    what was not picked would flatter whichever way picks the hardest sentences.
    """
    if repeats < 1 or folds < 2:
        raise ValueError(f"adaptation needs at least one cut and two parts, not {repeats} and {folds}")
    first = clone(estimator).fit(training.frame, training.Y, groups=training.groups)
    cuts = [np.random.default_rng(repeat).permutation(len(pool.frame)) % folds for repeat in range(repeats)]
    largest = int(np.min([np.sum(cuts[0] != part) for part in range(folds)]))
    points = []
    for strategy in ("suggest", "random"):
        for k in (size for size in sizes if size <= largest):
            results = []
            for repeat, parts in enumerate(cuts if k else cuts[:1]):  # with no labels added, every cut is alike
                if progress:
                    progress(f"{strategy} k={k}" + (f" cut {repeat + 1}" if k else ""))
                predicted = np.zeros_like(pool.Y)
                for part in range(folds):
                    scored = np.flatnonzero(parts == part)
                    candidates = np.flatnonzero(parts != part)
                    if strategy == "suggest":
                        picked = candidates[np.asarray(choose(first, pool.frame.iloc[candidates], k), dtype=int)]
                    else:
                        picked = np.random.default_rng([repeat, part]).choice(candidates, size=k, replace=False)
                    model = _with_users_labels(estimator, training, pool, picked) if k else first
                    predicted[scored] = model.predict(pool.frame.iloc[scored])
                results.append(score(strategy, pool.Y, predicted, pool.label_names, []))
            per_label = {
                name: float(np.mean([result.per_label[name].f1 for result in results])) for name in pool.label_names
            }
            repeat_scores = tuple(float(result.macro_f1) for result in results)
            points.append(AdaptationPoint(strategy, k, float(np.mean(repeat_scores)), per_label, repeat_scores))
    return points


def _with_users_labels(estimator, training: LabelledSentences, pool: LabelledSentences, picked: np.ndarray):
    """The estimator fitted on the training data plus the picked pool sentences, labelled as the user's."""
    added = pool.frame.iloc[picked].assign(provenance=USER_PROVENANCE)
    frame = pd.concat([training.frame, added], ignore_index=True)
    Y = np.vstack([training.Y, pool.Y[picked]])
    groups = None
    if training.groups is not None:
        sources = pool.frame["source"] if "source" in pool.frame else pd.Series("(new corpus)", index=pool.frame.index)
        groups = np.concatenate([training.groups, sources.to_numpy()[picked]])
    return clone(estimator).fit(frame, Y, groups=groups)


def format_adaptation(points: list[AdaptationPoint], label_names) -> str:
    cuts = max((len(point.repeat_macro_f1) for point in points), default=1)
    lines = [
        f"Adaptation (the new corpus in {ADAPTATION_FOLDS} parts: k labelled sentences picked from the others added "
        f"to training, each part scored; the mean of {cuts} cuts, and their range)",
        "",
        f"  {'picked by':<10}{'k':>5}{'macro-F1':>10}{'range':>14}" + "".join(f"{name:>15}" for name in label_names),
    ]
    for point in points:
        low, high = min(point.repeat_macro_f1), max(point.repeat_macro_f1)
        spread = f"{low:.3f}-{high:.3f}" if len(point.repeat_macro_f1) > 1 else "–"
        lines.append(
            f"  {point.strategy:<10}{point.added:>5}{point.macro_f1:>10.3f}{spread:>14}"
            + "".join(f"{point.per_label[name]:>15.3f}" for name in label_names)
        )
    return "\n".join(lines) + "\n"
