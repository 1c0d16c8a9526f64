"""Turn an article's raw page text into clean paragraphs, before any sentence splitting.

Web copies of news articles carry furniture (bylines, ad markers, contact lines,
photo credits, comment prompts, datelines, sign-offs such as "(END)" or "Reporting
by …") that is not the article, and sometimes a sentence
broken over two lines or a caption printed twice. Removing these first keeps the
sentence table to what the codebook calls sentences. The patterns are data
(``stance/data/furniture.toml``); this module only applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from stance.resources import read_toml

_CLOSING_PUNCTUATION = tuple(".?!:;\"”’')")


@dataclass(frozen=True)
class FurnitureRules:
    """Compiled furniture patterns."""

    drop_line: tuple[re.Pattern[str], ...]
    dateline: tuple[re.Pattern[str], ...]
    strip_suffix: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=1)
def default_rules() -> FurnitureRules:
    """The furniture rules shipped with the package."""
    data = read_toml("furniture.toml")
    return FurnitureRules(
        **{key: tuple(re.compile(pattern) for pattern in data[key]) for key in FurnitureRules.__annotations__}
    )


def _strip_furniture(line: str, rules: FurnitureRules) -> str:
    """The line without its dateline and credit suffixes, or '' if the whole line is furniture."""
    line = " ".join(line.split())
    for pattern in rules.dateline:
        line = pattern.sub("", line, count=1)
    for pattern in rules.strip_suffix:
        line = pattern.sub("", line)
    line = line.strip()
    if any(pattern.search(line) for pattern in rules.drop_line):
        return ""
    return line


def _is_continuation(previous: str, line: str) -> bool:
    """A line opening in lower case after one with no closing punctuation continues it."""
    return not previous.endswith(_CLOSING_PUNCTUATION) and line[:1].islower()


def clean_paragraphs(text: str, rules: FurnitureRules | None = None) -> list[str]:
    """Paragraphs of article text with furniture, broken lines and repeated captions mended.

    Every non-blank line is a paragraph: some copies separate paragraphs with blank
    lines, others with single line breaks, and headlines stand on their own line.
    """
    rules = rules or default_rules()
    paragraphs: list[str] = []
    for raw_line in text.splitlines():
        line = _strip_furniture(raw_line, rules)
        if not line:
            continue
        if paragraphs and _is_continuation(paragraphs[-1], line):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
    seen: set[str] = set()
    unique = []
    for paragraph in paragraphs:
        if paragraph not in seen:
            seen.add(paragraph)
            unique.append(paragraph)
    return unique
