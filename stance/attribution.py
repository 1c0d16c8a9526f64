"""Who speaks in a sentence: whether it is (inside) a direct quotation, who is named as its
speaker, and which side that speaker belongs to.

Attribution is kept apart from the stance labels (codebook rule 1): a sentence's
label says what it conveys; its attribution says whose voice conveys it, which is
what lets a report separate an outlet's own voice from the officials it quotes.
The name-to-side table is story data (``speakers.csv`` beside the corpus).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from stance.corpus import read_csv_records
from stance.errors import InputDataError
from stance.resources import read_word_list

SPEAKERS_NAME = "speakers.csv"
UNKNOWN_SIDE = "unknown"
MIN_QUOTED_WORDS = 3
"""A quotation shorter than this ("white list", "positive") is a scare quote, not a voice."""
MAX_SPEAKER_WORDS = 10
"""A longer name part is a clause, not the name of a speaker."""

_QUOTE_MARK = re.compile('[“”"]')
_PRONOUNS = {"he", "she", "they", "He", "She", "They"}
# English function words: a comma part opening with one is an adverbial ("In Seoul,",
# "On Monday,") and a name part holding one is a clause ("This view has grown as …").
_ADVERBIAL_OPENERS = {
    "after", "amid", "and", "as", "at", "before", "but", "during", "earlier", "however", "in",
    "later", "meanwhile", "on", "still", "then", "when", "while", "yet",
}
_CLAUSE_WORDS = {"that", "as", "is", "are", "was", "were", "has", "have", "had", "been", "which", "who", "if"}


@dataclass(frozen=True)
class Attribution:
    """The voice of one sentence. ``speaker`` and ``side`` are '' when no speaker is named."""

    is_quote: bool
    speaker: str = ""
    side: str = ""


class SpeakerTable:
    """Names, titles and institutions mapped to the side they speak for.

    Lookup prefers the longest entry found in a speaker phrase, so "broadcaster"
    (media) wins over "Japanese" in "Japanese broadcaster NHK", and a person's name
    over the nationality of the body they work for. Matching is case-sensitive so
    that the pronoun "us" is never the United States.
    """

    def __init__(self, entries: dict[str, str]):
        self.entries = dict(entries)
        ordered = sorted(self.entries, key=len, reverse=True)
        self._pattern = (
            re.compile(r"(?<![\w.])(" + "|".join(re.escape(name) for name in ordered) + r")(?![\w])")
            if ordered
            else None
        )

    @classmethod
    def from_csv(cls, path: Path) -> SpeakerTable:
        """Read a ``name,side`` CSV, refusing rows with an empty name or side."""
        header, records = read_csv_records(path)
        if not {"name", "side"} <= set(header):
            raise InputDataError("needs the columns name and side", path=path)
        entries = {}
        for line, fields in records:
            row = dict(zip(header, (field.strip() for field in fields)))
            name, side = row.get("name", ""), row.get("side", "")
            if not name or not side:
                raise InputDataError("a row needs both a name and a side", path=path, line=line)
            entries[name] = side
        return cls(entries)

    @classmethod
    def for_corpus(cls, corpus_dir: Path) -> SpeakerTable:
        """The corpus's own table, or an empty one (every speaker's side unknown) when it has none."""
        path = Path(corpus_dir) / SPEAKERS_NAME
        return cls.from_csv(path) if path.exists() else cls({})

    def matches(self, phrase: str) -> list[str]:
        """Table entries found in a phrase, longest first."""
        if self._pattern is None:
            return []
        return sorted({match.group(1) for match in self._pattern.finditer(phrase)}, key=len, reverse=True)

    def side_of(self, phrase: str) -> str:
        """The side of the longest entry in the phrase, or ``unknown``."""
        found = self.matches(phrase)
        return self.entries[found[0]] if found else UNKNOWN_SIDE


@lru_cache(maxsize=1)
def _speech_verb_pattern() -> str:
    verbs = read_word_list("speech_verbs.txt")
    return r"(?:" + "|".join(sorted(verbs, key=len, reverse=True)) + r")"


@lru_cache(maxsize=1)
def _speaker_patterns() -> tuple[re.Pattern[str], ...]:
    """Where English news copy puts a speaker, most specific first."""
    verb = _speech_verb_pattern()
    auxiliary = r"(?:(?:has|have|had|was|is|were|also|reportedly|then)\s+)*"
    return (
        # “…,” said Yuki Tatsumi, director of …
        re.compile(rf"[,?!]”\s+{verb}\s+(?P<who>[^“”;]+?)(?:\.$|;|$|,\s*“)"),
        # “…,” Graham said / “…,” former secretary Kelly Magsamen told the New York Times
        re.compile(rf"[,?!]”\s+(?P<who>[^“”;]+?)\s+{auxiliary}{verb}\b"),
        # according to a person familiar with the talks
        re.compile(r"\b[Aa]ccording to (?P<who>[^“”,.;]+)"),
        # Japanese Foreign Minister Taro Kono said …
        re.compile(rf"^(?P<who>[^“”;]+?)\s+{auxiliary}{verb}\b"),
    )


def _mask_quotations(sentence: str, starts_inside: bool) -> tuple[str, int, bool]:
    """The sentence with quoted words replaced by a placeholder, the quoted word count, and
    whether a quotation is still open at its end.

    Scans from quotation mark to quotation mark (not character by character): this
    runs on every sentence ``classify`` sees.
    """
    inside = starts_inside
    masked: list[str] = ["“Q"] if inside else []
    quoted: list[str] = []
    quoted_words = 0
    position = 0
    for match in _QUOTE_MARK.finditer(sentence):
        mark, segment = match.group(), sentence[position : match.start()]
        position = match.end()
        if inside:
            quoted.append(segment)
            if mark == "“":  # an opening mark inside a quotation is part of its text
                quoted.append(mark)
                continue
            text = "".join(quoted).rstrip()
            quoted_words += len(text.split())
            # Keep the comma of '“…,” he said': it marks the attribution that follows.
            masked.append((text[-1] if text[-1:] in (",", "?", "!") else "") + "”")
            quoted, inside = [], False
        else:
            masked.append(segment)
            if mark == "”":  # a stray closing mark outside any quotation
                masked.append(mark)
            else:
                masked.append("“Q")
                inside = True
    tail = sentence[position:]
    if inside:
        quoted_words += len(("".join(quoted) + tail).split())
    else:
        masked.append(tail)
    return "".join(masked), quoted_words, inside


def _speaker_phrase(masked_sentence: str) -> str:
    """The phrase naming the speaker, or ''."""
    for pattern in _speaker_patterns():
        match = pattern.search(masked_sentence)
        if match:
            phrase = match.group("who").strip(" ,—-")
            if phrase and "Q" not in phrase.split():
                return phrase
    return ""


def _name_part(phrase: str, table: SpeakerTable) -> str:
    """The comma-separated part of a speaker phrase that names the speaker, or ''.

    Leading adverbials are skipped ("Still, the adviser, Kim Hyun-chong" gives
    "Kim Hyun-chong"); a part naming a known entry wins over a bare title; a part
    that reads as a clause rather than a name is no speaker at all.
    """
    parts = [part.strip() for part in phrase.split(",") if part.strip()]
    while parts and parts[0].split()[0].lower() in _ADVERBIAL_OPENERS and len(parts) > 1:
        parts.pop(0)
    if not parts:
        return ""
    name = next((part for part in parts if table.matches(part)), parts[0])
    words = name.split()
    while words and words[0].lower() in _ADVERBIAL_OPENERS:
        words.pop(0)
    if not words or len(words) > MAX_SPEAKER_WORDS or _CLAUSE_WORDS & {word.lower() for word in words}:
        return ""
    return " ".join(words)


def _attribute(phrase: str, table: SpeakerTable) -> tuple[str, str]:
    """(speaker, side) for a speaker phrase: the side of the naming part first, else of the whole."""
    name = _name_part(phrase, table)
    if not name:
        return "", ""
    side = table.side_of(name)
    if side == UNKNOWN_SIDE:
        side = table.side_of(phrase)
    return name, side


def attribute_article(paragraphs: Sequence[Sequence[str]], table: SpeakerTable) -> list[list[Attribution]]:
    """Attribution of every sentence of an article, given as paragraphs of sentences.

    A quotation that runs over several sentences shares the speaker named in any of
    them; a quoted sentence with no speaker of its own takes the one named elsewhere
    in its paragraph; "he said" takes the last speaker named in the article.
    """
    result: list[list[Attribution]] = []
    last_named: tuple[str, str] = ("", "")
    for sentences in paragraphs:
        inside = False  # news style reopens a quotation at each paragraph
        phrases, quote_flags, groups = [], [], []
        group = 0
        for sentence in sentences:
            starts_inside = inside
            masked, quoted_words, inside = _mask_quotations(sentence, inside)
            phrases.append(_speaker_phrase(masked))
            quote_flags.append(starts_inside or quoted_words >= MIN_QUOTED_WORDS)
            groups.append(group)
            if not inside:
                group += 1
        speakers: list[tuple[str, str]] = []
        for phrase in phrases:
            if phrase in _PRONOUNS:
                speakers.append(last_named)
            elif phrase and (attributed := _attribute(phrase, table))[0]:
                speakers.append(attributed)
                last_named = attributed
            else:
                speakers.append(("", ""))
        for index, (speaker, _) in enumerate(speakers):
            if speaker or not quote_flags[index]:
                continue
            same_quote = [speakers[i] for i in range(len(sentences)) if groups[i] == groups[index] and speakers[i][0]]
            in_paragraph = [speakers[i] for i in range(len(sentences)) if quote_flags[i] and speakers[i][0]]
            if same_quote or in_paragraph:
                speakers[index] = (same_quote or in_paragraph)[0]
        result.append(
            [Attribution(is_quote=flag, speaker=name, side=side) for flag, (name, side) in zip(quote_flags, speakers)]
        )
    return result


def attribute_sentence(sentence: str, table: SpeakerTable) -> Attribution:
    """Attribution of a sentence seen alone (no paragraph around it), as ``classify`` sees one."""
    return attribute_article([[sentence]], table)[0][0]
