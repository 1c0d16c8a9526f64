"""Which sentences of a new corpus are worth labelling first.

A user labels a few dozen sentences at a time. On so small a budget the sentences that teach a
model most are the typical ones, each standing for many like it, rather than the ones it is least
sure of: those pay only once it has many labels (Hacohen, Dekel & Weinshall 2022, "Active
learning on a budget"). A new outlet makes it worse for uncertainty: the model is often sure and
wrong there (a Korean paper's "our government" read as no one), so it never asks about what it
misses most. Measured on real seed text for a model trained on written sentences only
(docs/adaptation.md), picks by uncertainty did worse than random ones and typical picks better.

So the sentences are grouped by meaning (k-means over the model's sentence vectors) into as many
groups as sentences wanted plus those already labelled. A group that holds a labelled sentence
is covered; each of the largest uncovered groups gives the sentence nearest its centre, so ten
near-copies of one wire story are asked about once, and a second round asks about what the
first did not cover.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import normalize

from stance.labels import USER_PROVENANCE

MAX_GROUPED = 20_000
"""At most this many sentences, drawn at random (fixed seed), are grouped: a sample of that size
shows the corpus's kinds of sentence, and k-means over millions would take minutes."""
MAX_COVERING = 1_000
"""At most this many labelled sentences, drawn at random, mark the groups they cover: each adds a
group to k-means, and a sample of that size still shows which kinds are covered."""
RANDOM_SEED = 0


def sentence_vectors(model, frame: pd.DataFrame):
    """What the model sees of each sentence: its embedding if it has an encoder, else its feature row."""
    features = model.features_
    if getattr(features, "encoder", False):
        return features.embeddings(frame)
    return normalize(features.transform(frame))


def choose(model, frame: pd.DataFrame, n: int, labelled: np.ndarray | None = None) -> np.ndarray:
    """Positions (into ``frame``) of the ``n`` sentences to label first, the most representative first.

    ``labelled`` marks the rows already labelled: never chosen, they cover the groups they fall in.
    """
    labelled = np.zeros(len(frame), dtype=bool) if labelled is None else np.asarray(labelled, dtype=bool)
    open_rows = np.flatnonzero(~labelled)
    n = min(int(n), len(open_rows))
    if n <= 0:
        return np.zeros(0, dtype=int)
    rng = np.random.default_rng(RANDOM_SEED)
    if len(open_rows) > MAX_GROUPED:
        open_rows = np.sort(rng.choice(open_rows, size=MAX_GROUPED, replace=False))
    covering = np.flatnonzero(labelled)
    if len(covering) > MAX_COVERING:
        covering = np.sort(rng.choice(covering, size=MAX_COVERING, replace=False))
    rows = np.concatenate([open_rows, covering])
    vectors = sentence_vectors(model, frame.iloc[rows])
    n_groups = min(n + len(covering), len(rows))
    with warnings.catch_warnings():  # identical sentences make fewer distinct groups: handled below
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        grouping = KMeans(n_clusters=n_groups, n_init=3, random_state=RANDOM_SEED).fit(vectors)
    distance = np.asarray(grouping.transform(vectors)[np.arange(len(rows)), grouping.labels_]).ravel()
    is_open = np.arange(len(rows)) < len(open_rows)
    covered = set(grouping.labels_[~is_open])
    sizes = np.bincount(grouping.labels_, minlength=n_groups)
    picks = []
    for group in sorted(set(grouping.labels_) - covered, key=lambda group: (-sizes[group], group)):
        members = np.flatnonzero(grouping.labels_ == group)
        picks.append(members[np.argmin(distance[members])])
    # Identical sentences leave groups empty: the other open sentences fill the places, in order.
    chosen = set(picks)
    picks = (picks + [row for row in np.flatnonzero(is_open) if row not in chosen])[:n]
    return rows[np.asarray(picks, dtype=int)]


def suggestion_table(model, frame: pd.DataFrame, n: int, labelled: np.ndarray | None = None) -> pd.DataFrame:
    """The chosen sentences in the labels format (``id``, ``source``, ``text``, empty ``labels``), with the
    model's guess and probabilities beside them, ready for a spreadsheet and for ``stance train``."""
    positions = choose(model, frame, n, labelled)
    chosen = frame.iloc[positions].reset_index(drop=True)
    probabilities = model.predict_proba(chosen) if len(chosen) else np.zeros((0, len(model.labels)))
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
