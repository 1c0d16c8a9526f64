"""Score sentence attribution (is_quote, speaker, side) against a hand-written test set.

The test set (``tests/data/attribution_set.csv``) holds short articles in the conventions
of other outlets (wire copy, broadcast transcripts, Korean, Japanese, Chinese and North
Korean English-language media, US papers and op-eds), one sentence a row, each with the
attribution a reader gives it. Every article goes through the whole sentence stage
(cleaning, splitting, attribution) as ``stance sentences`` runs it, so datelines,
sign-offs and splitting are measured with the speakers. ``python -m stance.attribution_eval``
prints the figures; ``python -m stance.bench`` prints them too.

Columns: ``group`` (an article), ``paragraph`` (rows of one paragraph are joined with a
space), ``text``, ``is_quote``, ``speaker``, ``speaker_side`` and ``kind`` (the form the row
tests; ``furniture`` rows must vanish from the sentence table).

A predicted speaker matches the expected one when, ignoring case, punctuation and a
leading article, one is the other or ends with it word for word ("Taro Kono" and
"Foreign Minister Taro Kono"), or both are aliases of one entry of the speaker table.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from stance.attribution import SpeakerTable
from stance.corpus import Article
from stance.sentences import Sentence, article_sentences

DEFAULT_SET = Path(__file__).resolve().parents[1] / "tests" / "data" / "attribution_set.csv"
FURNITURE = "furniture"
_DATELINE_TRACE = re.compile(r"\([A-Z][\w .&-]*\)|--|—|\b[A-Z]{3,},")
_LEADING_ARTICLE = {"the", "a", "an"}


@dataclass(frozen=True)
class Case:
    """One row of the test set."""

    group: str
    paragraph: int
    text: str
    is_quote: bool
    speaker: str
    side: str
    kind: str


@dataclass(frozen=True)
class Outcome:
    """A case and what the sentence stage made of it."""

    case: Case
    found: bool
    pieces: int
    text: str = ""
    is_quote: bool = False
    speaker: str = ""
    side: str = ""


@dataclass(frozen=True)
class Scores:
    """Precision and recall of the speaker and the side, and counts of the stage's other failures."""

    sentences: int
    with_speaker: int
    speaker_precision: float
    speaker_recall: float
    side_precision: float
    side_recall: float
    quote_accuracy: float
    dateline_speakers: int
    datelines_kept: int
    furniture_kept: int
    split_apart: int
    lost: int


def read_cases(path: Path | str = DEFAULT_SET) -> list[Case]:
    """The rows of a test-set CSV, in file order."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return [
            Case(
                group=row["group"],
                paragraph=int(row["paragraph"]),
                text=row["text"],
                is_quote=row["is_quote"].strip().lower() == "true",
                speaker=row["speaker"].strip(),
                side=row["speaker_side"].strip(),
                kind=row["kind"].strip(),
            )
            for row in csv.DictReader(handle)
        ]


def _article_text(cases: Sequence[Case]) -> str:
    paragraphs: dict[int, list[str]] = {}
    for case in cases:
        paragraphs.setdefault(case.paragraph, []).append(case.text)
    return "\n\n".join(" ".join(texts) for _, texts in sorted(paragraphs.items()))


def _align(cases: Sequence[Case], sentences: Sequence[Sentence]) -> list[Outcome]:
    """Each case with the run of produced sentences cut from its text, in reading order."""
    outcomes, cursor = [], 0
    for case in cases:
        run = []
        while cursor < len(sentences) and sentences[cursor].text in case.text:
            run.append(sentences[cursor])
            cursor += 1
        if not run:
            outcomes.append(Outcome(case, found=False, pieces=0))
            continue
        voiced = next((sentence for sentence in run if sentence.speaker), run[0])
        outcomes.append(
            Outcome(
                case,
                found=True,
                pieces=len(run),
                text=run[-1].text if len(run) == 1 else " ".join(s.text for s in run),
                is_quote=any(sentence.is_quote for sentence in run),
                speaker=voiced.speaker,
                side=voiced.speaker_side,
            )
        )
    return outcomes


def run_cases(cases: Iterable[Case], table: SpeakerTable) -> list[Outcome]:
    """Every case through cleaning, splitting and attribution, article by article."""
    groups: dict[str, list[Case]] = {}
    for case in cases:
        groups.setdefault(case.group, []).append(case)
    outcomes = []
    for group, members in groups.items():
        article = Article(file=f"{group}.txt", source=group, outlet=group, published="", headline="",
                          text=_article_text(members))
        outcomes.extend(_align(members, list(article_sentences(article, table))))
    return outcomes


def _words(name: str) -> list[str]:
    words = re.sub(r"[^\w'\- ]+", " ", name.lower().replace("’", "'")).split()
    return words[1:] if words[:1] and words[0] in _LEADING_ARTICLE else words


def same_speaker(predicted: str, expected: str, table: SpeakerTable) -> bool:
    """Whether two speaker names name the same speaker (see the module docstring)."""
    a, b = _words(predicted), _words(expected)
    if not a or not b:
        return False
    shorter, longer = sorted((a, b), key=len)
    if longer[len(longer) - len(shorter):] == shorter:
        return True
    canonical_a, canonical_b = table.canonical(predicted), table.canonical(expected)
    return bool(canonical_a) and canonical_a == canonical_b


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def score(outcomes: Sequence[Outcome], table: SpeakerTable) -> Scores:
    """The figures of one run (see ``Scores``)."""
    sentences = [o for o in outcomes if o.case.kind != FURNITURE]
    expected = [o for o in sentences if o.case.speaker]
    predicted = [o for o in sentences if o.speaker]
    right = [o for o in predicted if o.case.speaker and same_speaker(o.speaker, o.case.speaker, table)]
    sided = [o for o in sentences if o.side]
    right_side = [o for o in sided if o.side == o.case.side]
    return Scores(
        sentences=len(sentences),
        with_speaker=len(expected),
        speaker_precision=_ratio(len(right), len(predicted)),
        speaker_recall=_ratio(len(right), len(expected)),
        side_precision=_ratio(len(right_side), len(sided)),
        side_recall=_ratio(len(right_side), len([o for o in sentences if o.case.side])),
        quote_accuracy=_ratio(sum(o.is_quote == o.case.is_quote for o in sentences), len(sentences)),
        dateline_speakers=sum(bool(_DATELINE_TRACE.search(o.speaker)) for o in outcomes),
        datelines_kept=sum(o.case.kind == "dateline" and o.text == o.case.text for o in sentences),
        furniture_kept=sum(o.found for o in outcomes if o.case.kind == FURNITURE),
        split_apart=sum(o.pieces > 1 for o in sentences),
        lost=sum(not o.found for o in sentences),
    )


def format_scores(scores: Scores, path: Path | str) -> str:
    """The figures as the lines the benchmark and ``python -m stance.attribution_eval`` print."""
    return "\n".join(
        [
            f"attribution on {path} ({scores.sentences} sentences, {scores.with_speaker} with a speaker):",
            f"  speaker   precision {scores.speaker_precision:.3f}   recall {scores.speaker_recall:.3f}",
            f"  side      precision {scores.side_precision:.3f}   recall {scores.side_recall:.3f}",
            f"  quotation accuracy {scores.quote_accuracy:.3f}",
            f"  datelines taken as speakers {scores.dateline_speakers}, left in the text {scores.datelines_kept}",
            f"  furniture kept {scores.furniture_kept}, sentences split apart {scores.split_apart}, lost {scores.lost}",
        ]
    )


def _miss_lines(outcomes: Sequence[Outcome], table: SpeakerTable) -> Iterable[str]:
    for o in outcomes:
        if o.case.kind == FURNITURE:
            if o.found:
                yield f"furniture kept: {o.case.text!r}"
            continue
        speaker_ok = (not o.speaker and not o.case.speaker) or same_speaker(o.speaker, o.case.speaker, table)
        if not speaker_ok or o.side != o.case.side or o.is_quote != o.case.is_quote or o.pieces != 1:
            yield (
                f"[{o.case.group}/{o.case.kind}] {o.case.text[:70]!r}\n"
                f"    expected {o.case.is_quote!s:5} {o.case.speaker!r} ({o.case.side or '-'})"
                f"   got {o.is_quote!s:5} {o.speaker!r} ({o.side or '-'}){'' if o.pieces == 1 else f'  pieces={o.pieces}'}"
            )


def report(path: Path | str = DEFAULT_SET, speakers: Path | str | None = None, misses: bool = False) -> str:
    """The printed figures for a test set, scored with a speaker table (default: the seeds')."""
    from stance.paths import default_corpus

    table = SpeakerTable.from_csv(Path(speakers)) if speakers else SpeakerTable.for_corpus(default_corpus())
    outcomes = run_cases(read_cases(path), table)
    text = format_scores(score(outcomes, table), path)
    if misses:
        text += "\n" + "\n".join(_miss_lines(outcomes, table))
    return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m stance.attribution_eval", description=__doc__.splitlines()[0])
    parser.add_argument("test_set", nargs="?", type=Path, default=DEFAULT_SET, help="the test-set CSV")
    parser.add_argument("--speakers", type=Path, default=None, help="speakers.csv [default: the seeds']")
    parser.add_argument("--misses", action="store_true", help="also list every sentence attributed otherwise")
    args = parser.parse_args(argv)
    print(report(args.test_set, args.speakers, args.misses))


if __name__ == "__main__":
    main()
