"""What a report may claim about its own labels: each figure of the model's quality with where it was
measured.

A leave-one-source-out score is the figure for an outlet the model never saw only for
outlets that were not in its training data. The model that labels a report has seen
every training source, so for those sources (and for any hand labels that trained it)
the agreement a report shows is in-sample. The statements here say which is which.
"""

from __future__ import annotations

from stance.labels import WRITTEN_PROVENANCE


def _scores(entry: dict, display: dict[str, str]) -> str:
    text = f"macro-F1 {entry['macro_f1']:.2f}"
    per_label = entry.get("per_label") or {}
    if per_label:
        text += "; F1 " + ", ".join(f"{display.get(name, name)} {scores['f1']:.2f}" for name, scores in per_label.items())
    return text


def _names(names: list[str], limit: int = 6) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def trust_statements(
    card: dict | None, corpus_sources: list[str], corrected_with: str | None, display: dict[str, str] | None = None
) -> list[str]:
    """Plain sentences, each giving one figure and where it was measured.

    Reads the card's stance evaluation, its training data's sources and, when the card has
    one, its ``development`` entry (``macro_f1``, optional ``per_label``, ``sentences``).
    """
    if not card:
        return ["The model has no card beside it, so how well it labels is not known: read every share as the model's guess."]
    display = display or {}
    statements = []
    name = card.get("model", "stance")
    stance = next((m for m in card.get("evaluation", {}).get("models", []) if m.get("model") == name), None)
    trained_on = sorted((card.get("data") or {}).get("sources") or {})
    held_out = sorted((stance or {}).get("held_out_sources") or trained_on)
    rows = (card.get("data") or {}).get("rows")
    provenance = (card.get("data") or {}).get("provenance") or {}
    any_real = not provenance or any(kind not in WRITTEN_PROVENANCE for kind in provenance)
    if stance and any_real:
        statements.append(
            f"Measured by leaving out each of its {len(held_out)} real training sources in turn "
            f"({_names(held_out)}; {rows} labelled sentences in all) and labelling it with a model trained on the rest: "
            f"{_scores(stance, display)}. That is the figure for an outlet the model never saw, if it writes like those sources."
        )
    elif stance:
        statements.append(
            f"Measured by leaving out each of its {len(held_out)} training sources in turn ({_names(held_out)}; "
            f"{rows} labelled sentences in all): {_scores(stance, display)}. Every one of those sentences was written "
            "for training, none taken from real coverage, so this says how well the model matches its writers, "
            "not how it does on an outlet it never saw."
        )
    development = card.get("development")
    if isinstance(development, dict) and "models" in development:
        # The card lists every model scored on the development set; the trust line is the card's own.
        development = next((m for m in development["models"] if m.get("model") == card.get("model")), None)
    if isinstance(development, dict) and "macro_f1" in development:
        size = f" ({development['sentences']} sentences)" if development.get("sentences") else ""
        statements.append(
            f"Measured on the development set{size}, labelled apart from the training data and never trained on: "
            f"{_scores(development, display)}."
        )
    seen = [source for source in corpus_sources if source in set(trained_on)]
    if seen and len(seen) == len(corpus_sources):
        statements.append(
            "Every source of this corpus was in the model's training data: the model has seen these outlets, so it "
            "labels them better than it would a new one, and its agreement with hand labels here is in-sample."
        )
    elif seen:
        statements.append(
            f"{len(seen)} of this corpus's {len(corpus_sources)} sources were in the model's training data "
            f"({_names(seen)}): for them the labels are in-sample; the held-out figure above is the one for the other "
            f"{len(corpus_sources) - len(seen)}."
        )
    else:
        statements.append(
            "None of this corpus's sources was in the model's training data: the held-out figure above is the one "
            "to expect, as far as each source is within the model's range (see the range check)."
        )
    if corrected_with:
        statements.append(
            "Shares are corrected for the model's errors: each is the mean of the sentences' probabilities, "
            f"recalibrated on {corrected_with}; each interval includes how much that calibration varies from "
            "one training source to another, not how far a new outlet may lie from all of them."
        )
    else:
        statements.append(
            "The model carries no calibration (it predates one: retrain it), so shares are the model's raw "
            "counts, not corrected for what it misses or wrongly finds."
        )
    return statements
