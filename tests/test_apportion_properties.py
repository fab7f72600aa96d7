"""Properties every seat-allocation method must keep, and the ones some methods are known to break.

Hypothesis draws vote vectors; the expected values are either properties (sum, quota, house
monotonicity, permutation invariance, threshold) or published worked examples checked by hand.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from saylau.apportion import (
    Allocation,
    ApportionmentError,
    Method,
    allocate,
    highest_averages,
    largest_remainder,
    largest_remainder_batch,
    passes_threshold,
    passing,
)

# Per test, not a global profile: other test modules keep their own settings.
PROPERTY = settings(deadline=None, max_examples=150)

DIVISOR_METHODS = [Method.DHONDT, Method.SAINTE_LAGUE]


def names(count: int) -> list[str]:
    return [f"P{index}" for index in range(count)]


def as_votes(counts: list[int]) -> dict[str, int]:
    return dict(zip(names(len(counts)), counts, strict=True))


def vote_counts(max_parties: int = 10) -> st.SearchStrategy[list[int]]:
    """Vote vectors with at least one vote, from tiny (many ties) to national magnitudes."""
    count = st.one_of(st.integers(0, 6), st.integers(0, 10_000), st.integers(0, 10_000_000))
    return st.lists(count, min_size=1, max_size=max_parties).filter(any)


def droop_quota_too_small(votes: dict[str, int], seats: int) -> bool:
    """More seats left after whole Droop quotas than there are parties to take one each."""
    total = sum(votes.values())
    quota = total // (seats + 1) + 1
    return seats - sum(count // quota for count in votes.values()) > len(votes)


def allocate_or_none(method: Method, votes: dict[str, int], seats: int) -> Allocation | None:
    """Allocate; ``None`` where the Droop quota cannot place every seat (checked to be why)."""
    try:
        return allocate(method, votes, seats)
    except ApportionmentError:
        assert method is Method.LARGEST_REMAINDER_DROOP
        assert droop_quota_too_small(votes, seats)
        return None


# --- Seats add up -------------------------------------------------------------------------


@pytest.mark.parametrize("method", list(Method))
@PROPERTY
@given(counts=vote_counts(), seats=st.integers(0, 120))
def test_seats_and_tied_seats_add_up_to_the_total(
    method: Method, counts: list[int], seats: int
) -> None:
    """Every seat is either given or reported as tied; none is lost or invented."""
    votes = as_votes(counts)
    result = allocate_or_none(method, votes, seats)
    if result is None:
        return
    assert set(result.seats) == set(votes)
    assert all(count >= 0 for count in result.seats.values())
    if result.tie is None:
        assert result.total == seats
    else:
        event("tie")
        assert result.total + result.tie.seats == seats
        assert 0 < result.tie.seats < len(result.tie.parties)
        assert set(result.tie.parties) <= set(votes)


@pytest.mark.parametrize("method", list(Method))
@PROPERTY
@given(counts=vote_counts(), seats=st.integers(0, 120))
def test_priority_leaves_no_tie(method: Method, counts: list[int], seats: int) -> None:
    """With a complete tie-break order every seat is given."""
    votes = as_votes(counts)
    try:
        result = allocate(method, votes, seats, priority=list(votes))
    except ApportionmentError:
        assert method is Method.LARGEST_REMAINDER_DROOP and droop_quota_too_small(votes, seats)
        return
    assert result.tie is None
    assert result.total == seats


@pytest.mark.parametrize("method", list(Method))
@PROPERTY
@given(counts=vote_counts(), seats=st.integers(1, 120))
def test_a_party_without_votes_gets_no_seat(method: Method, counts: list[int], seats: int) -> None:
    """Zero votes never earn a seat while the quota is not degenerate.

    Degenerate: a Droop quota so small against the seats (total < seats * (seats + 1)) that
    seats are left over for lists with no remainder at all.
    """
    votes = as_votes(counts)
    if method is Method.LARGEST_REMAINDER_DROOP:
        assume(sum(counts) >= seats * (seats + 1))
    result = allocate(method, votes, seats, priority=list(votes))
    assert all(result.seats[name] == 0 for name, count in votes.items() if count == 0)


# --- Quota ----------------------------------------------------------------------------------


@PROPERTY
@given(counts=vote_counts(), seats=st.integers(0, 150), use_priority=st.booleans())
def test_hare_gives_every_party_floor_or_ceiling_of_its_quota(
    counts: list[int], seats: int, use_priority: bool
) -> None:
    """Largest remainder with the Hare quota stays within one seat of the exact share."""
    votes = as_votes(counts)
    total = sum(counts)
    result = largest_remainder(votes, seats, "hare", list(votes) if use_priority else None)
    tied = set(result.tie.parties) if result.tie else set()
    for name, count in votes.items():
        share = Fraction(count * seats, total)
        if name in tied:
            # Still waiting for a tied seat: it holds the floor and may get the ceiling.
            assert result.seats[name] == math.floor(share)
        else:
            assert math.floor(share) <= result.seats[name] <= math.ceil(share)
    assert result.quota == Fraction(total, seats) if seats else result.quota is None


@PROPERTY
@given(counts=vote_counts(), seats=st.integers(0, 120))
def test_dhondt_gives_every_party_at_least_the_floor_of_its_quota(
    counts: list[int], seats: int
) -> None:
    """D'Hondt (Jefferson) satisfies lower quota."""
    votes = as_votes(counts)
    total = sum(counts)
    result = highest_averages(votes, seats, "dhondt", list(votes))
    for name, count in votes.items():
        assert result.seats[name] >= count * seats // total


# --- House monotonicity and the Alabama paradox ---------------------------------------------


@pytest.mark.parametrize("method", DIVISOR_METHODS)
@PROPERTY
@given(counts=vote_counts(), seats=st.integers(0, 100))
def test_divisor_methods_never_take_a_seat_away_when_the_house_grows(
    method: Method, counts: list[int], seats: int
) -> None:
    """Divisor methods are house monotone: one more seat in the house costs nobody a seat."""
    votes = as_votes(counts)
    order = list(votes)
    smaller = allocate(method, votes, seats, order)
    larger = allocate(method, votes, seats + 1, order)
    assert all(larger.seats[name] >= smaller.seats[name] for name in votes)
    assert larger.total == smaller.total + 1


@pytest.mark.parametrize("method", DIVISOR_METHODS)
@PROPERTY
@given(counts=vote_counts(), seats=st.integers(0, 100))
def test_divisor_methods_are_house_monotone_without_a_tie_break(
    method: Method, counts: list[int], seats: int
) -> None:
    """The same holds for results the arithmetic alone decides."""
    votes = as_votes(counts)
    smaller = allocate(method, votes, seats)
    larger = allocate(method, votes, seats + 1)
    assume(smaller.tie is None and larger.tie is None)
    assert all(larger.seats[name] >= smaller.seats[name] for name in votes)


def test_largest_remainder_shows_the_alabama_paradox() -> None:
    """House monotonicity does NOT hold for largest remainder: C loses a seat at 11 seats.

    The textbook example: populations 6, 6, 2. At 10 seats the exact shares are 4.29, 4.29,
    1.43 and the one seat left goes to C's larger remainder (4, 4, 2); at 11 seats they are
    4.71, 4.71, 1.57 and the two seats left go to A and B (5, 5, 1).
    """
    votes = {"A": 6, "B": 6, "C": 2}
    ten = largest_remainder(votes, 10, "hare")
    eleven = largest_remainder(votes, 11, "hare")
    assert ten.seats == {"A": 4, "B": 4, "C": 2}
    assert eleven.seats == {"A": 5, "B": 5, "C": 1}
    assert ten.tie is None and eleven.tie is None
    assert eleven.seats["C"] < ten.seats["C"]
    # The divisor methods keep C's seat on the same votes.
    for method in DIVISOR_METHODS:
        before = allocate(method, votes, 10, list(votes)).seats["C"]
        assert allocate(method, votes, 11, list(votes)).seats["C"] >= before


# --- Thresholds -----------------------------------------------------------------------------


@PROPERTY
@given(
    counts=vote_counts(),
    percent=st.integers(0, 30),
    extra=st.integers(0, 1_000_000),
)
def test_passing_is_exactly_the_lists_at_or_above_the_threshold(
    counts: list[int], percent: int, extra: int
) -> None:
    """``passing`` keeps input order and agrees with exact rational comparison."""
    votes = as_votes(counts)
    threshold = Fraction(percent, 100)
    base = sum(counts) + extra
    expected = [name for name, count in votes.items() if Fraction(count, base) >= threshold]
    assert passing(votes, base, threshold) == expected


@PROPERTY
@given(
    numerator=st.integers(1, 99),
    denominator=st.integers(2, 100),
    scale=st.integers(1, 10**12),
)
def test_a_list_exactly_at_the_threshold_passes_and_one_vote_less_fails(
    numerator: int, denominator: int, scale: int
) -> None:
    """The boundary is inclusive, decided in exact integers whatever the magnitude."""
    threshold = Fraction(numerator, denominator)
    assume(threshold < 1)
    base = threshold.denominator * scale
    at = threshold.numerator * scale
    assert passes_threshold(at, base, threshold)
    assert not passes_threshold(at - 1, base, threshold)
    assert passing({"at": at, "below": at - 1}, base, threshold) == ["at"]


def test_threshold_is_exact_where_floating_point_is_not() -> None:
    """10**17 of 3 * 10**17 + 1 is below one third, though the float quotient is 1/3."""
    base = 3 * 10**17 + 1
    assert 10**17 / base >= 1 / 3  # what float arithmetic would conclude
    assert not passes_threshold(10**17, base, Fraction(1, 3))
    assert passes_threshold(10**17, base - 1, Fraction(1, 3))
    row = [[10**17, 2 * 10**17]]
    assert largest_remainder_batch(row, 3, Fraction(1, 3), [base]).tolist() == [[0, 3]]
    assert largest_remainder_batch(row, 3, Fraction(1, 3), [base - 1]).tolist() == [[1, 2]]


def test_batch_threshold_boundary_is_inclusive() -> None:
    """At exactly 5 % a list keeps its seat; one vote short, it has none."""
    at = largest_remainder_batch([[50, 950]], 20, Fraction(5, 100))
    below = largest_remainder_batch([[49, 951]], 20, Fraction(5, 100))
    assert at.tolist() == [[1, 19]]
    assert below.tolist() == [[0, 20]]


@PROPERTY
@given(
    rows=st.lists(st.lists(st.integers(0, 10_000), min_size=7, max_size=7), min_size=1),
    percent=st.integers(1, 30),
    seats=st.integers(1, 100),
)
def test_batch_never_seats_a_list_below_the_threshold(
    rows: list[list[int]], percent: int, seats: int
) -> None:
    """The batch applies the threshold itself: lists under it take no seat."""
    threshold = Fraction(percent, 100)

    def anyone_passes(row: list[int]) -> bool:
        return any(count and Fraction(count, sum(row)) >= threshold for count in row)

    try:
        result = largest_remainder_batch(rows, seats, threshold)
    except ApportionmentError:
        assert not all(anyone_passes(row) for row in rows)
        return
    for row, got in zip(rows, result.tolist(), strict=True):
        for count, won in zip(row, got, strict=True):
            if Fraction(count, sum(row)) < threshold:
                assert won == 0
        assert sum(got) == seats


# --- Permutation invariance -----------------------------------------------------------------


@pytest.mark.parametrize("method", list(Method))
@PROPERTY
@given(data=st.data(), counts=vote_counts(), seats=st.integers(0, 100))
def test_reordering_parties_changes_nobodys_seats(
    method: Method, data: st.DataObject, counts: list[int], seats: int
) -> None:
    """Input order matters only for a tie; the priority order is what breaks ties."""
    votes = as_votes(counts)
    shuffled = dict(data.draw(st.permutations(list(votes.items()))))
    original = allocate_or_none(method, votes, seats)
    if original is None:
        return
    reordered = allocate(method, shuffled, seats)
    if original.tie is None:
        assert reordered.tie is None
        assert reordered.seats == original.seats
    else:
        assert reordered.tie is not None
        assert set(reordered.tie.parties) == set(original.tie.parties)
        assert reordered.tie.seats == original.tie.seats
    priority = list(votes)
    assert (
        allocate(method, shuffled, seats, priority).seats
        == allocate(method, votes, seats, priority).seats
    )


# --- Ties -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method", [Method.LARGEST_REMAINDER_HARE, Method.DHONDT, Method.SAINTE_LAGUE]
)
@PROPERTY
@given(
    count=st.integers(1, 10**7),
    parties=st.integers(2, 7),
    seats=st.integers(1, 60),
)
def test_equal_votes_tie_and_priority_breaks_the_tie(
    method: Method, count: int, parties: int, seats: int
) -> None:
    """n equal lists share seats // n each; the seats % n left are a tie among all of them."""
    assume(seats % parties)
    votes = as_votes([count] * parties)
    result = allocate(method, votes, seats)
    assert result.seats == dict.fromkeys(votes, seats // parties)
    assert result.tie is not None
    assert set(result.tie.parties) == set(votes)
    assert result.tie.seats == seats % parties

    priority = list(reversed(votes))
    broken = allocate(method, votes, seats, priority)
    assert broken.tie is None
    winners = set(priority[: seats % parties])
    for name in votes:
        assert broken.seats[name] == seats // parties + (name in winners)
    assert set(broken.tie_broken_by_priority) == set(votes)


def test_dhondt_tie_between_a_second_quotient_and_two_first_quotients() -> None:
    """100, 50, 50 for two seats: A's second quotient 50 ties B's and C's first."""
    votes = {"A": 100, "B": 50, "C": 50}
    result = highest_averages(votes, 2, "dhondt")
    assert result.seats == {"A": 1, "B": 0, "C": 0}
    assert result.tie is not None
    assert set(result.tie.parties) == {"A", "B", "C"}
    assert result.tie.seats == 1
    assert highest_averages(votes, 2, "dhondt", ["C", "B", "A"]).seats == {
        "A": 1,
        "B": 0,
        "C": 1,
    }
    assert highest_averages(votes, 2, "dhondt", ["A", "B", "C"]).seats == {
        "A": 2,
        "B": 0,
        "C": 0,
    }


def test_priority_missing_a_tied_party_leaves_the_tie() -> None:
    """A tie-break order that does not rank every tied party cannot decide."""
    result = largest_remainder({"A": 1, "B": 1, "C": 3}, 2, "hare", priority=["A", "C"])
    assert result.tie is not None
    assert set(result.tie.parties) == {"A", "B"}
    assert result.seats == {"A": 0, "B": 0, "C": 1}


def test_droop_ties_equal_remainders() -> None:
    """3, 3, 1, 1 votes: for two seats the Droop quota is 3 and A and B fill one each; for one
    seat it is 5, nobody fills it and A and B tie on remainders of 3."""
    votes = {"A": 3, "B": 3, "C": 1, "D": 1}
    two = largest_remainder(votes, 2, "droop")
    assert two.seats == {"A": 1, "B": 1, "C": 0, "D": 0}
    assert two.quota == 3 and two.tie is None
    one = largest_remainder(votes, 1, "droop")
    assert one.quota == 5
    assert one.tie is not None and set(one.tie.parties) == {"A", "B"} and one.tie.seats == 1


# --- Batch equals scalar --------------------------------------------------------------------


@st.composite
def vote_matrices(draw: st.DrawFn) -> list[list[int]]:
    """Rows of one width; small ranges make equal remainders (ties) common."""
    width = draw(st.integers(1, 20))
    high = draw(st.sampled_from([3, 50, 10_000, 10**9]))
    row = st.lists(st.integers(0, high), min_size=width, max_size=width)
    return draw(st.lists(row, min_size=1, max_size=12))


def scalar_row(row: list[int], seats: int, threshold: Fraction, base: int) -> list[int] | None:
    """One row by the scalar method, columns as the tie-break order; None if nobody passes."""
    columns = [f"c{index}" for index in range(len(row))]
    votes = dict(zip(columns, row, strict=True))
    kept = {name: votes[name] for name in passing(votes, base, threshold)}
    if not any(kept.values()):
        return None
    result = largest_remainder(kept, seats, "hare", priority=columns)
    assert result.tie is None
    if largest_remainder(kept, seats, "hare").tie is not None:
        event("row decided by column order")
    return [result.seats.get(name, 0) for name in columns]


@PROPERTY
@given(
    matrix=vote_matrices(),
    seats=st.integers(0, 100),
    percent=st.integers(0, 20),
    extras=st.one_of(st.none(), st.lists(st.integers(0, 10**6), min_size=12, max_size=12)),
)
def test_batch_equals_scalar_largest_remainder(
    matrix: list[list[int]], seats: int, percent: int, extras: list[int] | None
) -> None:
    """Batch rows equal the scalar Hare allocation with column order as priority."""
    threshold = Fraction(percent, 100)
    bases = [sum(row) + (extras[index] if extras else 0) for index, row in enumerate(matrix)]
    expected = [
        scalar_row(row, seats, threshold, base) for row, base in zip(matrix, bases, strict=True)
    ]
    base_arg = bases if extras is not None else None
    if any(row is None for row in expected):
        with pytest.raises(ApportionmentError):
            largest_remainder_batch(matrix, seats, threshold, base_arg)
        return
    got = largest_remainder_batch(np.array(matrix, dtype=np.int64), seats, threshold, base_arg)
    assert got.dtype == np.int64
    assert got.shape == (len(matrix), len(matrix[0]))
    assert got.tolist() == expected


@pytest.mark.parametrize("width", [3, 16, 17, 30])
def test_batch_gives_equal_remainders_to_the_earlier_column(width: int) -> None:
    """Equal votes mean equal remainders: the leftmost columns win, on both ranking paths."""
    row = [5] * width
    seats = width + width // 2  # one each, then width // 2 seats on a full tie
    assert largest_remainder(as_votes(row), seats, "hare").tie is not None
    got = largest_remainder_batch([row, [7] * width], seats)
    expected = [2] * (width // 2) + [1] * (width - width // 2)
    assert got.tolist() == [expected, expected]


def test_batch_keeps_large_rows_exact() -> None:
    """Totals times seats beyond 32 bits take the 64-bit path and stay exact."""
    row = [3_000_000_001, 1_999_999_999, 1_000_000_000]
    expected = largest_remainder(as_votes(row), 150, "hare", names(3))
    got = largest_remainder_batch([row, [1, 2, 3]], 150)
    assert got[0].tolist() == list(expected.seats.values())
    assert got[1].tolist() == [25, 50, 75]


def test_batch_of_no_rows_is_empty() -> None:
    assert largest_remainder_batch(np.zeros((0, 7), dtype=np.int64), 69).shape == (0, 7)


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", list(Method))
@pytest.mark.parametrize(
    ("votes", "seats"),
    [
        ({"A": -1, "B": 10}, 5),
        ({"A": True, "B": 10}, 5),
        ({"A": 1.5, "B": 10}, 5),
        ({"A": 0, "B": 0}, 5),
        ({}, 5),
        ({"A": 1, "B": 10}, -1),
    ],
    ids=["negative", "bool", "float", "no votes", "no parties", "negative seats"],
)
def test_bad_input_is_refused(method: Method, votes: dict[str, int], seats: int) -> None:
    with pytest.raises(ApportionmentError):
        allocate(method, votes, seats)


def test_unknown_quota_or_divisors_are_refused() -> None:
    with pytest.raises(ApportionmentError):
        largest_remainder({"A": 1}, 1, "imperiali")
    with pytest.raises(ApportionmentError):
        highest_averages({"A": 1}, 1, "danish")


@pytest.mark.parametrize(
    ("votes", "seats"),
    [
        ([[-1, 10]], 5),
        ([[True, False]], 5),
        ([[1.5, 10.0]], 5),
        ([[0, 0], [1, 2]], 5),
        ([1, 2, 3], 5),
        ([[1, 2]], -1),
    ],
    ids=["negative", "bool", "float", "no votes in a row", "one-dimensional", "negative seats"],
)
def test_batch_bad_input_is_refused(votes: npt.ArrayLike, seats: int) -> None:
    with pytest.raises(ApportionmentError):
        largest_remainder_batch(votes, seats)


def test_batch_row_without_votes_above_threshold_is_refused() -> None:
    with pytest.raises(ApportionmentError):
        largest_remainder_batch([[4, 4, 4]], 3, Fraction(1, 2))


# --- Published worked examples --------------------------------------------------------------


def test_dhondt_textbook_example() -> None:
    """The common D'Hondt example: 100 000, 80 000, 30 000, 20 000 votes for 8 seats."""
    votes = {"A": 100_000, "B": 80_000, "C": 30_000, "D": 20_000}
    result = highest_averages(votes, 8, "dhondt")
    assert result.seats == {"A": 4, "B": 3, "C": 1, "D": 0}
    assert result.tie is None


def test_sainte_lague_textbook_example() -> None:
    """The same votes by Sainte-Laguë: 3, 3, 1, 1; A's third and D's first quotient are
    both 20 000 and both fit among the 8 seats, so there is no tie."""
    votes = {"A": 100_000, "B": 80_000, "C": 30_000, "D": 20_000}
    result = highest_averages(votes, 8, "sainte_lague")
    assert result.seats == {"A": 3, "B": 3, "C": 1, "D": 1}
    assert result.tie is None


LARGEST_REMAINDER_EXAMPLE = {
    "A": 47_000,
    "B": 16_000,
    "C": 15_800,
    "D": 12_000,
    "E": 6_100,
    "F": 3_100,
}


def test_hare_textbook_example() -> None:
    """100 000 votes, 10 seats, Hare quota 10 000: 7 whole seats, then A, E and B."""
    result = largest_remainder(LARGEST_REMAINDER_EXAMPLE, 10, "hare")
    assert result.seats == {"A": 5, "B": 2, "C": 1, "D": 1, "E": 1, "F": 0}
    assert result.quota == 10_000


def test_droop_textbook_example() -> None:
    """Same votes, Droop quota 9 091: 8 whole seats, then B and C."""
    result = largest_remainder(LARGEST_REMAINDER_EXAMPLE, 10, "droop")
    assert result.seats == {"A": 5, "B": 2, "C": 2, "D": 1, "E": 0, "F": 0}
    assert result.quota == 9_091


def test_batch_textbook_example() -> None:
    row = list(LARGEST_REMAINDER_EXAMPLE.values())
    assert largest_remainder_batch([row], 10).tolist() == [[5, 2, 1, 1, 1, 0]]
