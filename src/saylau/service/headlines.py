"""The night at a glance: for each election held on the same day, the headline figures of
its main contest, so that the landing page shows results and not only a list of contests.

A reader who opens the site on election night wants to know who leads, by how much, how
many precincts have reported and how many voters took part. These figures are read here
from the republic's totals row of each main contest (one row each) and computed by
:mod:`saylau.tabulation.figures`, as every other page computes them; the page only
formats them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from saylau.election import ContestDef, Election, OptionDef
from saylau.service.certification import is_certified
from saylau.service.context import Context
from saylau.service.overview import maslikhat_unit
from saylau.service.results import status_of
from saylau.store.tables import ElectionRow, TotalRow
from saylau.tabulation import figures

#: How many options a headline names (the leaders are always among them).
SHOWN_OPTIONS = 3


@dataclass(frozen=True, slots=True)
class OptionShare:
    """One option's votes and share at the top of the territory."""

    option: OptionDef
    votes: int
    percent: float | None


@dataclass(frozen=True, slots=True)
class Headline:
    """What the landing page says of one election: its main contest's leaders (several
    when tied, none before any vote), the first options by votes, turnout and progress."""

    election: Election
    contest: ContestDef
    status: str
    precincts_reported: int
    precincts_expected: int
    turnout: float | None
    leaders: tuple[OptionDef, ...]
    options: tuple[OptionShare, ...]  # the first SHOWN_OPTIONS by votes, most first


def main_contest(election: Election) -> ContestDef:
    """The contest a reader means by the election's result: the first in the definition
    that is not one of a maslikhat's (the party lists of a Mazhilis night, the president,
    the referendum's question); a maslikhats-only night's first contest otherwise."""
    for contest in election.contests:
        if maslikhat_unit(election, contest) is None:
            return contest
    return election.contests[0]


def headline(ctx: Context, election_id: str) -> Headline:
    """The headline figures of one election's main contest, from one totals row."""
    with ctx.sessions() as session:
        catalog = ctx.catalog(session, election_id)
        election = catalog.election
        contest = main_contest(election)
        row = session.get(TotalRow, (election_id, contest.id, catalog.republic))
        certified = is_certified(session, election_id, contest.id)
    counts = json.loads(row.counts) if row is not None else {}
    reported = row.precincts_reported if row is not None else 0
    expected = row.precincts_expected if row is not None else 0
    votes: dict[str, int] = counts.get("votes", {})
    shares = figures.shares(contest.kind.value, counts)
    by_id = {option.id: option for option in contest.options}
    ranked = sorted(contest.options, key=lambda o: -votes.get(o.id, 0))
    leading = figures.leaders(votes)
    shown = [o for o in ranked[: max(SHOWN_OPTIONS, len(leading))] if votes.get(o.id, 0) > 0]
    return Headline(
        election=election,
        contest=contest,
        status=status_of(reported, expected, certified),
        precincts_reported=reported,
        precincts_expected=expected,
        turnout=figures.turnout(counts),
        leaders=tuple(by_id[o] for o in leading if o in by_id),
        options=tuple(OptionShare(o, votes.get(o.id, 0), shares.get(o.id)) for o in shown),
    )


def night(ctx: Context, election_id: str) -> tuple[Headline, ...]:
    """The headlines of every election held on the same day as ``election_id``, that one
    first, the others in the order they were imported."""
    with ctx.sessions() as session:
        day = ctx.catalog(session, election_id).election.date
        same_day = session.scalars(
            select(ElectionRow.id)
            .where(ElectionRow.date == day, ElectionRow.id != election_id)
            .order_by(ElectionRow.imported_at)
        ).all()
    return tuple(headline(ctx, other) for other in (election_id, *same_day))
