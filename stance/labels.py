"""Read and validate files of labelled sentences in the codebook's format.

A labels file is a UTF-8 CSV with ``text`` and ``labels`` columns (``;``-joined
names, empty for none); ``source`` and ``id`` are optional and other columns are
kept. Every problem is reported with the file, the line and the bad value, because
these files are edited by hand, in spreadsheets, by people who need to find the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from stance.textfiles import read_csv_records
from stance.errors import InputDataError

REQUIRED_COLUMNS = ("text", "labels")
LABEL_SEPARATOR = ";"
USER_PROVENANCE = "user"
"""The provenance of a sentence labelled by the tool's user (``stance annotate``, ``stance suggest``),
as against the shipped ``seed``, ``written`` and ``counterfactual`` sentences."""
WRITTEN_PROVENANCE = ("written", "counterfactual")
"""Provenances of sentences the team wrote for training, as opposed to real coverage (seed, user)."""
MIN_POSITIVES = 3
"""Fewer positive sentences than this cannot support a model or a threshold for a label."""


@dataclass(frozen=True)
class LabelledSentences:
    """Validated labelled sentences: the rows as read, and the indicator matrix in label order."""

    frame: pd.DataFrame
    Y: np.ndarray
    label_names: tuple[str, ...]

    @property
    def groups(self) -> np.ndarray | None:
        """The source of each sentence, when the file names one for every row."""
        if "source" in self.frame and (self.frame["source"] != "").all():
            return self.frame["source"].to_numpy()
        return None


def parse_labels(value: str) -> list[str]:
    """Label names of one cell: ';'-separated, case and surrounding spaces ignored, empties dropped."""
    return [name.strip().lower() for name in value.split(LABEL_SEPARATOR) if name.strip()]


def read_label_table(path: Path | str, allow_no_rows: bool = False) -> pd.DataFrame:
    """A labels CSV as strings, with a ``line`` column giving each row's line in the file.

    A header with no row is an error for training, but a fine start for annotation
    (``allow_no_rows``).
    """
    path = Path(path)
    header, rows = read_csv_records(path)
    if not header:
        raise InputDataError("is empty: a labels file needs a header row with text and labels", path=path)
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise InputDataError(
            f"missing column(s) {', '.join(repr(name) for name in missing)}; "
            f"found {', '.join(repr(name) for name in header) or 'none'} (required: text, labels)",
            path=path,
            line=1,
        )
    lines = [line for line, _ in rows]
    records = [fields for _, fields in rows]
    if not records and not allow_no_rows:
        raise InputDataError("has a header but no labelled sentence", path=path)
    frame = pd.DataFrame(records, columns=header)
    frame["text"] = frame["text"].str.strip()  # spaces around a sentence are an editing accident, not text
    frame.insert(0, "line", lines)
    return frame


def read_labelled(
    paths: list[Path] | Path,
    label_names: tuple[str, ...],
    min_positives: int = MIN_POSITIVES,
    first_file_wins: bool = False,
) -> LabelledSentences:
    """Read one or more labels files, check them against the label set, and build ``Y``.

    ``min_positives`` is the fewest positive sentences a label may have (0 where the
    labels are only compared with a model's, not learned from). A sentence labelled
    differently in two files is an error, unless ``first_file_wins``: then the first
    file's label stands (a user's new answer over an older label of the same sentence).
    """
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    frames = []
    known = set(label_names)
    for file_index, path in enumerate(paths):
        frame = read_label_table(path)
        frame["file"] = Path(path).name
        frame["file_index"] = file_index
        parsed = []
        for line, text, cell in zip(frame["line"], frame["text"], frame["labels"]):
            if not text.strip():
                raise InputDataError("empty text", path=path, line=line)
            names = parse_labels(cell)
            unknown = [name for name in names if name not in known]
            if unknown:
                raise InputDataError(
                    f"unknown label {unknown[0]!r} (known: {', '.join(label_names)})", path=path, line=line
                )
            parsed.append(tuple(sorted(set(names))))
        frame["label_set"] = parsed
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    if "source" not in frame:
        frame["source"] = ""
    frame = _drop_agreeing_duplicates(frame, paths, first_file_wins).drop(columns="file_index")
    Y = np.array([[int(name in labels) for name in label_names] for labels in frame["label_set"]], dtype=int)
    for column, name in enumerate(label_names):
        if Y[:, column].sum() < min_positives:
            raise InputDataError(
                f"label {name!r} has {Y[:, column].sum()} positive sentence(s); at least {min_positives} are needed "
                "to learn it (label more, or drop it from schema.toml)",
                path=paths[0],
            )
    return LabelledSentences(frame=frame.reset_index(drop=True), Y=Y, label_names=tuple(label_names))


def _drop_agreeing_duplicates(frame: pd.DataFrame, paths: list[Path], first_file_wins: bool = False) -> pd.DataFrame:
    """The same sentence twice in one source must carry the same labels; then one copy is kept.
    With ``first_file_wins`` only copies within one file must agree, and the first file's is kept."""
    key = [frame["source"], frame["text"]] + ([frame["file_index"]] if first_file_wins else [])
    for _, group in frame.groupby(key, sort=False):
        if len(group) > 1 and group["label_set"].nunique() > 1:
            first, second = group.iloc[0], group.iloc[1]
            raise InputDataError(
                f"the same sentence is labelled {';'.join(first.label_set) or '(none)'} at line {first.line} "
                f"of {first.file} and {';'.join(second.label_set) or '(none)'} at line {second.line} of {second.file}",
                path=paths[0],
            )
    return frame.loc[~frame.duplicated(subset=["source", "text"])]
