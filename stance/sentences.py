"""Split clean paragraphs into sentences with NLTK's Punkt, offline, and build the sentence table.

Punkt is given its parameters here rather than trained or downloaded: training on a
corpus this small learns junk abbreviations, and nltk's own ``punkt_tab`` data is a
download, which the tool never makes. The abbreviation list is package data.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from stance.attribution import SpeakerTable, attribute_article
from stance.clean import clean_paragraphs
from stance.corpus import Article, Corpus
from stance.resources import read_word_list

MAX_SENTENCE_CHARS = 2_000
"""Longer than any sentence of news copy: a longer run is a line with no full stop (a
table, a dump, a page of script), cut at this length so that no row is megabytes."""

SENTENCE_COLUMNS = (
    "id",
    "source",
    "file",
    "paragraph",
    "sentence",
    "text",
    "is_quote",
    "speaker",
    "speaker_side",
)


class SentenceWarning(UserWarning):
    """Something in an article's text the splitter had to force, worth telling the user."""


@dataclass(frozen=True)
class Sentence:
    """One row of the sentence table."""

    id: str
    source: str
    file: str
    paragraph: int
    sentence: int
    text: str
    is_quote: bool
    speaker: str
    speaker_side: str


@lru_cache(maxsize=1)
def sentence_tokenizer() -> PunktSentenceTokenizer:
    """A Punkt tokenizer built from the shipped abbreviation list; never trained, never downloaded."""
    parameters = PunktParameters()
    parameters.abbrev_types = {word.lower() for word in read_word_list("abbreviations.txt")}
    return PunktSentenceTokenizer(parameters)


def _joined_spans(paragraph: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans with each piece opening in lower case joined to the one before: no sentence opens
    in lower case, so a stop before one is stray ('“… consequences.” the KCNA said.')."""
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and paragraph[start:end][:1].islower():
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _cut(paragraph: str, start: int, end: int, limit: int) -> Iterator[tuple[int, int]]:
    """A span cut into pieces of at most ``limit`` characters, at the last space before it when
    there is one (a piece never begins or ends with a space)."""
    while end - start > limit:
        space = paragraph.rfind(" ", start + 1, start + limit + 1)
        stop = space if space > start else start + limit
        yield start, stop
        start = stop + 1 if space > start else stop
    yield start, end


def split_sentences(paragraph: str, limit: int = MAX_SENTENCE_CHARS) -> list[str]:
    """Sentences of one paragraph, exactly as written (no character is changed or dropped).

    A run longer than ``limit`` characters is cut at a space before the limit, with one
    warning for the paragraph.
    """
    spans = _joined_spans(paragraph, sentence_tokenizer().span_tokenize(paragraph))
    if any(end - start > limit for start, end in spans):
        longest = max(end - start for start, end in spans)
        warnings.warn(
            f"a sentence of {longest:,} characters (a line with no full stop?) was cut into pieces of at most "
            f"{limit:,}",
            SentenceWarning,
            stacklevel=2,
        )
        spans = [piece for start, end in spans for piece in _cut(paragraph, start, end, limit)]
    return [paragraph[start:end] for start, end in spans]


def article_sentences(article: Article, speakers: SpeakerTable) -> Iterator[Sentence]:
    """The sentences of one article with their attribution, in reading order."""
    paragraphs = [split_sentences(paragraph) for paragraph in clean_paragraphs(article.text)]
    attributions = attribute_article(paragraphs, speakers)
    for paragraph_index, (texts, voices) in enumerate(zip(paragraphs, attributions)):
        for sentence_index, (text, voice) in enumerate(zip(texts, voices)):
            yield Sentence(
                id=f"{article.source}-{paragraph_index:03d}-{sentence_index:02d}",
                source=article.source,
                file=article.file,
                paragraph=paragraph_index,
                sentence=sentence_index,
                text=text,
                is_quote=voice.is_quote,
                speaker=voice.speaker,
                speaker_side=voice.side,
            )


def corpus_sentences(articles: Iterable[Article], speakers: SpeakerTable) -> Iterator[Sentence]:
    """Sentences of every article, article by article."""
    for article in articles:
        yield from article_sentences(article, speakers)


def sentence_frame(articles: Iterable[Article], speakers: SpeakerTable):
    """The sentence table of some articles as a pandas DataFrame (columns: ``SENTENCE_COLUMNS``)."""
    import pandas as pd

    rows = [asdict(sentence) for sentence in corpus_sentences(articles, speakers)]
    return pd.DataFrame(rows, columns=list(SENTENCE_COLUMNS))


def sentence_chunks(corpus: Corpus):
    """The sentence table of a corpus one article at a time (DataFrames), so that a corpus
    of thousands of articles streams through with flat memory."""
    for article in corpus.articles():
        yield sentence_frame([article], corpus.speakers)


def sentence_table(corpus: Corpus):
    """The sentence table of a whole corpus."""
    return sentence_frame(corpus.articles(check_first=False), corpus.speakers)
