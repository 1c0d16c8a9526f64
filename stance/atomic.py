"""Write files and folders so that a failure never leaves a half-written result behind.

Everything the tool writes (models, cards, reports, labels files) goes to a
temporary file in the destination folder and is renamed into place: a rename within
one file system is atomic, so a reader sees the old file or the new one, never a mix.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from stance.errors import OutputError


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_path(destination: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``destination``; rename it into place only if the block succeeds."""
    destination = Path(destination)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent)
        os.close(handle)
    except OSError as exc:
        raise OutputError(f"cannot write here: {exc.strerror}", path=destination) from None
    temporary = Path(name)
    try:
        yield temporary
        temporary.chmod(_default_mode())  # mkstemp makes 0600; a written result should read like any file
        os.replace(temporary, destination)
    finally:
        temporary.unlink(missing_ok=True)


def write_text(destination: Path | str, text: str) -> None:
    """Replace a text file atomically (UTF-8, '\\n' line endings on every platform)."""
    with atomic_path(destination) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="\n")


def write_bytes(destination: Path | str, writer: Callable[[BinaryIO], None]) -> None:
    """Replace a binary file atomically with what ``writer`` writes to an open handle."""
    with atomic_path(destination) as temporary, temporary.open("wb") as handle:
        writer(handle)


@contextmanager
def atomic_folder(destination: Path | str) -> Iterator[Path]:
    """Yield an empty temporary folder; on success its files replace those of ``destination``.

    Files of ``destination`` that the new set does not contain are left alone, so a
    report folder can also hold a user's own notes.
    """
    destination = Path(destination)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    except OSError as exc:
        raise OutputError(f"cannot write here: {exc.strerror}", path=destination) from None
    try:
        yield staging
        destination.mkdir(exist_ok=True)
        for path in sorted(staging.rglob("*")):
            if path.is_file():
                target = destination / path.relative_to(staging)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
