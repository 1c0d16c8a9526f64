"""Which sentences of a new corpus are worth labelling first.

A user labels a few dozen sentences at a time. On so small a budget the sentences that teach a
model most are the typical ones, each standing for many like it, rather than the ones it is least
sure of: those pay only once it has many labels (Hacohen, Dekel & Weinshall 2022, "Active
learning on a budget"). A new outlet makes it worse for uncertainty: the model is often sure and
wrong there (a Korean paper's "our government" read as no one), so it never asks about what it
misses most. Measured on real seed text for a model trained on written sentences only
(docs/adaptation.md), typical picks did as well as random ones and better than least-sure ones
at 25 and 50 labels; at 10 and 100 all three tie.

So the sentences are grouped by meaning (k-means over the model's sentence vectors) into as many
groups as sentences wanted plus those already labelled. A group that holds a labelled sentence
is covered; each of the largest uncovered groups gives the sentence nearest its centre, so ten
near-copies of one wire story are asked about once, and labels already given steer the picks to
what they do not cover.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import normalize

from stance.labels import USER_PROVENANCE

MAX_GROUPED = 10_000
"""At most this many sentences, drawn at random (fixed seed), are grouped: a sample of that size
shows the corpus's kinds of sentence, and k-means costs rows x groups x dimensions."""
MAX_COVERING = 200
"""At most this many labelled sentences, drawn at random, mark the groups they cover: each adds a
group to k-means, and a sample of that size still shows which kinds are covered."""
RANDOM_SEED = 0


def sentence_vectors(model, frame: pd.DataFrame):
    """What the model sees of each sentence: its embedding if it has an encoder, else its feature row."""
    features = model.features_
    if getattr(features, "encoder", False):
        return features.embeddings(frame)
    return normalize(features.transform(frame))


def _distance_to_own_centre(vectors, centres: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each row's distance to the centre of its group, without a dense copy of the rows: with the
    fast model a row has thousands of n-gram columns, and a dense centre per row would take
    hundreds of MB where the product with the few hundred centres takes a few."""
    rows = np.arange(len(groups))
    if sp.issparse(vectors):
        squared = np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel()
    else:
        squared = np.einsum("ij,ij->i", vectors, vectors)
    cross = np.asarray(vectors @ centres.T)[rows, groups]
    centre_squared = np.einsum("ij,ij->i", centres, centres)[groups]
    return np.sqrt(np.maximum(squared - 2 * cross + centre_squared, 0.0))


def stripped_texts(frame: pd.DataFrame) -> pd.Series:
    """The sentences' text as labels files hold it: strings, without surrounding spaces, empty for none."""
    return frame["text"].fillna("").astype(str).str.strip()


def choose(model, frame: pd.DataFrame, n: int, labelled: np.ndarray | None = None) -> np.ndarray:
    """Positions (into ``frame``) of the ``n`` sentences to label first, the most representative first.

    ``labelled`` marks the rows already labelled: never chosen, they cover the groups they fall in.
    A row with no text is neither chosen nor covering: there is nothing to label in it.
    """
    labelled = np.zeros(len(frame), dtype=bool) if labelled is None else np.asarray(labelled, dtype=bool)
    has_text = stripped_texts(frame).ne("").to_numpy()
    open_rows = np.flatnonzero(~labelled & has_text)
    n = min(int(n), len(open_rows))
    if n <= 0:
        return np.zeros(0, dtype=int)
    rng = np.random.default_rng(RANDOM_SEED)
    if len(open_rows) > MAX_GROUPED:
        open_rows = np.sort(rng.choice(open_rows, size=MAX_GROUPED, replace=False))
    covering = np.flatnonzero(labelled & has_text)
    if len(covering) > MAX_COVERING:
        covering = np.sort(rng.choice(covering, size=MAX_COVERING, replace=False))
    rows = np.concatenate([open_rows, covering])
    vectors = sentence_vectors(model, frame.iloc[rows])
    n_groups = min(n + len(covering), len(rows))
    # Three starts of k-means, not one: with one, the picks and so the adaptation curve moved by about
    # 0.01 macro-F1 (docs/adaptation.md); at the caps above three cost about 10 s on two cores.
    with warnings.catch_warnings():  # identical sentences make fewer distinct groups: handled below
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        grouping = KMeans(n_clusters=n_groups, n_init=3, random_state=RANDOM_SEED).fit(vectors)
    groups = grouping.labels_
    distance = _distance_to_own_centre(vectors, grouping.cluster_centers_, groups)
    is_open = np.arange(len(rows)) < len(open_rows)
    covered = np.zeros(n_groups, dtype=bool)
    covered[groups[~is_open]] = True
    sizes = np.bincount(groups, minlength=n_groups)
    # Nearest its centre first within each group: the first row seen of a group is its pick.
    by_group = np.lexsort((distance, groups))
    firsts = by_group[np.r_[True, groups[by_group][1:] != groups[by_group][:-1]]]
    picks = sorted((row for row in firsts if not covered[groups[row]]), key=lambda row: (-sizes[groups[row]], row))
    # Identical sentences leave groups empty: the other open sentences of uncovered groups fill the
    # places before those of covered ones (a twin of a labelled sentence comes last).
    chosen = set(picks)
    spare = [row for row in np.flatnonzero(is_open) if row not in chosen]
    picks += sorted(spare, key=lambda row: (bool(covered[groups[row]]), row))
    return rows[np.asarray(picks[:n], dtype=int)]


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
