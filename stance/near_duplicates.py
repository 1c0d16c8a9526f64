"""Near-duplicate articles, found by shingle hashing, so that a story copied many times counts once.

A corpus scraped from the web holds the same wire story under several names, and a
folder copied twice holds every article twice. Left in, each copy adds its sentences
again: shares barely move, but every test sees several times the evidence there is and
calls small differences significant.

Each article becomes the set of its word 5-grams (shingles), summarised by a MinHash
signature: the share of positions where two signatures agree estimates the Jaccard
similarity of the two sets. Locality-sensitive hashing (bands of the signature) puts
likely pairs in the same bucket, so a corpus of 100,000 articles is not compared pair
by pair. Hashes are fixed (CRC-32 and a seeded generator): the same corpus gives the
same groups on every run and machine.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

SHINGLE_WORDS = 5
PERMUTATIONS = 64
BANDS = 16
THRESHOLD = 0.8
"""Estimated Jaccard similarity of shingle sets from which two articles are the same story."""
_PRIME = 4_294_967_311  # the first prime above 2**32: (a * x + b) mod p stays inside uint64
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class DuplicateGroup:
    """Articles that are copies of one another: the first (by file name) is counted, the rest are not."""

    kept: str
    copies: tuple[str, ...]
    similarity: float
    """The lowest estimated similarity between the kept article and one of its copies."""


def shingles(text: str, width: int = SHINGLE_WORDS) -> np.ndarray:
    """CRC-32 hashes of the text's lower-cased word n-grams (the whole text when shorter)."""
    words = _WORD.findall(text.lower())
    grams = {" ".join(words[i : i + width]) for i in range(max(1, len(words) - width + 1))}
    return np.array(sorted(zlib.crc32(gram.encode("utf-8")) for gram in grams), dtype=np.uint64)


def _coefficients(permutations: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20190822)
    return (
        rng.integers(1, 2**32, permutations, dtype=np.uint64),
        rng.integers(0, 2**32, permutations, dtype=np.uint64),
    )


def signature(hashes: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MinHash signature: per permutation, the least permuted hash of the set."""
    if hashes.size == 0:
        return np.full(a.shape, _PRIME, dtype=np.uint64)
    return ((np.outer(a, hashes) + b[:, None]) % np.uint64(_PRIME)).min(axis=1)


class _Groups:
    """Union-find over article indices; the root of a group is its first article."""

    def __init__(self, size: int):
        self.parent = list(range(size))

    def root(self, index: int) -> int:
        while self.parent[index] != index:
            self.parent[index] = self.parent[self.parent[index]]
            index = self.parent[index]
        return index

    def join(self, first: int, second: int) -> None:
        low, high = sorted((self.root(first), self.root(second)))
        self.parent[high] = low


def article_signatures(articles: dict[str, str]) -> dict[str, np.ndarray]:
    """Each article's MinHash signature, by file name: a few hundred bytes that stand for its text, so
    the articles of a corpus split over many processes can be compared in one."""
    a, b = _coefficients(PERMUTATIONS)
    return {name: signature(shingles(text), a, b) for name, text in articles.items()}


def table_signatures(table) -> dict[str, np.ndarray]:
    """The signatures of the articles in a sentence table (its sentences joined, file by file)."""
    return article_signatures(table.groupby("file", sort=True)["text"].agg(" ".join).to_dict())


def near_duplicates(articles: dict[str, str], threshold: float = THRESHOLD) -> list[DuplicateGroup]:
    """Groups of near-identical articles, keyed by file name; articles without a copy are not listed."""
    return duplicate_groups(article_signatures(articles), threshold)


def duplicate_groups(signatures_by_name: dict[str, np.ndarray], threshold: float = THRESHOLD) -> list[DuplicateGroup]:
    """Groups of articles whose signatures agree on at least ``threshold`` of their places."""
    names = sorted(signatures_by_name)
    signatures = np.array([signatures_by_name[name] for name in names]).reshape(len(names), -1)
    rows = PERMUTATIONS // BANDS
    buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    for index in range(len(names)):
        for band in range(BANDS):
            buckets[(band, signatures[index, band * rows : (band + 1) * rows].tobytes())].append(index)
    groups = _Groups(len(names))
    similarity: dict[tuple[int, int], float] = {}
    for members in buckets.values():
        first = members[0]
        for other in members[1:]:
            if (first, other) in similarity:
                continue
            estimate = float((signatures[first] == signatures[other]).mean())
            similarity[(first, other)] = estimate
            if estimate >= threshold:
                groups.join(first, other)
    members_of: dict[int, list[int]] = defaultdict(list)
    for index in range(len(names)):
        members_of[groups.root(index)].append(index)
    result = []
    for root, members in sorted(members_of.items()):
        if len(members) < 2:
            continue
        copies = [index for index in members if index != root]
        lowest = min(float((signatures[root] == signatures[index]).mean()) for index in copies)
        result.append(DuplicateGroup(names[root], tuple(names[index] for index in copies), lowest))
    return result
