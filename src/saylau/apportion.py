"""Seat allocation: largest remainder (Hare, Droop), D'Hondt and Sainte-Laguë, and thresholds.

Every comparison is made in exact integer arithmetic (a quotient ``v/q`` is compared by
cross-multiplication), so two parties are tied only when they are truly equal. A tie that
decides a seat is a value in the result: the caller applies the tie-break the law prescribes
(``priority``: the party registered earlier first) or reports the tie for a drawing of lots.
Nothing here knows a number of the law: thresholds and seat counts come from the caller.

``largest_remainder_batch`` allocates many vote vectors at once with NumPy for simulation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt


class Method(StrEnum):
    """The allocation methods Saylau implements, named as in the law data."""

    LARGEST_REMAINDER_HARE = "largest_remainder_hare"
    LARGEST_REMAINDER_DROOP = "largest_remainder_droop"
    DHONDT = "dhondt"
    SAINTE_LAGUE = "sainte_lague"


@dataclass(frozen=True, slots=True)
class Tie:
    """``seats`` seats that the law's arithmetic cannot give among equal ``parties``."""

    parties: tuple[str, ...]
    seats: int


@dataclass(frozen=True, slots=True)
class Allocation:
    """Seats per party (every party present, 0 allowed); ``tie`` holds seats not yet given."""

    seats: dict[str, int]
    tie: Tie | None = None
    quota: Fraction | None = None
    tie_broken_by_priority: tuple[str, ...] = field(default=())

    @property
    def total(self) -> int:
        return sum(self.seats.values())


class ApportionmentError(ValueError):
    """Input the methods cannot work with (negative votes, no seats, nobody with votes)."""


def _check(votes: Mapping[str, int], seats: int) -> None:
    if seats < 0:
        raise ApportionmentError(f"seats must be non-negative, found {seats}")
    for name, count in votes.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ApportionmentError(f"votes of {name!r} must be a non-negative integer")


def passes_threshold(votes: int, base: int, threshold: Fraction) -> bool:
    """``votes`` reach ``threshold`` of ``base``; a party exactly at the threshold passes."""
    return votes * threshold.denominator >= threshold.numerator * base


def passing(votes: Mapping[str, int], base: int, threshold: Fraction) -> list[str]:
    """The parties at or above the threshold, in input order."""
    return [name for name, count in votes.items() if passes_threshold(count, base, threshold)]


def _award_by_rank(
    seats: dict[str, int],
    candidates: Sequence[str],
    key: Callable[[str], Fraction | int],
    remaining: int,
    priority: Sequence[str] | None,
) -> tuple[Tie | None, tuple[str, ...]]:
    """Give ``remaining`` extra seats to the best-ranked candidates (one each).

    Candidates with equal keys straddling the cut form a tie, broken by ``priority``
    when given, else returned unresolved.
    """
    if remaining <= 0:
        return None, ()
    if remaining > len(candidates):
        raise ApportionmentError(
            f"{remaining} seats left for {len(candidates)} parties: the quota is too small"
        )
    ranked = sorted(candidates, key=key, reverse=True)
    cut = key(ranked[remaining - 1])
    above = [name for name in ranked if key(name) > cut]
    level = [name for name in ranked if key(name) == cut]
    for name in above:
        seats[name] += 1
    left = remaining - len(above)
    if left == len(level):
        for name in level:
            seats[name] += 1
        return None, ()
    if priority is None:
        return Tie(tuple(level), left), ()
    order = {name: index for index, name in enumerate(priority)}
    missing = [name for name in level if name not in order]
    if missing:
        return Tie(tuple(level), left), ()
    winners = sorted(level, key=order.__getitem__)[:left]
    for name in winners:
        seats[name] += 1
    return None, tuple(level)


def largest_remainder(
    votes: Mapping[str, int],
    seats: int,
    quota: str = "hare",
    priority: Sequence[str] | None = None,
) -> Allocation:
    """Integer parts of votes ÷ quota, then the largest remainders; Hare or Droop quota."""
    _check(votes, seats)
    total = sum(votes.values())
    result = dict.fromkeys(votes, 0)
    if seats == 0 or total == 0:
        if seats and not total:
            raise ApportionmentError("no votes to allocate seats by")
        return Allocation(result)
    if quota == "hare":
        q = Fraction(total, seats)
    elif quota == "droop":
        q = Fraction(total // (seats + 1) + 1)
    else:
        raise ApportionmentError(f"unknown quota {quota!r} (hare or droop)")
    remainders: dict[str, Fraction] = {}
    for name, count in votes.items():
        whole = count * q.denominator // q.numerator
        result[name] = whole
        remainders[name] = count - whole * q
    left = seats - sum(result.values())
    tie, broken = _award_by_rank(result, list(votes), remainders.__getitem__, left, priority)
    return Allocation(result, tie=tie, quota=q, tie_broken_by_priority=broken)


def highest_averages(
    votes: Mapping[str, int],
    seats: int,
    divisors: str = "dhondt",
    priority: Sequence[str] | None = None,
) -> Allocation:
    """Seats one by one to the largest quotient votes ÷ divisor(seats won so far)."""
    _check(votes, seats)
    if divisors == "dhondt":

        def divisor(won: int) -> int:
            return won + 1
    elif divisors == "sainte_lague":

        def divisor(won: int) -> int:
            return 2 * won + 1
    else:
        raise ApportionmentError(f"unknown divisors {divisors!r} (dhondt or sainte_lague)")
    result = dict.fromkeys(votes, 0)
    if seats and not sum(votes.values()):
        raise ApportionmentError("no votes to allocate seats by")
    # Each party's current quotient as an exact pair (votes, divisor), compared by
    # cross-multiplication: a/b > c/d  ⟺  a·d > c·b (divisors are positive).
    current = {name: (count, divisor(0)) for name, count in votes.items()}
    given = 0
    while given < seats:
        best_votes, best_divisor = next(iter(current.values()))
        for count, div in current.values():
            if count * best_divisor > best_votes * div:
                best_votes, best_divisor = count, div
        level = [
            name
            for name, (count, div) in current.items()
            if count * best_divisor == best_votes * div
        ]
        left = seats - given
        if len(level) > left:
            tie, broken = _award_by_rank(result, level, lambda _n: 0, left, priority)
            return Allocation(result, tie=tie, tie_broken_by_priority=broken)
        for name in level:
            result[name] += 1
            current[name] = (votes[name], divisor(result[name]))
        given += len(level)
    return Allocation(result)


def allocate(
    method: str,
    votes: Mapping[str, int],
    seats: int,
    priority: Sequence[str] | None = None,
) -> Allocation:
    """Allocate by a method named as in the law data (see :class:`Method`)."""
    match Method(method):
        case Method.LARGEST_REMAINDER_HARE:
            return largest_remainder(votes, seats, "hare", priority)
        case Method.LARGEST_REMAINDER_DROOP:
            return largest_remainder(votes, seats, "droop", priority)
        case Method.DHONDT:
            return highest_averages(votes, seats, "dhondt", priority)
        case Method.SAINTE_LAGUE:
            return highest_averages(votes, seats, "sainte_lague", priority)


IntArray = npt.NDArray[np.int64]


def largest_remainder_batch(
    votes: npt.ArrayLike,
    seats: int,
    threshold: Fraction = Fraction(0),
    base: npt.ArrayLike | None = None,
) -> IntArray:
    """Hare largest remainder for every row of ``votes`` (rows: vote vectors, columns: parties).

    Lists below ``threshold`` of ``base`` (default: the row's total) get nothing. Equal
    remainders go to the earlier column, i.e. columns are in the law's tie-break order.
    Exact: quotas and remainders are integers scaled by the row total (int64; a row total
    times ``seats`` must stay below 2**63).
    """
    raw = np.asarray(votes)
    if raw.ndim != 2:
        raise ApportionmentError("votes must be a 2-D array: one row per vote vector")
    if raw.size and raw.dtype.kind not in "iu":
        raise ApportionmentError(f"votes must be integers, found {raw.dtype}")
    if seats < 0:
        raise ApportionmentError(f"seats must be non-negative, found {seats}")
    rows, parties = raw.shape
    # Party-major copy: every step below is a whole-row vector operation over all vectors.
    cols = np.array(raw.T, dtype=np.int64, order="C")
    if cols.size and cols.min() < 0:
        raise ApportionmentError("votes must be non-negative")
    row_total = cols.sum(axis=0)
    b = row_total if base is None else np.broadcast_to(np.asarray(base, np.int64), row_total.shape)
    if threshold:
        cols *= cols * threshold.denominator >= threshold.numerator * b
    total = cols.sum(axis=0)
    if (total == 0).any():
        raise ApportionmentError("a row has no votes above the threshold")
    if rows == 0:
        return np.zeros((0, parties), dtype=np.int64)
    if int(total.max()) * seats < 2**31:
        # Same integers, half the memory traffic and a faster division.
        cols, total = cols.astype(np.int32), total.astype(np.int32)
    whole, remainder = np.divmod(cols * seats, total)
    left = seats - whole.sum(axis=0)
    # ahead[j]: how many parties rank before j by remainder, larger first, the earlier
    # column first on equal remainders; j gets one of the ``left`` seats if ahead[j] < left.
    ahead: npt.NDArray[np.signedinteger[Any]]
    if parties <= 16:
        ahead = np.zeros((parties, rows), dtype=np.int8)
        for j in range(parties):
            for i in range(j + 1, parties):
                later_larger = remainder[i] > remainder[j]
                ahead[j] += later_larger
                ahead[i] += ~later_larger
    else:
        order = np.argsort(-remainder.T, axis=1, kind="stable")
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.arange(parties)[None, :], axis=1)
        ahead = rank.T
    whole += ahead < left
    result: IntArray = np.empty((rows, parties), dtype=np.int64)
    result.T[...] = whole
    return result
