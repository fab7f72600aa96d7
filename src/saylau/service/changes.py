"""The moments an election's contests changed status, for the news feed: counting began,
every precinct reported, the Central Election Commission certified the results, or reopened
a certification. Read at once for every contest (a combined night has thousands)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from saylau import moments
from saylau.election import ContestDef, Election
from saylau.service.certification import CERTIFICATION, REOPENING
from saylau.service.context import Context
from saylau.store.tables import ContestDecisionRow, ElectionRow, ProtocolRow, TotalRow

COUNTING = "counting"
COMPLETE = "complete"
KINDS = (COUNTING, COMPLETE, CERTIFICATION, REOPENING)


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One contest's change of status, at the moment it happened."""

    contest: ContestDef
    kind: str  # one of KINDS
    at: dt.datetime  # with its offset
    number: int  # the decision's number (1 for counting and complete)
    precincts_reported: int
    precincts_expected: int
    reason: str | None = None  # why a certification was reopened


@dataclass(frozen=True, slots=True)
class Changes:
    """An election, when it was imported, and its contests' changes of status, newest first."""

    election: Election
    imported_at: dt.datetime
    changes: tuple[StatusChange, ...]


def changes(ctx: Context, election_id: str) -> Changes:
    """The election and its contests' changes of status, newest first."""
    with ctx.sessions() as session:
        catalog = ctx.catalog(session, election_id)
        election = catalog.election
        imported = session.get(ElectionRow, election_id)
        imported_at = (
            moments.local(imported.imported_at)
            if imported
            else moments.local(dt.datetime.now(dt.UTC))
        )
        expected = dict(
            session.execute(
                select(TotalRow.contest, TotalRow.precincts_expected).where(
                    TotalRow.election_id == election_id, TotalRow.unit_code == catalog.republic
                )
            ).all()
        )
        first_versions = session.execute(
            select(
                ProtocolRow.contest,
                func.min(ProtocolRow.submitted_at),
                func.max(ProtocolRow.submitted_at),
                func.count(),
            )
            .where(
                ProtocolRow.election_id == election_id,
                ProtocolRow.version == 1,
                ProtocolRow.state == "accepted",
            )
            .group_by(ProtocolRow.contest)
        ).all()
        decisions = session.scalars(
            select(ContestDecisionRow).where(ContestDecisionRow.election_id == election_id)
        ).all()
        found: list[StatusChange] = []
        for contest_id, first, last, reported in first_versions:
            if not election.has_contest(contest_id):
                continue
            contest = election.contest(contest_id)
            out_of = expected.get(contest_id, 0)
            found.append(StatusChange(contest, COUNTING, moments.local(first), 1, 1, out_of))
            if out_of and reported >= out_of:
                found.append(
                    StatusChange(contest, COMPLETE, moments.local(last), 1, reported, out_of)
                )
        for row in decisions:
            if not election.has_contest(row.contest):
                continue
            found.append(
                StatusChange(
                    election.contest(row.contest),
                    row.kind,
                    moments.local(row.decided_at),
                    row.number,
                    row.precincts_reported or 0,
                    expected.get(row.contest, 0),
                    row.reason,
                )
            )
    found.sort(key=lambda change: (change.at, KINDS.index(change.kind)), reverse=True)
    return Changes(election, imported_at, tuple(found))
