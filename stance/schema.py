"""The story schema: stance labels, the actors they concern, and cue words, read from TOML.

Everything specific to one story lives in ``schema.toml`` beside its data, so the
code can serve another story. The schema is validated once, on load, with errors
that name the file and the offending entry.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stance.errors import InputDataError

SCHEMA_NAME = "schema.toml"
_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Label:
    """One stance label: its name in files, its name for people, and the actor it blames, if any."""

    name: str
    display: str
    definition: str
    actor: str | None
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Schema:
    """A story's labels, actors and cue lexicon."""

    story: str
    labels: tuple[Label, ...]
    actors: dict[str, tuple[str, ...]]
    cues: dict[str, tuple[str, ...]]
    blame_kinds: tuple[str, ...] = ()
    side_names: dict[str, str] | None = None
    """How reports name each side (``[side_names]``); a side not named there is shown as its id, spaced."""
    codebook: str = ""
    """Where the labels are defined in full, with their hard cases (``codebook``): reports point to it."""

    def side_name(self, side: str) -> str:
        return (self.side_names or {}).get(side) or side.replace("_", " ")

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)

    def label(self, name: str) -> Label:
        return next(label for label in self.labels if label.name == name)

    def lexicon(self) -> dict[str, dict[str, list[str]]]:
        """Actors and cues as plain lists: the form the featuriser stores inside a model file."""
        return {
            "actors": {side: list(names) for side, names in self.actors.items()},
            "cues": {kind: list(words) for kind, words in self.cues.items()},
            "blame_kinds": list(self.blame_kinds),
        }


def _string_list(value: Any, where: str, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise InputDataError(f"{where} must be a list of non-empty strings", path=path)
    return tuple(item.strip() for item in value)


def _slug(value: Any, where: str, path: Path) -> str:
    if not isinstance(value, str) or not _NAME_PATTERN.match(value):
        raise InputDataError(
            f"{where} = {value!r} is invalid; use lower case letters, digits and '_' (e.g. blames_seoul)", path=path
        )
    return value


def load_schema(path: Path | str) -> Schema:
    """Read and validate a schema file."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise InputDataError(f"no schema file (a {SCHEMA_NAME} beside the data names the labels)", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputDataError(f"is not valid TOML: {exc}", path=path) from None
    except UnicodeDecodeError:
        raise InputDataError("is not valid UTF-8", path=path) from None

    actors_table = data.get("actors")
    if not isinstance(actors_table, dict) or not actors_table:
        raise InputDataError("needs an [actors] table naming at least one actor", path=path)
    actors = {_slug(side, "actor", path): _string_list(names, f"actors.{side}", path) for side, names in actors_table.items()}

    cues_table = data.get("cues", {})
    if not isinstance(cues_table, dict):
        raise InputDataError("[cues] must be a table of word lists", path=path)
    cues = {_slug(kind, "cue kind", path): _string_list(words, f"cues.{kind}", path) for kind, words in cues_table.items()}

    blame_kinds = _string_list(data.get("blame_cues", []), "blame_cues", path) if data.get("blame_cues") else ()
    unknown_kinds = [kind for kind in blame_kinds if kind not in cues]
    if unknown_kinds:
        raise InputDataError(f"blame_cues names {unknown_kinds[0]!r}, which is not a list in [cues]", path=path)

    raw_labels = data.get("labels")
    if not isinstance(raw_labels, list) or not raw_labels:
        raise InputDataError("needs at least one [[labels]] entry", path=path)
    labels = []
    for index, entry in enumerate(raw_labels, start=1):
        if not isinstance(entry, dict):
            raise InputDataError(f"[[labels]] entry {index} is not a table", path=path)
        name = _slug(entry.get("name"), f"labels[{index}].name", path)
        actor = entry.get("actor")
        if actor is not None and actor not in actors:
            raise InputDataError(
                f"label {name}: actor {actor!r} is not in [actors] (known: {', '.join(sorted(actors))})", path=path
            )
        labels.append(
            Label(
                name=name,
                display=str(entry.get("display", name)),
                definition=str(entry.get("definition", "")),
                actor=actor,
                keywords=_string_list(entry.get("keywords", []), f"label {name} keywords", path)
                if entry.get("keywords")
                else (),
            )
        )
    names = [label.name for label in labels]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise InputDataError(f"label(s) defined twice: {', '.join(duplicated)}", path=path)
    side_names = data.get("side_names", {})
    if not isinstance(side_names, dict) or not all(isinstance(v, str) and v.strip() for v in side_names.values()):
        raise InputDataError("[side_names] must map each side to a non-empty display name", path=path)
    return Schema(
        story=str(data.get("story", "")),
        labels=tuple(labels),
        actors=actors,
        cues=cues,
        blame_kinds=blame_kinds,
        side_names={str(side): name.strip() for side, name in side_names.items()},
        codebook=str(data.get("codebook", "")).strip(),
    )


def schema_beside(data_path: Path | str) -> Schema:
    """The schema that sits beside a data file or inside a corpus folder."""
    data_path = Path(data_path)
    folder = data_path if data_path.is_dir() else data_path.parent
    return load_schema(folder / SCHEMA_NAME)
