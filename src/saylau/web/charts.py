"""Charts a results page shows, drawn so their words stay legible on a 375 px phone.

Bars (shares, turnout) and the chamber's seats are laid out in HTML and CSS from the plain
data built here: their labels and numbers are the page's own text at the page's own size,
so nothing shrinks with the picture, and a screen reader reads them as a list. The seats'
dots are a small inline SVG without any text. Only the night's progress, a line over time,
is still drawn by Matplotlib (in a helper process, :mod:`saylau.web.drawing`), as an inline
SVG narrow enough that its text, scaled to a phone's width, stays at least 12 px; its text
stays text (``svg.fonttype: none``) so Kazakh letters render in the page's font.

Numbers are written as the page's language writes them, as in the tables. Colours come from
the Okabe-Ito palette, which stays distinguishable for the common kinds of colour blindness;
each bar and each party's seats are also labelled in words.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise

import matplotlib

matplotlib.use("Agg")

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from saylau.web.i18n import number, percent, translations

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


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, its value as the language writes it, and its length in percent
    of the longest bar's track."""

    label: str
    shown: str
    length: float
    colour: str


@dataclass(frozen=True, slots=True)
class BarChart:
    """Horizontal bars, largest first as given, with an optional marked threshold."""

    title: str
    bars: tuple[Bar, ...]
    threshold_at: float | None = None  # in percent of the track
    threshold_label: str = ""


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    colours: Sequence[str],
    title: str,
    language: str,
    threshold: float | None = None,
    threshold_label: str = "",
) -> BarChart:
    """Bars of percentages in the order given; the track's end is the largest value (or the
    threshold, if higher), so the longest bar fills its track."""
    top = max([*values, threshold or 0.0, 1.0])
    bars = tuple(
        Bar(label, percent(value, language), round(100 * value / top, 2), fill)
        for label, value, fill in zip(labels, values, colours, strict=True)
    )
    if threshold is None:
        return BarChart(title, bars)
    return BarChart(
        title,
        bars,
        round(100 * threshold / top, 2),
        f"{threshold_label}: {percent(threshold, language)}",
    )


@dataclass(frozen=True, slots=True)
class Seat:
    x: float
    y: float
    colour: str


@dataclass(frozen=True, slots=True)
class Holder:
    """A party's seats, for the chamber's key."""

    label: str
    seats: int
    shown: str
    colour: str


@dataclass(frozen=True, slots=True)
class Chamber:
    """The chamber's seats as dots in rows of a half circle, in a ``width`` × ``height`` box;
    the words (total, each party's seats) are the key's, in HTML."""

    title: str
    seats: tuple[Seat, ...]
    radius: float
    width: float
    height: float
    total: str
    holders: tuple[Holder, ...]


def chamber(
    parties: Sequence[tuple[str, int, str]], title: str, language: str, width: float = 400.0
) -> Chamber:
    """Dots for ``(label, seats, colour)`` parties, filled from the left, row by row."""
    total = sum(seats for _label, seats, _fill in parties)
    rows = max(3, round(math.sqrt(total / 4)))
    inner, outer = 1.0, 1.9
    radii = [inner + (outer - inner) * r / max(rows - 1, 1) for r in range(rows)]
    counts = [round(total * r / sum(radii)) for r in radii]
    counts[-1] += total - sum(counts)
    places: list[tuple[float, float, float]] = []
    for radius, count in zip(radii, counts, strict=True):
        for i in range(count):
            angle = math.pi * (1 - (i + 0.5) / count) if count > 1 else math.pi / 2
            places.append((angle, radius * math.cos(angle), radius * math.sin(angle)))
    places.sort(key=lambda p: -p[0])
    spacing = min(
        [(outer - inner) / max(rows - 1, 1)]
        + [math.pi * r / c for r, c in zip(radii, counts, strict=True) if c]
    )
    dot = 0.42 * spacing
    scale = width / (2 * (outer + dot))
    height = (outer + 2 * dot) * scale
    fills = [fill for _label, seats, fill in parties for _ in range(seats)]
    seats = tuple(
        Seat(round((x + outer + dot) * scale, 1), round((outer + dot - y) * scale, 1), fill)
        for (_a, x, y), fill in zip(places, fills, strict=True)
    )
    holders = tuple(
        Holder(label, count, number(count, language), fill) for label, count, fill in parties
    )
    return Chamber(
        title,
        seats,
        round(dot * scale, 1),
        width,
        round(height, 1),
        number(total, language),
        holders,
    )


def progress(
    times: Sequence[str], reported: Sequence[int], expected: int, title: str, language: str
) -> str:
    """Precincts reported over the night, drawn narrow (3.6 in, about 290 pt with its labels)
    so that at a phone's width the picture is scaled up, not down, and its 11 pt text shows
    at 12 px or more."""
    figure, axes = plt.subplots(figsize=(3.6, 2.4))
    axes.step(range(len(reported)), reported, where="post", color=PALETTE[0], linewidth=2)
    axes.axhline(expected, color="#000000", linestyle=":", linewidth=1)
    axes.set_ylim(0, expected * 1.05 or 1)
    step = max(1, len(times) // 3)
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


#: Where the map's shading steps, in percentage points of the leader's lead: a region a
#: leader holds narrowly is drawn pale, one it holds by a wide margin in full colour, so a
#: night that one option leads everywhere still shows where it was contested.
MARGIN_STEPS = (5.0, 10.0, 20.0)
MARGIN_OPACITY = (0.3, 0.5, 0.75, 1.0)


def margin_band(margin: float | None) -> int | None:
    """The map's shade (0 palest … 3 full) for a lead of ``margin`` points (None: no lead)."""
    if margin is None:
        return None
    return sum(1 for step in MARGIN_STEPS if margin >= step)


@dataclass(frozen=True, slots=True)
class Shade:
    """One step of the map's key: its opacity and its words."""

    opacity: float
    label: str


def margin_key(language: str) -> tuple[Shade, ...]:
    """The map's shades with their words, lowest first."""
    _ = translations(language).gettext
    shown = [number(step, language) for step in MARGIN_STEPS]
    labels = [
        _("lead under %(high)s points") % {"high": shown[0]},
        *(
            _("lead of %(low)s to %(high)s points") % {"low": low, "high": high}
            for low, high in pairwise(shown)
        ),
        _("lead of %(low)s points or more") % {"low": shown[-1]},
    ]
    return tuple(Shade(o, label) for o, label in zip(MARGIN_OPACITY, labels, strict=True))
