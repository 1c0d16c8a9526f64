"""Charts for the report, drawn with matplotlib: a heatmap of stance shares and a bar chart
with 95% intervals. Each is returned as SVG text (embedded in the one-file HTML report)
and written as PNG (for the Markdown report). Fixed SVG ids and no date in the metadata
keep the files byte-identical from run to run.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global figure state

matplotlib.rcParams["svg.hashsalt"] = "stance"
matplotlib.rcParams["svg.fonttype"] = "none"
# Hatches and a sequential, greyscale-safe map keep the charts legible in print.
BAR_HATCHES = ("", "//", "..", "xx", "\\\\", "++")
BAR_GREYS = ("#1b1b1b", "#5a5a5a", "#8c8c8c", "#bdbdbd", "#3f6fa0", "#d9d9d9")


def _save(figure, png_path: Path) -> str:
    figure.savefig(png_path, format="png", dpi=130, metadata={"Software": None})
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]  # drop the XML prolog: the SVG goes inline in HTML


def heatmap(shares: np.ndarray, sources: list[str], stances: list[str], png_path: Path) -> str:
    """Sources x stances, cell = share of the source's sentences carrying the stance."""
    figure = Figure(figsize=(1.6 + 1.7 * len(stances), 1.2 + 0.55 * len(sources)), layout="constrained")
    axes = figure.subplots()
    image = axes.imshow(shares * 100, cmap="Greys", vmin=0, vmax=max(5.0, float(np.nanmax(shares * 100))), aspect="auto")
    axes.set_xticks(range(len(stances)), stances)
    axes.set_yticks(range(len(sources)), sources)
    axes.set_xlabel("stance")
    axes.set_ylabel("source")
    axes.set_title("Share of each source's sentences carrying a stance (%)")
    threshold = image.norm.vmax * 0.55
    for row in range(len(sources)):
        for column in range(len(stances)):
            value = shares[row, column] * 100
            axes.text(
                column, row, f"{value:.0f}%", ha="center", va="center", color="white" if value > threshold else "black"
            )
    figure.colorbar(image, ax=axes, label="% of sentences")
    return _save(figure, png_path)


def bar_chart(
    shares: np.ndarray, lows: np.ndarray, highs: np.ndarray, sources: list[str], stances: list[str], png_path: Path
) -> str:
    """Grouped bars: one group per stance, one bar per source, with 95% interval whiskers."""
    figure = Figure(figsize=(2.2 + 1.9 * len(stances), 4.2), layout="constrained")
    axes = figure.subplots()
    width = 0.8 / max(1, len(sources))
    positions = np.arange(len(stances))
    for index, source in enumerate(sources):
        offsets = positions - 0.4 + width * (index + 0.5)
        errors = np.vstack([shares[index] - lows[index], highs[index] - shares[index]]) * 100
        axes.bar(
            offsets,
            shares[index] * 100,
            width,
            yerr=errors,
            capsize=2,
            label=source,
            color=BAR_GREYS[index % len(BAR_GREYS)],
            hatch=BAR_HATCHES[index % len(BAR_HATCHES)],
            edgecolor="black",
            linewidth=0.6,
        )
    axes.set_xticks(positions, stances)
    axes.set_xlabel("stance")
    axes.set_ylabel("% of the source's sentences (95% interval)")
    axes.set_title("Stance shares by source")
    axes.set_ylim(0, min(100, max(10, float(np.max(highs)) * 100 * 1.1)))
    axes.legend(title="source", fontsize="small", ncols=1 if len(sources) < 4 else 2)
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
