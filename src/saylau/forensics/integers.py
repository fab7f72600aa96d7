"""Integer-percentage excess in turnout and the leader's share, against a binomial null.

Kobak, Shpilkin & Pshenichnikov, "Integer percentages as electoral falsification fingerprints",
Annals of Applied Statistics 10(1), 54–73 (2016), doi:10.1214/16-AOAS904. A commission that writes
a result rather than counting it tends to write a round one: too many stations report a turnout
or a leader's share that is a whole percentage. The test, as in the authors' code
(dkobak/elections, ``anomaly`` in ``analysis/duma2021/duma2021.ipynb``):

- stations included: ballots found > 0, at least 100 voters on the list, turnout ≤ 0.99 and the
  leader's share ≤ 0.99 (turnout = ballots issued / voters; share = leader / ballots found);
- a value is "integer" when it lies within 0.05 percentage points of a whole percentage (the
  0.1-point bin centred on it), tested on the percentage computed as ``100 * k / n``;
- the null: every station's issued ballots are redrawn Binomial(voters, turnout) and its leader's
  votes Binomial(ballots found, share), and integer values are counted again; the excess is the
  observed count minus the null's mean, over stations whose turnout, share, or either is integer.

The null is computed the way the authors draw it, but without drawing binomials: a station's
redrawn value is integer with a probability ``q`` that is an exact finite sum of binomial
probabilities (only the few counts ``k`` whose ``100 k / n`` falls in an integer bin), so the
null's mean and variance are exact. A replicate's count is then a sum of independent
Bernoulli(``q``) draws, one per station, which is the distribution the authors' redrawing gives;
it is drawn by groups of stations of equal ``q`` (see ``_replicate_counts``), at a cost that does
not grow with the number of stations. Each of the three counts is simulated on its own.

The p-value is the Monte-Carlo one, ``(1 + #{replicates ≥ observed}) / (1 + replicates)``; with
1,000 replicates, as the authors ran, it cannot go below 1/1001, so ``z`` (the excess over the
exact null standard deviation) is reported beside it. The counts weighted by voters, ballots
issued and the leader's votes, which the authors also report, are compared with the exact null
only (their Monte-Carlo would need a draw per station and replicate).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from saylau.forensics.precincts import Flagged, Precincts

TOLERANCE = 0.05
"""Half the 0.1-percentage-point bin centred on each whole percentage (the authors' binwidth)."""
MIN_VOTERS = 100
MAX_FRACTION = 0.99
REPLICATES = 1000
_SIGMAS = 6.0
_MARGIN = 12
_CHUNK = 1 << 22
_LEVELS = 4096

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
Item = TypeVar("Item")
Outcome = TypeVar("Outcome")


def _parallel(work: Callable[[Item], Outcome], items: Iterable[Item]) -> list[Outcome]:
    """``work`` over ``items`` on the machine's cores (NumPy releases the GIL in its loops)."""
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return list(pool.map(work, items))


def integer_percent(successes: Ints, trials: Ints, tolerance: float = TOLERANCE) -> Mask:
    """Whether ``100 * successes / trials`` is within ``tolerance`` points of a whole percent."""
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = 100 * successes / trials
    hit: Mask = np.abs(percent - np.round(percent)) <= tolerance
    return hit


def _log_factorials(largest: int) -> Floats:
    table = np.zeros(largest + 1)
    table[1:] = np.cumsum(np.log(np.arange(1, largest + 1, dtype=np.float64)))
    return table


def _ragged(counts: Ints) -> tuple[Ints, Ints]:
    """For rows repeated ``counts`` times: each entry's row and its position within the row."""
    row = np.repeat(np.arange(counts.shape[0]), counts)
    position = np.arange(row.shape[0]) - np.repeat(np.cumsum(counts) - counts, counts)
    return row, position


def hit_probability(successes: Ints, trials: Ints, tolerance: float = TOLERANCE) -> Floats:
    """P(100·K/n is integer) for K ~ Binomial(n, successes / n), exactly, one value per row.

        Only the counts ``k`` in an integer bin are visited (a few per whole percentage), and only
        within 6 standard deviations and 12 counts of the mean (the counts for a skewed binomial of
    small mean): what lies beyond weighs less than 1e-8.
    """
    trials = np.asarray(trials, dtype=np.int64)
    successes = np.asarray(successes, dtype=np.int64)
    result = np.zeros(trials.shape[0])
    if trials.size == 0:
        return result
    if trials.min() <= 0:
        raise ValueError("trials: every station needs at least one trial (found 0)")
    log_factorial = _log_factorials(int(trials.max()))
    share = successes / trials
    with np.errstate(divide="ignore"):
        log_share = np.log(share)
        log_rest = np.log1p(-share)
    spread = np.sqrt(trials * share * (1 - share))
    reach = _SIGMAS * spread + _MARGIN
    low_m = np.clip(np.floor(100 * (successes - reach) / trials) - 1, 0, 100)
    high_m = np.clip(np.ceil(100 * (successes + reach) / trials) + 1, 0, 100)
    per_station = (high_m - low_m + 1).astype(np.int64)
    step = max(1, _CHUNK // int(per_station.max()))

    def chunk(start: int) -> None:
        stop = min(start + step, trials.size)
        station, position = _ragged(per_station[start:stop])
        station += start
        m = low_m[station] + position
        n = trials[station]
        first = np.ceil(n * (m - tolerance) / 100 - 1e-6).astype(np.int64)
        last = np.floor(n * (m + tolerance) / 100 + 1e-6).astype(np.int64)
        candidates = np.clip(last - first + 1, 0, None)
        entry, offset = _ragged(candidates)
        station = station[entry]
        n = n[entry]
        k = first[entry] + offset
        # The bounds' slack lets in a rare candidate outside the bin: it is weighed zero.
        inside = (k >= 0) & (k <= n) & (np.abs(100 * k / n - m[entry]) <= tolerance)
        k = np.clip(k, 0, n)
        with np.errstate(invalid="ignore"):
            log_p = np.where(k > 0, k * log_share[station], 0.0)
            log_q = np.where(n - k > 0, (n - k) * log_rest[station], 0.0)
        log_pmf = log_factorial[n] - log_factorial[k] - log_factorial[n - k] + log_p + log_q
        result[start:stop] = np.bincount(
            station - start, weights=np.exp(log_pmf) * inside, minlength=stop - start
        )

    _parallel(chunk, range(0, trials.size, step))
    return result


@dataclass(frozen=True, slots=True)
class IntegerCount:
    """Stations with an integer value, against the binomial null.

    ``expected`` and ``null_sd`` are the null's exact mean and standard deviation; the
    ``simulated_*`` figures come from the Monte-Carlo replicates, as the authors print them.
    """

    observed: int
    expected: float
    null_sd: float
    simulated_mean: float
    simulated_sd: float
    simulated_999: float
    p_value: float

    @property
    def excess(self) -> float:
        """Observed minus the null's mean: the authors' "excess of integer polling stations"."""
        return self.observed - self.expected

    @property
    def z(self) -> float:
        return self.excess / self.null_sd if self.null_sd > 0 else 0.0


class Weight(StrEnum):
    """What a station with an integer value counts for, besides one station (the authors'
    ``anomaly`` reports all four: stations, voters, ballots issued, the leader's votes)."""

    VOTERS = "voters"
    ISSUED = "issued"
    LEADER = "leader"


@dataclass(frozen=True, slots=True)
class WeightedCount:
    """Voters (or ballots, or leader's votes) at stations whose turnout or share is integer,
    against the exact binomial null: mean ``sum(w q)``, variance ``sum(w² q (1 − q))``."""

    weight: Weight
    observed: float
    expected: float
    null_sd: float

    @property
    def excess(self) -> float:
        return self.observed - self.expected

    @property
    def z(self) -> float:
        return self.excess / self.null_sd if self.null_sd > 0 else 0.0


@dataclass(frozen=True, slots=True)
class IntegerPercentages:
    """The test's result: ``either`` (turnout or share integer) is the headline statistic."""

    stations: int
    leader: str
    replicates: int
    seed: int
    either: IntegerCount
    turnout: IntegerCount
    share: IntegerCount
    weighted: tuple[WeightedCount, ...]
    flagged: tuple[Flagged, ...]

    @property
    def statistic(self) -> float:
        return self.either.excess

    @property
    def p_value(self) -> float:
        return self.either.p_value


def _count(observed: Mask, hit: Floats, simulated: Ints) -> IntegerCount:
    replicates = simulated.shape[0]
    return IntegerCount(
        observed=int(observed.sum()),
        expected=float(hit.sum()),
        null_sd=float(np.sqrt(np.sum(hit * (1 - hit)))),
        simulated_mean=float(simulated.mean()) if replicates else float("nan"),
        simulated_sd=float(simulated.std()) if replicates else float("nan"),
        simulated_999=float(np.percentile(simulated, 99.9)) if replicates else float("nan"),
        p_value=float((1 + np.sum(simulated >= observed.sum())) / (1 + replicates)),
    )


def _replicate_counts(hit: Floats, replicates: int, rng: np.random.Generator) -> Ints:
    """Monte-Carlo counts of stations drawing an integer value, one per replicate.

    A replicate's count is a sum of independent Bernoulli(``hit``) draws, one per station.
    Stations are grouped on a grid of ``_LEVELS`` probabilities, each station rounded up or
    down at random so that its probability is kept on average; then a group of ``n`` stations
    at probability ``p`` contributes one Binomial(n, p) draw per replicate, which is exactly
    the sum of its stations' draws. The cost no longer grows with the number of stations; the
    rounding, drawn once, moves the null's mean by about sqrt(stations) / (2 · _LEVELS)
    stations (0.1 for a million), far below the Monte-Carlo error.
    """
    scaled = hit * _LEVELS
    level = np.floor(scaled).astype(np.int64)
    level += rng.random(level.shape[0]) < scaled - level
    stations = np.bincount(np.minimum(level, _LEVELS), minlength=_LEVELS + 1)
    occupied = np.flatnonzero(stations)
    draws = rng.binomial(
        stations[occupied], occupied / _LEVELS, size=(replicates, occupied.shape[0])
    )
    counts: Ints = draws.sum(axis=1)
    return counts


def included(precincts: Precincts, option: int) -> Mask:
    """The stations the authors include (AOAS 2016; ``anomaly``'s inclusion criteria)."""
    votes = precincts.votes[:, option]
    with np.errstate(divide="ignore", invalid="ignore"):
        mask: Mask = (
            (precincts.ballots > 0)
            & (precincts.voters >= MIN_VOTERS)
            & (precincts.issued / precincts.voters <= MAX_FRACTION)
            & (votes / precincts.ballots <= MAX_FRACTION)
        )
    return mask


def integer_percentages(
    precincts: Precincts,
    option: int | None = None,
    *,
    replicates: int = REPLICATES,
    seed: int = 42,
) -> IntegerPercentages:
    """Run the test on ``option`` (by default the leader, the option with most votes)."""
    chosen = precincts.leader if option is None else option
    mask = included(precincts, chosen)
    voters = precincts.voters[mask]
    issued = precincts.issued[mask]
    ballots = precincts.ballots[mask]
    votes = precincts.votes[mask, chosen]
    turnout_integer = integer_percent(issued, voters)
    share_integer = integer_percent(votes, ballots)
    turnout_hit = hit_probability(issued, voters)
    share_hit = hit_probability(votes, ballots)
    either_hit = 1 - (1 - turnout_hit) * (1 - share_hit)
    rng = np.random.default_rng(seed)
    simulated = [
        _replicate_counts(hit, replicates, rng) for hit in (either_hit, turnout_hit, share_hit)
    ]
    where = np.flatnonzero(mask)
    turnout_flags = np.zeros(len(precincts), dtype=np.bool_)
    turnout_flags[where[turnout_integer]] = True
    share_flags = np.zeros(len(precincts), dtype=np.bool_)
    share_flags[where[share_integer]] = True
    return IntegerPercentages(
        stations=int(mask.sum()),
        leader=precincts.options[chosen],
        replicates=replicates,
        seed=seed,
        either=_count(turnout_integer | share_integer, either_hit, simulated[0]),
        turnout=_count(turnout_integer, turnout_hit, simulated[1]),
        share=_count(share_integer, share_hit, simulated[2]),
        weighted=tuple(
            WeightedCount(
                weight=weight,
                observed=float(amount[turnout_integer | share_integer].sum()),
                expected=float(np.sum(amount * either_hit)),
                null_sd=float(np.sqrt(np.sum(amount**2 * either_hit * (1 - either_hit)))),
            )
            for weight, amount in (
                (Weight.VOTERS, voters.astype(np.float64)),
                (Weight.ISSUED, issued.astype(np.float64)),
                (Weight.LEADER, votes.astype(np.float64)),
            )
        ),
        flagged=(
            Flagged.where("integer_turnout", precincts, turnout_flags),
            Flagged.where("integer_leader_share", precincts, share_flags),
        ),
    )
