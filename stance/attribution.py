"""Who speaks in a sentence: whether it is (inside) a direct quotation, who is named as its
speaker, and which side that speaker belongs to.

Attribution is kept apart from the stance labels (codebook rule 1): a sentence's
label says what it conveys; its attribution says whose voice conveys it, which is
what lets a report separate an outlet's own voice from the officials it quotes.
The name-to-side table is story data (``speakers.csv`` beside the corpus); the words
that look like speakers but are not (discourse markers, clause words) are English
data (``stance/data/discourse.toml``).

A speaker is a name or a role phrase ("Kim Jong-dae", "a senior ministry official"),
never a discourse marker or a clause. Its side is the side of the speaker's own entry,
else of the head of its role ("an analyst at a think tank in Washington" is an
analyst: side ``analyst``, whatever the institute's country; "a spokesman for the
Foreign Ministry of Japan" is ``japan``). Analysts, experts and scholars have the side
``analyst``; outlets reporting in their own name have ``media``; a speaker the table
cannot place has ``unknown``. Later in an article, "Kim", "the minister" and "he" take
the side of the speaker they refer back to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from stance.textfiles import read_csv_records
from stance.errors import InputDataError
from stance.resources import read_toml, read_word_list

SPEAKERS_NAME = "speakers.csv"
UNKNOWN_SIDE = "unknown"
ALIAS_SEPARATOR = ";"
MIN_QUOTED_WORDS = 3
"""A quotation shorter than this ("white list", "positive") is a scare quote, not a voice."""
MAX_SPEAKER_WORDS = 10
"""A longer name part is a clause, not the name of a speaker."""
MAX_TAIL_WORDS = 8
"""Words allowed after the verb of a closing attribution (", the ministry said in a statement on Friday.")."""

_SIDE = re.compile(r"[\w-]+")
_QUOTE_MARK = re.compile('[“”"]')
_TRAILING_TIME = re.compile(
    r"(?:\s+(?:on|late|early|earlier|last|this|next))?\s+(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
    r"(?:\s+(?:morning|afternoon|evening|night))?|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}"
    r"|week|month|year)$"
    r"|\s+(?:earlier|later)(?:\s+(?:this|that|in\s+the)\s+\w+)?$"
    r"|\s+(?!(?:family|assembly|ally|rally|supply|daily|weekly|monthly)$)[a-z]{3,}ly$"
)


@dataclass(frozen=True)
class Attribution:
    """The voice of one sentence. ``speaker`` and ``side`` are '' when no speaker is named."""

    is_quote: bool
    speaker: str = ""
    side: str = ""


@dataclass(frozen=True)
class _Discourse:
    markers: tuple[str, ...]
    adverbial_openers: frozenset[str]
    clause_words: frozenset[str]
    first_person: frozenset[str]
    pronouns: frozenset[str]
    inverting_verbs: tuple[str, ...]
    preposition: re.Pattern[str]
    locative: frozenset[str]


@lru_cache(maxsize=1)
def _discourse() -> _Discourse:
    data = read_toml("discourse.toml")
    prepositions = sorted(data["prepositions"], key=len, reverse=True)
    return _Discourse(
        markers=tuple(sorted(data["markers"], key=len, reverse=True)),
        adverbial_openers=frozenset(data["adverbial_openers"]),
        clause_words=frozenset(data["clause_words"]),
        first_person=frozenset(data["first_person"]),
        pronouns=frozenset(data["pronouns"]),
        inverting_verbs=tuple(data["inverting_verbs"]),
        preposition=re.compile(r"\s*,\s*|\s+(?=(?:" + "|".join(map(re.escape, prepositions)) + r")\s)"),
        locative=frozenset(data["locative"]),
    )


def _entry_pattern(names: Sequence[str], flags: int = 0) -> re.Pattern[str] | None:
    """Whole-word matches of any name, longest first; "Tokyo-based" is a place of work, not Tokyo."""
    if not names:
        return None
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(" + "|".join(re.escape(name) for name in ordered) + r")(?![\w]|-[a-z])", flags)


class SpeakerTable:
    """Names, titles and institutions mapped to the side they speak for.

    ``entries`` maps every name, alias included, to its side; ``aliases`` maps an alias
    ("KCNA") to the name it stands for ("Korean Central News Agency"). Matching is
    case-sensitive, so that the pronoun "us" is never the United States, except in a
    phrase written all in capitals (a transcript's "KIM YOU-GEUN(DEFENSE MINISTER)").
    """

    def __init__(self, entries: dict[str, str], aliases: dict[str, str] | None = None):
        self.entries = dict(entries)
        self.aliases = dict(aliases or {})
        self._pattern = _entry_pattern(list(self.entries))
        self._folded = _entry_pattern(list(self.entries), re.IGNORECASE)
        self._by_folded_name = {name.lower(): name for name in self.entries}

    @classmethod
    def from_csv(cls, path: Path) -> SpeakerTable:
        """Read a ``name,side[,aliases]`` CSV (aliases joined by ';'), refusing rows with an empty
        name or side."""
        header, records = read_csv_records(path)
        if not {"name", "side"} <= set(header):
            raise InputDataError("needs the columns name and side", path=path)
        entries: dict[str, str] = {}
        aliases: dict[str, str] = {}
        for line, fields in records:
            row = dict(zip(header, (field.strip() for field in fields)))
            name, side = row.get("name", ""), row.get("side", "")
            if not name or not side:
                raise InputDataError("a row needs both a name and a side", path=path, line=line)
            if not _SIDE.fullmatch(side):
                raise InputDataError(
                    f"side {side!r} is not one word such as japan or analyst (quote a name that holds a comma)",
                    path=path,
                    line=line,
                )
            entries[name] = side
            for alias in filter(None, (part.strip() for part in row.get("aliases", "").split(ALIAS_SEPARATOR))):
                entries[alias] = side
                aliases[alias] = name
        return cls(entries, aliases)

    @classmethod
    def for_corpus(cls, corpus_dir: Path) -> SpeakerTable:
        """The corpus's own table, or an empty one (every speaker's side unknown) when it has none."""
        path = Path(corpus_dir) / SPEAKERS_NAME
        return cls.from_csv(path) if path.exists() else cls({})

    def _found(self, phrase: str) -> list[tuple[int, str]]:
        """(position, entry) of the table entries found in a phrase, in reading order."""
        pattern = self._folded if phrase.isupper() else self._pattern
        if pattern is None:
            return []
        if phrase.isupper():
            return [(m.start(), self._by_folded_name[m.group(1).lower()]) for m in pattern.finditer(phrase)]
        return [(m.start(), m.group(1)) for m in pattern.finditer(phrase)]

    def matches(self, phrase: str) -> list[str]:
        """Table entries found in a phrase, longest first."""
        return sorted({entry for _, entry in self._found(phrase)}, key=len, reverse=True)

    def canonical(self, phrase: str) -> str:
        """The name (not the alias) of the longest entry in the phrase, or ''."""
        found = self.matches(phrase)
        return self.aliases.get(found[0], found[0]) if found else ""

    def side_of(self, phrase: str) -> str:
        """The side of the phrase's head, or ``unknown``.

        The phrase is cut at commas and before prepositions; the first piece holding an
        entry gives the side, and within a piece the rightmost entry (the head of an
        English noun phrase: "Japanese analyst" is an analyst, "Japanese broadcaster NHK"
        is NHK). A piece that only says where someone is ("in Washington") counts last.
        """
        discourse = _discourse()
        found = self._found(phrase)
        cuts = [0, *(m.end() for m in discourse.preposition.finditer(phrase)), len(phrase)]
        later = []
        for start, end in zip(cuts, cuts[1:]):
            inside = [entry for position, entry in found if start <= position < end]
            if not inside:
                continue
            side = self.entries[inside[-1]]
            words = _words_of(phrase[start:end])
            if words[:1] and (words[0] in discourse.locative or words[:2] == ["based", "in"]):
                later.append(side)
                continue
            return side
        return later[0] if later else UNKNOWN_SIDE


@lru_cache(maxsize=1)
def _speech_verb_pattern() -> str:
    verbs = read_word_list("speech_verbs.txt")
    return r"(?:" + "|".join(sorted(verbs, key=len, reverse=True)) + r")"


_AUXILIARY = r"(?:(?:has|have|had|was|is|were|also|reportedly|then|once|again|later|previously)\s+)*"


@dataclass(frozen=True)
class _Patterns:
    """Where English news copy puts a speaker, most specific first. ``after`` patterns hold the
    phrase after the verb ("said X, a professor"), the others the phrase before it."""

    after: tuple[re.Pattern[str], ...]
    before: tuple[re.Pattern[str], ...]
    transcript: re.Pattern[str]
    verb: re.Pattern[str]
    according: re.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    verb = _speech_verb_pattern()
    inverting = r"(?:" + "|".join(_discourse().inverting_verbs) + r")"
    tail = r"(?P<tail>[^,;“”]*)"
    return _Patterns(
        after=(
            # “…,” said Yuki Tatsumi, director of …  /  …, said Ko Min-jung, a spokeswoman.
            re.compile(rf"(?:[,.?!]”|,)\s+{inverting}\s+(?P<who>[^“”;]+?)(?:[.!?]$|;|$|,\s*“)"),
            # Yonhap quoted a ministry official as saying …
            re.compile(r"\bquoted\s+(?P<who>[^“”;]+?)\s+as\s+(?:saying|telling)\b"),
        ),
        before=(
            # “…,” Graham said / “…” the KCNA said.
            re.compile(rf"[,.?!]”\s+(?P<who>[^“”;]+?)\s+{_AUXILIARY}{verb}\b"),
            # …, the foreign ministry said in a statement.
            re.compile(rf",\s+(?P<who>[^,“”;]+?)\s+{_AUXILIARY}{verb}\b{tail}$"),
        ),
        # KIM YOU-GEUN(DEPUTY DIRECTOR, NATIONAL SECURITY OFFICE) : “…”
        transcript=re.compile(
            r"^(?P<who>[A-Z][^:“”()]{1,60}?)\s*(?:\((?P<affiliation>[^()]{1,80})\))?\s*:\s*(?=“Q)"
            r"|^(?P<who2>[A-Z][^:“”()]{1,60}?)\s*\((?P<affiliation2>[^()]{1,80})\)\s*:"
        ),
        # Japanese Foreign Minister Taro Kono said …: every verb is tried, the first to give a name wins.
        verb=re.compile(rf"\s+{_AUXILIARY}{verb}\b"),
        # according to the Ministry of Trade, Industry and Energy
        according=re.compile(
            r"\b[Aa]ccording to (?P<who>[^“”,.;]+(?:(?:,\s+[A-Z][\w-]*)+,?\s+and\s+[A-Z][^“”,.;]*)?)"
        ),
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
            # Keep the stop of '“…,” he said': it marks the attribution that follows.
            masked.append((text[-1] if text[-1:] in (",", ".", "?", "!") else "") + "”")
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


def _words_of(text: str) -> list[str]:
    return text.replace("’", "'").lower().split()


def _strip_markers(part: str) -> str:
    """The part without discourse markers at its front and time words or adverbs at its end."""
    discourse = _discourse()
    changed = True
    while changed and part:
        changed = False
        folded = part.replace("’", "'").lower()
        if folded.strip(" ,") in discourse.markers:
            return ""
        for marker in discourse.markers:
            if folded.startswith(marker + " ") or folded.startswith(marker + ","):
                part = part[len(marker) :].lstrip(" ,")
                changed = True
                break
    previous = None
    while part and part != previous:
        previous = part
        part = _TRAILING_TIME.sub("", part).rstrip(" ,")
    return part.strip(" ,—-:")


def _is_adverbial(part: str) -> bool:
    words = _words_of(part)
    return bool(words) and words[0] in _discourse().adverbial_openers


def _is_name(part: str) -> bool:
    """Whether a cleaned part reads as a name or a role phrase, not a clause or a marker."""
    discourse = _discourse()
    words = _words_of(part)
    if not words or len(words) > MAX_SPEAKER_WORDS or "“Q" in part:
        return False
    if discourse.clause_words & set(words) or words[0] in discourse.first_person:
        return False
    if words[0] in discourse.adverbial_openers or words[-1] in {"and", "but", "or", "of", "to", "the", "a"}:
        return False
    return any(character.isalpha() for character in part)


def _is_proper(part: str) -> bool:
    """A part opening with a capitalised word that is not an article: a name ("Kim Hyun-chong")."""
    first = part.split()[0]
    return first[:1].isupper() and first.lower() not in {"the", "a", "an", "some", "one", "several", "many"}


_PARTICLES = {"of", "the", "and", "for", "de", "van", "von", "bin", "al", "da", "le", "la", "du"}


def _is_proper_name(part: str) -> bool:
    """Every word before any preposition capitalised, but particles ("Ko Min-jung", "Chief Cabinet
    Secretary Yoshihide Suga", "Aum from the Institute of Peace")."""
    head = _discourse().preposition.split(part)[0]
    return all(word[:1].isupper() or word in _PARTICLES for word in head.split())


def _name_from(phrase: str, reading: str) -> str:
    """The part of a speaker phrase that names the speaker, or ''.

    ``reading`` says where the phrase stood. ``open``: before the verb, not closed by a
    comma ("South Korea will quit the pact, the ministry said"): the last part.
    ``closed``: a name with its apposition ("Kim, a professor at …, said"): the first
    name among the parts, past adverbials and clauses; ``named`` asks for a proper name
    there and nothing else. ``after``: after the verb ("said Ko, a spokeswoman"): the
    first part, a proper name or a role phrase opening with an article.
    ``according``: the whole phrase ("the Ministry of Trade, Industry and Energy").
    """
    if reading == "according":
        whole = _strip_markers(phrase)
        if whole and _is_name(whole):
            return whole
        reading = "after"
    parts = [part for part in (_strip_markers(p) for p in phrase.split(",")) if part]
    if not parts:
        return ""
    if reading == "open":
        return parts[-1] if _is_name(parts[-1]) or _is_pronoun(parts[-1]) else ""
    if reading == "after":
        first = parts[0]
        if _is_pronoun(first) or (_is_name(first) and (_is_proper_name(first) or not first[:1].isupper())):
            return first
        return ""
    while len(parts) > 1 and (_is_adverbial(parts[0]) or not _is_name(parts[0])):
        parts.pop(0)
    proper = [part for part in parts if _is_proper(part) and _is_name(part)]
    if reading == "named":
        return proper[0] if proper else ""
    return next((part for part in proper + parts if _is_name(part) or _is_pronoun(part)), "")


def _is_pronoun(part: str) -> bool:
    return part.lower() in _discourse().pronouns


def _display(name: str) -> str:
    """A name written in capitals ("KIM YOU-GEUN") as a name is written elsewhere ("Kim You-geun")."""
    return " ".join(word.capitalize() for word in name.split()) if name.isupper() and len(name) > 3 else name


def _tail_ok(tail: str) -> bool:
    words = _words_of(tail.strip(" .!?"))
    return len(words) <= MAX_TAIL_WORDS and not _discourse().clause_words & set(words)


def _subject_candidates(masked: str) -> list[tuple[str, bool]]:
    """(phrase before a speech verb, whether a comma closes it), for every speech verb outside quotations."""
    found = []
    for m in _patterns().verb.finditer(masked):
        before = masked[: m.start()]
        if "“" not in before and "”" not in before:
            found.append((before, before.rstrip().endswith(",")))
    return found


def _speaker_phrase(masked: str, table: SpeakerTable) -> tuple[str, str]:
    """(the name of the speaker, the phrase around it that gives its side), or ('', '').

    Forms are tried from the most to the least telling: a transcript's "NAME(TITLE) :",
    the speaker beside a quotation, a named subject with its apposition ("Kim, a
    professor at …, said"), an inverted attribution closing the sentence ("…, said Ko, a
    spokeswoman"), a closing ", the ministry said", any subject of a speech verb, and
    "according to".
    """
    patterns = _patterns()
    transcript = patterns.transcript.search(masked)
    if transcript:
        who = (transcript.group("who") or transcript.group("who2")).strip()
        affiliation = transcript.group("affiliation") or transcript.group("affiliation2") or ""
        if len(who.split()) <= 6 and all(word[:1].isupper() for word in who.split()):
            return _display(who), who if table.side_of(who) != UNKNOWN_SIDE else affiliation
    quote_after, inverted = patterns.after[0], patterns.after[1:]
    subjects = _subject_candidates(masked)
    candidates: list[tuple[str, str]] = []  # (phrase, how to read it)
    candidates += [(m.group("who"), "after") for m in quote_after.finditer(masked) if "”" in m.group(0)]
    candidates += [(m.group("who"), "closed" if m.group("who").rstrip().endswith(",") else "open")
                   for m in patterns.before[0].finditer(masked)]
    candidates += [(phrase, "named") for phrase, closed in subjects if closed]
    candidates += [(m.group("who"), "after") for m in quote_after.finditer(masked) if "”" not in m.group(0)]
    candidates += [(m.group("who"), "after") for pattern in inverted for m in pattern.finditer(masked)]
    candidates += [(m.group("who"), "open") for m in patterns.before[1].finditer(masked) if _tail_ok(m.group("tail"))]
    candidates += [(phrase, "closed" if closed else "open") for phrase, closed in subjects]
    candidates += [(m.group("who"), "according") for m in patterns.according.finditer(masked)]
    for phrase, reading in candidates:
        name = _name_from(phrase.strip(" —-"), reading)
        if name:
            return name, phrase
    return "", ""


def _attribute(name: str, phrase: str, table: SpeakerTable) -> str:
    """The side of a speaker: its own entry's first, else that of the role around it.

    A bare surname in the table ("Wang") stands for one person; another of that name
    ("Wang Jun, a scholar at Fudan University") takes the side of the role given.
    """
    side = table.side_of(name)
    if side == UNKNOWN_SIDE:
        return table.side_of(phrase)
    words = name.split()
    apposition = phrase[phrase.find(name) + len(name) :].lstrip() if name in phrase else ""
    if len(words) > 1 and table.matches(name) == [words[0]] and apposition.startswith(","):
        role_side = table.side_of(apposition)
        return role_side if role_side != UNKNOWN_SIDE else side
    return side


def _referent(name: str, earlier: Sequence[tuple[str, str, str]]) -> tuple[str, str] | None:
    """The earlier speaker that "Kim" or "the minister" refers back to: one whose name holds
    the word, or, for "the statement", whose sentence does; (speaker, side) or None."""
    words = _words_of(name)
    if words[0] in {"mr.", "ms.", "mrs.", "dr."}:
        words = words[1:]
    definite = words[:1] == ["the"]
    if not words or not (definite or (len(words) == 1 and name[:1].isupper())):
        return None
    head = words[-1]
    for speaker, side, sentence in reversed(earlier):
        if side == UNKNOWN_SIDE:
            continue
        if head in _words_of(speaker) or (definite and head in re.findall(r"[\w']+", sentence.lower())):
            return speaker, side
    return None


def attribute_article(paragraphs: Sequence[Sequence[str]], table: SpeakerTable) -> list[list[Attribution]]:
    """Attribution of every sentence of an article, given as paragraphs of sentences.

    A quotation that runs over several sentences shares the speaker named in any of
    them; a quoted sentence with no speaker of its own takes the one named elsewhere
    in its paragraph; "he said" takes the speaker named nearest before it; "Kim" and
    "the minister", when the table does not place them, take the side of the earlier
    speaker they name.
    """
    result: list[list[Attribution]] = []
    earlier: list[tuple[str, str, str]] = []  # (speaker, side, sentence) in reading order
    for sentences in paragraphs:
        inside = False  # news style reopens a quotation at each paragraph
        found, quote_flags, groups = [], [], []
        group = 0
        for sentence in sentences:
            starts_inside = inside
            masked, quoted_words, inside = _mask_quotations(sentence, inside)
            found.append(_speaker_phrase(masked, table))
            quote_flags.append(starts_inside or quoted_words >= MIN_QUOTED_WORDS)
            groups.append(group)
            if not inside:
                group += 1
        speakers: list[tuple[str, str]] = []
        for sentence, (name, phrase) in zip(sentences, found):
            if name and _is_pronoun(name):
                speakers.append(earlier[-1][:2] if earlier else ("", ""))
                continue
            if not name:
                speakers.append(("", ""))
                continue
            side = _attribute(name, phrase, table)
            if side == UNKNOWN_SIDE and (referent := _referent(name, earlier)):
                side = referent[1]
            speakers.append((name, side))
            earlier.append((name, side, sentence))
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
