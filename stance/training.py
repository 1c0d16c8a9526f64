"""Train, evaluate and save a stance model from labelled sentences: the work behind
``stance train`` and ``stance evaluate``, callable from a notebook."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from stance.atomic import atomic_paths
from stance.attribution import SpeakerTable
from stance.baselines import KeywordRules, PlainEmbeddings, PlainNgrams
from stance.card import (
    build_card,
    card_json,
    card_markdown,
    card_paths,
    data_changed,
    data_hash,
    metric_changes,
    read_card,
)
from stance.errors import InputDataError
from stance.evaluate import Evaluation, leave_one_source_out, on_held_out_set
from stance.features import StanceFeatures
from stance.labels import LabelledSentences, read_label_table, read_labelled
from stance.model import StanceClassifier, error_counts
from stance.paths import resolve_location
from stance.persist import save_model
from stance.schema import Schema
from stance.story_files import find_schema, find_speakers

FEATURE_GROUPS = ("encoder", "ngrams", "actors", "cues", "quotes", "stems")

DEFAULT_FEATURES = {"encoder": True, "valence": True}
"""The default model: the sentence encoder beside the symbolic groups that earned their place
on the development set (see README, "The model and how well it does")."""
FAST_FEATURES = {"encoder": False, "valence": True}
"""The fast model: lexical groups only, for corpora of millions of sentences."""
REGULARISATION_C = 2.0
"""Chosen on the development set (macro-F1 0.675 at C=1, 0.683 at 2, 0.698 at 4); 2 rather than 4
because seeds leave-one-source-out prefers it (0.644 against 0.614)."""
USER_WEIGHT = 6.0
"""How much a sentence the user labelled counts against one of the shipped training sentences.
Chosen on the adaptation curve of real seed text for a model trained on the written sentences
(``stance evaluate --adaptation``, docs/adaptation.md), the same sentences the curve is reported
on: across k = 50 and 100, suggested and random picks, weights 1, 3, 6 and 12 gained +0.12,
+0.22, +0.25 and +0.27 macro-F1 in all; 6 rather than 12, which falls below k = 0 at k = 25.
On the development set, close to the written training data, no weight moves the curve."""


@dataclass(frozen=True)
class TrainingSet:
    """Labelled sentences with the schema and speaker table found beside them."""

    data: LabelledSentences
    schema: Schema
    speakers: SpeakerTable
    paths: list[Path]


def load_training_set(
    paths: list[Path],
    schema_path: Path | None = None,
    speakers_path: Path | None = None,
    first_file_wins: bool = False,
) -> TrainingSet:
    """Read labels files with the story files given, else those beside the first one, else the
    shipped story's (see :mod:`stance.story_files`). With ``first_file_wins`` a sentence the
    first file labels otherwise than a later one takes the first file's labels."""
    for path in paths:
        if Path(path).is_dir():
            raise InputDataError("is a folder; give the labels CSV file itself", path=path)
        if not Path(path).exists():
            raise InputDataError("no such file", path=path)
    schema, shipped_story = find_schema(paths[0], schema_path)
    speakers = find_speakers(paths[0], speakers_path, shipped_story)
    data = read_labelled(paths, schema.label_names, first_file_wins=first_file_wins)
    return TrainingSet(data=data, schema=schema, speakers=speakers, paths=list(paths))


def stance_model(training: TrainingSet, fast: bool = False, **feature_switches: bool) -> StanceClassifier:
    """An unfitted stance model (the default or, with ``fast``, the lexical one) configured from
    the schema and speaker table; ``feature_switches`` override single groups."""
    switches = {**(FAST_FEATURES if fast else DEFAULT_FEATURES), **feature_switches}
    features = StanceFeatures(lexicon=training.schema.lexicon(), speakers=training.speakers.entries, **switches)
    return StanceClassifier(
        labels=training.schema.label_names, features=features, C=REGULARISATION_C, user_weight=USER_WEIGHT
    )


def _baselines(training: TrainingSet) -> dict[str, object]:
    keywords = {label.name: list(label.keywords) for label in training.schema.labels}
    return {
        "keyword rules": KeywordRules(labels=training.schema.label_names, keywords=keywords),
        "word n-gram tf-idf": PlainNgrams(labels=training.schema.label_names),
        "MiniLM + LR": PlainEmbeddings(labels=training.schema.label_names),
    }


def comparison_models(training: TrainingSet, ablation: bool = False) -> dict[str, object]:
    """The stance model and the two baselines (and, with ``ablation``, the model with each feature
    group switched from its default: off for the groups on by default, on for those off)."""
    models: dict[str, object] = {
        "stance": stance_model(training),
        "stance-fast": stance_model(training, fast=True),
        **_baselines(training),
    }
    if ablation:
        defaults = {**StanceFeatures().get_params(), **DEFAULT_FEATURES}
        for group in FEATURE_GROUPS:
            switched = "without" if defaults[group] else "with"
            models[f"stance {switched} {group}"] = stance_model(training, **{group: not defaults[group]})
    return models


def evaluate(
    training: TrainingSet, ablation: bool = False, progress: Callable[[str], None] | None = None
) -> list[Evaluation]:
    """Leave-one-source-out scores of the stance model and the baselines on the same folds."""
    return leave_one_source_out(comparison_models(training, ablation), training.data, progress=progress)


def evaluate_on_dev(
    training: TrainingSet, dev: LabelledSentences, ablation: bool = False, progress: Callable[[str], None] | None = None
) -> list[Evaluation]:
    """Scores on the development set of every model of :func:`comparison_models`, trained on all the data."""
    return on_held_out_set(comparison_models(training, ablation), training.data, dev, progress=progress)


def load_dev_set(path: Path, training: TrainingSet) -> LabelledSentences:
    """A development set, read against the training data's labels; it must share no sentence with it."""
    if not Path(path).is_file():
        raise InputDataError("no such development set file", path=path)
    dev = read_labelled([path], training.schema.label_names, min_positives=1)
    shared = set(dev.frame["text"]) & set(training.data.frame["text"])
    if shared:
        raise InputDataError(
            f"shares {len(shared)} sentence(s) with the training data (for example {sorted(shared)[0][:60]!r}); "
            "a development set must be kept out of training",
            path=path,
        )
    return dev


@dataclass(frozen=True)
class TrainingResult:
    model: StanceClassifier
    card: dict
    changes: list[tuple[str, float | None, float]]
    replaced: bool
    previous_rows: int | None
    """Sentences the replaced model was trained on, when they were other data than this model's."""


def train(
    paths: list[Path],
    out: Path,
    fast: bool = False,
    dev: Path | None = None,
    progress: Callable[[str], None] | None = None,
    schema_path: Path | None = None,
    speakers_path: Path | None = None,
    extends: dict | None = None,
    first_file_wins: bool = False,
) -> TrainingResult:
    """Fit on all the data, evaluate by leaving each source out (and on the development set,
    when one is given), and write model and cards atomically.

    The development set's confusion counts are kept in the model and its card beside the
    training data's out-of-fold ones, for a reader to see where the model errs. Nothing is
    written until everything has succeeded, and then each file
    is renamed into place, so a failure leaves any previous model byte for byte as it was.
    """
    training = load_training_set(paths, schema_path, speakers_path, first_file_wins)
    dev_set = load_dev_set(dev, training) if dev is not None else None
    if progress:
        progress("fitting the model")
    model = stance_model(training, fast=fast).fit(training.data.frame, training.data.Y, groups=training.data.groups)
    name = "stance-fast" if fast else "stance"
    models = {name: stance_model(training, fast=fast), **_baselines(training)}
    evaluations = (
        leave_one_source_out(models, training.data, progress=progress, real_only=True) if training.data.groups is not None else []
    )
    dev_evaluations = []
    model.dev_error_counts_ = None
    if dev_set is not None:
        model.dev_error_counts_ = error_counts(model.labels, dev_set.Y, model.predict(dev_set.frame))
        dev_evaluations = on_held_out_set(models, training.data, dev_set, progress=progress)
    card = build_card(
        model, training.schema, training.data, training.paths, evaluations, dev_evaluations, dev, name=name,
        extends=extends,
    )
    previous = read_card(out) if Path(out).exists() else None
    json_path, markdown_path = card_paths(out)
    with atomic_paths([Path(out), json_path, markdown_path]) as (model_file, json_file, markdown_file):
        save_model(model, model_file)
        json_file.write_text(card_json(card), encoding="utf-8", newline="\n")
        markdown_file.write_text(card_markdown(card), encoding="utf-8", newline="\n")
    previous_rows = previous.get("data", {}).get("rows") if previous and data_changed(previous, card) else None
    return TrainingResult(
        model=model,
        card=card,
        changes=metric_changes(previous, card),
        replaced=previous is not None,
        previous_rows=previous_rows,
    )


def earlier_training_files(card: dict | None, label_names: tuple[str, ...]) -> list[Path]:
    """The files a model was trained on, found again from its card, when they can be added to:
    the same labels, every file still there and unchanged. Otherwise none, and a retrain starts
    from the new labels alone (the caller says so)."""
    data = (card or {}).get("data") or {}
    locations = data.get("locations")
    if not locations or tuple(label["name"] for label in card.get("labels", [])) != tuple(label_names):
        return []
    paths = [resolve_location(location) for location in locations]
    if not all(path.is_file() for path in paths) or data_hash(paths) != data.get("sha256"):
        return []
    return paths


def training_texts(model_path: Path) -> set[str]:
    """The sentences a model was trained on, read again from the files its card names: ``stance
    suggest`` does not ask about them again. A file since changed (an annotate session appends to
    its labels file) still holds them, so unlike a retrain this takes whichever files are there."""
    locations = ((read_card(model_path) or {}).get("data") or {}).get("locations") or []
    texts: set[str] = set()
    for path in (resolve_location(location) for location in locations):
        try:
            texts.update(read_label_table(path, allow_no_rows=True)["text"])
        except (InputDataError, OSError):  # gone or no longer a labels file: nothing to pass over
            continue
    return texts


def files_to_add_to(labels_path: Path, model_path: Path, schema: Schema) -> list[Path]:
    """The model's training files that a retrain with ``labels_path`` adds to (the labels file
    itself left out, when the model was trained on it)."""
    earlier = earlier_training_files(read_card(model_path), schema.label_names)
    return [path for path in earlier if path.resolve() != Path(labels_path).resolve()]


def retrain_with_answers(
    labels_path: Path,
    earlier: list[Path],
    schema: Schema,
    model_path: Path,
    out: Path,
    schema_path: Path | None = None,
    speakers_path: Path | None = None,
) -> TrainingResult:
    """Retrain after a labelling session on the files the current model was trained on
    (``earlier``, from :func:`files_to_add_to`, with the ``schema`` found for the labels
    file) plus the labels file the answers went to: the new labels add to the old, and the
    card gives both counts.

    The labels file comes first, so the schema and speakers beside it are the ones used,
    and a sentence it labels otherwise than an earlier file takes its (newer) labels.
    """
    extends = None
    if earlier:
        before = len(read_labelled(earlier, schema.label_names, min_positives=0).frame)
        after = len(read_labelled([labels_path, *earlier], schema.label_names, 0, first_file_wins=True).frame)
        answers = len(read_labelled([labels_path], schema.label_names, min_positives=0).frame)
        extends = {
            "model": Path(model_path).name,
            "rows_before": before,
            "rows_added": after - before,
            "relabelled": answers - (after - before),
        }
    fast = (read_card(model_path) or {}).get("model") == "stance-fast"
    return train(
        [labels_path, *earlier], out, fast=fast, schema_path=schema_path, speakers_path=speakers_path,
        extends=extends, first_file_wins=True,
    )
