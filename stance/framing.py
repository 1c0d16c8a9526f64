"""Framing analysis: the numbers behind the report and the prose made from them.

The figures come from a :class:`stance.counts.Tally` of the classified sentence table (the
table the report writes as ``sentences.csv``), so a reader can recompute any of them with
pandas; the selections of sentences (evidence, least sure) work on any slice of that table.
Prose is produced by fixed templates from these numbers only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stance.quantify import Corrected
from stance.stats import Comparison, compare_sources, compare_with_rest, format_p, wilson_interval

OWN_VOICE = "own voice"
UNATTRIBUTED = "unattributed quotation"
MIN_EVIDENCE_SHARE = 0.5
"""A voice is said to carry a stance 'mostly' when it holds more than this share of it."""
MIN_KAPPA_SENTENCES = 20
"""Below this many hand-labelled sentences Cohen's kappa swings by a few sentences: it is not shown."""
ALL_SOURCES = "(all)"
MAX_PAIRWISE_SOURCES = 30
"""Up to this many sources each pair is tested; past it, each source against the rest."""

Share = Corrected
"""A source's share of one stance: raw, with its Wilson interval, and corrected for the model's errors."""


@dataclass(frozen=True)
class Voice:
    """Who carries one stance in one source: the outlet's own voice or quoted speakers by side."""

    stance: str
    total: int
    by_voice: dict[str, int]

    @property
    def main(self) -> tuple[str, int] | None:
        if not self.by_voice:
            return None
        return max(sorted(self.by_voice.items()), key=lambda item: item[1])


@dataclass(frozen=True)
class Evidence:
    """One sentence shown as evidence or for review, with the figure that put it there."""

    id: str
    text: str
    speaker: str
    speaker_side: str
    stance: str
    probability: float
    predicted: bool
    hand_rejects: bool = False
    """The sentence is hand-labelled, and its hand labels do not include the stance the model gives it."""


def _evidence_rows(rows: pd.DataFrame, stances: list[str]) -> list[Evidence]:
    items = []
    for (_, row), stance in zip(rows.iterrows(), stances):
        rejected = bool(row.get("hand_labelled", False)) and bool(row[stance]) and not row.get(f"hand_{stance}", 0)
        items.append(
            Evidence(
                row.id, row.text, row.speaker, row.speaker_side, stance, float(row[f"p_{stance}"]), bool(row[stance]),
                rejected,
            )
        )
    return items


@dataclass(frozen=True)
class RangeCheck:
    """How unlike the training sentences a source's are: the share the model is unsure of, beside
    that share on the training data (out of fold)."""

    unsure: int
    total: int
    reference: float | None

    @property
    def share(self) -> float:
        return self.unsure / self.total if self.total else 0.0

    @property
    def outside(self) -> bool:
        """Out of range when even the low end of the share's 95% interval is above the training share."""
        return self.reference is not None and wilson_interval(self.unsure, self.total)[0] > self.reference


@dataclass
class SourceFraming:
    source: str
    outlet: str
    headline: str
    published: str
    n_sentences: int
    shares: dict[str, Share]
    voices: dict[str, Voice]
    speakers_by_side: dict[str, list[str]]
    summary: str = ""
    range_check: RangeCheck | None = None
    agreement: dict[str, dict[str, float | int]] | None = None
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)
    least_sure: list[Evidence] = field(default_factory=list)
    disagreements: pd.DataFrame | None = None


def speaking_voices(rows: pd.DataFrame) -> np.ndarray:
    """Who speaks each sentence: its speaker's side, else an unattributed quotation or the outlet's own voice."""
    sides = rows["speaker_side"].fillna("").astype(str).to_numpy()
    quoted = rows["is_quote"].fillna(False).astype(bool).to_numpy()
    return np.where(sides != "", sides, np.where(quoted, UNATTRIBUTED, OWN_VOICE))


def range_check(tally, source: str, reference: float | None) -> RangeCheck:
    """The share of a source's sentences the model is unsure of, against the training data's share."""
    return RangeCheck(tally.unsure(source), tally.sentences(source), reference)


SENTENCE_KEY = ("file", "paragraph", "sentence")
"""What tells one sentence from another: ids repeat across the articles of one source."""


def _tie_keys(rows: pd.DataFrame) -> list[str]:
    """Ties go by id, then by place in the corpus, so that any slicing of a table picks the same rows."""
    return ["id", *(key for key in SENTENCE_KEY if key in rows)]


def surest_rows(rows: pd.DataFrame, stance: str, top: int) -> pd.DataFrame:
    """Each source's ``top`` sentences that the model gives the stance with the highest probability."""
    carrying = rows[rows[stance] == 1]
    keys = _tie_keys(carrying)
    ordered = carrying.sort_values(["source", f"p_{stance}", *keys], ascending=[True, False] + [True] * len(keys))
    return ordered.groupby("source", sort=False).head(top)


def evidence(table: pd.DataFrame, source: str, stance: str, top: int = 3) -> list[Evidence]:
    """The sentences the model is surest carry the stance."""
    rows = surest_rows(table[table["source"] == source], stance, top)
    return _evidence_rows(rows, [stance] * len(rows))


def least_sure_rows(rows: pd.DataFrame, stances: list[str], thresholds: dict[str, float], top: int) -> pd.DataFrame:
    """Each source's ``top`` sentences whose probability for some stance lies closest to its threshold,
    with that stance (``closest_stance``) and the distance (``margin``)."""
    if rows.empty:
        return rows.assign(closest_stance="", margin=0.0)
    margins = np.column_stack([np.abs(rows[f"p_{stance}"].to_numpy(dtype=float) - thresholds[stance]) for stance in stances])
    marked = rows.assign(closest_stance=np.asarray(stances)[margins.argmin(axis=1)], margin=margins.min(axis=1))
    return marked.sort_values(["source", "margin", *_tie_keys(marked)]).groupby("source", sort=False).head(top)


def least_sure(
    table: pd.DataFrame, source: str, stances: list[str], thresholds: dict[str, float], top: int = 5
) -> list[Evidence]:
    """Sentences whose probability for some stance lies closest to that stance's threshold."""
    rows = least_sure_rows(table[table["source"] == source], stances, thresholds, top)
    return _evidence_rows(rows, list(rows["closest_stance"]))


def agreement(rows: pd.DataFrame, stances: list[str]) -> dict[str, dict[str, float | int]]:
    """Per stance, how often model and hand labels agree over ``n`` sentences, and Cohen's kappa where
    defined (a report shows it only from :data:`MIN_KAPPA_SENTENCES` sentences)."""
    result = {}
    for stance in stances:
        model, hand = rows[stance].to_numpy(), rows[f"hand_{stance}"].to_numpy()
        agree = float((model == hand).mean()) if len(rows) else float("nan")
        expected = model.mean() * hand.mean() + (1 - model.mean()) * (1 - hand.mean()) if len(rows) else 1.0
        kappa = (agree - expected) / (1 - expected) if expected < 1 else float("nan")
        result[stance] = {
            "n": len(rows),
            "agreement": agree,
            "kappa": kappa,
            "model_only": int(((model == 1) & (hand == 0)).sum()),
            "hand_only": int(((model == 0) & (hand == 1)).sum()),
            "both": int(((model == 1) & (hand == 1)).sum()),
        }
    return result


def comparisons(tally, sources: list[str]) -> list[Comparison]:
    """Each pair of sources per stance, or each source against the rest when there are many."""
    per_source = tally.by_source
    counts = {
        stance: {
            source: (int(per_source.at[source, stance]), int(per_source.at[source, "sentences"]))
            for source in sources
            if source in per_source.index
        }
        for stance in tally.stances
    }
    return compare_sources(counts) if len(sources) <= MAX_PAIRWISE_SOURCES else compare_with_rest(counts)


def holds_when_corrected(comparison: Comparison, tally) -> bool:
    """A significant raw difference is a finding only when the corrected shares differ too: the 95%
    interval of their difference excludes zero. Without a calibration the raw test stands alone."""
    if not comparison.significant:
        return False
    if not tally.calibrations or comparison.stance not in tally.calibrations:
        return True
    low, high = tally.difference_interval(comparison.stance, comparison.source_a, comparison.source_b)
    return low > 0 or high < 0


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def _voice_place(who: str, side_name) -> str:
    if who == OWN_VOICE:
        return "in the outlet's own voice"
    if who == UNATTRIBUTED:
        return "in unattributed quotations"
    return f"from {side_name(who)} speakers"


def voice_name(who: str, side_name) -> str:
    """A voice as the report names it: 'own voice', 'unattributed quotation' or a side's display name."""
    return who if who in (OWN_VOICE, UNATTRIBUTED) else side_name(who)


def _spaced(side: str) -> str:
    return side.replace("_", " ")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _share_text(share: Share) -> str:
    """'40% (4)', or with a correction '40% (4; corrected 35%, 12–60%)'."""
    if share.corrected is None:
        return f"{percent(share.share)} ({share.count})"
    return (
        f"{percent(share.share)} ({share.count}; corrected {percent(share.corrected)}, "
        f"{percent(share.corrected_low)}–{percent(share.corrected_high)})"
    )


def summarise(framing: SourceFraming, display: dict[str, str], side_name=_spaced) -> str:
    """A short plain-language summary of one source, from its numbers only.

    It says what the model labels, not what the source says: a stance the model finds in no
    sentence may still be there, as far as its corrected interval (in the table) reaches.
    """
    opening = f"{framing.outlet} ({framing.n_sentences} sentences)"
    carried = sorted((s for s in framing.shares.items() if s[1].count), key=lambda s: (-s[1].count, s[0]))
    if not carried:
        return f"{opening}: the model labels none of its sentences with any stance."
    listed = ", ".join(f"{display[stance]} {_share_text(share)}" for stance, share in carried)
    parts = [f"{opening}: {listed}."]
    for stance, share in carried[:2]:
        voice = framing.voices[stance]
        ranked = sorted(voice.by_voice.items(), key=lambda item: (-item[1], item[0]))
        (first, first_count), rest = ranked[0], ranked[1:2]
        name = display[stance]
        if first_count == voice.total:  # one voice carries it all
            subject = f"Its one {name} sentence is" if first_count == 1 else f"All {first_count} of its {name} sentences are"
            parts.append(f"{subject} {_voice_place(first, side_name)}.")
            continue
        lead = f"most ({first_count})" if first_count / voice.total > MIN_EVIDENCE_SHARE else str(first_count)
        described = f"{lead} {'is' if first_count == 1 else 'are'} {_voice_place(first, side_name)}"
        for who, count in rest:
            described += f" and {count} {'is' if count == 1 else 'are'} {_voice_place(who, side_name)}"
        parts.append(f"Of its {_plural(voice.total, f'{name} sentence')}, {described}.")
    missing = [display[stance] for stance, share in framing.shares.items() if share.count == 0]
    if missing:
        parts.append(f"The model labels no sentence {', '.join(missing)}.")
    return " ".join(parts)


def finding_sentence(
    comparison: Comparison,
    outlet: dict[str, str],
    display: dict[str, str],
    corrected: dict[str, dict[str, Share]] | None = None,
) -> str:
    """'The Japan Times carries “Blames Washington” in 25% of its sentences (14 of 56), Bloomberg in 4% …',
    with each corrected share when ``corrected[source][stance]`` has one."""
    share_a = comparison.count_a / comparison.total_a
    share_b = comparison.count_b / comparison.total_b
    (first, count_1, total_1, share_1), (second, count_2, total_2, share_2) = sorted(
        [
            (comparison.source_a, comparison.count_a, comparison.total_a, share_a),
            (comparison.source_b, comparison.count_b, comparison.total_b, share_b),
        ],
        key=lambda item: -item[3],
    )

    def fixed(source: str) -> str:
        share = (corrected or {}).get(source, {}).get(comparison.stance)
        return f", corrected {percent(share.corrected)}" if share is not None and share.corrected is not None else ""

    return (
        f"{outlet[first]} carries “{display[comparison.stance]}” in {percent(share_1)} of its sentences "
        f"({count_1} of {total_1}{fixed(first)}), {outlet[second]} in {percent(share_2)} ({count_2} of {total_2}"
        f"{fixed(second)}); Fisher's exact test, Holm-adjusted {format_p(comparison.p_adjusted)}."
    )
