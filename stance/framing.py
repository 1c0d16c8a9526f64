"""Framing analysis of a classified sentence table: the numbers behind the report.

Everything here is computed from the sentence table with the model's labels (the
same table the report writes as ``sentences.csv``), so a reader can recompute any
figure with pandas. Prose is produced by fixed templates from these numbers only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stance.stats import Comparison, compare_sources, wilson_interval

OWN_VOICE = "own voice"
MIN_EVIDENCE_SHARE = 0.5
"""A voice is said to carry a stance 'mostly' when it holds more than this share of it."""


@dataclass(frozen=True)
class Share:
    stance: str
    count: int
    total: int
    low: float
    high: float

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0


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


def _evidence_rows(rows: pd.DataFrame, stances: list[str]) -> list[Evidence]:
    return [
        Evidence(
            row.id, row.text, row.speaker, row.speaker_side, stance, float(row[f"p_{stance}"]), bool(row[stance])
        )
        for (_, row), stance in zip(rows.iterrows(), stances)
    ]


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
    agreement: dict[str, dict[str, float | int]] | None = None
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)
    least_sure: list[Evidence] = field(default_factory=list)
    disagreements: pd.DataFrame | None = None


def _voice_of(row) -> str:
    if row.speaker_side:
        return row.speaker_side
    return "unattributed quotation" if row.is_quote else OWN_VOICE


def source_shares(table: pd.DataFrame, source: str, stances: list[str]) -> dict[str, Share]:
    rows = table[table["source"] == source]
    shares = {}
    for stance in stances:
        count = int(rows[stance].sum())
        low, high = wilson_interval(count, len(rows))
        shares[stance] = Share(stance, count, len(rows), low, high)
    return shares


def source_voices(table: pd.DataFrame, source: str, stances: list[str]) -> dict[str, Voice]:
    rows = table[table["source"] == source]
    voices = {}
    for stance in stances:
        carrying = rows[rows[stance] == 1]
        counts = Counter(_voice_of(row) for row in carrying.itertuples())
        voices[stance] = Voice(stance, len(carrying), dict(sorted(counts.items())))
    return voices


def speakers_by_side(table: pd.DataFrame, source: str) -> dict[str, list[str]]:
    rows = table[(table["source"] == source) & (table["speaker"] != "")]
    sides: dict[str, set[str]] = {}
    for row in rows.itertuples():
        sides.setdefault(row.speaker_side or "unknown", set()).add(row.speaker)
    return {side: sorted(names) for side, names in sorted(sides.items())}


def evidence(table: pd.DataFrame, source: str, stance: str, top: int = 3) -> list[Evidence]:
    """The sentences the model is surest carry the stance."""
    rows = table[(table["source"] == source) & (table[stance] == 1)]
    rows = rows.sort_values([f"p_{stance}", "id"], ascending=[False, True]).head(top)
    return _evidence_rows(rows, [stance] * len(rows))


def least_sure(
    table: pd.DataFrame, source: str, stances: list[str], thresholds: dict[str, float], top: int = 5
) -> list[Evidence]:
    """Sentences whose probability for some stance lies closest to that stance's threshold."""
    rows = table[table["source"] == source].copy()
    if rows.empty:
        return []
    margins = np.column_stack([np.abs(rows[f"p_{stance}"] - thresholds[stance]) for stance in stances])
    rows["closest_stance"] = [stances[i] for i in margins.argmin(axis=1)]
    rows["margin"] = margins.min(axis=1)
    rows = rows.sort_values(["margin", "id"]).head(top)
    return _evidence_rows(rows, list(rows["closest_stance"]))


def agreement(rows: pd.DataFrame, stances: list[str]) -> dict[str, dict[str, float | int]]:
    """Per stance, how often model and hand labels agree, and Cohen's kappa where defined."""
    result = {}
    for stance in stances:
        model, hand = rows[stance].to_numpy(), rows[f"hand_{stance}"].to_numpy()
        agree = float((model == hand).mean()) if len(rows) else float("nan")
        expected = model.mean() * hand.mean() + (1 - model.mean()) * (1 - hand.mean()) if len(rows) else 1.0
        kappa = (agree - expected) / (1 - expected) if expected < 1 else float("nan")
        result[stance] = {
            "agreement": agree,
            "kappa": kappa,
            "model_only": int(((model == 1) & (hand == 0)).sum()),
            "hand_only": int(((model == 0) & (hand == 1)).sum()),
            "both": int(((model == 1) & (hand == 1)).sum()),
        }
    return result


def comparisons(table: pd.DataFrame, sources: list[str], stances: list[str]) -> list[Comparison]:
    counts = {
        stance: {
            source: (int(table.loc[table["source"] == source, stance].sum()), int((table["source"] == source).sum()))
            for source in sources
        }
        for stance in stances
    }
    return compare_sources(counts)


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def _voice_place(who: str) -> str:
    if who == OWN_VOICE:
        return "in the outlet's own voice"
    if who == "unattributed quotation":
        return "in unattributed quotations"
    return f"from {who.replace('_', ' ')} speakers"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summarise(framing: SourceFraming, display: dict[str, str]) -> str:
    """A short plain-language summary of one source, from its numbers only."""
    opening = f"{framing.outlet} ({framing.n_sentences} sentences)"
    carried = sorted((s for s in framing.shares.values() if s.count), key=lambda s: (-s.count, s.stance))
    if not carried:
        return f"{opening}: the model finds none of the stances in any sentence."
    listed = ", ".join(f"{display[s.stance]} {percent(s.share)} ({s.count})" for s in carried)
    parts = [f"{opening}: {listed}."]
    for share in carried[:2]:
        voice = framing.voices[share.stance]
        ranked = sorted(voice.by_voice.items(), key=lambda item: (-item[1], item[0]))
        (first, first_count), rest = ranked[0], ranked[1:2]
        name = display[share.stance]
        if first_count == voice.total:  # one voice carries it all
            subject = f"Its one {name} sentence is" if first_count == 1 else f"All {first_count} of its {name} sentences are"
            parts.append(f"{subject} {_voice_place(first)}.")
            continue
        lead = f"most ({first_count})" if first_count / voice.total > MIN_EVIDENCE_SHARE else str(first_count)
        described = f"{lead} {'is' if first_count == 1 else 'are'} {_voice_place(first)}"
        for who, count in rest:
            described += f" and {count} {'is' if count == 1 else 'are'} {_voice_place(who)}"
        parts.append(f"Of its {_plural(voice.total, f'{name} sentence')}, {described}.")
    missing = [display[stance] for stance, share in framing.shares.items() if share.count == 0]
    if missing:
        parts.append(f"No sentence carries {', '.join(missing)}.")
    return " ".join(parts)


def finding_sentence(comparison: Comparison, outlet: dict[str, str], display: dict[str, str]) -> str:
    """'The Japan Times blames Washington in 25% of its sentences (14 of 56), Bloomberg in 4% …'."""
    share_a = comparison.count_a / comparison.total_a
    share_b = comparison.count_b / comparison.total_b
    (first, count_1, total_1, share_1), (second, count_2, total_2, share_2) = sorted(
        [
            (comparison.source_a, comparison.count_a, comparison.total_a, share_a),
            (comparison.source_b, comparison.count_b, comparison.total_b, share_b),
        ],
        key=lambda item: -item[3],
    )
    return (
        f"{outlet[first]} carries “{display[comparison.stance]}” in {percent(share_1)} of its sentences "
        f"({count_1} of {total_1}), {outlet[second]} in {percent(share_2)} ({count_2} of {total_2}); "
        f"Fisher's exact test, Holm-adjusted p = {comparison.p_adjusted:.3f}."
    )
