"""The model card: what a model was trained on, how it was configured and how well it generalises.

It is written beside the model as JSON (for scripts and for ``train``'s comparison
with the model it replaces) and as Markdown (for people). It holds no clock time:
retraining on the same data gives the same card, byte for byte, so a card's diff
shows what really changed.
"""

from __future__ import annotations

import hashlib
import json
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from stance.evaluate import Evaluation, real_rows
from stance.labels import MIN_POSITIVES, LabelledSentences
from stance.paths import portable_location
from stance.schema import Schema

LIBRARIES = ("stance", "scikit-learn", "nltk", "numpy", "scipy", "pandas", "skops")
DATE_COLUMNS = ("annotated_at", "date")


def card_paths(model_path: Path | str) -> tuple[Path, Path]:
    """Where the JSON and Markdown cards of a model file live."""
    model_path = Path(model_path)
    stem = model_path.stem  # "stance.v2" for "stance.v2.skops": dots in the name are kept
    return model_path.with_name(f"{stem}.card.json"), model_path.with_name(f"{stem}.card.md")


def data_hash(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def _data_date(data: LabelledSentences) -> str | None:
    """The latest date the data itself records (an annotation column), if any."""
    for column in DATE_COLUMNS:
        if column in data.frame:
            dates = sorted(value[:10] for value in data.frame[column] if isinstance(value, str) and value.strip())
            if dates:
                return dates[-1]
    return None


def _library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _scored_rows(data: LabelledSentences) -> str:
    """Which sentences the leave-one-source-out scores count: a figure on 5 sentences and one on
    500 look alike in a table, so the card says."""
    real = int(real_rows(data).sum())
    if real and real < len(data.frame):
        return (
            f"scored on the {real} sentences of real text (provenance seed or user) of the {len(data.frame)}; "
            "the others, written by hand, are trained on but not scored"
        )
    return f"scored on all {len(data.frame)} sentences"


def _few_positives(evaluations: list[Evaluation]) -> dict[str, int]:
    """Labels with fewer than ``MIN_POSITIVES`` positive sentences among those scored, and how many."""
    if not evaluations:
        return {}
    return {
        name: scores.support for name, scores in evaluations[0].per_label.items() if scores.support < MIN_POSITIVES
    }


def build_card(
    model,
    schema: Schema,
    data: LabelledSentences,
    paths: list[Path],
    evaluations: list[Evaluation],
    dev_evaluations: list[Evaluation] = (),
    dev_path: Path | None = None,
    name: str = "stance",
    extends: dict | None = None,
) -> dict:
    """The card as a plain dict (JSON-ready).

    ``locations`` name the training files so that a retrain finds them again on any machine;
    ``extends``, for a model retrained with new answers, gives the model it grew from and
    both counts: the sentences that model was trained on and the new ones added.
    """
    features = model.features_
    provenance = data.frame["provenance"] if "provenance" in data.frame else None
    return {
        "model": name,
        "story": schema.story,
        "data": {
            "files": [Path(path).name for path in paths],
            "locations": [portable_location(path) for path in paths],
            "sha256": data_hash(paths),
            "date": _data_date(data),
            "rows": int(len(data.frame)),
            "positives": {name: int(count) for name, count in zip(data.label_names, data.Y.sum(axis=0))},
            "unlabelled_rows": int((data.Y.sum(axis=1) == 0).sum()),
            "sources": {str(k): int(v) for k, v in data.frame["source"].value_counts().sort_index().items()},
            "provenance": (
                {str(k): int(v) for k, v in provenance.replace("", "unrecorded").value_counts().sort_index().items()}
                if provenance is not None
                else {"unrecorded": int(len(data.frame))}
            ),
            **({"extends": extends} if extends else {}),
        },
        "labels": [
            {
                "name": label.name,
                "display": label.display,
                "definition": label.definition,
                "threshold": float(threshold),
            }
            for label, threshold in zip(schema.labels, model.thresholds_)
        ],
        "parameters": {
            "C": model.C,
            "user_weight": model.user_weight,
            "feature_groups": {
                group: getattr(features, group)
                for group in ("encoder", "ngrams", "actors", "cues", "quotes", "stems")
            },
            "encoder": (
                {"name": features.encoder_name_, "sha256": features.encoder_sha256_} if features.encoder else None
            ),
            "meaning_weight": features.meaning_weight,
            "min_df": features.min_df,
            "n_features": int(len(features.get_feature_names_out())),
        },
        "evaluation": {
            "method": "leave-one-source-out, predictions pooled over held-out sources",
            "scored": _scored_rows(data),
            "few_positives": _few_positives(evaluations),
            "models": [evaluation.as_dict() for evaluation in evaluations],
        },
        "development": (
            {
                "file": Path(dev_path).name,
                "sha256": data_hash([dev_path]),
                "method": "trained on all the training data, scored on the development set",
                "models": [evaluation.as_dict() for evaluation in dev_evaluations],
            }
            if dev_path is not None
            else None
        ),
        "error_counts": {
            "training, sources left out (out of fold)": model.error_counts_,
            "development set": getattr(model, "dev_error_counts_", None),
        },
        "calibration": {
            label: {"slope": round(float(row[0]), 4), "intercept": round(float(row[1]), 4)}
            for label, row in zip(model.labels, model.calibration_)
        },
        "libraries": _library_versions(),
    }


def card_markdown(card: dict) -> str:
    """A readable rendering of the card."""
    data = card["data"]
    lines = [
        f"# Model card: {card['model']}",
        "",
        f"Story: {card['story']}",
        "",
        "## Training data",
        "",
        f"- Files: {', '.join(data['files'])} (sha256 `{data['sha256'][:16]}…`)",
        f"- Date recorded in the data: {data['date'] or 'none (the data carries no annotation date)'}",
        f"- Sentences: {data['rows']}, of which {data['unlabelled_rows']} carry no label",
        *(
            [
                f"- Retrained with new answers: the {data['extends']['rows_before']} sentences {data['extends']['model']} "
                f"was trained on, plus {data['extends']['rows_added']} new ones; "
                f"{data['extends']['relabelled']} of those it had were labelled anew, and the new labels stand"
            ]
            if data.get("extends")
            else []
        ),
        f"- Sources: {', '.join(f'{name} ({count})' for name, count in data['sources'].items())}",
        "",
        "| label | positives | threshold | definition |",
        "|---|---:|---:|---|",
    ]
    for label in card["labels"]:
        lines.append(
            f"| {label['display']} (`{label['name']}`) | {data['positives'][label['name']]} "
            f"| {label['threshold']:.3f} | {label['definition']} |"
        )
    evaluation = card["evaluation"]
    lines += ["", "## Leave-one-source-out evaluation", "", f"{evaluation['method']}; {evaluation['scored']}.", ""]
    for name, positives in evaluation.get("few_positives", {}).items():
        lines.append(f"- Only {positives} scored sentence(s) carry {name}: its F1 here says little.")
    if evaluation.get("few_positives"):
        lines.append("")
    label_names = [label["name"] for label in card["labels"]]
    lines.append("| model | macro-F1 | " + " | ".join(f"F1 {name}" for name in label_names) + " |")
    lines.append("|---|---:|" + "---:|" * len(label_names))
    for result in card["evaluation"]["models"]:
        cells = " | ".join(f"{result['per_label'][name]['f1']:.3f}" for name in label_names)
        lines.append(f"| {result['model']} | {result['macro_f1']:.3f} | {cells} |")
    development = card.get("development")
    if development:
        lines += ["", f"## Development set ({development['file']})", "", development["method"] + ".", ""]
        lines.append("| model | macro-F1 | " + " | ".join(f"F1 {name}" for name in label_names) + " |")
        lines.append("|---|---:|" + "---:|" * len(label_names))
        for result in development["models"]:
            cells = " | ".join(f"{result['per_label'][name]['f1']:.3f}" for name in label_names)
            lines.append(f"| {result['model']} | {result['macro_f1']:.3f} | {cells} |")
    parameters = card["parameters"]
    groups = ", ".join(name for name, on in parameters["feature_groups"].items() if on)
    lines += [
        "",
        "## Configuration",
        "",
        f"- One class-balanced logistic regression per label, C = {parameters['C']}",
        *(
            [f"- A sentence labelled by the user (provenance `user`) counts {parameters['user_weight']:g} times"]
            if "user_weight" in parameters
            else []
        ),
        f"- Feature groups: {groups}; {parameters['n_features']} features; meaning weight {parameters['meaning_weight']}",
        *(
            [
                "- Calibration of reports' shares (Platt scaling of out-of-fold probabilities, slope and intercept): "
                + "; ".join(f"{label} {c['slope']:.2f}, {c['intercept']:.2f}" for label, c in card["calibration"].items())
            ]
            if card.get("calibration")
            else []
        ),
        *(
            [f"- Encoder: {parameters['encoder']['name']} (sha256 `{parameters['encoder']['sha256'][:16]}…`), not stored in the model file"]
            if parameters.get("encoder")
            else []
        ),
        "",
        "## Libraries",
        "",
        ", ".join(f"{name} {ver}" for name, ver in card["libraries"].items()),
        "",
    ]
    return "\n".join(lines)


def card_json(card: dict) -> str:
    return json.dumps(card, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def read_card(model_path: Path | str) -> dict | None:
    """The JSON card beside a model, or None when there is none or it is unreadable."""
    json_path, _ = card_paths(model_path)
    try:
        card = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    evaluation = card.get("evaluation") if isinstance(card, dict) else None
    models = evaluation.get("models") if isinstance(evaluation, dict) else None
    return card if isinstance(models, list) and all(isinstance(m, dict) for m in models) else None


def data_changed(old: dict, new: dict) -> bool:
    """Whether two cards' models were trained (and scored) on different labelled data."""
    return old.get("data", {}).get("sha256") != new["data"]["sha256"]


def metric_changes(old: dict | None, new: dict) -> list[tuple[str, float | None, float]]:
    """(metric, old value or None, new value) for the card's own model's macro-F1 and per-label F1.

    The old value is given only when both models were scored on the same training data
    (same sha256): a score on other sentences is no baseline for this one.
    """

    def metrics(card: dict) -> dict[str, float]:
        stance = next((m for m in card["evaluation"]["models"] if m.get("model") == card.get("model", "stance")), None)
        if stance is None or "per_label" not in stance:
            return {}
        values = {"macro_f1": stance["macro_f1"]}
        values.update({f"f1 {name}": scores["f1"] for name, scores in stance["per_label"].items()})
        return values

    before = metrics(old) if old and not data_changed(old, new) else {}
    return [(name, before.get(name), value) for name, value in metrics(new).items()]
