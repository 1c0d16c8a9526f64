"""Find hand labels worth a second look: where a model that never saw the sentence's
source contradicts the label most confidently (confident-learning style).

Each labelled sentence is scored by a model trained on the other sources, so the
model cannot simply remember the label it is checking. A (sentence, label) pair is
suspect when the held-out model decides the other way; suspects are ranked by how
sure the model is of the opposite answer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stance.evaluate import out_of_source_predictions
from stance.training import TrainingSet, stance_model

AUDIT_COLUMNS = ["rank", "id", "source", "text", "label", "given", "model_probability", "note"]


def audit(training: TrainingSet, top: int | None = None) -> pd.DataFrame:
    """Suspect labels, most confidently contradicted first."""
    data = training.data
    predictions, probabilities, _ = out_of_source_predictions(stance_model(training), data)
    frame = data.frame
    rows = []
    for row_index, column_index in zip(*np.nonzero(predictions != data.Y)):
        given = bool(data.Y[row_index, column_index])
        probability = float(probabilities[row_index, column_index])
        rows.append(
            {
                "id": frame["id"].iloc[row_index] if "id" in frame else str(frame["line"].iloc[row_index]),
                "source": frame["source"].iloc[row_index],
                "text": frame["text"].iloc[row_index],
                "label": data.label_names[column_index],
                "given": "yes" if given else "no",
                "model_probability": round(probability, 4),
                "note": frame["note"].iloc[row_index] if "note" in frame else "",
                "contradiction": probability if not given else 1 - probability,
            }
        )
    suspects = pd.DataFrame(rows, columns=AUDIT_COLUMNS[1:] + ["contradiction"])
    suspects = suspects.sort_values(["contradiction", "id", "label"], ascending=[False, True, True], kind="stable")
    suspects = suspects.drop(columns="contradiction").head(top) if top else suspects.drop(columns="contradiction")
    suspects.insert(0, "rank", range(1, len(suspects) + 1))
    return suspects.reset_index(drop=True)
