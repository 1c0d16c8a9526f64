"""Access to data files shipped inside the package, found the same way from a wheel or a checkout."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any


def package_file(name: str) -> Path:
    """Path of a file under ``stance/data``."""
    return Path(str(files("stance") / "data" / name))


def read_word_list(name: str) -> list[str]:
    """Non-blank, non-comment lines of a plain-text list in ``stance/data``."""
    lines = package_file(name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def read_toml(name: str) -> dict[str, Any]:
    """A TOML file of ``stance/data``."""
    with package_file(name).open("rb") as handle:
        return tomllib.load(handle)
