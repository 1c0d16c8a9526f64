"""The report's counts, in a form that adds up across the partitions of a corpus.

Every figure of a report is a count: sentences per article, source and stance, the sentences
the model is unsure of, who carries each stance. Its text is a handful of sentences per
source: the surest of each stance, the least sure, the hand-labelled ones. A :class:`Tally`
of one slice of the classified sentence table holds exactly these, and the tallies of
disjoint slices merge (:func:`merge`) into the tally of their union, the same as if the
whole table had been tallied at once. So a corpus of any size is counted a partition at a
time, and the process that writes the report never holds more than the tallies.

A tally counts what it is given: near-duplicate copies are dropped before tallying.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stance.framing import SENTENCE_KEY, Share, Voice, least_sure_rows, speaking_voices, surest_rows
from stance.model import unsure
from stance.quantify import Calibration, ProbabilitySums, calibrated_difference_interval, calibrated_share, logit
from stance.stats import REST

EVIDENCE_PER_STANCE = 3
LEAST_SURE_PER_SOURCE = 5


@dataclass(frozen=True)
class Tally:
    """What a report needs of a slice of the classified sentence table.

    ``articles`` has one row per article: ``file``, ``source``, ``sentences``, ``unsure``, a
    count per stance and, with calibrations, the three :class:`ProbabilitySums` per stance
    (``q_``, ``v_`` and ``g_`` columns). ``voices`` counts the sentences of each stance by
    ``source`` and ``voice``; ``speakers`` lists each ``source``'s distinct speakers by ``side``.
    ``evidence``, ``least_sure`` and ``hand`` are sentence rows: each source's surest per stance
    (with ``stance``), its least sure, and every hand-labelled one. ``thresholds`` and
    ``calibrations`` are the model's, with which the slice was tallied.
    """

    stances: tuple[str, ...]
    thresholds: dict[str, float]
    calibrations: dict[str, Calibration] | None
    articles: pd.DataFrame
    voices: pd.DataFrame
    speakers: pd.DataFrame
    evidence: pd.DataFrame
    least_sure: pd.DataFrame
    hand: pd.DataFrame

    @property
    def by_source(self) -> pd.DataFrame:
        """Sentences, unsure sentences and stance counts per source."""
        return self.articles.groupby("source", sort=True)[["sentences", "unsure", *self.stances]].sum()

    def summed(self, source: str | None = None) -> pd.Series:
        """The ``articles`` columns summed over one source, or (``None``) over all of them."""
        rows = self.articles if source is None else self.articles[self.articles["source"] == source]
        return rows.drop(columns=["file", "source"]).sum()

    def summed_except(self, source: str) -> pd.Series:
        """The ``articles`` columns summed over every source but one."""
        return self.articles[self.articles["source"] != source].drop(columns=["file", "source"]).sum()

    def sentences(self, source: str) -> int:
        return int(self.summed(source)["sentences"])

    def unsure(self, source: str) -> int:
        return int(self.summed(source)["unsure"])

    def shares(self, source: str | None = None) -> dict[str, Share]:
        """Each stance's share of one source (or, ``None``, of all), raw and calibrated."""
        return group_shares(self.summed(source), self.stances, self.calibrations)

    def difference_interval(self, stance: str, source_a: str, source_b: str) -> tuple[float, float]:
        """95% interval of the calibrated share of ``source_a`` minus that of ``source_b`` (or, for
        :data:`stance.stats.REST`, of all the other sources together)."""
        first = self.summed(source_a)
        second = self.summed_except(source_a) if source_b == REST else self.summed(source_b)
        return calibrated_difference_interval(
            (sums_of(first, stance), int(first["sentences"])),
            (sums_of(second, stance), int(second["sentences"])),
            self.calibrations[stance],
        )

    def voices_of(self, source: str) -> dict[str, Voice]:
        rows = self.voices[self.voices["source"] == source]
        result = {}
        for stance in self.stances:
            mine = rows[rows["stance"] == stance]
            by_voice = dict(sorted(zip(mine["voice"], mine["sentences"].astype(int))))
            result[stance] = Voice(stance, sum(by_voice.values()), by_voice)
        return result

    def speakers_of(self, source: str) -> dict[str, list[str]]:
        rows = self.speakers[self.speakers["source"] == source]
        return {side: sorted(group["speaker"]) for side, group in rows.groupby("side", sort=True)}


def group_shares(summed: pd.Series, stances, calibrations: dict[str, Calibration] | None) -> dict[str, Share]:
    """The shares of a group of articles, from their summed ``articles`` columns."""
    total = int(summed.get("sentences", 0))
    return {
        stance: calibrated_share(
            int(summed.get(stance, 0)),
            total,
            sums_of(summed, stance) if calibrations else None,
            calibrations.get(stance) if calibrations else None,
        )
        for stance in stances
    }


def sums_of(summed: pd.Series, stance: str) -> ProbabilitySums:
    """One stance's :class:`ProbabilitySums` in summed ``articles`` columns (zero where a group has none)."""
    return ProbabilitySums(*(float(summed.get(f"{kind}_{stance}", 0.0)) for kind in ("q", "v", "g")))


def _calibrated_columns(table: pd.DataFrame, stances, calibrations) -> dict[str, np.ndarray]:
    columns = {}
    for stance in stances:
        probabilities = table[f"p_{stance}"].to_numpy(dtype=float)
        q = calibrations[stance](probabilities)
        variance = q * (1 - q)
        columns |= {f"q_{stance}": q, f"v_{stance}": variance, f"g_{stance}": variance * logit(probabilities)}
    return columns


def _unsure(rows: pd.DataFrame, stances: tuple[str, ...], thresholds: dict[str, float]) -> np.ndarray:
    probabilities = rows[[f"p_{stance}" for stance in stances]].to_numpy(dtype=float)
    return unsure(probabilities, np.array([thresholds[stance] for stance in stances]))


def tally(
    table: pd.DataFrame, stances, thresholds: dict[str, float], calibrations: dict[str, Calibration] | None = None
) -> Tally:
    """The tally of a classified sentence table (or a slice of one)."""
    stances = tuple(stances)
    marked = table.assign(unsure=_unsure(table, stances, thresholds), voice=speaking_voices(table))
    aggregations = {stance: (stance, "sum") for stance in stances}
    if calibrations:
        calibrated = _calibrated_columns(marked, stances, calibrations)
        marked = marked.assign(**calibrated)
        aggregations |= {name: (name, "sum") for name in calibrated}
    articles = (
        marked.groupby(["file", "source"], sort=True)
        .agg(sentences=("text", "size"), unsure=("unsure", "sum"), **aggregations)
        .reset_index()
    )
    voices = pd.concat(
        [
            marked[marked[stance] == 1].groupby(["source", "voice"], sort=True).size().rename("sentences").reset_index()
            .assign(stance=stance)
            for stance in stances
        ],
        ignore_index=True,
    )
    quoted = marked[marked["speaker"] != ""]
    speakers = pd.DataFrame(
        {"source": quoted["source"], "side": quoted["speaker_side"].replace("", "unknown"), "speaker": quoted["speaker"]}
    ).drop_duplicates()
    shown = marked[[column for column in _shown_columns(stances) if column in marked]]
    hand = shown[shown["hand_labelled"]] if "hand_labelled" in shown else shown.iloc[:0]
    parts = _Parts(stances, dict(thresholds), calibrations)
    return parts.selected(articles, voices, speakers, shown, shown, hand)


def _shown_columns(stances) -> list[str]:
    """The columns a report shows of a sentence, or needs to pick it."""
    place = ["id", "source", *SENTENCE_KEY, "text", "speaker", "speaker_side", "labels"]
    hand = ["hand_labels", "hand_labelled", *(f"hand_{stance}" for stance in stances)]
    return place + list(stances) + [f"p_{stance}" for stance in stances] + hand


@dataclass(frozen=True)
class _Parts:
    """What the tallies of one report share: they can be merged only when these agree."""

    stances: tuple[str, ...]
    thresholds: dict[str, float]
    calibrations: dict[str, Calibration] | None

    def selected(self, articles, voices, speakers, evidence_pool, least_pool, hand) -> Tally:
        """A tally whose sentence rows are cut to what a report shows of each source."""
        evidence = [surest_rows(evidence_pool, stance, EVIDENCE_PER_STANCE).assign(stance=stance) for stance in self.stances]
        return Tally(
            stances=self.stances,
            thresholds=self.thresholds,
            calibrations=self.calibrations,
            articles=articles,
            voices=voices,
            speakers=speakers,
            evidence=pd.concat(evidence, ignore_index=True),
            least_sure=least_sure_rows(least_pool, list(self.stances), self.thresholds, LEAST_SURE_PER_SOURCE),
            hand=hand.reset_index(drop=True),
        )


def merge(tallies: list[Tally]) -> Tally:
    """The tally of the union of the slices the tallies counted (no sentence is in two slices; an
    article may be split between them)."""
    if not tallies:
        raise ValueError("merge needs at least one tally")
    first = tallies[0]
    parts = _Parts(first.stances, first.thresholds, first.calibrations)
    for other in tallies[1:]:
        if _Parts(other.stances, other.thresholds, other.calibrations) != parts:
            raise ValueError("tallies made with different labels, thresholds or calibrations cannot be merged")
    articles = pd.concat([t.articles for t in tallies], ignore_index=True).groupby(["file", "source"], sort=True).sum()
    voices = (
        pd.concat([t.voices for t in tallies], ignore_index=True)
        .groupby(["source", "voice", "stance"], sort=True)["sentences"].sum().reset_index()
    )
    speakers = pd.concat([t.speakers for t in tallies], ignore_index=True).drop_duplicates()
    # A sentence among the surest of two stances is one row of the pool, not two.
    evidence = pd.concat([t.evidence.drop(columns="stance") for t in tallies], ignore_index=True)
    evidence = evidence.drop_duplicates([key for key in ("source", *SENTENCE_KEY, "id") if key in evidence])
    least = pd.concat([t.least_sure for t in tallies], ignore_index=True)
    hand = pd.concat([t.hand for t in tallies], ignore_index=True)
    return parts.selected(articles.reset_index(), voices, speakers, evidence, least, hand)
