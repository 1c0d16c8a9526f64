"""Which sentences of a new corpus are worth labelling first.

Two things make a label worth a person's minute: the model is unsure of the sentence
(its probability for some label lies near that label's threshold), and the sentence
is unlike the others already picked (ten near-copies of one wire story teach what one
does). So the candidates are grouped by meaning (k-means over the model's sentence
vectors, one group per sentence wanted) and each group gives its least certain
sentence: uncertainty sampling, spread over the corpus. Among the most uncertain
sentences only, so a few outliers cannot claim the groups.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.preprocessing import normalize

from stance.labels import USER_PROVENANCE

CANDIDATES_PER_PICK = 10
"""The picks come from the ``CANDIDATES_PER_PICK * n`` least certain sentences."""


def uncertainty_margin(model, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The model's probabilities and, per sentence, the smallest distance of a probability to its threshold."""
    probabilities = model.predict_proba(frame)
    return probabilities, np.abs(probabilities - model.thresholds_).min(axis=1)


def sentence_vectors(model, frame: pd.DataFrame):
    """What the model sees of each sentence: its embedding if it has an encoder, else its feature row."""
    features = model.features_
    if getattr(features, "encoder", False):
        return features.embeddings(frame)
    return normalize(features.transform(frame))


def choose(model, frame: pd.DataFrame, n: int) -> np.ndarray:
    """Positions (into ``frame``) of the ``n`` sentences to label first, the least certain first."""
    n = min(int(n), len(frame))
    if n <= 0:
        return np.zeros(0, dtype=int)
    _, margin = uncertainty_margin(model, frame)
    order = np.lexsort((np.arange(len(frame)), margin))
    pool = order[: max(n, CANDIDATES_PER_PICK * n)]
    if len(pool) <= n:
        return pool[:n]
    vectors = sentence_vectors(model, frame.iloc[pool])
    groups = KMeans(n_clusters=n, n_init=3, random_state=0).fit_predict(vectors)
    picks = [pool[groups == group][np.argmin(margin[pool[groups == group]])] for group in np.unique(groups)]
    # Fewer distinct sentences than clusters leave some clusters empty: the least certain of
    # the rest of the pool fill the places, so n are always chosen.
    chosen = set(picks)
    picks += [position for position in pool if position not in chosen][: n - len(picks)]
    return np.array(sorted(picks, key=lambda position: (margin[position], position)), dtype=int)


def suggestion_table(model, frame: pd.DataFrame, n: int) -> pd.DataFrame:
    """The chosen sentences in the labels format (``id``, ``source``, ``text``, empty ``labels``), with the
    model's guess and probabilities beside them, ready for a spreadsheet and for ``stance train``."""
    positions = choose(model, frame, n)
    chosen = frame.iloc[positions].reset_index(drop=True)
    probabilities, _ = uncertainty_margin(model, chosen) if len(chosen) else (np.zeros((0, len(model.labels))), None)
    guesses = probabilities >= model.thresholds_
    table = pd.DataFrame(
        {
            "id": chosen["id"] if "id" in chosen else [f"suggested-{i:04d}" for i in range(len(chosen))],
            "source": chosen["source"] if "source" in chosen else "",
            "text": chosen["text"],
            "labels": "",
            "provenance": USER_PROVENANCE,
            "model_guess": [";".join(name for name, on in zip(model.labels, row) if on) for row in guesses],
        }
    )
    for column, name in enumerate(model.labels):
        table[f"model_{name}"] = np.round(probabilities[:, column], 3)
    return table
