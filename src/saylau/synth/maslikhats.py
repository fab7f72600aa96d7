"""The combined night of 19 March 2023: the Mazhilis and every maslikhat on one day.

Each precinct files one protocol per ballot it hands out: the Mazhilis party list and its
single-member district (as :func:`saylau.synth.national.generate` makes them, unchanged), the
maslikhat of its region or republican city (half by party lists, half by single-member
districts, the shares the law of the date gives) and, outside the three republican cities,
the maslikhat of its district or city (wholly single-member districts). That is five
protocols a precinct, four in Astana, Almaty and Shymkent, whose city districts have no
maslikhat of their own.

What is official and kept exactly (at :data:`BASE_PRECINCTS` precincts, scaled otherwise):
the Mazhilis totals, and Astana's maslikhat list, its voters, votes and 17 seats
(``results-maslikhat-astana-2023.csv``).

What is constructed, and says so in every name (:func:`saylau.synth.national.constructed`):
every other maslikhat's size, votes and candidates, and every maslikhat district's. The sizes
are made to total the 3,415 seats the CEC reported for 2023: a regional maslikhat has
34 seats scaled by the square root of its voters against Astana's (rounded to an even number,
Astana's own 34 kept), the district and city maslikhats share the rest by the square root of
their voters, at least 9 each. The data has 205 district and city maslikhats where the CEC
counted 203 (166 districts and 37 cities); the two extra are not known, so all are held.
A maslikhat has no more single-member districts than it has precincts: with fewer precincts
than the 10,000 of the real night, the smallest get fewer districts than seats.

Ballot counts: the maslikhat ballots of a precinct share one set of counts (those who took
them, issued, cancelled), a few voters fewer than took the Mazhilis ballot; Astana's add up
to its official maslikhat turnout. List shares are drawn around the precinct's own Mazhilis
shares; candidates as for the Mazhilis districts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from saylau.election import ContestDef, Election, Names, OptionDef
from saylau.law.rules import rules_at
from saylau.model import Kind
from saylau.synth.national import (
    BASE_PRECINCTS,
    ELECTION_DATE,
    F64,
    I64,
    ProtocolColumns,
    SyntheticElection,
    _draw_shares,
    _fit_margins,
    _names,
    _Party,
    _smd_ballot,
    _sources,
    _split,
    constructed,
    generate,
)
from saylau.territory import rows

ASTANA = "KZ-71"
SEATS_2023 = 3_415
"""Maslikhat seats elected on 19 March 2023 (spec §5, ElectionGuide)."""
_ASTANA_SEATS = 34  # its 17 list seats are the official half
_LEAST_DISTRICT_SEATS = 9
_LIST_CONCENTRATION = 300.0
_SMD_CONCENTRATION = 120.0


@dataclass(frozen=True, slots=True)
class _Official:
    """Astana's maslikhat list as the sources give it (party result names as keys)."""

    registered: int
    participated: int
    invalid: int
    against_all: int
    votes: dict[str, int]
    list_seats: int
    seats: dict[str, int]


@cache
def astana_list() -> _Official:
    lines = {row["line"]: int(row["value"]) for row in rows("results-maslikhat-astana-2023.csv")}
    votes = {k.removeprefix("party:"): v for k, v in lines.items() if k.startswith("party:")}
    seats = {k.removeprefix("seats:"): v for k, v in lines.items() if k.startswith("seats:")}
    official = _Official(
        lines["registered"],
        lines["participated"],
        lines["invalid"],
        lines["against_all"],
        votes,
        lines["list_seats"],
        seats,
    )
    if sum(votes.values()) + official.against_all + official.invalid != official.participated:
        raise AssertionError("Astana's maslikhat lines do not add up to those who took part")
    return official


def list_contest_id(region: str) -> str:
    return f"maslikhat-{region}-list"


@dataclass(frozen=True, slots=True)
class _Maslikhat:
    """One maslikhat: whose (a region's or a district's unit code), its level and seats."""

    unit: str
    names: Names
    level: str
    list_seats: int
    district_seats: int
    precincts: I64  # indices, in definition order


def _sizes(region_voters: F64, district_voters: F64, astana: int) -> tuple[I64, I64]:
    """Seats of each regional and each district maslikhat, together :data:`SEATS_2023`."""
    relative = np.sqrt(region_voters / region_voters[astana])
    regional = 2 * np.rint(_ASTANA_SEATS / 2 * relative).astype(np.int64)
    regional[astana] = _ASTANA_SEATS
    rest = SEATS_2023 - int(regional.sum()) - _LEAST_DISTRICT_SEATS * len(district_voters)
    district = _LEAST_DISTRICT_SEATS + _split(rest, np.sqrt(district_voters))
    return regional, district


def _groups(voters: I64, count: int) -> I64:
    """``count`` contiguous groups of similar voters over precincts in order, none empty."""
    if count >= len(voters):
        return np.arange(len(voters), dtype=np.int64)
    cumulative = np.cumsum(voters)
    targets = cumulative[-1] * np.arange(1, count) / count
    cuts = np.searchsorted(cumulative, targets, side="left") + 1
    least = np.arange(1, count)
    cuts = np.clip(cuts, least, len(voters) - count + least)
    cuts = np.maximum.accumulate(np.maximum(cuts, least))
    for k in range(1, len(cuts)):  # strictly increasing: every group holds a precinct
        cuts[k] = max(cuts[k], cuts[k - 1] + 1)
    group = np.zeros(len(voters), dtype=np.int64)
    group[cuts] = 1
    result: I64 = np.cumsum(group)
    return result


@dataclass
class _Built:
    """Protocol columns of the new contests, one list per column."""

    contests: list[ContestDef]
    precinct: list[I64]
    contest: list[I64]
    against_all: list[I64]
    invalid: list[I64]
    votes: list[I64]


def combined_2023(seed: int = 2023, precincts: int = BASE_PRECINCTS) -> SyntheticElection:
    """The whole ballot of 19 March 2023 with ``precincts`` precincts, the same for a seed."""
    mazhilis = generate(seed, precincts)
    base, cols = mazhilis.election, mazhilis.protocols
    rng = np.random.default_rng([seed, 20230319])
    sources = _sources()
    law = rules_at(ELECTION_DATE).maslikhat
    scale = precincts / BASE_PRECINCTS

    # One row per precinct, read from its Mazhilis list protocol.
    first = np.nonzero(cols.contest == 0)[0]
    first = first[np.argsort(cols.precinct[first], kind="stable")]
    on_list, added = cols.voters_on_list[first], cols.voters_added[first]
    issued, cancelled, found = (
        cols.ballots_issued[first],
        cols.ballots_cancelled[first],
        cols.ballots_found[first],
    )
    mazhilis_table = np.column_stack(
        (cols.votes[0][cols.row[first]], cols.against_all[first], cols.invalid[first])
    )
    region = cols.precinct_region
    region_codes = cols.region_codes
    astana = region_codes.index(ASTANA)
    precinct_units = base.precincts()
    district_codes = [u.code for u in base.units if u.level == "district"]
    district_index = {code: k for k, code in enumerate(district_codes)}
    precinct_district = np.array([district_index[u.parent or ""] for u in precinct_units])

    # The maslikhat ballots: a few fewer take them; Astana's add up to its official turnout.
    official = astana_list()
    astana_columns = np.array(
        [
            *(round(official.votes[p.result_name] * scale) for p in astana_parties()),
            round(official.against_all * scale),
            round(official.invalid * scale),
        ],
        dtype=np.int64,
    )
    taken = found - rng.binomial(found, 0.004)
    in_astana = region == astana
    gap = issued - found
    taken[in_astana] = _split(
        int(astana_columns.sum()),
        found[in_astana].astype(np.float64),
        caps=(on_list + added - gap)[in_astana],
    )
    taken_issued = taken + gap
    received = taken_issued + cancelled

    weights = (on_list + added).astype(np.float64)
    region_voters: F64 = np.bincount(region, weights, len(region_codes)).astype(np.float64)
    district_voters: F64 = np.bincount(precinct_district, weights, len(district_codes)).astype(
        np.float64
    )
    has_own = np.array([d.own_maslikhat for d in sources.districts])
    regional_seats, district_seats = _sizes(region_voters, district_voters[has_own], astana)
    maslikhats = [
        _Maslikhat(
            code,
            base.unit(code).names,
            "regional",
            int(seats * law.regional_list_share),
            int(seats - seats * law.regional_list_share),
            np.nonzero(region == k)[0],
        )
        for k, (code, seats) in enumerate(zip(region_codes, regional_seats.tolist(), strict=True))
    ]
    for code, seats in zip(
        [c for c, own in zip(district_codes, has_own, strict=True) if own],
        district_seats.tolist(),
        strict=True,
    ):
        maslikhats.append(
            _Maslikhat(
                code,
                base.unit(code).names,
                "district",
                int(seats * law.district_list_share),
                int(seats - seats * law.district_list_share),
                np.nonzero(precinct_district == district_index[code])[0],
            )
        )

    built = _Built([], [], [], [], [], [])
    codes = [u.code for u in precinct_units]
    for maslikhat in maslikhats:
        if maslikhat.list_seats:
            _list_contest(
                rng,
                built,
                maslikhat,
                mazhilis_table,
                taken,
                astana_columns,
                maslikhat.unit == ASTANA,
            )
    voters = on_list + added
    party_votes = mazhilis_table[:, : len(sources.parties)].sum(axis=0)
    national_share = party_votes / party_votes.sum()
    for maslikhat in maslikhats:
        _district_contests(rng, built, maslikhat, codes, voters, taken, national_share)

    election = Election(
        "elections-2023-synthetic",
        ELECTION_DATE,
        _names(
            "Мәжіліс пен мәслихаттар депутаттарын сайлау, 2023 (синтетикалық деректер)",
            "Выборы депутатов Мажилиса и маслихатов, 2023 (синтетические данные)",
            "Mazhilis and maslikhat elections, 2023 (synthetic data)",
        ),
        base.units,
        (*base.contests, *built.contests),
    )
    return SyntheticElection(
        election,
        _joined(cols, built, on_list, added, received, taken_issued, cancelled, taken),
    )


def astana_parties() -> list[_Party]:
    """The parties on Astana's maslikhat list, in the national ballot's order."""
    listed = astana_list().votes
    return [p for p in _sources().parties if p.result_name in listed]


def _list_contest(
    rng: np.random.Generator,
    built: _Built,
    maslikhat: _Maslikhat,
    mazhilis_table: I64,
    taken: I64,
    astana_columns: I64,
    official: bool,
) -> None:
    """A regional maslikhat's party list: shares around each precinct's Mazhilis ones;
    Astana's fitted to its official totals."""
    parties = list(_sources().parties)
    if official:
        kept = {p.id for p in astana_parties()}
        columns = [k for k, p in enumerate(parties) if p.id in kept]
        parties = [parties[k] for k in columns]
    else:
        columns = list(range(len(parties)))
    members = maslikhat.precincts
    table = mazhilis_table[members][:, [*columns, -2, -1]].astype(np.float64) + 0.5
    means = table / table.sum(axis=1, keepdims=True)
    drawn = rng.multinomial(taken[members], _draw_shares(rng, means, _LIST_CONCENTRATION))
    if official:
        drawn = _fit_margins(drawn, taken[members], astana_columns)
    names = _names(
        f"{maslikhat.names['kk']} мәслихаты: партиялық тізімдер бойынша сайлау",
        f"Маслихат ({maslikhat.names['ru']}): выборы по партийным спискам",
        f"{maslikhat.names['en']} maslikhat: election by party lists",
    )
    built.contests.append(
        ContestDef(
            list_contest_id(maslikhat.unit),
            Kind.MASLIKHAT_LIST,
            names if official else constructed(names, "contest"),
            tuple(OptionDef(p.id, p.names, p.id) for p in parties),
            maslikhat.list_seats,
            (maslikhat.unit,),
            body="maslikhat",
            level=maslikhat.level,
        )
    )
    _add(built, members, np.ascontiguousarray(drawn.astype(np.int64)))


def _district_contests(
    rng: np.random.Generator,
    built: _Built,
    maslikhat: _Maslikhat,
    codes: list[str],
    voters: I64,
    taken: I64,
    national_share: F64,
) -> None:
    """A maslikhat's single-member districts: contiguous runs of its precincts of similar
    voters, candidates and votes as for a Mazhilis district (constructed)."""
    parties = _sources().parties
    members = maslikhat.precincts
    count = min(maslikhat.district_seats, len(members))
    group = _groups(voters[members], count)
    share = national_share
    for number in range(1, count + 1):
        inside = members[group == number - 1]
        ballot = _smd_ballot(rng, parties, share, bool(rng.random() < 0.12))
        shares = _draw_shares(rng, np.tile(ballot.strength, (len(inside), 1)), _SMD_CONCENTRATION)
        drawn = rng.multinomial(taken[inside], shares).astype(np.int64)
        names = _names(
            f"{maslikhat.names['kk']} мәслихаты: № {number} бірмандаттық сайлау округі",
            f"Маслихат ({maslikhat.names['ru']}): одномандатный избирательный округ № {number}",
            f"{maslikhat.names['en']} maslikhat: single-member district No. {number}",
        )
        built.contests.append(
            ContestDef(
                f"maslikhat-{maslikhat.unit}-{number:02d}",
                Kind.SINGLE_MEMBER,
                constructed(names, "contest"),
                ballot.options,
                1,
                tuple(codes[i] for i in inside.tolist()),
                body="maslikhat",
                level=maslikhat.level,
            )
        )
        _add(built, inside, drawn)


def _add(built: _Built, members: I64, table: I64) -> None:
    """One protocol per member precinct for the contest just appended (votes, then against
    all and invalid in the last two columns)."""
    built.precinct.append(members)
    built.contest.append(np.full(len(members), len(built.contests) - 1, dtype=np.int64))
    built.against_all.append(table[:, -2])
    built.invalid.append(table[:, -1])
    built.votes.append(np.ascontiguousarray(table[:, :-2]))


def _joined(
    cols: ProtocolColumns,
    built: _Built,
    on_list: I64,
    added: I64,
    received: I64,
    issued: I64,
    cancelled: I64,
    taken: I64,
) -> ProtocolColumns:
    """The Mazhilis protocols and the maslikhats', together in precinct order (a precinct's
    in the order of the contests)."""
    offset = len(cols.contest_ids)
    precinct = np.concatenate(built.precinct)
    contest = np.concatenate(built.contest) + offset
    rows = np.concatenate([np.arange(len(p), dtype=np.int64) for p in built.precinct])

    def both(mazhilis: I64, maslikhat: I64) -> I64:
        return np.concatenate((mazhilis, maslikhat)).astype(np.int64)

    all_precinct = both(cols.precinct, precinct)
    all_contest = both(cols.contest, contest)
    order = np.lexsort((all_contest, all_precinct))
    return ProtocolColumns(
        precinct_codes=cols.precinct_codes,
        contest_ids=(*cols.contest_ids, *(c.id for c in built.contests)),
        option_ids=(*cols.option_ids, *(c.option_ids for c in built.contests)),
        precinct=all_precinct[order],
        contest=all_contest[order],
        row=both(cols.row, rows)[order],
        voters_on_list=both(cols.voters_on_list, on_list[precinct])[order],
        voters_added=both(cols.voters_added, added[precinct])[order],
        ballots_received=both(cols.ballots_received, received[precinct])[order],
        ballots_issued=both(cols.ballots_issued, issued[precinct])[order],
        ballots_cancelled=both(cols.ballots_cancelled, cancelled[precinct])[order],
        ballots_found=both(cols.ballots_found, taken[precinct])[order],
        invalid=both(cols.invalid, np.concatenate(built.invalid))[order],
        against_all=both(cols.against_all, np.concatenate(built.against_all))[order],
        neither=np.zeros(len(order), dtype=np.int64),
        votes=(*cols.votes, *built.votes),
        region_codes=cols.region_codes,
        precinct_region=cols.precinct_region,
    )


__all__ = [
    "ASTANA",
    "SEATS_2023",
    "astana_list",
    "astana_parties",
    "combined_2023",
    "list_contest_id",
]
