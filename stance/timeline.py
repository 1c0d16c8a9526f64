"""Framing over time: each stance's corrected share per week or month, where the corpus spans some weeks.

Dates come from the manifest's ``published`` column (``YYYY-MM-DD``, or ``YYYY-MM`` when
only the month is known). A corpus whose dated articles span more than four weeks gets
the section; it is counted by ISO week when every date has a day and the span is under
four months, otherwise by month. Undated articles are left out of it and counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from stance.corpus import Corpus
from stance.counts import group_shares
from stance.framing import ALL_SOURCES

MIN_SPAN_DAYS = 28
MAX_OUTLET_LINES = 4
"""Outlets drawn on their own over time: the largest of those dated in two periods or more."""
MAX_WEEKLY_SPAN_DAYS = 120
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass
class Timeline:
    unit: str
    periods: list[str]
    frame: pd.DataFrame
    """over_time.csv: per source (and '(all)'), period and label, the counts and shares."""
    panels: list[tuple[str, str, str]]
    undated_articles: int


def parse_date(value: str) -> tuple[date, bool] | None:
    """(the date, whether its day is known), or None for an empty or unreadable value."""
    value = value.strip()
    try:
        if match := _DAY.match(value):
            return date(*map(int, match.groups())), True
        if match := _MONTH.match(value):
            return date(int(match[1]), int(match[2]), 1), False
    except ValueError:
        return None
    return None


def article_periods(published: dict[str, str]) -> tuple[str, dict[str, str]] | None:
    """The unit and each dated file's period, or None when the dates span too little time."""
    parsed = {file: found for file, value in published.items() if (found := parse_date(value))}
    if not parsed:
        return None
    days = [found[0] for found in parsed.values()]
    span = (max(days) - min(days)).days
    if span <= MIN_SPAN_DAYS:
        return None
    weekly = span < MAX_WEEKLY_SPAN_DAYS and all(has_day for _, has_day in parsed.values())
    if weekly:
        return "week", {file: "{}-W{:02d}".format(*day.isocalendar()[:2]) for file, (day, _) in parsed.items()}
    return "month", {file: f"{day.year}-{day.month:02d}" for file, (day, _) in parsed.items()}


def timeline_frame(articles: pd.DataFrame, stances: list[str], calibrations) -> pd.DataFrame:
    """Rows of over_time.csv from per-article counts (a tally's ``articles`` with a ``period``)."""
    rows = []
    columns = [column for column in articles.columns if column not in ("file", "source", "period")]
    pooled = articles.groupby("period", sort=True)[columns].sum()
    by_source = articles.groupby(["source", "period"], sort=True)[columns].sum()
    groups = [((ALL_SOURCES, period), summed) for period, summed in pooled.iterrows()]
    groups += list(by_source.iterrows())
    for (source, period), summed in groups:
        total = int(summed["sentences"])
        for stance, share in group_shares(summed, stances, calibrations).items():
            rows.append({"source": source, "period": period, "label": stance, "sentences": total, **share.columns()})
    return pd.DataFrame(rows)


def _outlets_over_time(frame: pd.DataFrame, report) -> list[tuple[str, str]]:
    """(source, outlet) of the largest sources with sentences in two periods or more."""
    per_source = frame[(frame["source"] != ALL_SOURCES) & (frame["label"] == report.stances[0])]
    spread = per_source.groupby("source").agg(periods=("period", "nunique"), sentences=("sentences", "sum"))
    spread = spread[spread["periods"] >= 2].sort_values(["sentences"], ascending=False, kind="stable")
    names = {framing.source: framing.outlet for framing in report.sources}
    return [(source, names.get(source, source)) for source in spread.index[:MAX_OUTLET_LINES]]


def _series(frame: pd.DataFrame, source: str, stance: str, periods: list[str]) -> np.ndarray:
    rows = frame[(frame["source"] == source) & (frame["label"] == stance)].set_index("period")
    column = "share" if rows["corrected"].isna().any() else "corrected"
    return rows[column].reindex(periods).to_numpy(dtype=float)


def draw_timeline(report, articles: pd.DataFrame, corpus: Corpus, folder: Path) -> Timeline | None:
    """The over-time section's data and charts, from the counted articles (a tally's ``articles``), or
    None when the corpus spans a few weeks or less."""
    from stance import charts

    published = {details["file"]: details["published"] for details in corpus.all_details()}
    found = article_periods(published)
    if found is None:
        return None
    unit, periods_of = found
    dated = articles[articles["file"].isin(list(periods_of))]
    frame = timeline_frame(dated.assign(period=dated["file"].map(periods_of)), report.stances, report.calibrations)
    pooled = frame[frame["source"] == ALL_SOURCES]
    periods = sorted(pooled["period"].unique())
    outlets = _outlets_over_time(frame, report)
    panels = []
    for stance in report.stances:
        rows = pooled[pooled["label"] == stance].set_index("period").loc[periods]
        uncorrected = rows["corrected"].isna().any()  # then the raw share and its Wilson interval
        point = rows["share" if uncorrected else "corrected"].to_numpy(dtype=float)
        low = rows["low" if uncorrected else "corrected_low"].to_numpy(dtype=float)
        high = rows["high" if uncorrected else "corrected_high"].to_numpy(dtype=float)
        name = f"over-time-{stance}.png"
        lines = [(outlet, _series(frame, source, stance, periods)) for source, outlet in outlets]
        svg = charts.time_panel(
            report.display[stance], periods, point, low, high, list(rows["sentences"]), folder / name, lines
        )
        panels.append((stance, svg, name))
    undated = sum(1 for file in published if file not in periods_of)
    return Timeline(unit, periods, frame, panels, undated)
