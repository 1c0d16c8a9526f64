"""Shared fixtures: the seed corpus (read-only), its sentence table, and a tiny stance model
trained on a synthetic labelled set so that model-dependent tests stay fast."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

# A small synthetic labelled set: 'mistaken ... Seoul' blames Seoul, 'crucial ... pact' is
# pro-extension, and plain reports of meetings and dates carry no label.
BLAMES_SEOUL = [
    "Seoul made a mistaken decision to quit the pact.",
    "Critics said Seoul's move was mistaken and irrational.",
    "The mistaken choice by Seoul hurt everyone.",
    "Seoul was mistaken to end the deal.",
    "It was a mistaken step by Seoul.",
    "Officials called Seoul's withdrawal mistaken.",
]
PRO_EXTENSION = [
    "The pact is crucial and should be extended.",
    "Keeping the pact is crucial for security.",
    "Officials urged both sides to extend the crucial pact.",
    "The agreement is crucial and must be renewed.",
    "Extending the pact would be crucial.",
    "The crucial pact should be extended.",
]
NEUTRAL = [
    "The ministers met in Nagoya on Friday.",
    "The pact was signed in 2016.",
    "Talks will continue next week.",
    "The meeting lasted two hours.",
    "Reporters gathered outside the ministry.",
    "The agreement expires in November.",
    "Both delegations arrived by train.",
    "The summit is planned for December.",
]
TINY_LABELS = ("blames_seoul", "pro_extension")

TINY_SCHEMA = """\
story = "a tiny test story"
blame_cues = ["judgement"]

[[labels]]
name = "blames_seoul"
display = "Blames Seoul"
actor = "south_korea"
keywords = ["mistaken"]

[[labels]]
name = "pro_extension"
display = "Pro-extension"
keywords = ["crucial"]

[actors]
south_korea = ["South Korea", "Seoul", "Moon", "Blue House"]
japan = ["Japan", "Tokyo", "Abe"]

[cues]
judgement = ["mistaken", "irrational"]
support = ["crucial", "extend"]
condition = ["unless"]
"""


def tiny_rows() -> list[tuple[str, str]]:
    """(text, labels cell) rows of the synthetic labelled set."""
    return (
        [(text, "blames_seoul") for text in BLAMES_SEOUL]
        + [(text, "pro_extension") for text in PRO_EXTENSION]
        + [(text, "") for text in NEUTRAL]
    )


def tiny_matrix() -> tuple[list[str], np.ndarray]:
    rows = tiny_rows()
    texts = [text for text, _ in rows]
    Y = np.array([[int(name in cell.split(";")) for name in TINY_LABELS] for _, cell in rows])
    return texts, Y


def write_labels_csv(path: Path, rows, header=("text", "labels")) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def make_training_folder(folder: Path, rows=None) -> Path:
    """A folder with the tiny schema.toml and a labels.csv beside it; returns the labels path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "schema.toml").write_text(TINY_SCHEMA, encoding="utf-8")
    return write_labels_csv(folder / "labels.csv", tiny_rows() if rows is None else rows)


@pytest.fixture(scope="session")
def seed_table():
    from stance.corpus import Corpus
    from stance.sentences import sentence_table

    return sentence_table(Corpus.open(SEEDS))


@pytest.fixture(scope="session")
def seed_speakers():
    from stance.attribution import SpeakerTable

    return SpeakerTable.for_corpus(SEEDS)


@pytest.fixture(scope="session")
def seed_schema():
    from stance.schema import load_schema

    return load_schema(SEEDS / "schema.toml")


@pytest.fixture(scope="session")
def tiny_lexicon():
    import tomllib

    data = tomllib.loads(TINY_SCHEMA)
    return {"actors": data["actors"], "cues": data["cues"], "blame_kinds": data["blame_cues"]}


@pytest.fixture(scope="session")
def tiny_model(tiny_lexicon):
    """A StanceClassifier fitted on the synthetic set (read-only: tests must not change it)."""
    from stance.features import StanceFeatures
    from stance.model import StanceClassifier

    texts, Y = tiny_matrix()
    features = StanceFeatures(lexicon=tiny_lexicon, min_df=1)
    return StanceClassifier(labels=TINY_LABELS, features=features).fit(texts, Y)


@pytest.fixture(scope="session")
def tiny_model_file(tiny_model, tmp_path_factory) -> Path:
    from stance.persist import save_model

    path = tmp_path_factory.mktemp("model") / "tiny.skops"
    save_model(tiny_model, path)
    return path


def with_sources(rows, sources=("s0", "s1", "s2")) -> list[tuple[str, ...]]:
    """Labelled (text, labels) rows with a source appended, dealt round-robin, so that every source holds
    some sentences of every label (leave-one-source-out then has positives in every fold)."""
    return [(*row, sources[index % len(sources)]) for index, row in enumerate(rows)]
