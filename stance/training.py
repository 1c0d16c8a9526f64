"""Train, evaluate and save a stance model from labelled sentences: the work behind
``stance train`` and ``stance evaluate``, callable from a notebook."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from stance.atomic import atomic_paths
from stance.attribution import SpeakerTable
from stance.baselines import KeywordRules, PlainNgrams
from stance.card import build_card, card_json, card_markdown, card_paths, metric_changes, read_card
from stance.errors import InputDataError
from stance.evaluate import Evaluation, leave_one_source_out
from stance.features import StanceFeatures
from stance.labels import LabelledSentences, read_labelled
from stance.model import StanceClassifier
from stance.persist import save_model
from stance.schema import Schema, schema_beside

FEATURE_GROUPS = ("ngrams", "actors", "cues", "quotes", "stems")


@dataclass(frozen=True)
class TrainingSet:
    """Labelled sentences with the schema and speaker table found beside them."""

    data: LabelledSentences
    schema: Schema
    speakers: SpeakerTable
    paths: list[Path]


def load_training_set(paths: list[Path]) -> TrainingSet:
    """Read labels files; the schema and speakers come from the folder of the first one."""
    for path in paths:
        if Path(path).is_dir():
            raise InputDataError("is a folder; give the labels CSV file itself", path=path)
        if not Path(path).exists():
            raise InputDataError("no such file", path=path)
    schema = schema_beside(paths[0])
    speakers = SpeakerTable.for_corpus(Path(paths[0]).parent)
    data = read_labelled(paths, schema.label_names)
    return TrainingSet(data=data, schema=schema, speakers=speakers, paths=list(paths))


def stance_model(training: TrainingSet, **feature_switches: bool) -> StanceClassifier:
    """An unfitted stance model configured from the schema and speaker table."""
    features = StanceFeatures(lexicon=training.schema.lexicon(), speakers=training.speakers.entries, **feature_switches)
    return StanceClassifier(labels=training.schema.label_names, features=features)


def comparison_models(training: TrainingSet, ablation: bool = False) -> dict[str, object]:
    """The stance model and the two baselines (and, with ``ablation``, the model with each feature
    group switched from its default: off for the groups on by default, on for those off)."""
    keywords = {label.name: list(label.keywords) for label in training.schema.labels}
    models: dict[str, object] = {
        "stance": stance_model(training),
        "keyword rules": KeywordRules(labels=training.schema.label_names, keywords=keywords),
        "word n-gram tf-idf": PlainNgrams(labels=training.schema.label_names),
    }
    if ablation:
        defaults = StanceFeatures().get_params()
        for group in FEATURE_GROUPS:
            switched = "without" if defaults[group] else "with"
            models[f"stance {switched} {group}"] = stance_model(training, **{group: not defaults[group]})
    return models


def evaluate(
    training: TrainingSet, ablation: bool = False, progress: Callable[[str], None] | None = None
) -> list[Evaluation]:
    """Leave-one-source-out scores of the stance model and the baselines on the same folds."""
    return leave_one_source_out(comparison_models(training, ablation), training.data, progress=progress)


@dataclass(frozen=True)
class TrainingResult:
    model: StanceClassifier
    card: dict
    changes: list[tuple[str, float | None, float]]
    replaced: bool


def train(paths: list[Path], out: Path, progress: Callable[[str], None] | None = None) -> TrainingResult:
    """Fit on all the data, evaluate by leaving each source out, and write model and cards atomically.

    Nothing is written until everything has succeeded, and then each file is renamed
    into place, so a failure leaves any previous model byte for byte as it was.
    """
    training = load_training_set(paths)
    if progress:
        progress("fitting the model")
    model = stance_model(training).fit(training.data.frame, training.data.Y, groups=training.data.groups)
    evaluations = evaluate(training, progress=progress) if training.data.groups is not None else []
    card = build_card(model, training.schema, training.data, training.paths, evaluations)
    previous = read_card(out) if Path(out).exists() else None
    json_path, markdown_path = card_paths(out)
    with atomic_paths([Path(out), json_path, markdown_path]) as (model_file, json_file, markdown_file):
        save_model(model, model_file)
        json_file.write_text(card_json(card), encoding="utf-8", newline="\n")
        markdown_file.write_text(card_markdown(card), encoding="utf-8", newline="\n")
    return TrainingResult(model=model, card=card, changes=metric_changes(previous, card), replaced=previous is not None)
