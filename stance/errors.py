"""The tool's own exceptions: one type per kind of failure, each with its exit code.

The CLI turns any :class:`StanceError` into a one-line message on stderr and exits
with the code of its kind, so scripts can tell bad data from a bad model file.
"""

from __future__ import annotations

from pathlib import Path


class StanceError(Exception):
    """Base class: a failure the user can fix, reported without a traceback."""

    exit_code = 1

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        self.path = Path(path) if path is not None else None
        self.line = line
        where = ""
        if self.path is not None:
            where = f"{self.path.name}"
            if line is not None:
                where += f" line {line}"
            where += ": "
        super().__init__(f"{where}{message}")


class UsageError(StanceError):
    """The command was called with arguments that cannot work together."""

    exit_code = 2


class InputDataError(StanceError):
    """A corpus, manifest or labels file is unreadable or breaks the codebook's format."""

    exit_code = 3


class ModelFileError(StanceError):
    """A model file is missing, corrupt, not a stance model, or holds untrusted types."""

    exit_code = 4


class OutputError(StanceError):
    """A result could not be written where it was asked for."""

    exit_code = 5
