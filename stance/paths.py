"""Default locations: the working folder's ``seeds/`` and ``models/`` when they exist, else
the copies shipped inside the installed package.

In a checkout, ``stance train`` writes ``models/stance.skops`` and the next command
uses it; after a plain ``pip install``, from any folder, the shipped corpus and model
are found with no argument at all.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

MODEL_FILE = "stance.skops"
LABELS_FILE = "labels.csv"


def _shipped_folder(package: str) -> Path:
    """The installed copy of a data package; run from a source checkout that was not
    installed (``stance.seeds`` is the repository's ``seeds/`` only once installed), the
    checkout's own folder."""
    try:
        return Path(str(files(package)))  # a regular package (it has an __init__.py), so a real folder
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[1] / package.rsplit(".", 1)[1]


def _local_or_shipped(local: Path, package: str, name: str | None = None) -> Path:
    if local.exists():
        return local
    shipped = _shipped_folder(package)
    return shipped / name if name else shipped


def default_corpus() -> Path:
    return _local_or_shipped(Path("seeds"), "stance.seeds")


def default_labels() -> Path:
    return _local_or_shipped(Path("seeds") / LABELS_FILE, "stance.seeds", LABELS_FILE)


def default_model() -> Path:
    return _local_or_shipped(Path("models") / MODEL_FILE, "stance.models", MODEL_FILE)


def default_model_output() -> Path:
    """Where ``train`` writes by default: always the working folder, never site-packages."""
    return Path("models") / MODEL_FILE


SHIPPED_DATA = {"seeds": "stance.seeds", "labelled": "stance.labelled"}
"""The shipped labelled data, by its folder at the top of a checkout and its installed package."""
SHIPPED_PREFIX = "shipped:"


def _checkout() -> Path:
    return Path(__file__).resolve().parents[1]


def portable_location(path: Path | str) -> str:
    """How a model card names a training file so that another machine finds it again:
    'shipped:labelled/written-1.csv' for the shipped data (from a checkout or an install),
    else the file's absolute path."""
    resolved = Path(path).resolve()
    for folder, package in SHIPPED_DATA.items():
        for root in {_checkout() / folder, _shipped_folder(package).resolve()}:
            if resolved.parent == root:
                return f"{SHIPPED_PREFIX}{folder}/{resolved.name}"
    return resolved.as_posix()


def resolve_location(location: str) -> Path:
    """The file a card's location names on this machine (see :func:`portable_location`)."""
    if location.startswith(SHIPPED_PREFIX):
        folder, name = location[len(SHIPPED_PREFIX):].split("/", 1)
        return _shipped_folder(SHIPPED_DATA[folder]) / name
    return Path(location)
