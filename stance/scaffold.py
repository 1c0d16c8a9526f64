"""``stance init``: the skeleton of a new story's corpus folder, so a second story needs no code.

The files are the ones every stage reads (see the README's corpus layout), each with
its header and, for the schema, a commented template to fill in. Nothing is written
into a folder that already holds files, so an existing corpus is never overwritten.
"""

from __future__ import annotations

from pathlib import Path

from stance.atomic import atomic_folder
from stance.errors import UsageError

SCHEMA_TEMPLATE = """\
# The story's schema: its stance labels, the actors they are about, and the cue words
# that carry judgement. Fill it in; docs/CODEBOOK.md shows how a codebook defines labels.

story = "a one-line name for the story"
# Where your labels are defined in full, with their hard cases; reports point readers to it.
# codebook = "CODEBOOK.md beside the articles"

# The [cues] kinds that judge an actor: next to an actor, any of them marks it as blamed.
blame_cues = ["judgement"]

# One [[labels]] block per stance. name: lower case, used in labels.csv; display: for
# people; actor: the party a blame label is about (one of [actors]); keywords: the
# keyword-rule baseline, from the words of the definition.
[[labels]]
name = "first_label"
display = "First label"
definition = "What a sentence must say to carry this label."
actor = "party_a"
keywords = ["a word of the definition"]

# Names, places and titles that stand for each party; a party's first name is the one
# the encoder reads in place of the others.
[actors]
party_a = ["Party A", "A's capital"]
party_b = ["Party B"]

# How reports name each side (the sides of speakers.csv).
[side_names]
party_a = "Party A"
party_b = "Party B"

# Cue words by kind, matched on word stems.
[cues]
judgement = ["wrong", "reckless"]
"""

HEADERS = {
    "sources.csv": "file,source,outlet,published,headline\n",
    "speakers.csv": "name,side,aliases\n",
    "labels.csv": "id,source,text,labels,provenance,note\n",
}


def init_corpus(folder: Path | str) -> list[Path]:
    """Write the skeleton into ``folder`` (new or empty); return the files written."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} already exists and is not an empty folder: choose a new one")
    files = {"schema.toml": SCHEMA_TEMPLATE, **HEADERS}
    with atomic_folder(folder) as staging:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8", newline="\n")
    return [folder / name for name in files]
