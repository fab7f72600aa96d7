"""Digit tests of precinct counts: the second digit against Benford's law (2BL), the last
digit against the uniform, and the excess of last digits 0 and 5.

Second digit (2BL), as Mebane computes it (W. R. Mebane Jr., "Election Forensics: Vote
Counts and Benford's Law", Political Methodology Society, 2006; "Using Vote Counts' Digits to
Diagnose Strategies and Frauds: Russia", APSA 2013): only counts of at least 10 have a second
digit; the expected frequency of second digit ``d`` is ``q_d = Σ_{k=1..9} log10(1 + 1/(10k+d))``
(Hill 1995), and the statistic is Pearson's ``X² = Σ_d (n_d − N q_d)² / (N q_d)`` with 9
degrees of freedom. Mebane reports the second-digit mean beside it (4.187 under 2BL).

Last digit (B. Beber and A. Scacco, "What the Numbers Say: A Digit-Based Test for Election
Fraud", Political Analysis 20(2), 2012): in counts large enough that the last digit carries no
information, each of 0–9 is equally likely; Pearson's X² against 1/10 with 9 degrees of
freedom. People inventing numbers favour round ones, so the share of last digits 0 or 5 is
also tested one-sided against 2/10 (binomial, normal approximation).

Everything is vectorised: a million precincts by a handful of options take a few NumPy
passes. SciPy is not a dependency, so the chi-square tail is computed here exactly for
whole degrees of freedom (:func:`chi_square_tail`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from saylau.model import BadInput

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]

SECOND_DIGIT_MINIMUM = 10
"""A count below 10 has no second digit (Mebane 2006 tests counts of at least 10)."""

LAST_DIGIT_MINIMUM = 10
"""Counts tested for their last digit: below 10 the last digit is the whole count."""

LAST_DIGIT_SPREAD = 100
"""The last digit is uniform only where the counts spread smoothly over many tens: where their
density falls over a ten, the digit at the start of each ten is favoured (a small option's
counts of 10–40 give too many zeros). Beber and Scacco (2012) state the condition without a
number; a series is tested here only if the middle half of its counts spans at least ten
tens (interquartile range ≥ 100). On clean generated nights every narrower series of small
options rejected uniformity, and no wider one did beyond the test's level (see the tests)."""

TESTED_AT_LEAST = 50
"""A series is tested only with at least 50 numbers: 5 expected per digit, the usual floor of
Pearson's chi-square approximation (Cochran 1954). Fewer leave the statistic and p-value NaN."""


def _second_digit_benford() -> F64:
    """Hill's (1995) second-digit law: the share of numbers whose second digit is d."""
    digit = np.arange(10)[:, None]
    first = np.arange(1, 10)[None, :]
    shares: F64 = np.log10(1 + 1 / (10 * first + digit)).sum(axis=1)
    return shares


SECOND_DIGIT_BENFORD = _second_digit_benford()
"""Expected frequencies of second digits 0..9 under 2BL (0.11968 … 0.08500)."""

SECOND_DIGIT_BENFORD_MEAN = float((np.arange(10) * SECOND_DIGIT_BENFORD).sum())
"""The expected second-digit mean under 2BL, 4.187 (Mebane's reference value)."""

UNIFORM_DIGITS = np.full(10, 0.1)


def chi_square_tail(statistic: float, degrees_of_freedom: int) -> float:
    """P(X ≥ statistic) for a chi-square variable with whole degrees of freedom.

    Closed forms of the regularised upper gamma function: for even k,
    ``e^{−x/2} Σ_{i<k/2} (x/2)^i / i!``; for odd k,
    ``erfc(√(x/2)) + √(2/π) e^{−x/2} Σ_{i=1}^{(k−1)/2} x^{i−1/2} / (1·3·…·(2i−1))``.
    """
    if degrees_of_freedom < 1:
        raise BadInput(
            "degrees_of_freedom", "must be a whole number of at least 1", degrees_of_freedom
        )
    if statistic <= 0:
        return 1.0
    half = statistic / 2
    if degrees_of_freedom % 2 == 0:
        term, total = 1.0, 1.0
        for i in range(1, degrees_of_freedom // 2):
            term *= half / i
            total += term
        return min(1.0, math.exp(-half) * total)
    total = math.erfc(math.sqrt(half))
    term = math.sqrt(2 / math.pi) * math.exp(-half)
    root = math.sqrt(statistic)
    series, factor = 0.0, root
    for i in range(1, (degrees_of_freedom - 1) // 2 + 1):
        series += factor
        factor *= statistic / (2 * i + 1)
    return min(1.0, total + term * series)


def normal_upper_tail(z: float) -> float:
    """P(Z ≥ z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2))


def _counts(values: ArrayLike, field: str) -> I64:
    array = np.asarray(values)
    if array.dtype.kind not in "iu":
        raise BadInput(field, "must be whole counts (an integer array)", str(array.dtype))
    if array.size and int(array.min()) < 0:
        raise BadInput(field, "counts cannot be negative", int(array.min()))
    return array.astype(np.int64, copy=False)


def _second_digit(values: I64) -> I64:
    """The second digit of counts of at least 10: divide by ten (a division by a constant,
    which NumPy does fast) until each is below 100, then take the last digit."""
    reduced = values
    while True:
        above = reduced >= 100
        if not above.any():
            break
        reduced = np.where(above, reduced // 10, reduced)
    digits: I64 = reduced % 10
    return digits


def second_digits(counts: ArrayLike) -> I64:
    """The second digit of each count of at least 10 (those below are left out)."""
    values = _counts(counts, "counts").ravel()
    return _second_digit(values[values >= SECOND_DIGIT_MINIMUM])


def last_digits(counts: ArrayLike, minimum: int = LAST_DIGIT_MINIMUM) -> I64:
    """The last digit of each count of at least ``minimum``."""
    values = _counts(counts, "counts").ravel()
    digits: I64 = values[values >= minimum] % 10
    return digits


@dataclass(frozen=True, slots=True)
class DigitTest:
    """One digit test of one series of counts (an option's votes, or turnout counts).

    ``observed`` counts digits 0..9, ``expected`` gives their expected shares; ``p_value`` is
    the chi-square tail with ``degrees_of_freedom``. With fewer than :data:`TESTED_AT_LEAST`
    numbers counted the statistic and p-value are NaN: too few to test.
    """

    series: str
    test: str  # "2BL" or "last-digit"
    counted: int
    observed: tuple[int, ...]
    expected: tuple[float, ...]
    mean: float
    expected_mean: float
    chi_square: float
    degrees_of_freedom: int
    p_value: float

    def rejects(self, level: float) -> bool:
        """Whether the test rejects its law at ``level`` (never when nothing was counted)."""
        return not math.isnan(self.p_value) and self.p_value < level


@dataclass(frozen=True, slots=True)
class ZeroFiveTest:
    """The share of last digits that are 0 or 5, against the 2/10 of a uniform last digit;
    one-sided (invented numbers are rounder, not less round)."""

    series: str
    counted: int
    zero_or_five: int
    share: float
    expected_share: float
    z: float
    p_value: float

    def rejects(self, level: float) -> bool:
        return not math.isnan(self.p_value) and self.p_value < level


def _pearson(
    series: str, test: str, digits: I64, expected: F64, testable: bool = True
) -> DigitTest:
    return _pearson_of(series, test, np.bincount(digits, minlength=10), expected, testable)


def _pearson_of(
    series: str, test: str, observed: I64, expected: F64, testable: bool = True
) -> DigitTest:
    counted = int(observed.sum())
    expected_mean = float((np.arange(10) * expected).sum())
    if counted < TESTED_AT_LEAST or not testable:
        nan = float("nan")
        return DigitTest(
            series, test, counted, tuple(observed.tolist()), tuple(expected.tolist()), nan,
            expected_mean, nan, 9, nan,
        )  # fmt: skip
    wanted = counted * expected
    statistic = float(((observed - wanted) ** 2 / wanted).sum())
    return DigitTest(
        series=series,
        test=test,
        counted=counted,
        observed=tuple(int(n) for n in observed.tolist()),
        expected=tuple(float(q) for q in expected.tolist()),
        mean=float((np.arange(10) * observed).sum() / counted),
        expected_mean=expected_mean,
        chi_square=statistic,
        degrees_of_freedom=9,
        p_value=chi_square_tail(statistic, 9),
    )


def second_digit_test(counts: ArrayLike, series: str = "counts") -> DigitTest:
    """Mebane's 2BL test of one series: Pearson's X² of second digits of counts ≥ 10."""
    return _pearson(series, "2BL", second_digits(counts), SECOND_DIGIT_BENFORD)


def spread_enough(counts: ArrayLike, minimum: int = LAST_DIGIT_MINIMUM) -> bool:
    """Whether the counts of at least ``minimum`` spread over enough tens for a uniform last
    digit (:data:`LAST_DIGIT_SPREAD`)."""
    values = _counts(counts, "counts").ravel()
    values = values[values >= minimum]
    if len(values) == 0:
        return False
    low, high = np.percentile(values, [25, 75])
    return bool(high - low >= LAST_DIGIT_SPREAD)


def last_digit_test(
    counts: ArrayLike, series: str = "counts", minimum: int = LAST_DIGIT_MINIMUM
) -> DigitTest:
    """Beber and Scacco's last-digit test: Pearson's X² against the uniform; NaN where the
    counts are too few or too narrow for the uniform law (:func:`spread_enough`)."""
    return _pearson(
        series,
        "last-digit",
        last_digits(counts, minimum),
        UNIFORM_DIGITS,
        spread_enough(counts, minimum),
    )


def zero_five_test(
    counts: ArrayLike, series: str = "counts", minimum: int = LAST_DIGIT_MINIMUM
) -> ZeroFiveTest:
    """Excess of last digits 0 and 5 over 2/10, one-sided binomial z (normal approximation)."""
    observed = np.bincount(last_digits(counts, minimum), minlength=10)
    return _zero_five_of(series, observed, spread_enough(counts, minimum))


def _zero_five_of(series: str, observed: I64, testable: bool) -> ZeroFiveTest:
    counted = int(observed.sum())
    hits = int(observed[0] + observed[5])
    if counted < TESTED_AT_LEAST or not testable:
        nan = float("nan")
        return ZeroFiveTest(series, counted, hits, nan, 0.2, nan, nan)
    z = (hits - 0.2 * counted) / math.sqrt(counted * 0.2 * 0.8)
    return ZeroFiveTest(series, counted, hits, hits / counted, 0.2, z, normal_upper_tail(z))


@dataclass(frozen=True, slots=True)
class DigitReport:
    """Every digit test of a contest: 2BL, last digit and 0/5 per option and for turnout."""

    second_digit: tuple[DigitTest, ...]
    last_digit: tuple[DigitTest, ...]
    zero_five: tuple[ZeroFiveTest, ...]

    def series(self) -> tuple[str, ...]:
        return tuple(test.series for test in self.second_digit)


TURNOUT_SERIES = "turnout"
"""The name of the turnout counts (ballots found) among a report's series."""


def digit_report(
    votes: ArrayLike,
    options: Sequence[str],
    turnout: ArrayLike | None = None,
    last_digit_minimum: int = LAST_DIGIT_MINIMUM,
) -> DigitReport:
    """All digit tests of a precinct table: ``votes`` is precincts × options (columns named by
    ``options``); ``turnout`` the ballots found per precinct, tested as one more series."""
    table = _counts(votes, "votes")
    if table.ndim != 2 or table.shape[1] != len(options):
        raise BadInput(
            "votes", "must be a precincts × options table with one column per option",
            f"shape {table.shape} for {len(options)} options",
        )  # fmt: skip
    columns: dict[str, I64] = {name: table[:, k] for k, name in enumerate(options)}
    if turnout is not None:
        counts = _counts(turnout, "turnout")
        if counts.shape != (table.shape[0],):
            raise BadInput("turnout", "must hold one count per precinct", counts.shape)
        columns[TURNOUT_SERIES] = counts
    return _report(columns, last_digit_minimum)


def _report(columns: Mapping[str, I64], minimum: int) -> DigitReport:
    """Every test of every series, each series read once: its counts of at least 10 give the
    second digits, its counts of at least ``minimum`` the last digits and their spread."""
    second, last, zero_five = [], [], []
    for name, values in columns.items():
        counts = np.ascontiguousarray(values)
        above = counts[counts >= SECOND_DIGIT_MINIMUM]
        tested = above if minimum == SECOND_DIGIT_MINIMUM else counts[counts >= minimum]
        wide = False
        if len(tested):
            low, high = np.percentile(tested, [25, 75])
            wide = bool(high - low >= LAST_DIGIT_SPREAD)
        ending = np.bincount(tested % 10, minlength=10)
        second.append(_pearson(name, "2BL", _second_digit(above), SECOND_DIGIT_BENFORD))
        last.append(_pearson_of(name, "last-digit", ending, UNIFORM_DIGITS, wide))
        zero_five.append(_zero_five_of(name, ending, wide))
    return DigitReport(tuple(second), tuple(last), tuple(zero_five))
