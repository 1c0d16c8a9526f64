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
* **quotes**: whether the sentence is a quotation and the side of its speaker;
* **ngrams**: TF-IDF of stemmed word uni- and bigrams over the actor-abstracted text.

Each group can be switched off, so its worth can be measured. The lexicon is a
parameter (from the story's ``schema.toml``), so the fitted featuriser carries it
inside the model file and needs nothing else at prediction time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp
from nltk.stem.snowball import SnowballStemmer
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from stance.attribution import SpeakerTable, attribute_sentence

WINDOW = 6
"""Tokens between an actor and a cue for the two to count as one judgement of that actor."""
SUBJECT_POSITION = 3
"""An actor whose mention starts within the first tokens of a clause is read as its subject."""
NO_SPEAKER = "none"

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_CONTRACTION = re.compile(r"n't\b|'s\b", re.IGNORECASE)
_TOKEN = re.compile(r"n't|'s|[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*|[,;:]")
_CLAUSE_BREAK = {",", ";", ":"}


@lru_cache(maxsize=1)
def _stemmer() -> SnowballStemmer:
    return SnowballStemmer("english")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Snowball stem of a lower-cased word, cached: news vocabulary repeats a lot."""
    return _stemmer().stem(word)


def tokenize(text: str) -> list[str]:
    """Words, possessive 's, n't and clause punctuation, with case kept (actors need it: US vs us)."""
    text = _CONTRACTION.sub(lambda match: " " + match.group(0), text.translate(_APOSTROPHES))
    return _TOKEN.findall(text)


@dataclass(frozen=True)
class _Lexicon:
    """Phrases compiled to token tuples, keyed by their first token for a single left-to-right scan."""

    actors: dict[str, list[tuple[tuple[str, ...], str]]]
    cues: dict[str, list[tuple[tuple[str, ...], str]]]
    sides: tuple[str, ...]
    kinds: tuple[str, ...]
    blame_kinds: frozenset[str]


def _index(phrases: Iterable[tuple[tuple[str, ...], str]]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for words, tag in sorted(phrases, key=lambda item: -len(item[0])):
        if words:
            index.setdefault(words[0], []).append((words, tag))
    return index


def _cue_words(phrase: str, use_stems: bool) -> tuple[str, ...]:
    words = [token.lower() for token in tokenize(phrase) if token not in _CLAUSE_BREAK]
    return tuple(stem(word) for word in words) if use_stems else tuple(words)


def _compile(lexicon: dict, use_stems: bool) -> _Lexicon:
    actors = lexicon.get("actors", {})
    cues = lexicon.get("cues", {})
    return _Lexicon(
        actors=_index((tuple(tokenize(name)), side) for side, names in actors.items() for name in names),
        cues=_index((_cue_words(word, use_stems), kind) for kind, words in cues.items() for word in words),
        sides=tuple(sorted(actors)),
        kinds=tuple(sorted(cues)),
        blame_kinds=frozenset(lexicon.get("blame_kinds", ())),
    )


def _find(tokens: list[str], index: dict[str, list[tuple[tuple[str, ...], str]]]) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, tag) matches, longest phrase first at each position."""
    found, position = [], 0
    while position < len(tokens):
        for words, tag in index.get(tokens[position], ()):
            if tuple(tokens[position : position + len(words)]) == words:
                found.append((position, position + len(words), tag))
                position += len(words)
                break
        else:
            position += 1
    return found


@dataclass
class _Analysis:
    """What the featuriser reads off one sentence."""

    normalised: str
    values: dict[str, float]


def _clause_starts(tokens: list[str]) -> set[int]:
    starts = {0}
    starts.update(index + 1 for index, token in enumerate(tokens) if token in _CLAUSE_BREAK)
    return starts


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
    ngrams, actors, cues, quotes, stems : bool
        Feature groups; each can be switched off to measure its worth.
    meaning_weight : float
        Scale of the named features against the TF-IDF block (which has unit norm).
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
        quotes: bool = True,
        stems: bool = True,
        meaning_weight: float = 0.5,
        min_df: int = 2,
    ):
        self.lexicon = lexicon
        self.speakers = speakers
        self.ngrams = ngrams
        self.actors = actors
        self.cues = cues
        self.quotes = quotes
        self.stems = stems
        self.meaning_weight = meaning_weight
        self.min_df = min_df

    # -- analysis of one sentence -------------------------------------------------

    def _compiled(self) -> _Lexicon:
        """The lexicon compiled once per distinct lexicon, not stored on the estimator (it is not
        a parameter nor learned state, and must not go into the model file)."""
        key = (repr(self.lexicon), self.stems)
        if key not in _COMPILED:
            _COMPILED[key] = _compile(self.lexicon or {}, self.stems)
        return _COMPILED[key]

    def _analyse(self, text: str, is_quote: bool, speaker_side: str, lexicon: _Lexicon) -> _Analysis:
        tokens = tokenize(text)
        words = [token.lower() for token in tokens]
        keys = [stem(word) for word in words] if self.stems else words
        actor_spans = _find(tokens, lexicon.actors) if self.actors else []
        cue_spans = _find(keys, lexicon.cues) if self.cues else []
        values: dict[str, float] = {}

        if self.cues:
            for _, _, kind in cue_spans:
                values[f"cue:{kind}"] = 1.0
                if kind in lexicon.blame_kinds:
                    values["cue:any_blame"] = 1.0
        if self.actors:
            clause_starts = _clause_starts(tokens)
            for start, end, side in actor_spans:
                values[f"actor:{side}"] = 1.0
                if any(0 <= start - clause_start < SUBJECT_POSITION for clause_start in clause_starts):
                    values[f"subject:{side}"] = 1.0
                if end < len(tokens) and tokens[end] == "'s":
                    values[f"possessive:{side}"] = 1.0
                for cue_start, cue_end, kind in cue_spans:
                    if kind == "condition":
                        if 0 <= start - cue_end < WINDOW:
                            values[f"condition:{side}"] = 1.0
                            values[f"blamed:{side}"] = 1.0
                    elif cue_start - end < WINDOW and start - cue_end < WINDOW:
                        values[f"near:{side}:{kind}"] = 1.0
                        if kind in lexicon.blame_kinds:
                            values[f"blamed:{side}"] = 1.0
        if self.quotes:
            values["quote"] = float(bool(is_quote))
            values[f"speaker:{speaker_side or NO_SPEAKER}"] = 1.0

        normalised_words = list(keys)
        for start, end, side in reversed(actor_spans):
            normalised_words[start:end] = [f"actor_{side}"]
        normalised = " ".join(word for word in normalised_words if word not in _CLAUSE_BREAK)
        return _Analysis(normalised=normalised, values=values)

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
            self.vectorizer_ = TfidfVectorizer(
                ngram_range=(1, 2), min_df=self.min_df, sublinear_tf=True, token_pattern=r"\S+", lowercase=False
            )
            try:
                self.vectorizer_.fit([analysis.normalised for analysis in analyses])
            except ValueError:  # no n-gram reaches min_df: a tiny corpus
                self.vectorizer_ = TfidfVectorizer(token_pattern=r"\S+", lowercase=False).fit(
                    [analysis.normalised or "empty" for analysis in analyses]
                )
        else:
            self.vectorizer_ = None
        self.meaning_names_ = sorted({name for analysis in analyses for name in analysis.values})
        self.n_features_in_ = 1
        return self

    def transform(self, X):
        """Sparse matrix: TF-IDF block, then the named features scaled by ``meaning_weight``."""
        check_is_fitted(self, "meaning_names_")
        analyses = self._analyse_all(X)
        return self._matrix(analyses)

    def _matrix(self, analyses: list[_Analysis]):
        column = {name: index for index, name in enumerate(self.meaning_names_)}
        rows, cols, data = [], [], []
        for row, analysis in enumerate(analyses):
            for name, value in analysis.values.items():
                if name in column:
                    rows.append(row)
                    cols.append(column[name])
                    data.append(value * self.meaning_weight)
        meaning = sp.csr_matrix((data, (rows, cols)), shape=(len(analyses), len(column)), dtype=np.float64)
        if self.vectorizer_ is None:
            return meaning
        ngrams = self.vectorizer_.transform([analysis.normalised for analysis in analyses])
        return sp.hstack([ngrams, meaning], format="csr")

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "meaning_names_")
        ngram_names = (
            [f"ngram:{name}" for name in self.vectorizer_.get_feature_names_out()] if self.vectorizer_ is not None else []
        )
        return np.asarray(ngram_names + list(self.meaning_names_), dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


_COMPILED: dict[tuple[str, bool], _Lexicon] = {}


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
