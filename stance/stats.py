"""The statistics behind the report: intervals for shares and tests for differences.

With a few dozen sentences per source, a share of 10% could as well be 3% or 25%.
Each share is therefore shown with its 95% Wilson interval (which stays inside
[0, 1] and behaves at 0 and n), and a difference between two sources is called a
finding only when Fisher's exact test says so after Holm's correction for the
number of comparisons made.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

from scipy.stats import fisher_exact

Z_95 = 1.959963984540054
ALPHA = 0.05


def wilson_interval(successes: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """95% Wilson score interval of a proportion; (0, 0) for an empty sample."""
    if total == 0:
        return 0.0, 0.0
    share = successes / total
    denominator = 1 + z * z / total
    centre = (share + z * z / (2 * total)) / denominator
    half_width = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / denominator
    # Clamped so that rounding never puts the share itself outside its interval (at 0 or n).
    return max(0.0, min(share, centre - half_width)), min(1.0, max(share, centre + half_width))


def format_p(p_value: float) -> str:
    """A p-value as a report prints it: 'p = 0.012', and 'p < 0.001' rather than 'p = 0.000'."""
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def holm_adjust(p_values: list[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values, in the input order (monotone, capped at 1)."""
    order = sorted(range(len(p_values)), key=lambda index: p_values[index])
    adjusted = [0.0] * len(p_values)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


@dataclass(frozen=True)
class Comparison:
    """Two sources' shares of one stance, tested against each other."""

    stance: str
    source_a: str
    source_b: str
    count_a: int
    total_a: int
    count_b: int
    total_b: int
    p_value: float
    p_adjusted: float

    @property
    def significant(self) -> bool:
        return self.p_adjusted < ALPHA


REST = "(rest)"
"""The name of all other sources together, in a comparison of one source with the rest."""


def _tested(rows: list[tuple]) -> list[Comparison]:
    adjusted = holm_adjust([row[-1] for row in rows])
    return [Comparison(*row, p_adjusted=p) for row, p in zip(rows, adjusted)]


def _fisher(count_a: int, total_a: int, count_b: int, total_b: int) -> float:
    return float(fisher_exact([[count_a, total_a - count_a], [count_b, total_b - count_b]])[1])


def compare_with_rest(counts: dict[str, dict[str, tuple[int, int]]]) -> list[Comparison]:
    """Fisher's exact test of each source against all the others pooled, per stance, Holm-corrected over all.

    With many sources the pairs grow with the square of their number (300,000 tests for 400
    sources), and Holm's correction over so many leaves no power: one test per source keeps both
    in hand.
    """
    rows = []
    for stance in sorted(counts):
        all_count = sum(count for count, _ in counts[stance].values())
        all_total = sum(total for _, total in counts[stance].values())
        for source in sorted(counts[stance]):
            count, total = counts[stance][source]
            rest = (all_count - count, all_total - total)
            rows.append((stance, source, REST, count, total, *rest, _fisher(count, total, *rest)))
    return _tested(rows)


def compare_sources(counts: dict[str, dict[str, tuple[int, int]]]) -> list[Comparison]:
    """Fisher's exact test for every pair of sources and every stance, Holm-corrected over all of them.

    ``counts[stance][source] = (sentences carrying the stance, sentences of the source)``.
    """
    raw = []
    for stance in sorted(counts):
        for source_a, source_b in combinations(sorted(counts[stance]), 2):
            count_a, total_a = counts[stance][source_a]
            count_b, total_b = counts[stance][source_b]
            raw.append((stance, source_a, source_b, count_a, total_a, count_b, total_b,
                        _fisher(count_a, total_a, count_b, total_b)))
    return _tested(raw)
