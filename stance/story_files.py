"""Which schema and speaker table a labels file is read with.

A labels file may live anywhere: a researcher's own folder, a download, a shared
drive. Its story files are the ones given on the command line, else the ones beside
it, else the shipped story's, and a user is told whenever they are not the ones beside
the data, so no file is ever read with a schema nobody chose.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from stance.attribution import SPEAKERS_NAME, SpeakerTable
from stance.errors import InputDataError
from stance.paths import default_corpus
from stance.schema import SCHEMA_NAME, Schema, load_schema


class StoryFileWarning(UserWarning):
    """A story file came from elsewhere than beside the data, or is missing."""


def _folder_of(data_path: Path) -> Path:
    return data_path if data_path.is_dir() else data_path.parent


def _given(path: Path, option: str) -> Path:
    if not path.is_file():
        raise InputDataError(f"no such file (given with {option})", path=path)
    return path


def find_schema(data_path: Path | str, schema_path: Path | None = None) -> tuple[Schema, bool]:
    """The schema for a data file and whether it is the shipped story's fallback."""
    if schema_path is not None:
        return load_schema(_given(Path(schema_path), "--schema")), False
    beside = _folder_of(Path(data_path)) / SCHEMA_NAME
    if beside.exists():
        return load_schema(beside), False
    shipped = default_corpus() / SCHEMA_NAME
    schema = load_schema(shipped)
    warnings.warn(
        f"no {SCHEMA_NAME} beside the data (looked for {beside.absolute()}; give one with --schema): "
        f"using the shipped story's ({schema.story or shipped})",
        StoryFileWarning,
        stacklevel=2,
    )
    return schema, True


def find_speakers(data_path: Path | str, speakers_path: Path | None = None, shipped_story: bool = False) -> SpeakerTable:
    """The speaker table for a data file. The shipped story's table stands in only when the
    shipped schema does too: another story's speakers would give its sides wrong names."""
    if speakers_path is not None:
        return SpeakerTable.from_csv(_given(Path(speakers_path), "--speakers"))
    beside = _folder_of(Path(data_path)) / SPEAKERS_NAME
    if beside.exists():
        return SpeakerTable.from_csv(beside)
    if shipped_story:
        warnings.warn(
            f"no {SPEAKERS_NAME} beside the data (looked for {beside.absolute()}; give one with --speakers): "
            "using the shipped story's, which goes with its schema",
            StoryFileWarning,
            stacklevel=2,
        )
        return SpeakerTable.from_csv(default_corpus() / SPEAKERS_NAME)
    warnings.warn(
        f"no {SPEAKERS_NAME} beside the data (looked for {beside.absolute()}; give one with --speakers): "
        "every speaker's side is unknown",
        StoryFileWarning,
        stacklevel=2,
    )
    return SpeakerTable({})
