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

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.colors import LogNorm
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


# --- forensics: the pictures of the observers' page and of ``saylau forensics --plots`` -------


def fingerprint_figure(
    counts: Sequence[Sequence[float]], title: str, turnout_label: str, share_label: str
) -> Figure:
    """The turnout × leader's share histogram (Klimek et al. 2012, Fig. 1), stations per
    cell on a logarithmic colour scale; empty cells stay white."""
    grid = np.ma.masked_less_equal(np.asarray(counts, dtype=np.float64).T, 0)
    figure, axes = plt.subplots(figsize=(6.0, 5.2))
    top = float(grid.max()) if grid.count() else 1.0
    image = axes.imshow(
        grid,
        origin="lower",
        extent=(0, 100, 0, 100),
        cmap=SEQUENTIAL,
        norm=LogNorm(vmin=1, vmax=max(top, 2.0)),
        interpolation="nearest",
        aspect="equal",
    )
    axes.set_xlabel(turnout_label)
    axes.set_ylabel(share_label)
    axes.set_title(title, fontsize=11)
    figure.colorbar(image, ax=axes, shrink=0.8)
    return figure


def percentages_figure(
    edges: Sequence[float],
    turnout: Sequence[int],
    share: Sequence[int],
    labels: tuple[str, str],
    title: str,
) -> Figure:
    """Stations per 0.1-point bin of turnout and of the leader's share (Kobak et al. 2016,
    Fig. 1): whole percentages written instead of counted stand out as spikes."""
    figure, panels = plt.subplots(2, 1, figsize=(7.5, 5.0), sharex=True)
    bins = np.asarray(edges, dtype=np.float64)
    shifted = bins - (bins[1] - bins[0]) / 2
    for axes, values, label, fill in zip(
        panels, (turnout, share), labels, (PALETTE[0], PALETTE[5]), strict=True
    ):
        axes.stairs(np.asarray(values, dtype=np.float64), shifted, color=fill, linewidth=0.8)
        axes.set_ylabel(label, fontsize=9)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        axes.set_xticks(range(0, 101, 10))
        axes.grid(axis="x", color="#dddddd", linewidth=0.5)
    panels[0].set_title(title, fontsize=11)
    panels[1].set_xlim(0, 100)
    return figure


def second_digit_figure(
    series: Sequence[str],
    observed: Sequence[Sequence[float]],
    expected: Sequence[float],
    expected_label: str,
    title: str,
) -> Figure:
    """Each series' share of second digits 0–9 against Benford's (Mebane 2006)."""
    figure, axes = plt.subplots(figsize=(7.5, 4.0))
    digits = np.arange(10)
    axes.bar(digits, expected, color="#dddddd", edgecolor="#333333", linewidth=0.4,
             label=expected_label)  # fmt: skip
    markers = "os^Dvp<>*h"
    for k, (label, shares) in enumerate(zip(series, observed, strict=True)):
        axes.plot(digits, shares, marker=markers[k % len(markers)], color=colour(k),
                  linewidth=1, markersize=4, label=label)  # fmt: skip
    axes.set_xticks(digits)
    axes.set_title(title, fontsize=11)
    axes.legend(fontsize=8, ncol=3, frameon=False)
    return figure


def fingerprint(
    counts: Sequence[Sequence[float]], labels: tuple[str, str, str], description: str
) -> str:
    title, turnout_label, share_label = labels
    return _svg(fingerprint_figure(counts, title, turnout_label, share_label), title, description)


def percentages(
    edges: Sequence[float],
    turnout: Sequence[int],
    share: Sequence[int],
    labels: tuple[str, str, str],
    description: str,
) -> str:
    title, turnout_label, share_label = labels
    figure = percentages_figure(edges, turnout, share, (turnout_label, share_label), title)
    return _svg(figure, title, description)


def second_digit(
    series: Sequence[str],
    observed: Sequence[Sequence[float]],
    expected: Sequence[float],
    labels: tuple[str, str],
    description: str,
) -> str:
    title, expected_label = labels
    figure = second_digit_figure(series, observed, expected, expected_label, title)
    return _svg(figure, title, description)
