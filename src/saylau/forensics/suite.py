"""Every forensic method on one precinct table, as one typed report with a stable JSON shape.

Observers, journalists and researchers read the same report whether it comes from a live
night, an imported table or the command line: each method's statistic, its p-value or score,
the precincts it flags with the reason (in kk, ru and en) and the paper it follows. The report
also keeps what the pictures are drawn from (the fingerprint's histogram, the whole-percentage
histograms, the second digits), so that a page or a plot never runs a method again.

Readings chosen, stated so that a reader can change them:

- ``alarm`` is a method's result at the report's ``level`` (1 % by default): a p-value below it,
  or, for a check without a null (near-unanimous and identical protocols, the Klimek fit's
  extreme-fraud cells), any precinct flagged. The fingerprint only describes and never alarms.
- Stations with a whole-percentage turnout or leader's share are listed only when their excess
  alarms: about one station in ten lands on a whole percentage by chance, and it is the excess
  that Kobak et al. read as a sign, not the station.
- The digit tests alarm by their p-value, but list no precinct (they are tests of a whole
  column). Second-digit Benford rejects many honest counts whose precincts differ in size
  (Deckert, Myagkov & Ordeshook, Political Analysis 19(3), 2011): read it beside the others.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from saylau.forensics.digits import DigitReport, DigitTest, ZeroFiveTest, digit_report
from saylau.forensics.fingerprint import Fingerprint, fingerprint
from saylau.forensics.flags import (
    REASON_TEXT,
    Flags,
    ProtocolVersions,
    late_jumps,
    moved_votes,
    precinct_flags,
)
from saylau.forensics.integers import (
    REPLICATES,
    IntegerPercentages,
    included,
    integer_percentages,
)
from saylau.forensics.klimek import KlimekFit, klimek_fit
from saylau.forensics.precincts import Flagged, Precincts
from saylau.model import BadInput

FORMAT = "saylau-forensics/1"
"""The report's JSON shape; a change of shape is a new number."""
LEVEL = 0.01
PERCENT_BIN = 0.1
"""The whole-percentage histograms' bin, in percentage points (Kobak et al. 2016, Fig. 1)."""

Text = Mapping[str, str]  # language → sentence

REFERENCES: Mapping[str, str] = {
    "integer_percentages": (
        "D. Kobak, S. Shpilkin, M. S. Pshenichnikov, “Integer percentages as electoral "
        "falsification fingerprints”, Annals of Applied Statistics 10(1), 54–73, 2016"
    ),
    "fingerprint": (
        "P. Klimek, Y. Yegorov, R. Hanel, S. Thurner, “Statistical detection of systematic "
        "election irregularities”, PNAS 109(41), 16469–16473, 2012, Fig. 1"
    ),
    "klimek": (
        "P. Klimek, Y. Yegorov, R. Hanel, S. Thurner, “Statistical detection of systematic "
        "election irregularities”, PNAS 109(41), 16469–16473, 2012, fraud model"
    ),
    "second_digit": (
        "W. R. Mebane Jr., “Election Forensics: Vote Counts and Benford's Law”, Political "
        "Methodology Society, 2006"
    ),
    "last_digit": (
        "B. Beber, A. Scacco, “What the Numbers Say: A Digit-Based Test for Election Fraud”, "
        "Political Analysis 20(2), 211–234, 2012"
    ),
    "zero_five": (
        "B. Beber, A. Scacco, “What the Numbers Say: A Digit-Based Test for Election Fraud”, "
        "Political Analysis 20(2), 211–234, 2012"
    ),
    "near_unanimous": (
        "P. Klimek et al., PNAS 109(41), 2012, Fig. 2 (extreme fraud near 100 % turnout and "
        "100 % for the leader)"
    ),
    "turnout_and_share": (
        "P. Klimek et al., PNAS 109(41), 2012 (incremental fraud); robust z of B. Iglewicz, "
        "D. Hoaglin, “How to Detect and Handle Outliers”, ASQC, 1993"
    ),
    "invalid_outlier": (
        "B. Iglewicz, D. Hoaglin, “How to Detect and Handle Outliers”, ASQC, 1993 (robust z "
        "of the invalid ballots' share within the region)"
    ),
    "identical_protocols": "saylau.forensics.flags.identical_protocols (no published null)",
    "round_numbers": (
        "B. Beber, A. Scacco, Political Analysis 20(2), 2012 (uniform last digits: a protocol "
        "of m lines is round by chance with probability 10⁻ᵐ)"
    ),
    "late_jump": "saylau.forensics.flags.late_jumps (robust z of Iglewicz and Hoaglin, 1993)",
    "moved_votes": "saylau.forensics.flags.moved_votes (the protocol's versions in the ledger)",
}

REASONS: Mapping[str, Text] = {
    **{reason.value: text for reason, text in REASON_TEXT.items()},
    "integer_turnout": {
        "kk": "Келу бүтін пайызға тең (мұндай учаскелер тым көп)",
        "ru": "Явка равна целому проценту (таких участков слишком много)",
        "en": "Turnout is a whole percentage (there are too many such precincts)",
    },
    "integer_leader_share": {
        "kk": "Көшбасшының үлесі бүтін пайызға тең (мұндай учаскелер тым көп)",
        "ru": "Доля лидера равна целому проценту (таких участков слишком много)",
        "en": "The leader's share is a whole percentage (there are too many such precincts)",
    },
    "klimek_extreme_fraud": {
        "kk": "Сәйкестендірілген модель бойынша бұл ұяшықта «толық бұрмалау» ықтималырақ",
        "ru": "По подобранной модели «крайняя фальсификация» в этой ячейке вероятнее",
        "en": "By the fitted model, extreme fraud is the likelier origin of this cell",
    },
}


@dataclass(frozen=True, slots=True)
class Statistic:
    """One named number a method reports (an excess, a chi-square, a fitted fraction)."""

    name: str
    value: float


@dataclass(frozen=True, slots=True)
class FlaggedPrecinct:
    """One precinct a method flags; ``score`` is in the method's own unit (NaN if none)."""

    precinct: str
    score: float


@dataclass(frozen=True, slots=True)
class FlagGroup:
    """The precincts a method flags for one ``reason`` (a key of :data:`REASONS`)."""

    reason: str
    precincts: tuple[FlaggedPrecinct, ...]

    def text(self, language: str) -> str:
        return REASONS[self.reason][language]


@dataclass(frozen=True, slots=True)
class MethodResult:
    """One method's answer: ``series`` names the column a digit test read (else None)."""

    method: str
    series: str | None
    tested: int
    statistics: tuple[Statistic, ...]
    p_value: float
    score: float
    alarm: bool | None
    flagged: tuple[FlagGroup, ...]

    @property
    def reference(self) -> str:
        return REFERENCES[self.method]

    def statistic(self, name: str) -> float:
        for statistic in self.statistics:
            if statistic.name == name:
                return statistic.value
        raise KeyError(name)


@dataclass(frozen=True, slots=True, eq=False)
class PercentHistogram:
    """Stations per 0.1-point bin of turnout and of the leader's share, over the stations the
    integer-percentage test includes: the picture in which whole percentages stand out."""

    edges: NDArray[np.float64]
    turnout: NDArray[np.int64]
    share: NDArray[np.int64]


@dataclass(frozen=True, slots=True, eq=False)
class SuiteReport:
    """Every method's result on one precinct table, and what its pictures are drawn from."""

    precincts: int
    options: tuple[str, ...]
    leader: str
    level: float
    methods: tuple[MethodResult, ...]
    integers: IntegerPercentages
    fingerprint: Fingerprint
    klimek: KlimekFit
    digits: DigitReport
    percents: PercentHistogram

    def method(self, name: str, series: str | None = None) -> MethodResult:
        for result in self.methods:
            if result.method == name and result.series == series:
                return result
        raise KeyError(name if series is None else f"{name}:{series}")

    @property
    def alarms(self) -> tuple[MethodResult, ...]:
        return tuple(result for result in self.methods if result.alarm)

    def flagged_precincts(self) -> dict[str, tuple[str, ...]]:
        """Each flagged precinct's reasons, precincts in the table's order of first flag."""
        reasons: dict[str, list[str]] = {}
        for result in self.methods:
            for group in result.flagged:
                for flagged in group.precincts:
                    listed = reasons.setdefault(flagged.precinct, [])
                    if group.reason not in listed:
                        listed.append(group.reason)
        return {precinct: tuple(found) for precinct, found in reasons.items()}

    def to_json(self) -> dict[str, Any]:
        """The report as JSON values (NaN as null), in the shape named by :data:`FORMAT`."""
        return {
            "format": FORMAT,
            "precincts": self.precincts,
            "options": list(self.options),
            "leader": self.leader,
            "level": self.level,
            "methods": [_method_json(result) for result in self.methods],
            "figures": {
                "fingerprint": {
                    "option": self.fingerprint.option,
                    "stations": self.fingerprint.stations,
                    "weighting": self.fingerprint.weighting.value,
                    "edges": _floats(self.fingerprint.edges),
                    "peak": {
                        "turnout": self.fingerprint.peak[0],
                        "share": self.fingerprint.peak[1],
                    },
                    "counts": [_floats(row) for row in self.fingerprint.counts],
                },
                "percentages": {
                    "bin": PERCENT_BIN,
                    "edges": _floats(self.percents.edges),
                    "turnout": [int(n) for n in self.percents.turnout.tolist()],
                    "share": [int(n) for n in self.percents.share.tolist()],
                },
                "second_digit": [
                    {
                        "series": test.series,
                        "counted": test.counted,
                        "observed": list(test.observed),
                        "expected_share": list(test.expected),
                    }
                    for test in self.digits.second_digit
                ],
            },
        }


def number(value: float) -> float | None:
    """A JSON number, or null for NaN and infinities (JSON has neither)."""
    return value if math.isfinite(value) else None


def _floats(values: ArrayLike) -> list[float | None]:
    return [number(float(v)) for v in np.asarray(values, dtype=np.float64).tolist()]


def _method_json(result: MethodResult) -> dict[str, Any]:
    return {
        "method": result.method,
        "series": result.series,
        "tested": result.tested,
        "statistics": {s.name: number(s.value) for s in result.statistics},
        "p_value": number(result.p_value),
        "score": number(result.score),
        "alarm": result.alarm,
        "flagged": [
            {
                "reason": group.reason,
                "text": dict(REASONS[group.reason]),
                "count": len(group.precincts),
                "precincts": [
                    {"precinct": f.precinct, "score": number(f.score)} for f in group.precincts
                ],
            }
            for group in result.flagged
        ],
        "reference": result.reference,
    }


def _below(p_value: float, level: float) -> bool:
    return bool(math.isfinite(p_value) and p_value < level)


def _group(flagged: Flagged, scores: NDArray[np.float64] | None = None) -> FlagGroup:
    ids = [str(code) for code in flagged.ids.tolist()]
    values = (
        [math.nan] * len(ids)
        if scores is None
        else [float(s) for s in scores[flagged.indices].tolist()]
    )
    return FlagGroup(
        flagged.reason,
        tuple(FlaggedPrecinct(p, s) for p, s in zip(ids, values, strict=True)),
    )


def _flags_result(flags: Flags, table: Precincts, level: float) -> MethodResult:
    # Flags come strangest first, ``scores`` one per flagged precinct.
    ids = table.ids[flags.precincts].tolist()
    group = FlagGroup(
        flags.reason.value,
        tuple(
            FlaggedPrecinct(str(code), float(score))
            for code, score in zip(ids, flags.scores.tolist(), strict=True)
        ),
    )
    has_null = math.isfinite(flags.p_value)
    return MethodResult(
        method=flags.reason.value,
        series=None,
        tested=flags.tested,
        statistics=(
            Statistic("flagged", float(flags.count)),
            Statistic("expected", flags.expected),
        ),
        p_value=flags.p_value,
        score=math.nan,
        alarm=_below(flags.p_value, level) if has_null else flags.count > 0,
        flagged=(group,) if flags.count else (),
    )


def _integers_result(found: IntegerPercentages, level: float) -> MethodResult:
    alarm = _below(found.p_value, level)
    return MethodResult(
        method="integer_percentages",
        series=found.leader,
        tested=found.stations,
        statistics=(
            Statistic("excess", found.either.excess),
            Statistic("observed", float(found.either.observed)),
            Statistic("expected", found.either.expected),
            Statistic("turnout_excess", found.turnout.excess),
            Statistic("share_excess", found.share.excess),
        ),
        p_value=found.p_value,
        score=found.either.z,
        alarm=alarm,
        flagged=tuple(_group(f) for f in found.flagged if len(f)) if alarm else (),
    )


def _fingerprint_result(found: Fingerprint) -> MethodResult:
    return MethodResult(
        method="fingerprint",
        series=found.option,
        tested=found.stations,
        statistics=(
            Statistic("peak_turnout", found.peak[0]),
            Statistic("peak_share", found.peak[1]),
        ),
        p_value=math.nan,
        score=math.nan,
        alarm=None,
        flagged=(),
    )


def _klimek_result(found: KlimekFit) -> MethodResult:
    groups = tuple(_group(f) for f in found.flagged if len(f))
    return MethodResult(
        method="klimek",
        series=found.option,
        tested=found.stations,
        statistics=(
            Statistic("incremental", found.incremental),
            Statistic("extreme", found.extreme),
            Statistic("honest_turnout", found.honest.turnout),
            Statistic("honest_share", found.honest.share),
        ),
        p_value=math.nan,
        score=found.score,
        alarm=bool(groups),
        flagged=groups,
    )


def _digit_result(method: str, test: DigitTest | ZeroFiveTest, level: float) -> MethodResult:
    if isinstance(test, ZeroFiveTest):
        statistics = (
            Statistic("share", test.share),
            Statistic("expected_share", test.expected_share),
            Statistic("z", test.z),
        )
    else:
        statistics = (
            Statistic("chi_square", test.chi_square),
            Statistic("mean", test.mean),
            Statistic("expected_mean", test.expected_mean),
        )
    return MethodResult(
        method=method,
        series=test.series,
        tested=test.counted,
        statistics=statistics,
        p_value=test.p_value,
        score=math.nan,
        alarm=_below(test.p_value, level) if math.isfinite(test.p_value) else None,
        flagged=(),
    )


def percent_histogram(table: Precincts, option: int) -> PercentHistogram:
    """Stations per 0.1-point bin of turnout and of ``option``'s share (included stations)."""
    mask = included(table, option)
    bins = round(100 / PERCENT_BIN)
    with np.errstate(divide="ignore", invalid="ignore"):
        turnout = 100 * table.issued[mask] / table.voters[mask]
        share = 100 * table.votes[mask, option] / table.ballots[mask]
    edges = np.linspace(0.0, 100.0, bins + 1)
    # A value on a whole percentage sits in the bin centred on it (the edges are offset by
    # half a bin), as the authors draw it.
    shifted = edges - PERCENT_BIN / 2
    return PercentHistogram(
        edges=edges,
        turnout=np.histogram(turnout, bins=shifted)[0].astype(np.int64),
        share=np.histogram(share, bins=shifted)[0].astype(np.int64),
    )


def run_suite(
    table: Precincts,
    district: ArrayLike | None = None,
    *,
    reported_at: ArrayLike | None = None,
    late_after: float | None = None,
    versions: ProtocolVersions | None = None,
    replicates: int = REPLICATES,
    seed: int = 42,
    level: float = LEVEL,
) -> SuiteReport:
    """Run every method on ``table``. ``district`` groups precincts for the identical-protocol
    check (the region when not given); ``reported_at`` with ``late_after`` adds the late-jump
    check, ``versions`` the check of corrections that moved votes."""
    if not 0.0 < level < 1.0:
        raise BadInput("level", "must be a fraction between 0 and 1", level)
    if len(table) == 0:
        raise BadInput("precincts", "the table must hold at least one precinct", 0)
    if table.votes.sum() == 0:
        raise BadInput("votes", "at least one vote must be counted", 0)
    leader = table.leader
    found = integer_percentages(table, leader, replicates=replicates, seed=seed)
    drawn = fingerprint(table, leader, seed=seed)
    fitted = klimek_fit(table, leader, seed=seed)
    digits = digit_report(table.votes, table.options, table.ballots)
    flags: list[Flags] = list(precinct_flags(table, table.region if district is None else district))
    if reported_at is not None and late_after is not None:
        flags.append(late_jumps(table, reported_at, late_after, option=leader))
    if versions is not None:
        flags.append(moved_votes(versions, len(table)))
    methods: list[MethodResult] = [
        _integers_result(found, level),
        _fingerprint_result(drawn),
        _klimek_result(fitted),
        *(_digit_result("second_digit", t, level) for t in digits.second_digit),
        *(_digit_result("last_digit", t, level) for t in digits.last_digit),
        *(_digit_result("zero_five", t, level) for t in digits.zero_five),
        *(_flags_result(f, table, level) for f in flags),
    ]
    return SuiteReport(
        precincts=len(table),
        options=table.options,
        leader=table.options[leader],
        level=level,
        methods=tuple(methods),
        integers=found,
        fingerprint=drawn,
        klimek=fitted,
        digits=digits,
        percents=percent_histogram(table, leader),
    )


def method_names() -> Sequence[str]:
    """Every method key a report may hold (the keys of :data:`REFERENCES`)."""
    return tuple(REFERENCES)
