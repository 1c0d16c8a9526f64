"""Save and load stance models with skops, which stores data, not code.

A model file may come from anywhere (a colleague's e-mail, a download), and loading
a pickle runs whatever code it holds. skops refuses any type that is not on a
trusted list; ours is written here, in code, and never read from the file itself.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from stance.errors import ModelFileError

TRUSTED_TYPES = [
    "stance.features.StanceFeatures",
    "stance.model.StanceClassifier",
]
"""Our own classes; scikit-learn's and numpy's are trusted by skops by default."""


def save_model(model, path: Path | str) -> None:
    """Write a model file, compressed (the shipped model stays small).

    Callers write to a temporary path and rename (see :mod:`stance.atomic`), so that a
    failure never replaces a good model with part of a new one.
    """
    import skops.io as sio

    sio.dump(model, path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)


def load_model(path: Path | str):
    """Load a stance model, refusing files that are corrupt, foreign or hold untrusted types."""
    path = Path(path)
    if path.is_dir():
        raise ModelFileError("is a directory, expected a model file (.skops)", path=path)
    if not path.exists():
        raise ModelFileError("no such model file; train one with 'stance train'", path=path)
    if not zipfile.is_zipfile(path):
        raise ModelFileError("is not a skops model file (not a zip archive; a pickle is never loaded)", path=path)
    import skops.io as sio  # only now: a file refused above costs no heavy import
    from skops.io.exceptions import UntrustedTypesFoundException

    from stance.model import StanceClassifier

    try:
        model = sio.load(path, trusted=TRUSTED_TYPES)
    except UntrustedTypesFoundException as exc:
        raise ModelFileError(f"holds types that are not trusted, so it was not loaded: {exc}", path=path) from None
    except Exception as exc:  # skops raises many kinds on a damaged archive; all mean the same to a user
        raise ModelFileError(f"is corrupt or not a skops model file ({type(exc).__name__})", path=path) from None
    if not isinstance(model, StanceClassifier):
        raise ModelFileError(f"holds a {type(model).__name__}, not a stance model", path=path)
    if not hasattr(model, "estimators_"):
        raise ModelFileError("holds an untrained stance model", path=path)
    if not hasattr(model.features_, "encoder_sha256_"):
        raise ModelFileError("was made by an older version of stance; train it again with 'stance train'", path=path)
    if model.features_.encoder:
        _check_encoder(model.features_, path)
    return model


def _check_encoder(features, path: Path) -> None:
    """A model names the encoder it was trained with; any other encoder would give it vectors it never saw."""
    from stance.encoder import shipped_encoder

    installed = shipped_encoder()
    if installed.sha256 != features.encoder_sha256_:
        raise ModelFileError(
            f"was trained with encoder {features.encoder_name_} (sha256 {features.encoder_sha256_[:12]}…) but this "
            f"installation has {installed.name} (sha256 {installed.sha256[:12]}…); train it again with 'stance train'",
            path=path,
        )
