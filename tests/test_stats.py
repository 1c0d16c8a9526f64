"""stance.stats: Wilson intervals for shares, Holm's correction, and Fisher tests between sources."""

from __future__ import annotations

import dataclasses
import math

import pytest

from stance.stats import ALPHA, Z_95, compare_sources, format_p, holm_adjust, wilson_interval

# -- wilson_interval ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "successes, total",
    [(1, 1), (0, 1), (1, 2), (1, 3), (5, 20), (7, 28), (19, 56), (49, 50), (1, 1000), (500, 1000)],
)
def test_wilson_interval_contains_the_share_and_stays_inside_zero_one(successes, total):
    low, high = wilson_interval(successes, total)
    assert 0.0 <= low <= successes / total <= high <= 1.0
    assert low < high


def test_wilson_interval_of_5_of_20_matches_the_textbook_value():
    # By hand: p = 0.25, z^2 = 3.8415, n = 20.
    # centre = (0.25 + 3.8415/40) / (1 + 3.8415/20) = 0.346037 / 1.192073 = 0.290282
    # half   = 1.96 * sqrt(0.25*0.75/20 + 3.8415/1600) / 1.192073 = 0.212690 / 1.192073 = 0.178420
    low, high = wilson_interval(5, 20)
    assert low == pytest.approx(0.1119, abs=1e-4)
    assert high == pytest.approx(0.4687, abs=1e-4)


@pytest.mark.parametrize("total", [1, 10, 56])
def test_wilson_interval_of_none_of_n_starts_at_zero_and_reaches_z2_over_n_plus_z2(total):
    # At p = 0 the upper bound simplifies to z^2 / (n + z^2).
    low, high = wilson_interval(0, total)
    assert low == 0.0
    assert high == pytest.approx(Z_95**2 / (total + Z_95**2))


@pytest.mark.parametrize("total", [1, 10, 56])
def test_wilson_interval_of_all_of_n_ends_at_one_and_starts_at_n_over_n_plus_z2(total):
    low, high = wilson_interval(total, total)
    assert high == 1.0
    assert low == pytest.approx(total / (total + Z_95**2))


def test_wilson_interval_of_10_of_10_is_about_72_to_100_percent():
    low, high = wilson_interval(10, 10)  # 10 / (10 + 3.8415) = 0.7225
    assert (round(low, 4), high) == (0.7225, 1.0)


def test_wilson_interval_of_an_empty_sample_is_zero_zero():
    assert wilson_interval(0, 0) == (0.0, 0.0)


def test_wilson_interval_narrows_as_the_sample_grows_at_the_same_share():
    widths = [high - low for low, high in (wilson_interval(n // 4, n) for n in (8, 40, 400, 4000))]
    assert widths == sorted(widths, reverse=True)
    assert widths[-1] < 0.03


def test_wilson_interval_is_symmetric_about_one_half():
    low, high = wilson_interval(3, 20)
    mirrored_low, mirrored_high = wilson_interval(17, 20)
    assert low == pytest.approx(1 - mirrored_high)
    assert high == pytest.approx(1 - mirrored_low)


# -- holm_adjust --------------------------------------------------------------------------------------------


def test_holm_adjust_of_a_hand_worked_example_keeps_the_input_order():
    # Sorted: 0.005 x4 = 0.02; 0.01 x3 = 0.03; 0.03 x2 = 0.06; 0.04 x1 = 0.04 -> raised to 0.06 (monotone).
    adjusted = holm_adjust([0.01, 0.04, 0.03, 0.005])
    assert adjusted == pytest.approx([0.03, 0.06, 0.06, 0.02])


@pytest.mark.parametrize(
    "p_values, expected",
    [
        ([], []),
        ([0.2], [0.2]),
        ([0.02, 0.02], [0.04, 0.04]),
        ([0.5, 0.6], [1.0, 1.0]),  # 2 x 0.5 = 1.0; 0.6 is raised to the running maximum
        ([0.9, 0.001, 0.4], [0.9, 0.003, 0.8]),  # 3 x 0.001; 2 x 0.4; 1 x 0.9
        ([0.3, 0.4, 0.35], [0.9, 0.9, 0.9]),  # 0.9, then max(0.9, 0.7), then max(0.9, 0.4)
    ],
)
def test_holm_adjust_table(p_values, expected):
    assert holm_adjust(p_values) == pytest.approx(expected)


def test_holm_adjusted_values_are_capped_at_one_and_never_below_the_raw_value():
    raw = [0.3, 0.7, 0.05, 0.9, 0.2, 0.45]
    adjusted = holm_adjust(raw)
    assert all(p <= a <= 1.0 for p, a in zip(raw, adjusted))
    assert max(adjusted) == 1.0  # 0.3 is third smallest: 4 x 0.3 > 1


def test_holm_adjust_is_monotone_in_the_raw_p_values():
    raw = [0.04, 0.001, 0.03, 0.2, 0.011, 0.012]
    adjusted = holm_adjust(raw)
    by_raw = [adjusted[i] for i in sorted(range(len(raw)), key=raw.__getitem__)]
    assert by_raw == sorted(by_raw)


# -- compare_sources ----------------------------------------------------------------------------------------


def test_a_planted_large_difference_between_two_sources_is_significant():
    [comparison] = compare_sources({"blames_seoul": {"a": (30, 40), "b": (2, 40)}})
    assert comparison.p_value < 1e-6
    assert comparison.significant


def test_equal_shares_are_not_a_difference():
    [comparison] = compare_sources({"blames_seoul": {"a": (5, 40), "b": (5, 40)}})
    assert comparison.p_value == pytest.approx(1.0)
    assert not comparison.significant


def test_holm_correction_turns_a_borderline_single_test_into_no_finding_when_many_are_made():
    borderline = {"a": (8, 40), "b": (1, 40)}  # Fisher's two-sided p is about 0.03
    [alone] = compare_sources({"blames_seoul": borderline})
    assert alone.p_value < ALPHA and alone.significant

    many = {"blames_seoul": borderline} | {f"other_{i}": {"a": (4, 40), "b": (4, 40)} for i in range(5)}
    results = compare_sources(many)
    tested = next(c for c in results if c.stance == "blames_seoul")
    assert tested.p_value == pytest.approx(alone.p_value)  # the raw value does not change ...
    assert tested.p_adjusted == pytest.approx(6 * alone.p_value)  # ... but it is the smallest of 6
    assert not tested.significant
    assert not any(c.significant for c in results)


def test_compare_sources_tests_every_pair_of_sources_for_every_stance_in_sorted_order():
    counts = {
        "pro": {"c": (1, 10), "a": (2, 10), "b": (3, 10)},
        "blame": {"b": (0, 5), "a": (1, 5), "c": (2, 5)},
    }
    results = compare_sources(counts)
    assert [(c.stance, c.source_a, c.source_b) for c in results] == [
        ("blame", "a", "b"), ("blame", "a", "c"), ("blame", "b", "c"),
        ("pro", "a", "b"), ("pro", "a", "c"), ("pro", "b", "c"),
    ]
    first = results[0]
    assert (first.count_a, first.total_a, first.count_b, first.total_b) == (1, 5, 0, 5)


def test_compare_sources_holm_adjusts_over_all_stances_together():
    counts = {
        "x": {"a": (30, 40), "b": (2, 40)},
        "y": {"a": (30, 40), "b": (2, 40)},
    }
    first, second = compare_sources(counts)
    assert first.p_value == pytest.approx(second.p_value)
    assert first.p_adjusted == pytest.approx(2 * first.p_value)


def test_compare_sources_with_one_source_makes_no_comparison():
    assert compare_sources({"x": {"only": (3, 10)}}) == []


def test_comparison_significance_is_strictly_below_alpha():
    [comparison] = compare_sources({"x": {"a": (5, 40), "b": (5, 40)}})
    at_alpha = dataclasses.replace(comparison, p_adjusted=ALPHA)
    below = dataclasses.replace(comparison, p_adjusted=math.nextafter(ALPHA, 0))
    assert not at_alpha.significant
    assert below.significant


@pytest.mark.parametrize(
    "p_value, text",
    [(0.0, "p < 0.001"), (0.000999, "p < 0.001"), (0.001, "p = 0.001"), (0.0123, "p = 0.012"), (1.0, "p = 1.000")],
)
def test_p_values_below_one_in_a_thousand_are_never_printed_as_zero(p_value, text):
    assert format_p(p_value) == text


def test_compare_with_rest_tests_each_source_against_all_the_others_pooled():
    from stance.stats import REST, compare_with_rest

    results = compare_with_rest({"x": {"a": (30, 40), "b": (2, 40), "c": (3, 40)}})
    assert [(c.source_a, c.source_b) for c in results] == [("a", REST), ("b", REST), ("c", REST)]
    first = results[0]
    assert (first.count_a, first.total_a, first.count_b, first.total_b) == (30, 40, 5, 80)
    assert first.significant
    assert first.p_adjusted == pytest.approx(min(1.0, 3 * first.p_value))
