"""A constructed set of party lists for the Mazhilis election of 2023-03-19.

The real lists (with the candidates' birth dates and disabilities) are not published as
data, so each list here is invented: plausible Kazakh names, valid IINs, and quota-group
members (women, persons under 29 on election day, men with a disability) placed so that
every prefix of the list keeps the 30 % share. One list, ``order_breaking``, puts its
quota-group members at the bottom instead: it meets the list quota but taking its names in
order would break the mandate quota, so the move-up rule has work to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np

from saylau.register.iin import Sex, encode
from saylau.register.lists import ListCandidate, PartyList
from saylau.synth.national import _FIRST_FEMALE, _FIRST_MALE, _SURNAMES

ELECTION_DAY = dt.date(2023, 3, 19)
SUBMITTED_ON = dt.date(2023, 2, 7)

#: Candidates per list: enough for the seats each party won in 2023 and some to spare.
SIZES_2023: Mapping[str, int] = {
    "amanat": 80,
    "auyl": 20,
    "respublica": 15,
    "ak-zhol": 15,
    "peoples-party": 15,
    "osdp": 12,
    "baytaq": 10,
}
ORDER_BREAKING = "respublica"
#: The share the construction keeps; the law's own share is read from the law data.
_SHARE_TENTHS = 3


def _quota_positions(size: int, order_breaking: bool) -> set[int]:
    """Positions of quota-group members: greedily keeping 30 % of every prefix, or all at
    the bottom of an order-breaking list."""
    required = -(-_SHARE_TENTHS * size // 10)
    if order_breaking:
        return set(range(size - required + 1, size + 1))
    positions: set[int] = set()
    for position in range(1, size + 1):
        if len(positions) * 10 < _SHARE_TENTHS * position:
            positions.add(position)
    return positions


def _birth(rng: np.random.Generator, low: int, high: int) -> dt.date:
    """A birth date giving an age in ``[low, high)`` full years on election day."""
    days = int(rng.integers(low * 366, high * 365))
    return ELECTION_DAY - dt.timedelta(days=days)


def constructed_lists(
    seed: int = 2023,
    sizes: Mapping[str, int] = SIZES_2023,
    order_breaking: str = ORDER_BREAKING,
) -> dict[str, PartyList]:
    """One list per party id, reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    serial = 0
    lists: dict[str, PartyList] = {}
    for party, size in sizes.items():
        quota = _quota_positions(size, party == order_breaking)
        candidates: list[ListCandidate] = []
        turn = 0
        for position in range(1, size + 1):
            woman = youth = disability = False
            if position in quota:
                kind = turn % 3
                woman, youth, disability = kind == 0, kind == 1, kind == 2
                turn += 1
            birth = _birth(rng, 24, 29) if youth else _birth(rng, 32, 66)
            firsts = _FIRST_FEMALE if woman else _FIRST_MALE
            first = firsts[int(rng.integers(len(firsts)))][0]
            surname = _SURNAMES[int(rng.integers(len(_SURNAMES)))][0] + ("a" if woman else "")
            while True:
                serial += 1
                try:
                    iin = encode(birth, Sex.FEMALE if woman else Sex.MALE, serial)
                except ValueError:
                    continue
                break
            candidates.append(
                ListCandidate(iin, f"{first} {surname}", position, birth, woman, disability)
            )
        lists[party] = PartyList(party, SUBMITTED_ON, tuple(candidates))
    return lists
