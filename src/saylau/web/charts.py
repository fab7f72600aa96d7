"""Charts as inline SVG, drawn by Matplotlib on the server: no script, no request out.

Every chart has a table beside it with the same numbers; the SVG carries a title and a
description for screen readers, and text stays text (``svg.fonttype: none``) so Kazakh
letters render in the page's font. Numbers on a chart (labels, axes, the description) are
written as the page's language writes them, as in the tables. Colours come from the
Okabe-Ito palette, which stays distinguishable for the common kinds of colour blindness;
each bar is also labelled.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from html import escape

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from saylau.web.i18n import number, percent, whole_percent

plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.size": 11,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "saylau",
    }
)

#: Okabe-Ito, then two greys for "against all" and the rest.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
AGAINST_ALL = "#999999"
SEQUENTIAL = "viridis"


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _svg(figure: Figure, title: str, description: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    # Matplotlib's one <style> element (a rule for every element of the page, once inline)
    # would need an inline-style exception in the site's policy: site.css has the rule.
    text = re.sub(r"<style[^>]*>.*?</style>", "", text, flags=re.S)
    text = re.sub(r'width="[\d.]+pt" height="[\d.]+pt"', "", text, count=1)
    label = f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
    return text.replace(">", f' role="img" class="chart">{label}', 1)


def bars(
    labels: Sequence[str],
    values: Sequence[float],
    colours: Sequence[str],
    title: str,
    language: str,
    threshold: float | None = None,
    threshold_label: str = "",
) -> str:
    """Horizontal bars of shares in percent, largest first as given, each labelled with its
    value."""
    height = 0.45 * len(labels) + 0.8
    figure, axes = plt.subplots(figsize=(7.5, height))
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, values, color=colours, edgecolor="#333333", linewidth=0.4)
    axes.set_yticks(positions, labels)
    top = max([*values, threshold or 0, 1])
    for position, value in zip(positions, values, strict=True):
        axes.text(value + top * 0.01, position, percent(value, language), va="center", fontsize=10)
    if threshold is not None:
        axes.axvline(threshold, color="#000000", linestyle="--", linewidth=1)
        axes.text(threshold, len(labels) - 0.4, f" {threshold_label}", fontsize=9)
    axes.set_xlim(0, top * 1.15)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: whole_percent(x, language)))
    axes.tick_params(axis="y", length=0)
    description = "; ".join(
        f"{label}: {percent(value, language)}" for label, value in zip(labels, values, strict=True)
    )
    return _svg(figure, title, description)


def hemicycle(
    parties: Sequence[tuple[str, int, str]], title: str, total: int, language: str
) -> str:
    """The chamber's seats as dots in rows of a half circle, coloured by party, with legend."""
    rows = max(3, round(math.sqrt(total / 4)))
    radii = [1.0 + 0.9 * r / rows for r in range(rows)]
    counts = [round(total * r / sum(radii)) for r in radii]
    counts[-1] += total - sum(counts)
    points: list[tuple[float, float, float]] = []
    for radius, count in zip(radii, counts, strict=True):
        for i in range(count):
            angle = math.pi * (1 - (i + 0.5) / count) if count > 1 else math.pi / 2
            points.append((angle, radius * math.cos(angle), radius * math.sin(angle)))
    points.sort(key=lambda p: -p[0])
    figure, axes = plt.subplots(figsize=(7.5, 4.2))
    start = 0
    for label, seats, fill in parties:
        chunk = points[start : start + seats]
        start += seats
        if chunk:
            axes.scatter(
                [p[1] for p in chunk],
                [p[2] for p in chunk],
                s=2600 / (rows * rows + 30),
                color=fill,
                edgecolor="#333333",
                linewidth=0.3,
                label=f"{label}: {number(seats, language)}",
            )
    axes.set_aspect("equal")
    axes.axis("off")
    axes.text(0, 0.25, number(total, language), ha="center", fontsize=22, fontweight="bold")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=3, frameon=False, fontsize=10)
    description = "; ".join(
        f"{label}: {number(seats, language)}" for label, seats, _fill in parties
    )
    return _svg(figure, title, description)


def progress(
    times: Sequence[str], reported: Sequence[int], expected: int, title: str, language: str
) -> str:
    """Precincts reported over the night."""
    figure, axes = plt.subplots(figsize=(7.5, 3.0))
    axes.step(range(len(reported)), reported, where="post", color=PALETTE[0], linewidth=2)
    axes.axhline(expected, color="#000000", linestyle=":", linewidth=1)
    axes.set_ylim(0, expected * 1.05 or 1)
    step = max(1, len(times) // 6)
    axes.set_xticks(range(0, len(times), step), [times[i] for i in range(0, len(times), step)])
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _: number(round(y), language)))
    description = ", ".join(
        f"{t}: {number(n, language)}" for t, n in zip(times, reported, strict=True)
    )
    return _svg(figure, title, description)
