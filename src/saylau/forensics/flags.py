"""Precinct flags: single protocols that an observer should look at, each with its reason.

A flag is not a finding of fraud: it names the protocols whose figures the literature reads as
signs of tampering, with a score, so that someone goes and reads them. Each check returns a
:class:`Flags` value: the reason (a code and a sentence in kk, ru and en), how many precincts
it flagged, how many a clean count would flag where that is known (``expected``), and the
flagged precincts with their scores. Everything is vectorised over the precinct arrays.

* :func:`near_unanimous` — turnout and the leader's share both near 100 %: the "extreme
  fraud" corner of the turnout × share fingerprint (Klimek, Yegorov, Hanel & Thurner, PNAS
  109(41), 2012, Fig. 2 and the fraud model's extreme fraud).
* :func:`invalid_outliers` — many more invalid ballots than the region's other precincts: a
  robust z (median and MAD, Iglewicz & Hoaglin, "How to Detect and Handle Outliers", ASQC
  1993, threshold 3.5) of the log share of invalid ballots within the region.
* :func:`turnout_and_share` — turnout and the leader's share both far above the region's:
  Klimek et al.'s incremental fraud seen in one precinct (robust z of both, on the logit).
* :func:`identical_protocols` — the same counts as another protocol of the same district: a
  protocol copied rather than counted (two honest counts of hundreds of ballots over several
  options almost never agree line by line).
* :func:`round_numbers` — every count line of a protocol ends in zero; with uniform last
  digits (Beber & Scacco, Political Analysis 2012) a protocol of ``m`` such lines is round by
  chance with probability 10⁻ᵐ (each line's chance is measured in its column, since small
  counts end in zero more often), which gives the expected number.
* :func:`late_jumps` — a batch reported after a given hour whose leader's share departs from
  the running share of what was counted before it by more than a robust z threshold.
* :func:`moved_votes` — corrections that moved votes between options: one option lost what
  another gained with the total unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from saylau.forensics.digits import normal_upper_tail
from saylau.forensics.precincts import Flagged, Precincts
from saylau.model import BadInput

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]

LANGUAGES = ("kk", "ru", "en")


class Reason(StrEnum):
    """Why a precinct is flagged: the key the pages translate (as ``Flagged.reason``)."""

    NEAR_UNANIMOUS = "near_unanimous"
    INVALID_OUTLIER = "invalid_outlier"
    IDENTICAL = "identical_protocols"
    ROUND_NUMBERS = "round_numbers"
    LATE_JUMP = "late_jump"
    MOVED_VOTES = "moved_votes"
    TURNOUT_AND_SHARE = "turnout_and_share"


REASON_TEXT: Mapping[Reason, Mapping[str, str]] = {
    Reason.NEAR_UNANIMOUS: {
        "kk": "Келу де, көшбасшының үлесі де 100 %-ға жуық",
        "ru": "И явка, и доля лидера близки к 100 %",
        "en": "Turnout and the leader's share are both near 100 %",
    },
    Reason.INVALID_OUTLIER: {
        "kk": "Жарамсыз бюллетеньдер өңірдің басқа учаскелеріне қарағанда әлдеқайда көп",
        "ru": "Недействительных бюллетеней намного больше, чем на других участках региона",
        "en": "Far more invalid ballots than the region's other precincts",
    },
    Reason.IDENTICAL: {
        "kk": "Хаттаманың сандары сол аудандағы басқа учаскенің хаттамасымен бірдей",
        "ru": "Числа протокола совпадают с протоколом другого участка того же района",
        "en": "The protocol's counts are those of another precinct in the same district",
    },
    Reason.ROUND_NUMBERS: {
        "kk": "Хаттаманың барлық жолдары нөлмен аяқталады",
        "ru": "Все строки протокола оканчиваются нулём",
        "en": "Every line of the protocol ends in zero",
    },
    Reason.LATE_JUMP: {
        "kk": "Кеш келген нәтиже көшбасшының үлесін осыған дейінгі үрдістен шығарды",
        "ru": "Поздно поступившие итоги вывели долю лидера из сложившегося тренда",
        "en": "Results reported late moved the leader's share out of the running trend",
    },
    Reason.MOVED_VOTES: {
        "kk": "Түзету дауыстарды бір қатысушыдан екіншісіне ауыстырды, жалпы саны өзгерген жоқ",
        "ru": "Исправление перенесло голоса от одного участника к другому при том же итоге",
        "en": "A correction moved votes from one option to another, the total unchanged",
    },
    Reason.TURNOUT_AND_SHARE: {
        "kk": "Келу де, көшбасшының үлесі де өңірдің басқа учаскелерінен едәуір жоғары",
        "ru": "И явка, и доля лидера намного выше, чем на других участках региона",
        "en": "Turnout and the leader's share are both far above the region's other precincts",
    },
}


@dataclass(frozen=True, slots=True, eq=False)
class Flags:
    """The precincts one check flags: ``precincts`` index the table's rows, ``scores`` say
    how strongly (larger is stranger; the unit is the check's own), ``expected`` is the number
    a clean count flags on average where the check's null gives it (NaN otherwise), and
    ``p_value`` the chance of flagging at least as many by chance where that is known."""

    reason: Reason
    precincts: I64
    scores: F64
    tested: int
    expected: float
    p_value: float

    @property
    def count(self) -> int:
        return len(self.precincts)

    def text(self, language: str) -> str:
        """The reason in ``language`` (kk, ru or en)."""
        texts = REASON_TEXT[self.reason]
        if language not in texts:
            raise BadInput("language", f"must be one of {', '.join(LANGUAGES)}", language)
        return texts[language]

    def ids(self, table: Precincts) -> tuple[str, ...]:
        """The flagged precincts' ids in ``table``."""
        return tuple(str(code) for code in table.ids[self.precincts].tolist())

    def flagged(self, table: Precincts) -> Flagged:
        """The flagged precincts as every forensic method lists them (strangest first)."""
        indices = self.precincts.astype(np.intp)
        return Flagged(reason=self.reason.value, indices=indices, ids=table.ids[indices])


def _flags(
    reason: Reason,
    mask: NDArray[np.bool_],
    score: F64,
    tested: int,
    expected: float = math.nan,
    p_value: float = math.nan,
) -> Flags:
    at = np.nonzero(mask)[0].astype(np.int64)
    order = np.argsort(-score[at], kind="stable")
    return Flags(reason, at[order], score[at][order].astype(np.float64), tested, expected, p_value)


def _poisson_upper_tail(observed: int, expected: float) -> float:
    """P(N ≥ observed) for N ~ Poisson(expected): rare independent chance flags."""
    if observed <= 0:
        return 1.0
    if expected <= 0:
        return 0.0
    term = math.exp(-expected)
    below = term
    for k in range(1, observed):
        term *= expected / k
        below += term
    return max(0.0, 1.0 - below)


def _fraction(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise BadInput(name, "must be a fraction between 0 and 1", value)


# --- turnout near 100 % with a near-unanimous leader --------------------------------------

NEAR_UNANIMOUS_TURNOUT = 0.95
NEAR_UNANIMOUS_SHARE = 0.95
"""Defaults of :func:`near_unanimous`: the top-right corner of Klimek et al.'s fingerprint
(PNAS 2012, Fig. 2: the extreme-fraud cluster at turnout and winner's share near 100 %);
the corner's size (≥ 95 %) is a reading, kept as a parameter."""


def near_unanimous(
    table: Precincts,
    turnout_at_least: float = NEAR_UNANIMOUS_TURNOUT,
    share_at_least: float = NEAR_UNANIMOUS_SHARE,
    voters_at_least: int = 0,
) -> Flags:
    """Precincts where turnout and the local leader's share both reach the thresholds; the
    score is the smaller of the two. Tiny precincts (a hospital, a ship) can be unanimous
    honestly: ``voters_at_least`` leaves them out."""
    _fraction("turnout_at_least", turnout_at_least)
    _fraction("share_at_least", share_at_least)
    with np.errstate(invalid="ignore"):
        leader = np.nanmax(np.where(np.isnan(table.shares), -1.0, table.shares), axis=1)
    turnout = np.nan_to_num(table.turnout, nan=-1.0)
    score = np.minimum(turnout, leader)
    tested = table.voters >= voters_at_least
    mask = tested & (turnout >= turnout_at_least) & (leader >= share_at_least)
    return _flags(Reason.NEAR_UNANIMOUS, mask, score, int(tested.sum()))


# --- invalid-ballot outliers --------------------------------------------------------------

ROBUST_Z = 3.5
"""Iglewicz and Hoaglin's (1993) cut for the modified z-score."""

_MAD_SCALE = 1.482602218505602  # 1 / Φ⁻¹(3/4): MAD of a normal sample estimates σ


def factorize(labels: ArrayLike) -> I64:
    """Group codes for labels (strings or integers), equal labels sharing a code.

    Strings are hashed twice, two characters at a time, and the first hashes sorted,
    which is many times faster than sorting the strings (NumPy compares them character by
    character). Where two labels share a first hash, their second hashes must agree too, or
    (a collision of 64-bit hashes, however unlikely) the strings themselves are sorted."""
    values = np.asarray(labels)
    if values.dtype.kind in "iub":
        whole = values.astype(np.int64).reshape(-1)
        if len(whole) and whole.min() >= 0 and whole.max() < 2**31:
            return whole  # already codes: only equality matters
        return np.unique(whole, return_inverse=True)[1].astype(np.int64).reshape(-1)
    if values.dtype.kind != "U" or values.ndim != 1:
        values = values.astype(np.str_).reshape(-1)
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    width = max(values.dtype.itemsize // 4, 1)
    if width % 2:  # read two characters at a time, as one 64-bit word
        values = values.astype(f"<U{width + 1}")
    words = np.ascontiguousarray(values).view(np.uint64).reshape(len(values), -1)
    first = np.zeros(len(values), dtype=np.uint64)
    second = np.zeros(len(values), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in range(words.shape[1]):
            first = first * np.uint64(1_000_003) + words[:, column]
            second = second * np.uint64(2_147_483_659) + (words[:, column] ^ np.uint64(0x5555))
    order = np.argsort(first)
    ranked = first[order]
    starts = np.r_[True, ranked[1:] != ranked[:-1]]
    group = np.cumsum(starts) - 1
    ranked_second = second[order]
    if not np.array_equal(ranked_second, ranked_second[np.flatnonzero(starts)][group]):
        return np.unique(values, return_inverse=True)[1].astype(np.int64).reshape(-1)
    codes = np.empty(len(values), dtype=np.int64)
    codes[order] = group
    return codes


def _group_codes(groups: ArrayLike, size: int, field: str) -> I64:
    labels = np.asarray(groups)
    if labels.shape != (size,):
        raise BadInput(field, f"must hold one value per precinct ({size})", labels.shape)
    return factorize(labels)


@dataclass(frozen=True, slots=True, eq=False)
class _Groups:
    """Rows ordered by group (a stable radix sort of the small group codes), with each
    group's slice: what a per-group median needs, computed once."""

    codes: I64
    order: I64
    starts: I64
    stops: I64

    @classmethod
    def of(cls, codes: I64) -> _Groups:
        small = codes.astype(np.int16) if len(codes) and codes.max() < 2**15 else codes
        order = np.argsort(small, kind="stable").astype(np.int64)
        ordered = codes[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(codes) else order
        stops = np.r_[starts[1:], len(codes)].astype(np.int64)
        return cls(codes, order, starts.astype(np.int64), stops)

    def median(self, values: F64) -> F64:
        """Each row's group median (a partition per group, linear in the rows)."""
        ranked = values[self.order]
        bounds = zip(self.starts.tolist(), self.stops.tolist(), strict=True)
        medians = np.array([np.median(ranked[a:b]) for a, b in bounds])
        per_row = np.empty(len(values))
        per_row[self.order] = np.repeat(medians, self.stops - self.starts)
        return per_row


def group_median(values: F64, groups: I64) -> F64:
    """Each element's group median, vectorised over rows (one radix sort of the groups)."""
    return _Groups.of(groups).median(values)


def robust_z(values: F64, groups: I64) -> F64:
    """The modified z-score within each group: (x − median) / (1.4826 · MAD); a group with
    no spread gives 0 where x is its median and ±inf elsewhere."""
    grouped = _Groups.of(groups)
    centre = grouped.median(values)
    spread = _MAD_SCALE * grouped.median(np.abs(values - centre))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (values - centre) / spread
    result: F64 = np.where(values == centre, 0.0, z)
    return result


def invalid_outliers(
    table: Precincts, groups: ArrayLike | None = None, threshold: float = ROBUST_Z
) -> Flags:
    """Precincts with many more invalid ballots than their group (the region by default).

    Each precinct's share of invalid ballots is taken on the log scale (with ½ added to the
    count, as Anscombe (1956) does for empirical logits, so a precinct without invalid ballots
    still counts), where a share's spread between precincts is about the same whatever its
    level, then compared within the group by the robust z; precincts above ``threshold`` are
    flagged. Under a normal null that flags a share ``P(Z > threshold)`` (2.3·10⁻⁴ at 3.5),
    reported as ``expected``."""
    size = len(table)
    codes = _group_codes(table.region if groups is None else groups, size, "groups")
    counted = table.ballots > 0
    share = np.log((table.invalid + 0.5) / (table.ballots + 1.0))
    z = np.full(size, -np.inf)
    at = np.nonzero(counted)[0]
    if len(at):
        z[at] = robust_z(share[at], codes[at])
    mask = z > threshold
    rate = normal_upper_tail(threshold)
    tested = int(counted.sum())
    return _flags(
        Reason.INVALID_OUTLIER,
        mask,
        z,
        tested,
        rate * tested,
        _poisson_upper_tail(int(mask.sum()), rate * tested),
    )


JOINT_Z = 2.5
"""Default of :func:`turnout_and_share`: each of the two robust z-scores above 2.5, which two
independent normal scores pass together with probability 3.9·10⁻⁵."""


def _logit(fraction: F64) -> F64:
    clipped = np.clip(fraction, 1e-6, 1 - 1e-6)
    result: F64 = np.log(clipped / (1 - clipped))
    return result


def turnout_and_share(
    table: Precincts,
    groups: ArrayLike | None = None,
    threshold: float = JOINT_Z,
    option: int | None = None,
) -> Flags:
    """Precincts whose turnout and leader's share are both far above their group's (the
    region by default): the single-precinct trace of Klimek et al.'s incremental fraud, where
    ballots of non-voters added to the winner raise both at once (PNAS 2012, fraud model;
    the joint rise is what smears the fingerprint towards the top-right corner). Both are
    taken on the logit scale and compared within the group by the robust z; the score is the
    smaller z, flagged above ``threshold``. ``expected`` assumes the two independent and
    normal under the null, ``P(Z > threshold)²`` per precinct; where turnout and the leader's
    share rise together honestly (as in rural areas) it understates."""
    size = len(table)
    codes = _group_codes(table.region if groups is None else groups, size, "groups")
    leader = table.leader if option is None else option
    counted = np.isfinite(table.turnout) & np.isfinite(table.shares[:, leader])
    score = np.full(size, -np.inf)
    at = np.nonzero(counted)[0]
    if len(at):
        turnout_z = robust_z(_logit(table.turnout[at]), codes[at])
        share_z = robust_z(_logit(table.shares[at, leader]), codes[at])
        score[at] = np.minimum(turnout_z, share_z)
    mask = score > threshold
    rate = normal_upper_tail(threshold) ** 2
    tested = int(counted.sum())
    return _flags(
        Reason.TURNOUT_AND_SHARE,
        mask,
        score,
        tested,
        rate * tested,
        _poisson_upper_tail(int(mask.sum()), rate * tested),
    )


# --- identical and round-number protocols -------------------------------------------------


def identical_protocols(table: Precincts, district: ArrayLike, ballots_at_least: int = 1) -> Flags:
    """Precincts whose count lines (ballots issued, invalid, votes per option) equal another
    precinct's in the same district; the score is how many share them. Empty protocols
    (fewer than ``ballots_at_least`` ballots) are left out."""
    size = len(table)
    codes = _group_codes(district, size, "district")
    tested = table.ballots >= ballots_at_least
    columns = [codes, table.issued, table.invalid, *table.votes.T]
    score = np.zeros(size)
    if tested.any():
        # Rows hashed to one 64-bit number, column by column, so that only rows sharing a
        # hash are compared whole (np.unique over rows sorts the whole table).
        hashes = np.zeros(size, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for column in columns:
                hashes = hashes * np.uint64(0x9E3779B97F4A7C15) + column.astype(np.uint64)
        hashes = hashes[tested]
        order = np.argsort(hashes)
        ranked = hashes[order]
        twin = np.zeros(len(ranked), dtype=np.bool_)
        same = ranked[1:] == ranked[:-1]
        twin[1:] |= same
        twin[:-1] |= same
        shared = np.nonzero(tested)[0][order[twin]]
        if len(shared):
            keys = np.column_stack([column[shared] for column in columns])
            _, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
            score[shared] = counts[inverse.reshape(-1)]
    return _flags(Reason.IDENTICAL, score >= 2, score, int(tested.sum()))


ROUND_LINE_MINIMUM = 50
"""Lines below 50 are not read: in a small precinct all its small counts sit where their
density falls steeply, and end in 0 together more often than the lines' separate chances say
(on clean generated nights a cut at 10 flagged 2.4 times the expected number, at 50 within
the Poisson spread of it)."""
ROUND_LINES_AT_LEAST = 3
_ROUND_SIZES = np.array([20, 50, 100, 200, 500, 1_000])
"""Size classes of counts whose chance of ending in 0 is measured apart."""


def round_numbers(
    table: Precincts,
    minimum: int = ROUND_LINE_MINIMUM,
    lines_at_least: int = ROUND_LINES_AT_LEAST,
) -> Flags:
    """Protocols whose every count line of at least ``minimum`` ends in 0, with at least
    ``lines_at_least`` such lines; the score is the number of lines ``m``.

    By chance a line ends in 0 with probability 1/10 where its counts spread over many tens,
    but small counts (an option's 10–40 votes) end in 0 more often; so each line's chance is
    the share of counts ending in 0 in its column among counts of its size (10–19, 20–49, …,
    1,000 and more), and ``expected`` sums over the protocols tested the product of their
    lines' chances (lines taken as independent)."""
    size = len(table)
    m = np.zeros(size, dtype=np.int64)
    round_lines = np.zeros(size, dtype=np.int64)
    log_chance = np.zeros(size)
    for line in (table.issued, table.invalid, *table.votes.T):
        counts = np.ascontiguousarray(line)
        counted = counts >= minimum
        zero = counted & (counts % 10 == 0)
        # The line's chance of a final 0 among counts of the same size.
        size_class = np.searchsorted(_ROUND_SIZES, counts, side="right")
        zeros = np.bincount(size_class[zero], minlength=len(_ROUND_SIZES) + 1)
        seen = np.bincount(size_class[counted], minlength=len(_ROUND_SIZES) + 1)
        chance = np.log(np.clip(zeros / np.maximum(seen, 1), 1e-12, 1.0))
        m += counted
        round_lines += zero
        log_chance += np.where(counted, chance[size_class], 0.0)
    tested = m >= lines_at_least
    mask = tested & (round_lines == m)
    expected = float(np.exp(log_chance[tested]).sum())
    flagged = int(mask.sum())
    return _flags(
        Reason.ROUND_NUMBERS,
        mask,
        m.astype(np.float64),
        int(tested.sum()),
        expected,
        _poisson_upper_tail(flagged, expected),
    )


# --- late-night jumps ---------------------------------------------------------------------


def late_jumps(
    table: Precincts,
    reported_at: ArrayLike,
    after: float,
    threshold: float = ROBUST_Z,
    option: int | None = None,
) -> Flags:
    """Batches reported at or after ``after`` (same unit as ``reported_at``: hours, or epoch
    seconds) whose leader's share departs from the running share of everything reported
    before them. Precincts reported at the same moment form one batch.

    Each batch's share is compared with the running share in binomial standard errors, and
    those departures are put on a robust z over all batches (the spread between precincts
    is wider than binomial, and the median and MAD learn it without the outliers); a batch
    beyond ``threshold`` either way is flagged. In it, the precincts flagged are those whose
    own share departs from the running share beyond ``threshold`` on the same robust scale
    (a batch of one precinct is that precinct). ``expected`` and ``p_value`` count flagged
    batches. ``option`` is the leader's column (the national leader by default)."""
    size = len(table)
    times = np.asarray(reported_at, dtype=np.float64)
    if times.shape != (size,) or not np.all(np.isfinite(times)):
        raise BadInput("reported_at", f"must hold one finite time per precinct ({size})")
    leader = table.leader if option is None else option
    batch_time, batch = np.unique(times, return_inverse=True)
    batch = batch.reshape(-1)
    votes = np.bincount(batch, weights=table.votes[:, leader].astype(np.float64))
    ballots = np.bincount(batch, weights=table.ballots.astype(np.float64))
    before_votes = np.cumsum(votes) - votes
    before_ballots = np.cumsum(ballots) - ballots
    usable = (before_ballots > 0) & (ballots > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        trend = before_votes / before_ballots
        share = votes / ballots
        error = np.sqrt(np.clip(trend * (1 - trend), 1e-12, None) / ballots)
        departure = (share - trend) / error
    z_batch = np.zeros(len(votes))
    at = np.nonzero(usable)[0]
    if len(at):
        z_batch[at] = robust_z(departure[at], np.zeros(len(at), dtype=np.int64))
    late = usable & (batch_time >= after)
    flagged_batch = late & (np.abs(z_batch) > threshold)
    # Within a flagged batch, the precincts that moved it: their own departure from the
    # running share, on the robust z of all precincts' departures.
    own_ballots = table.ballots.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        own = (table.shares[:, leader] - trend[batch]) / (error[batch] * np.sqrt(ballots[batch]))
        own *= np.sqrt(own_ballots)
    counted = usable[batch] & (own_ballots > 0)
    z = np.zeros(size)
    if counted.any():
        z[counted] = robust_z(own[counted], np.zeros(int(counted.sum()), dtype=np.int64))
    single = np.bincount(batch)[batch] == 1
    mask = flagged_batch[batch] & counted & (single | (np.abs(z) > threshold))
    score = np.where(single, np.abs(z_batch[batch]), np.abs(z))
    rate = 2 * normal_upper_tail(threshold)
    tested = int(late.sum())
    return _flags(
        Reason.LATE_JUMP,
        mask,
        score,
        tested,
        rate * tested,
        _poisson_upper_tail(int(flagged_batch.sum()), rate * tested),
    )


# --- corrections that moved votes ---------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class ProtocolVersions:
    """Successive versions of protocols: ``precinct`` indexes the precinct table, ``version``
    orders a precinct's versions (the first is the one accepted first; each later one is a
    correction pointing at it), ``votes`` has one row per version, ``ballots`` the ballots
    found on it."""

    precinct: I64
    version: I64
    votes: I64
    ballots: I64

    def __post_init__(self) -> None:
        size = len(self.precinct)
        for name in ("version", "ballots"):
            if np.asarray(getattr(self, name)).shape != (size,):
                raise BadInput(name, f"must hold one value per version ({size})")
        if np.asarray(self.votes).ndim != 2 or len(self.votes) != size:
            raise BadInput("votes", f"must be versions × options ({size} rows)")


def moved_votes(versions: ProtocolVersions, precincts: int) -> Flags:
    """Precincts with a correction after which some option had fewer votes and another more,
    with the ballots found and the total of votes unchanged: the signature of votes written
    over from one candidate to another. The score is the votes moved (the largest over a
    precinct's corrections)."""
    order = np.lexsort((versions.version, versions.precinct))
    precinct = versions.precinct[order]
    votes = versions.votes[order]
    ballots = versions.ballots[order]
    same = precinct[1:] == precinct[:-1]
    delta = votes[1:] - votes[:-1]
    kept_total = (delta.sum(axis=1) == 0) & (ballots[1:] == ballots[:-1])
    moved = np.where(delta > 0, delta, 0).sum(axis=1)
    corrected = same & kept_total & (moved > 0)
    score = np.zeros(precincts)
    np.maximum.at(score, precinct[1:][corrected], moved[corrected].astype(np.float64))
    tested = int(np.unique(precinct[1:][same]).size)
    return _flags(Reason.MOVED_VOTES, score > 0, score, tested)


def precinct_flags(table: Precincts, district: ArrayLike) -> tuple[Flags, ...]:
    """The flags that need nothing but the protocols, each with its defaults (the regions'
    codes computed once for the two checks that compare within a region)."""
    regions = factorize(table.region)
    return (
        near_unanimous(table),
        turnout_and_share(table, regions),
        invalid_outliers(table, regions),
        identical_protocols(table, district),
        round_numbers(table),
    )
