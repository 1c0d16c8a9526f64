"""Charts for the report, drawn with matplotlib: one dot-and-interval panel per stance, sources
down the side, and the same by period when the corpus spans some weeks. Each is returned as
SVG text (embedded in the one-file HTML report) and written as PNG (for the Markdown report).
Fixed SVG ids and no date in the metadata keep the files byte-identical from run to run.

One panel per stance, sources on one axis, scales to dozens of sources without a legend to
decode; text is sized for the panel to stay legible when a phone shrinks it to 360 px.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global figure state

matplotlib.rcParams["svg.hashsalt"] = "stance"
matplotlib.rcParams["svg.fonttype"] = "none"
INK = "#1b1b1b"
RULE = "#d0d0d0"
PANEL_WIDTH = 4.6
"""Inches: at 100% an SVG panel is 442 px wide, so a 390 px phone shrinks its text only by a fifth."""
FONT = 11
LABEL_CHARACTERS = 28


def _save(figure, png_path: Path) -> str:
    figure.savefig(png_path, format="png", dpi=130, metadata={"Software": None})
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]  # drop the XML prolog: the SVG goes inline in HTML


def _short(label: str) -> str:
    """A long label cut in the middle: its end often tells two sources of one outlet apart."""
    if len(label) <= LABEL_CHARACTERS:
        return label
    keep = LABEL_CHARACTERS - 1
    return label[: keep - keep // 2] + "…" + label[-(keep // 2) :]


def share_panel(
    title: str,
    labels: list[str],
    raw: np.ndarray,
    corrected: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    png_path: Path,
) -> str:
    """One stance: per row (source), the corrected share as a dot with its 95% interval and the raw
    share as a hollow mark. Where a share has no correction, pass it as ``corrected`` with its own
    interval and ``raw`` as NaN."""
    rows = len(labels)
    figure = Figure(figsize=(PANEL_WIDTH, 1.2 + 0.24 * rows), layout="constrained")
    axes = figure.subplots()
    positions = np.arange(rows)[::-1]
    with np.errstate(invalid="ignore"):
        axes.hlines(positions, low * 100, high * 100, color=INK, linewidth=1.4)
    handles = []
    if not np.all(np.isnan(raw)):  # a ring under the dot, so that a raw share equal to the corrected one shows
        handles += axes.plot(raw * 100, positions, "o", markerfacecolor="white", markeredgecolor=INK, markersize=8,
                             markeredgewidth=1, label="raw (model's count)")
    handles += axes.plot(corrected * 100, positions, "o", color=INK, markersize=4.5, label="corrected, 95% interval")
    axes.axhline(rows - 1.5, color=RULE, linewidth=0.8)  # the pooled row on top, apart from the sources
    axes.set_yticks(positions, [_short(label) for label in labels], fontsize=FONT)
    axes.set_ylim(-0.7, rows - 0.3)
    top = float(np.nanmax(np.concatenate([high, raw, [0.05]])) * 100)
    axes.set_xlim(0, min(100, max(10, top * 1.08)))
    axes.set_xlabel("% of the source's sentences", fontsize=FONT)
    axes.tick_params(axis="x", labelsize=FONT)
    axes.set_title(title, fontsize=FONT + 1, loc="left", fontweight="bold")
    axes.grid(True, axis="x", color=RULE, linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.legend(handles=handles[::-1], fontsize=FONT - 1, loc="outside lower center", ncols=2, frameon=False)
    return _save(figure, png_path)


def time_panel(
    title: str,
    periods: list[str],
    corrected: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    counts: list[int],
    png_path: Path,
    outlets: list[tuple[str, np.ndarray]] = (),
) -> str:
    """One stance over time: the corrected share of all sources per period, with its interval, and the
    number of sentences behind each point under it; ``outlets`` adds a few outlets' own
    shares (NaN where an outlet has nothing that period) as thin lines, without intervals."""
    height = (3.3 if outlets else 2.9) + (1.0 if len(periods) > 6 else 0.0)
    figure = Figure(figsize=(PANEL_WIDTH, height), layout="constrained")
    axes = figure.subplots()
    x = np.arange(len(periods))
    styles = ("--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 3)))
    for (label, values), style in zip(outlets, styles):
        axes.plot(x, values * 100, linestyle=style, marker="o", markerfacecolor="white", color="#5a5a5a",
                  markersize=4, linewidth=1, label=_short(label))
    axes.vlines(x, low * 100, high * 100, color=INK, linewidth=1.4)
    axes.plot(x, corrected * 100, "o-", color=INK, markersize=5, linewidth=0.8, label="all sources")
    highest = [float(np.nanmax(high))]
    highest += [float(np.nanmax(values)) for _, values in outlets if np.any(~np.isnan(values))]
    top = min(100, max(10, max(highest) * 100 * 1.15))
    # The count behind each point rides on its tick label: written beside the points they collide.
    many = len(periods) > 6
    ticks = [f"{period} · n={count}" if many else f"{period}\nn={count}" for period, count in zip(periods, counts)]
    axes.set_xticks(x, ticks, fontsize=FONT - 2, rotation=90 if many else 0)
    axes.set_ylim(0, top)
    axes.set_ylabel("% of sentences", fontsize=FONT)
    axes.tick_params(axis="y", labelsize=FONT)
    axes.set_title(title, fontsize=FONT + 1, loc="left", fontweight="bold")
    axes.grid(True, axis="y", color=RULE, linewidth=0.6)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if outlets:
        figure.legend(fontsize=FONT - 2, loc="outside lower center", ncols=2, frameon=False)
    return _save(figure, png_path)


def learning_curve_chart(sentences: list[float], scores: list[float], png_path: Path) -> None:
    """Macro-F1 against the number of training sentences, as a PNG."""
    figure = Figure(figsize=(5.5, 3.6), layout="constrained")
    axes = figure.subplots()
    axes.plot(sentences, scores, marker="o", color="black", label="stance model")
    axes.set_xlabel("training sentences per fold")
    axes.set_ylabel("macro-F1 (leave-one-source-out)")
    axes.set_title("Would more labels help?")
    axes.set_ylim(0, 1)
    axes.grid(True, color="#d0d0d0", linewidth=0.5)
    axes.legend(loc="lower right")
    figure.savefig(png_path, format="png", dpi=130, metadata={"Software": None})


def adaptation_chart(points, png_path: Path) -> None:
    """Macro-F1 on a new corpus against the number of its sentences added to training, one line per
    way of picking them, shaded from the lowest to the highest cut of the corpus (how far one cut
    alone moves it; not an interval), as a PNG. ``points`` are :class:`stance.evaluate.AdaptationPoint`
    values."""
    figure = Figure(figsize=(5.5, 3.6), layout="constrained")
    axes = figure.subplots()
    for strategy, style in (("suggest", {"color": INK, "marker": "o"}), ("random", {"color": "#7a7a7a", "marker": "s", "linestyle": "--"})):
        mine = [point for point in points if point.strategy == strategy]
        label = "picked by stance suggest" if strategy == "suggest" else "picked at random"
        added = [point.added for point in mine]
        axes.plot(added, [point.macro_f1 for point in mine], label=label, **style)
        lowest = [min(point.repeat_macro_f1) for point in mine]
        highest = [max(point.repeat_macro_f1) for point in mine]
        axes.fill_between(added, lowest, highest, color=style["color"], alpha=0.12, linewidth=0)
    axes.set_xlabel("labelled sentences of the new corpus added to training")
    axes.set_ylabel("macro-F1 on the new corpus")
    axes.set_title("Does it learn from its user's labels?")
    # Whole tenths around the curve: a 0-1 axis flattens a gain of a few hundredths into nothing.
    scores = [score for point in points for score in point.repeat_macro_f1]
    axes.set_ylim(max(0.0, np.floor(min(scores) * 10 - 0.5) / 10), min(1.0, np.ceil(max(scores) * 10 + 0.5) / 10))
    axes.grid(True, color=RULE, linewidth=0.5)
    axes.legend(loc="lower right")
    figure.savefig(png_path, format="png", dpi=130, metadata={"Software": None})
