"""Features that carry meaning, for a linear model trained on a few hundred sentences.

With so few labelled sentences, word n-grams alone learn the outlets' vocabulary
rather than the stance. The features here abstract over wording so that what is
learned transfers to an outlet the model never saw:

* **actors**: every name that stands for a party (Moon, the Blue House, Seoul) becomes
  that party, in the n-grams too, and the featuriser records whether the party is
  the sentence's subject, is possessive ("Seoul's decision"), stands next to a cue
  of judgement, or follows a condition ("unless Japan withdraws");
* **cues**: stems of words of judgement, retaliation, inaction, demands, bias,
  politics, support and risk, and negation (NLTK's Snowball stemmer, so "undermining"
  and "undermined" are one cue);
* **quotes**: whether the sentence is a quotation and the side of its speaker. Off by
  default: on the seeds it lowers the leave-one-source-out macro-F1 (0.634 with it,
  0.697 without), because who gets quoted is a habit of each outlet, not a stance;
* **encoder**: a pretrained sentence encoder (all-MiniLM-L6-v2, run with ONNX Runtime,
  see :mod:`stance.encoder`) over the actor-normalised text (:mod:`stance.actors`). It
  knows that "reckless" and "myopic" judge and that "urged to stay in" supports, words
  no cue list written from five articles can hold. The model file keeps only the
  encoder's name and checksum, never its weights;
* **valence**: the words that VADER's published lexicon (Hutto & Gilbert 2014, MIT licence,
  shipped in ``vaderSentiment``) rates clearly negative or positive, as two more cue kinds;
  a negative word next to an actor judges that actor. General English, not words picked
  from the seeds, so it reaches an editorial's "reckless" or "myopic";
* **ngrams**: TF-IDF of stemmed word uni- and bigrams over the actor-abstracted text.
  (Character n-grams were measured too: lower held-out macro-F1, 0.659, at a third
  of the speed, so they are not used.)

Each group can be switched on or off, so its worth can be measured. The lexicon is a
parameter (from the story's ``schema.toml``), so the fitted featuriser carries it
inside the model file and needs nothing else at prediction time.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp
from nltk.stem.snowball import SnowballStemmer
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.utils.validation import check_is_fitted

from stance.actors import normalise_actors
from stance.attribution import SpeakerTable, attribute_sentence
from stance.encoder import shipped_encoder
from stance.errors import ModelFileError

WINDOW = 6
"""Tokens between an actor and a cue for the two to count as one judgement of that actor."""
SUBJECT_POSITION = 3
"""An actor named within the first words of a clause is read as its subject."""
NO_SPEAKER = "none"

# Possessive 's and n't are tokens of their own, "U.S." stays one token, and clause
# punctuation is kept to find clause starts.
_TOKEN = re.compile(r"n['’]t\b|['’]s\b|[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*|[,;:]")
_NEGATIVE_CONTRACTION = re.compile(r"n(?=['’]t\b)")
_CLAUSE_BREAK = {",", ";", ":"}


@lru_cache(maxsize=1)
def _stemmer() -> SnowballStemmer:
    return SnowballStemmer("english")


_STEM_CACHE_LIMIT = 200_000


class _StemCache(dict):
    """Snowball stems of lower-cased words by word: news vocabulary repeats a lot, so a hit
    is a C-level dict lookup and only a miss runs the stemmer.

    Numbers and abbreviations ("80,000", "u.s") are left as they are and not kept: Snowball
    would not change them either, and every new number would otherwise fill the cache.
    """

    def __missing__(self, word: str) -> str:
        if not word.isalpha():
            return word
        stemmed = _stemmer().stem(word)
        if len(self) < _STEM_CACHE_LIMIT:
            self[word] = stemmed
        return stemmed


_STEMS = _StemCache()


def stem(word: str) -> str:
    """Snowball stem of a lower-cased word (numbers and abbreviations unchanged)."""
    return _STEMS[word]


def tokenize(text: str) -> list[str]:
    """Words, possessive 's, n't and clause punctuation, with case kept (actors need it: US vs us)."""
    if "n't" in text or "n’t" in text:  # rare: split "don't" into "do" + "n't" first
        text = _NEGATIVE_CONTRACTION.sub(" n", text)
    tokens = _TOKEN.findall(text)
    if "’" in text:
        return [token.replace("’", "'") for token in tokens]
    return tokens


def stems(words: list[str]) -> list[str]:
    """Stems of lower-cased words, mapped through the cache at C speed: this runs on every word."""
    return list(map(_STEMS.__getitem__, words))


class _PhraseIndex:
    """Phrases (token tuples) found in a sentence in one left-to-right scan, longest first.

    Longer phrases are keyed by their first two tokens, so a common first word ("the"
    of "the South") costs one dict lookup, not a comparison; one-word phrases are a
    plain lookup. This runs on every sentence ``classify`` sees.
    """

    def __init__(self, phrases: Iterable[tuple[tuple[str, ...], str]]):
        longer: dict[tuple[str, str], list[tuple[tuple[str, ...], str]]] = {}
        single: dict[str, str] = {}
        for words, tag in sorted(set(phrases), key=lambda item: (-len(item[0]), item)):
            if len(words) > 1:
                longer.setdefault((words[0], words[1]), []).append((words, tag))
            elif words:
                single.setdefault(words[0], tag)
        self.longer = longer
        self.single = single
        self.first = {pair[0] for pair in longer} | set(single)

    def find(self, tokens: list[str]) -> list[tuple[int, int, str]]:
        """Non-overlapping (start token, end token, tag) matches, left to right."""
        first, longer, single = self.first, self.longer, self.single
        found: list[tuple[int, int, str]] = []
        if first.isdisjoint(tokens):  # most sentences name no actor or cue of a given kind
            return found
        covered = 0
        last = len(tokens) - 1
        for start in [index for index, token in enumerate(tokens) if token in first]:
            if start < covered:
                continue
            token = tokens[start]
            candidates = longer.get((token, tokens[start + 1])) if start < last else None
            for words, tag in candidates or ():
                end = start + len(words)
                if len(words) == 2 or tuple(tokens[start:end]) == words:
                    found.append((start, end, tag))
                    covered = end
                    break
            else:
                if token in single:
                    found.append((start, start + 1, single[token]))
                    covered = start + 1
        return found


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while sentences are analysed.

    The analysis makes a few small lists, tuples and dicts per sentence and keeps them
    until the batch is counted; none holds a reference cycle, so reference counting frees
    them all, but the collector would still rescan every one of them each time the
    allocations pile up: a quarter of the fast model's time on a batch of 200,000 sentences.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class _Lexicon:
    """The lexicon compiled for matching: actors on case-kept tokens, cues on stems."""

    actors: _PhraseIndex
    cues: _PhraseIndex
    sides: tuple[str, ...]
    kinds: tuple[str, ...]
    blame_kinds: frozenset[str]


def _cue_words(phrase: str, use_stems: bool) -> tuple[str, ...]:
    words = [token.lower() for token in tokenize(phrase) if token not in _CLAUSE_BREAK]
    return tuple(stem(word) for word in words) if use_stems else tuple(words)


VALENCE_CUTOFF = 1.5
"""VADER rates words from -4 to +4; beyond this mean rating a word judges in most of its uses."""


@lru_cache(maxsize=1)
def valence_cues() -> dict[str, list[str]]:
    """VADER's clearly negative and clearly positive single words, as cue kinds."""
    from importlib.resources import files

    negative, positive = [], []
    for line in (files("vaderSentiment") / "vader_lexicon.txt").read_text(encoding="utf-8").splitlines():
        word, rating = line.split("\t")[:2]
        if word.isalpha():
            if float(rating) <= -VALENCE_CUTOFF:
                negative.append(word)
            elif float(rating) >= VALENCE_CUTOFF:
                positive.append(word)
    return {"valence_negative": negative, "valence_positive": positive}


def _compile(lexicon: dict, use_stems: bool, valence: bool = False) -> _Lexicon:
    actors = lexicon.get("actors", {})
    cues = lexicon.get("cues", {})
    blame_kinds = set(lexicon.get("blame_kinds", ()))
    if valence:
        # A word the story's schema lists keeps the story's kind.
        listed = {_cue_words(word, use_stems) for words in cues.values() for word in words}
        general = {
            kind: [word for word in words if _cue_words(word, use_stems) not in listed]
            for kind, words in valence_cues().items()
        }
        cues = {**cues, **general}
        blame_kinds.add("valence_negative")
    return _Lexicon(
        actors=_PhraseIndex((tuple(tokenize(name)), side) for side, names in actors.items() for name in names),
        cues=_PhraseIndex((_cue_words(word, use_stems), kind) for kind, words in cues.items() for word in words),
        sides=tuple(sorted(actors)),
        kinds=tuple(sorted(cues)),
        blame_kinds=frozenset(blame_kinds),
    )


@dataclass
class _Analysis:
    """What the featuriser reads off one sentence: its stemmed, actor-abstracted words (for
    the n-grams) and its named features."""

    words: list[str]
    values: dict[str, float]


def _uni_and_bigrams(words: list[str]) -> list[str]:
    return words + [f"{first} {second}" for first, second in zip(words, words[1:])]


def _term_columns(words: list[str], unigrams: dict[str, int], bigrams: dict[tuple[str, str], int]) -> list[int]:
    """Columns of the uni- and bigrams of ``words`` that are in the fitted vocabulary. Bigrams
    are looked up as word pairs, so no string is built for the many that are not in it."""
    found = list(map(unigrams.get, words)) + list(map(bigrams.get, zip(words, words[1:])))
    return [column for column in found if column is not None]


def _subjects(tokens: list[str], actor_spans: list[tuple[int, int, str]]) -> set[str]:
    """Sides named within the first words of a clause, counting each actor's name as one
    word, so "Blue House" and "Moon" stand in the same place in the same sentence."""
    continuation = {index for start, end, _ in actor_spans for index in range(start + 1, end)}
    sides = set()
    for start, _, side in actor_spans:
        words_before, index = 0, start - 1
        while index >= 0 and tokens[index] not in _CLAUSE_BREAK and words_before < SUBJECT_POSITION:
            words_before += index not in continuation
            index -= 1
        if words_before < SUBJECT_POSITION:
            sides.add(side)
    return sides


class StanceFeatures(TransformerMixin, BaseEstimator):
    """Turn sentences into TF-IDF n-grams plus named features of actors, cues and quotes.

    ``X`` is a list of sentences or a DataFrame with a ``text`` column; a DataFrame
    may also carry ``is_quote`` and ``speaker_side`` from the sentence table, which
    are used as given. Without them the quote features come from the sentence alone.

    Parameters
    ----------
    lexicon : dict or None
        ``{"actors": {side: [names]}, "cues": {kind: [phrases]}}`` (see ``schema.toml``).
    speakers : dict or None
        Speaker name -> side, used only when ``X`` brings no ``speaker_side``.
    ngrams, actors, cues, valence, quotes, stems, encoder : bool
        Feature groups; each can be switched off to measure its worth.
    meaning_weight : float
        Scale of the named features against the TF-IDF block (which has unit norm).
    encoder_weight : float
        Scale of the sentence embedding (unit norm) against the other blocks.
    normalise_actors : bool
        Give the encoder the actor-normalised text rather than the sentence as written.
    min_df : int
        Minimum document frequency of an n-gram.
    """

    def __init__(
        self,
        lexicon: dict | None = None,
        speakers: dict | None = None,
        ngrams: bool = True,
        actors: bool = True,
        cues: bool = True,
        valence: bool = False,
        quotes: bool = False,
        stems: bool = True,
        encoder: bool = False,
        meaning_weight: float = 0.5,
        encoder_weight: float = 1.0,
        normalise_actors: bool = True,
        min_df: int = 2,
    ):
        self.lexicon = lexicon
        self.speakers = speakers
        self.ngrams = ngrams
        self.actors = actors
        self.cues = cues
        self.valence = valence
        self.quotes = quotes
        self.stems = stems
        self.encoder = encoder
        self.meaning_weight = meaning_weight
        self.encoder_weight = encoder_weight
        self.normalise_actors = normalise_actors
        self.min_df = min_df

    # -- analysis of one sentence -------------------------------------------------

    def _compiled(self) -> _Lexicon:
        """The lexicon compiled once per distinct lexicon, not stored on the estimator (it is not
        a parameter nor learned state, and must not go into the model file)."""
        key = (repr(self.lexicon), self.stems, self.valence)
        if key not in _COMPILED:
            _COMPILED[key] = _compile(self.lexicon or {}, self.stems, self.valence)
        return _COMPILED[key]

    def _analyse(self, text: str, is_quote: bool, speaker_side: str, lexicon: _Lexicon) -> _Analysis:
        tokens = tokenize(text)
        words = " ".join(tokens).lower().split(" ") if tokens else []  # tokens hold no spaces
        keys = stems(words) if self.stems else words
        actor_spans = lexicon.actors.find(tokens) if self.actors else []
        cue_spans = lexicon.cues.find(keys) if self.cues else []
        values: dict[str, float] = {}

        if self.cues:
            for _, _, kind in cue_spans:
                values["cue:" + kind] = 1.0
                if kind in lexicon.blame_kinds:
                    values["cue:any_blame"] = 1.0
        if self.actors and actor_spans:
            for side in _subjects(tokens, actor_spans):
                values["subject:" + side] = 1.0
            cue_starts = [cue_start for cue_start, _, _ in cue_spans]
            cue_ends = [cue_end for _, cue_end, _ in cue_spans]
            for start, end, side in actor_spans:
                values["actor:" + side] = 1.0
                if end < len(tokens) and tokens[end] == "'s":
                    values["possessive:" + side] = 1.0
                # Only the cues within the window: a pasted page with no full stop is one
                # "sentence" of a million words, and all pairs would never finish.
                nearby = cue_spans[bisect_right(cue_ends, start - WINDOW) : bisect_left(cue_starts, end + WINDOW)]
                for cue_start, cue_end, kind in nearby:
                    if kind == "condition":
                        if 0 <= start - cue_end < WINDOW:
                            values["condition:" + side] = 1.0
                            values["blamed:" + side] = 1.0
                    elif cue_start - end < WINDOW and start - cue_end < WINDOW:
                        values["near:" + side + ":" + kind] = 1.0
                        if kind in lexicon.blame_kinds:
                            values["blamed:" + side] = 1.0
        if self.quotes:
            values["quote"] = float(bool(is_quote))
            values[f"speaker:{speaker_side or NO_SPEAKER}"] = 1.0

        normalised: list[str] = []
        if self.ngrams:
            normalised = keys
            if actor_spans:
                normalised = list(keys)
                for start, end, side in reversed(actor_spans):
                    normalised[start:end] = ["actor_" + side]
            normalised = [word for word in normalised if word not in _CLAUSE_BREAK]
        return _Analysis(words=normalised, values=values)

    def _analyse_all(self, X) -> list[_Analysis]:
        frame = as_sentence_frame(X)
        texts = frame["text"].tolist()
        if "speaker_side" in frame and "is_quote" in frame:
            quotes = [_truthy(value) for value in frame["is_quote"]]
            sides = [str(value) if isinstance(value, str) else "" for value in frame["speaker_side"]]
        elif self.quotes:
            table = SpeakerTable(self.speakers or {})
            voices = [attribute_sentence(text, table) for text in texts]
            quotes = [voice.is_quote for voice in voices]
            sides = [voice.side for voice in voices]
        else:
            quotes, sides = [False] * len(texts), [""] * len(texts)
        lexicon = self._compiled()
        return [self._analyse(text, quote, side, lexicon) for text, quote, side in zip(texts, quotes, sides)]

    # -- scikit-learn API ---------------------------------------------------------

    def fit(self, X, y=None):
        """Learn the n-gram vocabulary and the names of the meaning features seen in training."""
        analyses = self._analyse_all(X)
        if self.ngrams:
            # The vocabulary (terms in at least min_df sentences) and the idf weights are learned
            # with scikit-learn; transform then counts terms by their column directly.
            # (The counter itself is not kept, so its analyzer never goes into a model file.)
            words = [analysis.words for analysis in analyses]
            try:
                counter = CountVectorizer(analyzer=_uni_and_bigrams, min_df=self.min_df)
                counts = counter.fit_transform(words)
            except ValueError:  # no term reaches min_df in a tiny corpus: keep every term
                counter = CountVectorizer(analyzer=_uni_and_bigrams)
                counts = counter.fit_transform(words + [["<empty>"]])[: len(words)]
            self.vocabulary_ = {term: int(index) for term, index in counter.vocabulary_.items()}
            self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(counts)
        else:
            self.vocabulary_ = None
            self.tfidf_ = None
        self.meaning_names_ = sorted({name for analysis in analyses for name in analysis.values})
        if self.encoder:
            encoder = shipped_encoder()
            self.encoder_name_, self.encoder_sha256_, self.encoder_dimension_ = (
                encoder.name,
                encoder.sha256,
                encoder.dimension,
            )
        else:
            self.encoder_name_ = self.encoder_sha256_ = None
            self.encoder_dimension_ = 0
        self.n_features_in_ = 1
        return self

    def transform(self, X):
        """Sparse matrix: TF-IDF block, then the named features scaled by ``meaning_weight``."""
        check_is_fitted(self, "meaning_names_")
        with _cycle_collector_paused():
            matrix = self._matrix(self._analyse_all(X))
        if not self.encoder:
            return matrix
        return sp.hstack([self.embeddings(X) * self.encoder_weight, matrix], format="csr")

    def embeddings(self, X) -> np.ndarray:
        """The encoder's vectors for the sentences (actor-normalised if so set), from the checked encoder.

        Rounded to 1e-4: ONNX Runtime's results differ in the last bits from one CPU to
        another, and the rounding keeps a model's output, and so the reports, the same
        on every machine but for a value that lands exactly on a rounding boundary.
        """
        encoder = shipped_encoder()
        if encoder.sha256 != self.encoder_sha256_:  # persist.load_model says so first, with the file's name
            raise ModelFileError(f"the model was trained with another encoder ({self.encoder_name_}); retrain it")
        texts = as_sentence_frame(X)["text"].tolist()
        if self.normalise_actors:
            actors = (self.lexicon or {}).get("actors", {})
            texts = [normalise_actors(text, actors) for text in texts]
        return np.round(encoder.encode(texts), 4)

    def _matrix(self, analyses: list[_Analysis]):
        column = {name: index for index, name in enumerate(self.meaning_names_)}
        weight = self.meaning_weight
        meaning_indptr, cols, data = [0], [], []
        for analysis in analyses:
            for name, value in analysis.values.items():
                index = column.get(name)
                if index is not None:  # a feature never seen in training has no column
                    cols.append(index)
                    data.append(value * weight)
            meaning_indptr.append(len(cols))
        meaning = sp.csr_matrix(
            (np.asarray(data, dtype=np.float64), np.asarray(cols, dtype=np.int64), np.asarray(meaning_indptr, dtype=np.int64)),
            shape=(len(analyses), len(column)),
        )
        meaning.sort_indices()
        if self.vocabulary_ is None:
            return meaning
        vocabulary = self.vocabulary_
        bigrams = {tuple(term.split(" ")): index for term, index in vocabulary.items() if " " in term}
        indptr, indices = [0], []
        for analysis in analyses:
            indices.extend(_term_columns(analysis.words, vocabulary, bigrams))
            indptr.append(len(indices))
        counts = sp.csr_matrix(
            (np.ones(len(indices)), np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
            shape=(len(analyses), len(vocabulary)),
        )
        counts.sum_duplicates()  # a term twice in a sentence counts 2, as in CountVectorizer
        return sp.hstack([self.tfidf_.transform(counts), meaning], format="csr")

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "meaning_names_")
        ngram_names = (
            [f"ngram:{term}" for term in sorted(self.vocabulary_, key=self.vocabulary_.get)]
            if self.vocabulary_ is not None
            else []
        )
        embedding_names = [f"embedding:{index}" for index in range(self.encoder_dimension_)]
        return np.asarray(embedding_names + ngram_names + list(self.meaning_names_), dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


_COMPILED: dict[tuple[str, bool, bool], _Lexicon] = {}


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value) if value == value else False  # NaN is not a quotation


def as_sentence_frame(X) -> pd.DataFrame:
    """Accept a DataFrame with a ``text`` column, or any sequence of sentences."""
    if isinstance(X, pd.DataFrame):
        if "text" not in X:
            raise ValueError("a DataFrame of sentences needs a 'text' column")
        frame = X
    else:
        frame = pd.DataFrame({"text": list(X)})
    return frame.assign(text=frame["text"].fillna("").astype(str))
