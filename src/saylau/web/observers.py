"""The observers' page of a contest: what the forensic suite found, as pictures and tables.

Every picture has a table beside it holding the same figures, for phones and screen readers:
the fingerprint as stations per ten-point cell of turnout and of the leader's share, the
whole-percentage histograms as the counts at whole percentages against their neighbours, the
second digits as shares per series. The page formats what the suite computed; it runs no
method itself. The chart labels are shared with ``saylau forensics --plots``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from saylau.forensics.suite import REASONS, REFERENCES, MethodResult, SuiteReport
from saylau.web import drawing
from saylau.web.i18n import number, percent, translations

COARSE = 10
"""The fingerprint's table: cells of ten points of turnout by ten points of share."""
SPIKES = 10
"""The whole-percentage table: the whole percentages with the largest excess over neighbours."""
LISTED = 500
"""Flagged precincts listed on the page (the JSON and the command line list them all)."""


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """The pictures' titles and axis names in one language."""

    fingerprint: str
    turnout: str
    share: str
    percentages: str
    stations_by_turnout: str
    stations_by_share: str
    second_digit: str
    benford: str


def chart_labels(language: str, leader: str) -> ChartLabels:
    _ = translations(language).gettext
    return ChartLabels(
        fingerprint=_("Turnout and the leader's share, stations per cell"),
        turnout=_("Turnout, %%") % {},
        share=_("Share of %(leader)s, %%") % {"leader": leader},
        percentages=_("Stations per 0.1 percentage point"),
        stations_by_turnout=_("by turnout"),
        stations_by_share=_("by the leader's share"),
        second_digit=_("Second digits against Benford's law"),
        benford=_("Benford's law"),
    )


def method_names(language: str) -> dict[str, str]:
    """Each method's name as the page calls it."""
    _ = translations(language).gettext
    return {
        "integer_percentages": _("Whole percentages in excess"),
        "fingerprint": _("Fingerprint"),
        "klimek": _("Fraud model fitted to the fingerprint"),
        "second_digit": _("Second digit (2BL)"),
        "last_digit": _("Last digit"),
        "zero_five": _("Last digits 0 and 5"),
        "near_unanimous": _("Near-unanimous precincts"),
        "turnout_and_share": _("Turnout and share far above the region"),
        "invalid_outlier": _("Invalid ballots far above the region"),
        "identical_protocols": _("Identical protocols"),
        "round_numbers": _("Round protocols"),
        "late_jump": _("Late jumps"),
        "moved_votes": _("Corrections that moved votes"),
    }


@dataclass(frozen=True, slots=True)
class MethodRow:
    name: str
    series: str | None
    tested: str
    statistics: str
    p_value: str
    score: str
    alarm: bool | None
    reference: str


@dataclass(frozen=True, slots=True)
class FingerprintRow:
    turnout: str
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SpikeRow:
    value: str
    stations: str
    neighbours: str


@dataclass(frozen=True, slots=True)
class DigitRow:
    series: str
    counted: str
    shares: tuple[str, ...]
    chi_square: str
    p_value: str


@dataclass(frozen=True, slots=True)
class FlaggedRow:
    precinct: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ObserversView:
    """Everything the observers' template shows, formatted in one language."""

    leader: str
    precincts: str
    level: str
    turnout_heading: str
    methods: tuple[MethodRow, ...]
    bands: tuple[str, ...]
    fingerprint: tuple[FingerprintRow, ...]
    integers: tuple[tuple[str, str, str, str, str, str], ...]
    turnout_spikes: tuple[SpikeRow, ...]
    share_spikes: tuple[SpikeRow, ...]
    digits: tuple[DigitRow, ...]
    benford: tuple[str, ...]
    flagged: tuple[FlaggedRow, ...]
    flagged_total: int
    references: tuple[tuple[str, str], ...]
    figures: dict[str, str]


def _figure(value: float, language: str, digits: int = 3) -> str:
    if not np.isfinite(value):
        return "—"
    return number(round(value, digits), language)


def statistic_names(language: str) -> dict[str, str]:
    """Each statistic's name as the page calls it."""
    _ = translations(language).gettext
    return {
        "excess": _("excess"),
        "observed": _("observed"),
        "expected": _("expected"),
        "turnout_excess": _("excess in turnout"),
        "share_excess": _("excess in share"),
        "peak_turnout": _("turnout at the peak"),
        "peak_share": _("share at the peak"),
        "incremental": _("incremental fraud"),
        "extreme": _("extreme fraud"),
        "honest_turnout": _("honest turnout"),
        "honest_share": _("honest share"),
        "chi_square": "χ²",
        "mean": _("mean"),
        "expected_mean": _("expected mean"),
        "share": _("share"),
        "expected_share": _("expected share"),
        "z": "z",
        "flagged": _("flagged"),
    }


def _statistics(result: MethodResult, language: str) -> str:
    names = statistic_names(language)
    return "; ".join(f"{names[s.name]} = {_figure(s.value, language)}" for s in result.statistics)


def _spikes(counts: np.typing.NDArray[np.int64], language: str) -> tuple[SpikeRow, ...]:
    """The whole percentages whose bin stands most above the mean of the bins around it."""
    wholes = np.arange(1, 100) * 10  # bin of each whole percentage (0.1-point bins)
    around = np.array(
        [np.r_[counts[w - 5 : w], counts[w + 1 : w + 6]].mean() for w in wholes.tolist()]
    )
    excess = counts[wholes] - around
    order = np.argsort(-excess, kind="stable")[:SPIKES]
    return tuple(
        SpikeRow(
            value=percent(float(wholes[k] / 10), language),
            stations=number(int(counts[wholes[k]]), language),
            neighbours=_figure(float(around[k]), language, 1),
        )
        for k in order.tolist()
        if excess[k] > 0
    )


def observers_view(
    report: SuiteReport, language: str, labels: dict[str, str], draw: bool = True
) -> ObserversView:
    """The page's figures from ``report``; ``labels`` names options and precincts."""
    _ = translations(language).gettext
    names = method_names(language)
    label: Callable[[str], str] = lambda code: labels.get(code, code)  # noqa: E731
    leader = label(report.leader)
    methods = tuple(
        MethodRow(
            name=names[r.method],
            series=None if r.series is None else label(r.series),
            tested=number(r.tested, language),
            statistics=_statistics(r, language),
            p_value=_figure(r.p_value, language, 4),
            score=_figure(r.score, language),
            alarm=r.alarm,
            reference=r.reference,
        )
        for r in report.methods
    )
    counts = np.asarray(report.fingerprint.counts)
    bins = counts.shape[0]
    step = bins // COARSE
    coarse = counts.reshape(COARSE, step, COARSE, step).sum(axis=(1, 3))
    bands = tuple(f"{k * 10}–{(k + 1) * 10}" for k in range(COARSE))
    fingerprint_rows = tuple(
        FingerprintRow(bands[i], tuple(number(round(v), language) for v in coarse[i].tolist()))
        for i in range(COARSE)
    )
    found = report.integers
    integer_rows = tuple(
        (
            title,
            number(count.observed, language),
            _figure(count.expected, language, 1),
            _figure(count.excess, language, 1),
            _figure(count.z, language, 2),
            _figure(count.p_value, language, 4),
        )
        for title, count in (
            (_("Turnout or share"), found.either),
            (_("Turnout"), found.turnout),
            (_("Leader's share"), found.share),
        )
    )
    digit_rows = tuple(
        DigitRow(
            series=label(test.series) if test.series != "turnout" else _("Ballots found"),
            counted=number(test.counted, language),
            shares=tuple(
                percent(100 * n / test.counted, language) if test.counted else "—"
                for n in test.observed
            ),
            chi_square=_figure(test.chi_square, language, 1),
            p_value=_figure(test.p_value, language, 4),
        )
        for test in report.digits.second_digit
    )
    benford_shares = report.digits.second_digit[0].expected if report.digits.second_digit else ()
    reasons = report.flagged_precincts()
    # Precincts flagged for most reasons first (a stable sort keeps the methods' order).
    listed = sorted(reasons.items(), key=lambda item: -len(item[1]))[:LISTED]
    flagged = tuple(
        FlaggedRow(code, tuple(REASONS[reason][language] for reason in found_reasons))
        for code, found_reasons in listed
    )
    used = dict.fromkeys(r.method for r in report.methods)
    references = tuple((names[m], REFERENCES[m]) for m in used)
    figures = draw_figures(report, language, labels) if draw else {}
    return ObserversView(
        leader=leader,
        precincts=number(report.precincts, language),
        level=percent(100 * report.level, language),
        turnout_heading=_("Turnout, %%") % {},
        methods=methods,
        bands=bands,
        fingerprint=fingerprint_rows,
        integers=integer_rows,
        turnout_spikes=_spikes(report.percents.turnout, language),
        share_spikes=_spikes(report.percents.share, language),
        digits=digit_rows,
        benford=tuple(percent(100 * q, language) for q in benford_shares),
        flagged=flagged,
        flagged_total=len(reasons),
        references=references,
        figures=figures,
    )


def second_digit_series(
    report: SuiteReport, language: str, labels: dict[str, str]
) -> tuple[list[str], list[list[float]], list[float]]:
    """The second-digit picture's series names, their shares of each digit, and Benford's."""
    _ = translations(language).gettext
    digits = report.digits.second_digit
    series = [
        labels.get(t.series, t.series) if t.series != "turnout" else _("Ballots found")
        for t in digits
    ]
    shares = [[n / t.counted if t.counted else 0.0 for n in t.observed] for t in digits]
    expected = list(digits[0].expected) if digits else [0.0] * 10
    return series, shares, expected


def draw_figures(report: SuiteReport, language: str, labels: dict[str, str]) -> dict[str, str]:
    """The page's three pictures as inline SVG, drawn in the charts' helper process."""
    _ = translations(language).gettext
    names = chart_labels(language, labels.get(report.leader, report.leader))
    series, shares, expected = second_digit_series(report, language, labels)
    peak = report.fingerprint.peak
    jobs: dict[str, drawing.Job] = {
        "fingerprint": (
            "fingerprint",
            (
                report.fingerprint.counts.tolist(),
                (names.fingerprint, names.turnout, names.share),
                _("The densest cell is at %(turnout)s turnout and %(share)s for the leader.")
                % {
                    "turnout": percent(100 * peak[0], language),
                    "share": percent(100 * peak[1], language),
                },
            ),
            {},
        ),
        "percentages": (
            "percentages",
            (
                report.percents.edges.tolist(),
                report.percents.turnout.tolist(),
                report.percents.share.tolist(),
                (names.percentages, names.stations_by_turnout, names.stations_by_share),
                _("The table below lists the whole percentages that stand out most."),
            ),
            {},
        ),
        "second_digit": (
            "second_digit",
            (
                series,
                shares,
                expected,
                (names.second_digit, names.benford),
                _("The table beside gives each series' share of every second digit."),
            ),
            {},
        ),
    }
    return drawing.draw(jobs)
