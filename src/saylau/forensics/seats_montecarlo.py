"""Seats under uncertainty: a seeded Monte-Carlo of a party-list contest's seats.

Two sources of uncertainty, each a stated model:

- **Precincts not yet reported** (*hot deck*): in every draw, each pending precinct borrows the
  rates of one reported precinct of its own region, drawn uniformly (of the whole count when its
  region has none reported yet): the voters on its list times the donor's turnout and shares of
  invalid, against all and each list. The pending precincts' ballots so expected are then
  spread Multinomial(their sum, their shares), one draw for them all: the same mean as a
  multinomial per precinct, a variance no smaller (a pooled multinomial's is the larger), and
  a thousand times cheaper.
- **Counting errors** of size ``error``: every ballot of a reported precinct is misrecorded
  with probability ``error``, its recorded category (a list, against all, invalid) redrawn
  from the shares of the whole reported count, so that errors add noise but no drift (each
  category loses and gains ``error`` of itself on average). Ballots err independently and sums
  of independent binomials with one probability are binomial, so the totals of this
  per-precinct model are drawn exactly from the reported totals.

Each draw's totals are decided as the law (or a what-if rule set) decides them: threshold on the
law's base, then the allocation. Hare allocations are made for all draws at once by
:func:`saylau.apportion.largest_remainder_batch`, with the lists in the order of registration
(the law's tie-break); draws it cannot take (another method, fewer than two lists passing, the
second-party rule) are decided one distinct total at a time by the exact engine.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from saylau.apportion import Method, largest_remainder_batch
from saylau.law.rules import KurultaiRules, MaslikhatRules, MazhilisRules, Rules, rules_at
from saylau.model import BadInput, Contest, Kind
from saylau.outcome import decide
from saylau.outcome.records import ListOutcome

Counts = npt.NDArray[np.int64]
Labels = npt.NDArray[np.str_]

_CHAMBER = {
    Kind.MAZHILIS_LIST: MazhilisRules,
    Kind.KURULTAI_LIST: KurultaiRules,
    Kind.MASLIKHAT_LIST: MaslikhatRules,
}
#: The contest kinds the seat Monte-Carlo simulates: those elected by party lists.
LIST_KINDS = frozenset(_CHAMBER)
#: The greatest draws × pending precincts × categories drawn at once (bounds memory).
_CHUNK_CELLS = 4_000_000


@dataclass(frozen=True, slots=True, eq=False)
class CountInProgress:
    """A party-list contest's precincts: reported ones with their counts, pending ones with
    the voters on their list. ``votes`` has one column per list of ``contest.options``."""

    contest: Contest
    region: Labels
    voters: Counts
    reported: npt.NDArray[np.bool_]
    participated: Counts
    invalid: Counts
    against_all: Counts
    votes: Counts

    def __post_init__(self) -> None:
        size = self.region.shape[0]
        for name in ("voters", "reported", "participated", "invalid", "against_all"):
            if getattr(self, name).shape != (size,):
                raise BadInput(name, f"must have one value per precinct ({size})")
        if self.votes.shape != (size, len(self.contest.options)):
            raise BadInput("votes", "must be precincts × lists")


def from_contest(contest: Contest) -> CountInProgress:
    """A contest file's totals as one reported precinct: only counting errors can move them."""
    return CountInProgress(
        contest=contest,
        region=np.array(["(all)"]),
        voters=np.array([contest.registered or 0], dtype=np.int64),
        reported=np.array([True]),
        participated=np.array([contest.participated or contest.known_ballots], dtype=np.int64),
        invalid=np.array([contest.invalid or 0], dtype=np.int64),
        against_all=np.array([contest.against_all or 0], dtype=np.int64),
        votes=np.array([list(contest.options.values())], dtype=np.int64),
    )


@dataclass(frozen=True, slots=True)
class PartySeats:
    """One list's seats over the draws: P(seats = s) for s = 0 … len-1, the 5–95 % interval,
    the mean, and the probability that it reaches the threshold."""

    option: str
    probability: tuple[float, ...]
    low: int
    high: int
    mean: float
    passes_threshold: float


@dataclass(frozen=True, slots=True)
class SeatDistribution:
    """The seats of every list over ``draws`` seeded draws, under the stated models."""

    draws: int
    seed: int
    error: float
    precincts_reported: int
    precincts_pending: int
    seats: int
    parties: tuple[PartySeats, ...]
    undecided_draws: int


def _pending_totals(
    count: CountInProgress, rng: np.random.Generator, draws: int, on_ballot: bool
) -> Counts:
    """Draws × categories (invalid, against all, lists…) summed over the pending precincts."""
    categories = 2 + len(count.contest.options)
    pending = np.flatnonzero(~count.reported)
    totals = np.zeros((draws, categories), dtype=np.int64)
    if pending.size == 0:
        return totals
    done = np.flatnonzero(count.reported)
    if done.size == 0:
        raise BadInput("reported", "no precinct has reported: there is nothing to draw from")
    ballots = np.column_stack(
        [count.invalid[done], count.against_all[done] * on_ballot, count.votes[done]]
    ).astype(np.float64)
    shares = ballots / np.maximum(ballots.sum(axis=1, keepdims=True), 1)
    shares[ballots.sum(axis=1) == 0, 0] = 1.0  # a precinct with no ballots: all invalid
    turnout = count.participated[done] / np.maximum(count.voters[done], 1)
    turnout = np.clip(turnout, 0.0, 1.0)
    # Donors per pending precinct: the reported precincts of its region, else all of them.
    regions, code = np.unique(
        np.concatenate([count.region[done], count.region[pending]]), return_inverse=True
    )
    donor_code, pending_code = code[: done.size], code[done.size :]
    by_region = np.argsort(donor_code, kind="stable")
    per_region = np.bincount(donor_code, minlength=regions.size)
    region_start = np.concatenate([[0], np.cumsum(per_region)[:-1]])
    flat = np.concatenate([by_region, np.arange(done.size)])
    sizes = per_region[pending_code]
    starts = np.where(sizes > 0, region_start[pending_code], done.size)
    sizes = np.where(sizes > 0, sizes, done.size)
    voters = count.voters[pending].astype(np.float64)
    # Ballots of each category per voter on the list, one contiguous row per category.
    rates = np.ascontiguousarray((turnout[:, None] * shares).T)
    step = max(1, _CHUNK_CELLS // pending.size)
    for first in range(0, draws, step):
        rows = min(step, draws - first)
        pick = (rng.random((rows, pending.size)) * sizes).astype(np.intp)
        donor = flat[starts + pick]
        expected = np.column_stack([rates[k][donor] @ voters for k in range(categories)])
        ballots = np.rint(expected.sum(axis=1)).astype(np.int64)
        mass = expected / np.maximum(expected.sum(axis=1, keepdims=True), 1e-300)
        mass[ballots == 0] = np.eye(categories)[0]
        totals[first : first + rows] = rng.multinomial(ballots, mass)
    return totals


def _misrecorded(reported: Counts, error: float, rng: np.random.Generator, draws: int) -> Counts:
    """Draws × categories: the reported totals after counting errors of size ``error``."""
    result = np.broadcast_to(reported, (draws, reported.size)).copy()
    total = int(reported.sum())
    if error == 0 or total == 0:
        return result
    moved = rng.binomial(reported, error, size=(draws, reported.size))
    result -= moved
    result += rng.multinomial(moved.sum(axis=1), reported / total)
    return result


def _chamber(contest: Contest, rules: Rules) -> MazhilisRules | KurultaiRules | MaslikhatRules:
    kind = _CHAMBER.get(contest.kind)
    if kind is None:
        raise BadInput(
            "kind", "the seat Monte-Carlo is for party-list contests", contest.kind.value
        )
    return rules.require(kind)


def simulate(
    count: CountInProgress,
    draws: int,
    seed: int,
    error: float = 0.0,
    rules: Rules | None = None,
) -> SeatDistribution:
    """``draws`` seeded draws of the contest's totals, each decided under ``rules`` (default: the
    law of the contest's date)."""
    if draws < 1:
        raise BadInput("monte_carlo", "the number of draws must be at least 1", draws)
    if not 0 <= error < 1:
        raise BadInput("error", "the share of ballots misrecorded must be in [0, 1)", error)
    contest = count.contest
    law = rules if rules is not None else rules_at(contest.date)
    _seat_count(contest, _chamber(contest, law))  # a list contest with its seats, or refused
    on_ballot = law.elections.against_all_on_ballot
    rng = np.random.default_rng(seed)
    done = count.reported
    reported = np.concatenate(
        [
            [count.invalid[done].sum(), (count.against_all[done] * on_ballot).sum()],
            count.votes[done].sum(axis=0),
        ]
    ).astype(np.int64)
    if not on_ballot:  # no such category to err into
        totals = _misrecorded(np.delete(reported, 1), error, rng, draws)
        totals = np.insert(totals, 1, 0, axis=1)
    else:
        totals = _misrecorded(reported, error, rng, draws)
    totals += _pending_totals(count, rng, draws, on_ballot)
    # Ballots that are neither a vote nor invalid (participated beyond them) stay as counted.
    unaccounted = int(count.participated[done].sum() - reported.sum())
    participated = totals.sum(axis=1) + max(unaccounted, 0)
    return _distribution(count, law, totals, participated, draws, seed, error)


def _seat_count(contest: Contest, chamber: MazhilisRules | KurultaiRules | MaslikhatRules) -> int:
    if isinstance(chamber, MaslikhatRules):
        if contest.seats is None:
            raise BadInput("seats", "is required for a maslikhat list: the maslikhat's list seats")
        return contest.seats
    return chamber.list_seats


@dataclass(frozen=True, slots=True, eq=False)
class DrawnSeats:
    """Seats per draw and list (``won``), whether each list reached the threshold
    (``passes``), and how many draws the law could not settle (a tie, or nothing to share)."""

    won: Counts
    passes: npt.NDArray[np.bool_]
    undecided: int


def seats_of_draws(
    contest: Contest, law: Rules, totals: npt.ArrayLike, participated: npt.ArrayLike
) -> DrawnSeats:
    """Decide every row of ``totals`` (invalid, against all, then each list of ``contest``)
    as the law decides the contest: Hare draws at once by the batch allocation, the others by
    the exact engine, once per distinct row. A tie at the cut in a Hare draw goes to the list
    registered earlier (listed earlier when the contest gives no order)."""
    totals = np.asarray(totals, dtype=np.int64)
    participated = np.asarray(participated, dtype=np.int64)
    chamber = _chamber(contest, law)
    names = tuple(contest.options)
    draws = totals.shape[0]
    votes = totals[:, 2:]
    seats = _seat_count(contest, chamber)
    threshold = chamber.list_threshold
    if chamber.threshold_base == "participated":
        base = participated
    else:
        base = votes.sum(axis=1) + totals[:, 1]
    passes = votes * threshold.denominator >= threshold.numerator * base[:, None]
    order = [names.index(n) for n in contest.registration_order or () if n in names]
    order += [i for i in range(len(names)) if i not in order]
    won = np.zeros((draws, len(names)), dtype=np.int64)
    fast = passes.sum(axis=1) >= (2 if chamber.second_party_rule else 1)
    if chamber.allocation_method != Method.LARGEST_REMAINDER_HARE:
        fast[:] = False
    if fast.any():
        batch = largest_remainder_batch(votes[fast][:, order], seats, threshold, base[fast])
        won[np.ix_(fast, order)] = batch
    undecided = 0
    slow = np.flatnonzero(~fast)
    if slow.size:
        keys = np.column_stack([totals[slow], participated[slow]])
        unique, inverse = np.unique(keys, axis=0, return_inverse=True)
        for index, key in enumerate(unique):
            outcome = _decide_totals(contest, law, key)
            rows = slow[inverse.reshape(-1) == index]
            if outcome is None or outcome.tie is not None:
                undecided += rows.size
                if outcome is None:
                    continue
            won[rows] = [outcome.seats.get(name, 0) for name in names]
    return DrawnSeats(won, passes, undecided)


def _distribution(
    count: CountInProgress,
    law: Rules,
    totals: Counts,
    participated: Counts,
    draws: int,
    seed: int,
    error: float,
) -> SeatDistribution:
    contest = count.contest
    names = tuple(contest.options)
    drawn = seats_of_draws(contest, law, totals, participated)
    won, passes, undecided = drawn.won, drawn.passes, drawn.undecided
    parties = []
    for j, name in enumerate(names):
        column = won[:, j]
        histogram = np.bincount(column, minlength=1) / draws
        parties.append(
            PartySeats(
                option=name,
                probability=tuple(float(p) for p in histogram),
                low=int(np.quantile(column, 0.05, method="inverted_cdf")),
                high=int(np.quantile(column, 0.95, method="inverted_cdf")),
                mean=float(column.mean()),
                passes_threshold=float(passes[:, j].mean()),
            )
        )
    return SeatDistribution(
        draws=draws,
        seed=seed,
        error=error,
        precincts_reported=int(count.reported.sum()),
        precincts_pending=int((~count.reported).sum()),
        seats=_seat_count(contest, _chamber(contest, law)),
        parties=tuple(parties),
        undecided_draws=undecided,
    )


def _decide_totals(contest: Contest, law: Rules, key: Counts) -> ListOutcome | None:
    """The exact engine's outcome for one draw's totals (None if it cannot decide them)."""
    invalid, against_all, *votes, participated = (int(v) for v in key)
    drawn = dataclasses.replace(
        contest,
        invalid=invalid,
        against_all=against_all if law.elections.against_all_on_ballot else 0,
        participated=participated,
        registered=max(contest.registered or 0, participated),
        options=dict(zip(contest.options, votes, strict=True)),
        seats=contest.seats if contest.kind is Kind.MASLIKHAT_LIST else None,
        regions=None,
    )
    try:
        outcome = decide(drawn, law)
    except BadInput:
        return None
    assert isinstance(outcome, ListOutcome)
    return outcome


def to_document(result: SeatDistribution) -> dict[str, object]:
    """The distribution as ``saylau whatif --monte-carlo`` prints it."""
    return {
        "draws": result.draws,
        "seed": result.seed,
        "error": result.error,
        "precincts_reported": result.precincts_reported,
        "precincts_pending": result.precincts_pending,
        "seats": result.seats,
        "undecided_draws": result.undecided_draws,
        "parties": [
            {
                "option": p.option,
                "distribution": [
                    {"seats": seats, "probability": share}
                    for seats, share in enumerate(p.probability)
                    if share > 0
                ],
                "interval_5_95": [p.low, p.high],
                "mean": p.mean,
                "passes_threshold": p.passes_threshold,
            }
            for p in result.parties
        ],
    }
