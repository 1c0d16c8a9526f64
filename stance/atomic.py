"""Write files and folders so that a failure never leaves a half-written result behind.

Everything the tool writes (models, cards, reports, labels files) goes to a
temporary file in the destination folder and is renamed into place: a rename within
one file system is atomic, so a reader sees the old file or the new one, never a mix.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from stance.errors import OutputError


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _replace(source: Path, destination: Path) -> None:
    try:
        os.replace(source, destination)
    except OSError as exc:
        raise OutputError(f"cannot replace it: {exc.strerror}", path=destination) from None


@contextmanager
def atomic_paths(destinations: list[Path]) -> Iterator[list[Path]]:
    """Temporary paths for several files that belong together (a model and its cards).

    All are written before any is renamed into place, so a failed write changes none.
    A destination that is a folder is refused before the first rename, and the first
    destination (the main file) is renamed last, so it changes only if the rest did.
    """
    destinations = [Path(destination) for destination in destinations]
    with ExitStack() as stack:
        temporaries = [stack.enter_context(_staged(destination)) for destination in destinations]
        yield temporaries
        for destination in destinations:
            if destination.is_dir():
                raise OutputError("is a folder, so it cannot be replaced by a file", path=destination)
        for temporary, destination in reversed(list(zip(temporaries, destinations))):
            _replace(temporary, destination)


@contextmanager
def _staged(destination: Path) -> Iterator[Path]:
    """A temporary file beside ``destination`` that is removed unless something renamed it."""
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent)
        os.close(handle)
    except OSError as exc:
        raise OutputError(f"cannot write here: {exc.strerror}", path=destination) from None
    temporary = Path(name)
    temporary.chmod(_default_mode())
    try:
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def atomic_path(destination: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``destination``; rename it into place only if the block succeeds."""
    with atomic_paths([Path(destination)]) as (temporary,):
        yield temporary


def write_text(destination: Path | str, text: str) -> None:
    """Replace a text file atomically (UTF-8, '\\n' line endings on every platform)."""
    with atomic_path(destination) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="\n")


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
        if destination.exists() and not destination.is_dir():
            raise OutputError("is a file, not a folder to write into", path=destination)
        destination.mkdir(exist_ok=True)
        for path in sorted(staging.rglob("*")):
            if path.is_file():
                target = destination / path.relative_to(staging)
                target.parent.mkdir(parents=True, exist_ok=True)
                _replace(path, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
