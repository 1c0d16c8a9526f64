"""Actor normalisation: every name that stands for a party becomes that party's one canonical name.

A sentence encoder trained on general English knows that "Moon" is a celestial body
and "the Blue House" a building; it cannot know that both stand for Seoul in this
story. Replacing each of a party's names by one canonical name (the first name the
schema lists for it, "South Korea") lets sentences that blame the same party through
different names land near each other, which is what a classifier trained on a few
hundred sentences needs to transfer to an outlet with other naming habits.
"""

from __future__ import annotations

import re
from functools import lru_cache


def canonical_names(actors: dict[str, list[str]]) -> dict[str, str]:
    """Each party's canonical name: the first name the schema lists for it."""
    return {side: names[0] for side, names in actors.items() if names}


@lru_cache(maxsize=16)
def _compiled(actors_key: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    canonical = canonical_names({side: list(names) for side, names in actors_key})
    name_to_canonical: dict[str, str] = {}
    for side, names in actors_key:
        for name in names:
            name_to_canonical.setdefault(name, canonical[side])
    if not name_to_canonical:
        return None, {}
    # Longest names first, so "Moon Jae-in" wins over "Moon"; case is kept ("US", not "us").
    alternatives = "|".join(re.escape(name) for name in sorted(name_to_canonical, key=lambda n: (-len(n), n)))
    return re.compile(rf"(?<![\w.])(?:{alternatives})(?![\w-])"), name_to_canonical


def normalise_actors(text: str, actors: dict[str, list[str]]) -> str:
    """``text`` with each actor name replaced by its party's canonical name."""
    pattern, canonical = _compiled(tuple((side, tuple(names)) for side, names in sorted(actors.items())))
    if pattern is None:
        return text
    return pattern.sub(lambda match: canonical[match.group(0)], text)
