"""stance.timeline: periods from the manifest's dates, weekly or monthly, and only over a span of weeks."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from stance.timeline import article_periods, parse_date, timeline_frame


@pytest.mark.parametrize(
    "value, parsed",
    [("2019-08-23", (date(2019, 8, 23), True)), ("2019-11", (date(2019, 11, 1), False)), ("", None),
     ("late 2019", None), ("2019-13-40", None)],
)
def test_parse_date(value, parsed):
    assert parse_date(value) == parsed


def test_dates_within_four_weeks_give_no_timeline():
    assert article_periods({"a": "2019-11-01", "b": "2019-11-22"}) is None


def test_dated_days_over_some_weeks_are_counted_by_iso_week():
    unit, periods = article_periods({"a": "2019-08-23", "b": "2019-10-01", "c": ""})
    assert unit == "week"
    assert periods == {"a": "2019-W34", "b": "2019-W40"}  # the undated article has no period


def test_a_month_only_date_or_a_long_span_is_counted_by_month():
    assert article_periods({"a": "2019-08-23", "b": "2019-11"})[0] == "month"
    unit, periods = article_periods({"a": "2019-01-05", "b": "2019-11-20"})
    assert (unit, periods) == ("month", {"a": "2019-01", "b": "2019-11"})


def test_timeline_frame_counts_each_period_pooled_and_per_source():
    # Articles: s has one in August (1 of 1 sentence carries x) and one in September (0 of 1);
    # t has two in September (1 of 1, and 2 of 3).
    articles = pd.DataFrame(
        {"source": ["s", "s", "t", "t"], "period": ["2019-08", "2019-09", "2019-09", "2019-09"],
         "sentences": [1, 1, 1, 3], "x": [1, 0, 1, 2]}
    )
    frame = timeline_frame(articles, ["x"], None).set_index(["source", "period"])
    assert frame.loc[("(all)", "2019-09"), ["sentences", "count"]].tolist() == [5, 3]
    assert frame.loc[("t", "2019-09"), "share"] == 0.75
    assert frame.loc[("s", "2019-08"), ["sentences", "count"]].tolist() == [1, 1]
    assert frame["corrected"].isna().all()  # no error counts, no correction
