"""An election at a glance: every contest's counting progress in two statements, and a
night's maslikhat contests gathered by the maslikhat that elects them.

A combined night holds thousands of contests (every single-member district of every
maslikhat); a page that asked for each contest's results in turn would take seconds and list
them all. Here the republic's totals row of every contest and the latest certification
decision of every contest are read at once, and a maslikhat's contests become one group.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from saylau.election import ContestDef, Election, Unit
from saylau.service.certification import CERTIFICATION
from saylau.service.context import Context
from saylau.service.results import status_of
from saylau.store.tables import ContestDecisionRow, TotalRow


@dataclass(frozen=True, slots=True)
class ContestProgress:
    contest: ContestDef
    precincts_reported: int
    precincts_expected: int
    status: str


@dataclass(frozen=True, slots=True)
class MaslikhatGroup:
    """One maslikhat's contests: its party list (if it has one) and its districts."""

    unit: Unit
    level: str
    region: Unit  # the region (or republican city) the maslikhat is in, or is
    contests: tuple[ContestProgress, ...]

    @property
    def seats(self) -> int:
        return sum(c.contest.seats or 0 for c in self.contests)

    @property
    def counted(self) -> int:
        """Contests whose every precinct has reported."""
        return sum(1 for c in self.contests if c.status != "unofficial-partial")


@dataclass(frozen=True, slots=True)
class Overview:
    """The contests listed one by one, and the maslikhats, each a group of contests."""

    contests: tuple[ContestProgress, ...]
    maslikhats: tuple[MaslikhatGroup, ...]

    def maslikhat(self, code: str) -> MaslikhatGroup | None:
        return next((g for g in self.maslikhats if g.unit.code == code), None)


def maslikhat_unit(election: Election, contest: ContestDef) -> str | None:
    """The unit whose maslikhat a contest elects: the region (or republican city) of a
    regional maslikhat, the district (or city) of a district one; None for other bodies."""
    if contest.body != "maslikhat" or not contest.area:
        return None
    depth = 1 if (contest.level or "regional") == "regional" else 2
    path = election.path(contest.area[0])
    return path[depth] if len(path) > depth else None


def overview(ctx: Context, election_id: str) -> Overview:
    """Every contest's progress at the top of the territory, read in two statements."""
    with ctx.sessions() as session:
        catalog = ctx.catalog(session, election_id)
        election, top = catalog.election, catalog.republic
        rows = {
            row.contest: row
            for row in session.scalars(
                select(TotalRow).where(
                    TotalRow.election_id == election_id, TotalRow.unit_code == top
                )
            )
        }
        newest = (
            select(ContestDecisionRow.contest, func.max(ContestDecisionRow.number).label("n"))
            .where(ContestDecisionRow.election_id == election_id)
            .group_by(ContestDecisionRow.contest)
            .subquery()
        )
        certified = set(
            session.scalars(
                select(ContestDecisionRow.contest).join(
                    newest,
                    (ContestDecisionRow.contest == newest.c.contest)
                    & (ContestDecisionRow.number == newest.c.n)
                    & (ContestDecisionRow.election_id == election_id)
                    & (ContestDecisionRow.kind == CERTIFICATION),
                )
            )
        )
    listed: list[ContestProgress] = []
    groups: dict[str, list[ContestProgress]] = {}
    for contest in election.contests:
        row = rows.get(contest.id)
        reported = row.precincts_reported if row is not None else 0
        expected = row.precincts_expected if row is not None else 0
        progress = ContestProgress(
            contest, reported, expected, status_of(reported, expected, contest.id in certified)
        )
        unit = maslikhat_unit(election, contest)
        if unit is None:
            listed.append(progress)
        else:
            groups.setdefault(unit, []).append(progress)
    order = {unit.code: index for index, unit in enumerate(election.units)}

    def group(code: str, members: list[ContestProgress]) -> MaslikhatGroup:
        region = election.path(code)[1]
        level = members[0].contest.level or "regional"
        return MaslikhatGroup(election.unit(code), level, election.unit(region), tuple(members))

    maslikhats = sorted(
        (group(code, members) for code, members in groups.items()),
        # region by region, its own maslikhat first, then its districts' in territory order
        key=lambda g: (order[g.region.code], g.level != "regional", order[g.unit.code]),
    )
    return Overview(tuple(listed), tuple(maslikhats))
