"""Choose the sentences worth labelling next, and record answers one at a time.

With a few hundred labelled sentences each new label is worth a lot, so the order
matters: ``suggest`` asks first about sentences picked as ``stance suggest`` picks them (the
most representative of what the labels file does not yet cover), ``uncertain`` about those nearest a
label's threshold, ``disagree`` about those where the model and the keyword rules differ,
``random`` gives an unbiased sample (fixed seed). Each answer is written to the labels file at
once, by atomic rewrite, so quitting or a crash loses at most the answer being typed.
"""

from __future__ import annotations

import csv
import getpass
import io
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from stance.atomic import write_text
from stance.errors import UsageError
from stance.labels import LABEL_SEPARATOR, USER_PROVENANCE, read_label_table
from stance.suggest import choose

STRATEGIES = ("suggest", "uncertain", "disagree", "random")
ANSWER_COLUMNS = ["id", "source", "text", "labels", "provenance", "note", "annotator", "annotated_at"]
RANDOM_SEED = 0
MODEL_COLUMNS = ["text", "is_quote", "speaker_side"]
"""What the model reads of a sentence-table row."""
SUGGESTED_FIRST = 20
"""With the suggest strategy, the first sentences shown are picked as ``stance suggest`` picks
them, the labels file's sentences counting as covered; the rest follow by the model's margin, as
with ``uncertain``."""


class LabelledSentences:
    """Which sentences a labels file already holds: by (source, text), or by text alone for
    rows that name no source (the codebook makes ``source`` optional)."""

    def __init__(self, labels_path: Path):
        self.keys: set[tuple[str, str]] = set()
        self.texts_without_source: set[str] = set()
        if labels_path.exists():
            table = read_label_table(labels_path, allow_no_rows=True)
            sources = table["source"] if "source" in table else [""] * len(table)
            for source, text in zip(sources, table["text"]):
                if source:
                    self.keys.add((source, text))
                else:
                    self.texts_without_source.add(text)

    def __contains__(self, sentence: tuple[str, str]) -> bool:
        source, text = sentence[0], sentence[1].strip()
        return (source, text) in self.keys or text in self.texts_without_source


def unlabelled(table: pd.DataFrame, labels_path: Path) -> pd.DataFrame:
    """Sentences of the sentence table not yet in the labels file."""
    done = LabelledSentences(labels_path)
    return table.loc[[(source, text) not in done for source, text in zip(table["source"], table["text"])]]


def order_candidates(
    candidates: pd.DataFrame, model, keyword_rules, strategy: str, labelled: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Candidates in the order of the strategy, with the model's probabilities and guess attached.

    ``labelled`` holds the corpus's sentences already labelled: the suggest strategy asks about
    what they do not cover."""
    if strategy not in STRATEGIES:
        raise UsageError(f"--strategy {strategy!r} is invalid; choose one of {', '.join(STRATEGIES)}")
    ordered = candidates.copy()
    if ordered.empty:
        return ordered
    probabilities = model.predict_proba(ordered[MODEL_COLUMNS])
    guess = probabilities >= model.thresholds_
    for column, name in enumerate(model.labels):
        ordered[f"p_{name}"] = probabilities[:, column]
    ordered["guess"] = [";".join(n for n, on in zip(model.labels, row) if on) for row in guess]
    ordered["margin"] = np.abs(probabilities - model.thresholds_).min(axis=1)
    if strategy == "disagree":
        keywords = keyword_rules.predict(ordered[["text"]]).astype(bool)
        ordered["disagreements"] = (keywords != guess).sum(axis=1)
        disagreeing = ordered[ordered["disagreements"] > 0]
        return disagreeing.sort_values(["disagreements", "margin", "id"], ascending=[False, True, True], kind="stable")
    if strategy == "random":
        return ordered.iloc[np.random.default_rng(RANDOM_SEED).permutation(len(ordered))]
    by_margin = ordered.sort_values(["margin", "id"], kind="stable")
    if strategy == "uncertain":
        return by_margin
    done = labelled[MODEL_COLUMNS] if labelled is not None else ordered.iloc[:0][MODEL_COLUMNS]
    pool = pd.concat([by_margin[MODEL_COLUMNS], done], ignore_index=True)
    first = by_margin.iloc[choose(model, pool, SUGGESTED_FIRST, labelled=np.arange(len(pool)) >= len(by_margin))]
    return pd.concat([first, by_margin.drop(index=first.index)])


def default_annotator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


@dataclass
class LabelsWriter:
    """Appends answers to a labels file in the codebook's format, rewriting it atomically each time.

    Columns the file already has are kept (in their order); ``annotator`` and
    ``annotated_at`` are added for provenance. ``train`` keeps and ignores them.
    """

    path: Path
    header: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def open(cls, path: Path) -> LabelsWriter:
        writer = cls(path=Path(path))
        if writer.path.exists():
            table = read_label_table(writer.path, allow_no_rows=True).drop(columns=["line"])
            writer.header = list(table.columns)
            writer.rows = table.to_dict("records")
        for column in ANSWER_COLUMNS:
            if column not in writer.header:
                writer.header.append(column)
        return writer

    def _save(self, path: Path | None = None, rows: list[dict[str, str]] | None = None) -> None:
        buffer = io.StringIO()
        table = csv.DictWriter(buffer, fieldnames=self.header, lineterminator="\n", extrasaction="ignore")
        table.writeheader()
        for row in self.rows if rows is None else rows:
            table.writerow({column: row.get(column, "") for column in self.header})
        write_text(path or self.path, buffer.getvalue())

    def copy_without_last(self, path: Path, answers: int) -> int:
        """Write the file as it was before the last ``answers`` answers; return its row count."""
        rows = self.rows[: len(self.rows) - answers]
        self._save(path, rows)
        return len(rows)

    def add(self, sentence, labels: list[str], annotator: str, note: str = "") -> None:
        self.rows.append(
            {
                "id": sentence.id,
                "source": sentence.source,
                "text": sentence.text,
                "labels": LABEL_SEPARATOR.join(labels),
                "provenance": USER_PROVENANCE,
                "note": note,
                "annotator": annotator,
                "annotated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }
        )
        self._save()

    def remove_last(self, sentence_id: str) -> None:
        """Take back the last answer for a sentence (undo)."""
        for index in range(len(self.rows) - 1, -1, -1):
            if self.rows[index].get("id") == sentence_id:
                del self.rows[index]
                self._save()
                return


def context(table: pd.DataFrame, sentence_id: str) -> tuple[str, str]:
    """The sentences before and after one sentence in its article ('' at either end)."""
    position = table.index[table["id"] == sentence_id][0]
    location = table.index.get_loc(position)
    same = table["file"]
    before = table.iloc[location - 1]["text"] if location > 0 and same.iloc[location - 1] == same.iloc[location] else ""
    after = (
        table.iloc[location + 1]["text"]
        if location + 1 < len(table) and same.iloc[location + 1] == same.iloc[location]
        else ""
    )
    return before, after
