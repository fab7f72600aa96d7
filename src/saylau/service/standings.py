"""A party's or a candidate's night: its votes and shares in every contest it stands in,
nationally and unit by unit, read at once from the running totals.

A party stands in a contest as a list (the option's id is the party's) or through the
candidates it nominated (the option's ``party``). Candidates' option ids are the contest's
own (``c01`` in every district), so a candidate is named by contest and option. Shares and
leaders are the tabulation's figures (:mod:`saylau.tabulation.figures`), on the base the law
sets for the contest's kind, never re-derived by a page.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from saylau.election import ContestDef, Election, OptionDef
from saylau.service.context import Context
from saylau.service.errors import NotFound
from saylau.store.tables import TotalRow
from saylau.tabulation import figures


@dataclass(frozen=True, slots=True)
class Standing:
    """One option's figures at one unit of one contest."""

    unit: str
    votes: int
    share: float | None
    leads: bool  # the option has the most votes there (alone or tied)
    reported: int
    expected: int


@dataclass(frozen=True, slots=True)
class OptionNight:
    """One option of one contest: its total where the contest is held and its figures in
    each unit the contest is broken down into (regions for a national contest, else the
    contest's own area)."""

    contest: ContestDef
    option: OptionDef
    total: Standing
    units: tuple[Standing, ...]


@dataclass(frozen=True, slots=True)
class PartyNight:
    """A party's lists and nominees in every contest of an election."""

    party: str
    lists: tuple[OptionNight, ...]
    nominees: tuple[OptionNight, ...]


def _breakdown(election: Election, contest: ContestDef, top: str) -> tuple[str, ...]:
    if contest.area == (top,):
        return tuple(u.code for u in election.children(top))
    return contest.area


def _standing(kind: str, option: str, row: TotalRow) -> Standing:
    counts = json.loads(row.counts)
    votes: dict[str, int] = counts.get("votes", {})
    return Standing(
        unit=row.unit_code,
        votes=int(votes.get(option, 0)),
        share=figures.shares(kind, counts).get(option),
        leads=option in figures.leaders(votes),
        reported=row.precincts_reported,
        expected=row.precincts_expected,
    )


def _nights(
    ctx: Context, election_id: str, chosen: Sequence[tuple[ContestDef, OptionDef]]
) -> list[OptionNight]:
    """Each chosen option's night, every total read in one statement."""
    if not chosen:
        return []
    with ctx.sessions() as session:
        catalog = ctx.catalog(session, election_id)
        election, top = catalog.election, catalog.republic
        units = {c.id: _breakdown(election, c, top) for c, _o in chosen}
        wanted = {top, *(u for codes in units.values() for u in codes)}
        rows = {
            (row.contest, row.unit_code): row
            for row in session.scalars(
                select(TotalRow).where(
                    TotalRow.election_id == election_id,
                    TotalRow.contest.in_({c.id for c, _o in chosen}),
                    TotalRow.unit_code.in_(wanted),
                )
            )
        }
    nights = []
    for contest, option in chosen:
        kind = contest.kind.value
        total = rows.get((contest.id, top))
        if total is None:
            continue
        nights.append(
            OptionNight(
                contest,
                option,
                _standing(kind, option.id, total),
                tuple(
                    _standing(kind, option.id, rows[(contest.id, unit)])
                    for unit in units[contest.id]
                    if (contest.id, unit) in rows and rows[(contest.id, unit)].precincts_expected
                ),
            )
        )
    return nights


def option_night(ctx: Context, election_id: str, contest_id: str, option_id: str) -> OptionNight:
    """One candidate's (or list's, or answer's) night in one contest."""
    with ctx.sessions() as session:
        election = ctx.catalog(session, election_id).election
    try:
        contest = election.contest(contest_id)
    except KeyError:
        raise NotFound(f"no contest {contest_id!r} in election {election_id!r}") from None
    option = next((o for o in contest.options if o.id == option_id), None)
    if option is None:
        raise NotFound(f"no option {option_id!r} in contest {contest_id!r}")
    found = _nights(ctx, election_id, [(contest, option)])
    if not found:
        raise NotFound(f"contest {contest_id!r} has no totals yet")
    return found[0]


def party_night(ctx: Context, election_id: str, party_id: str) -> PartyNight:
    """A party's lists and the candidates it nominated, in every contest of the election."""
    with ctx.sessions() as session:
        election = ctx.catalog(session, election_id).election
    lists = [(c, o) for c in election.contests for o in c.options if o.id == party_id and o.party]
    nominated = [
        (c, o)
        for c in election.contests
        for o in c.options
        if o.party == party_id and o.id != party_id
    ]
    if not lists and not nominated:
        raise NotFound(f"party {party_id!r} stands in no contest of election {election_id!r}")
    return PartyNight(
        party_id,
        tuple(_nights(ctx, election_id, lists)),
        tuple(_nights(ctx, election_id, nominated)),
    )
