"""Importing an election definition and issuing the commissions' credentials."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from saylau.election import Election, election_to_mapping
from saylau.model import BadInput
from saylau.service import ledgering
from saylau.service.context import Catalog, Context
from saylau.service.credentials import IssuedCredential, issue
from saylau.service.errors import Conflict, NotFound
from saylau.store.tables import ElectionRow, LedgerStateRow, TotalRow, UnitRow
from saylau.tabulation.totals import empty_counts

__all__ = [
    "IssuedCredential",
    "Rounds",
    "import_election",
    "issue_credentials",
    "latest_election",
    "rounds",
]


def import_election(ctx: Context, election: Election) -> bool:
    """Store a definition with its territory, empty totals and a new ledger whose entry 0
    commits to the definition's hash.

    Importing the same definition again changes nothing (returns False); a different
    definition under the same id is refused: an election is not edited in place.
    """
    digest = election.definition_hash()
    with ctx.transaction() as session:
        existing = session.get(ElectionRow, election.id)
        if existing is not None:
            if existing.definition_hash != digest:
                raise Conflict(
                    f"election {election.id!r} is already imported with a different definition "
                    f"(hash {existing.definition_hash[:12]}…)"
                )
            return False
        _check_follows(session, election)
        session.add(
            ElectionRow(
                id=election.id,
                date=election.date,
                definition=json.dumps(election_to_mapping(election), ensure_ascii=False),
                definition_hash=digest,
            )
        )
        session.flush()
        _store_units_and_totals(session, election)
        state = ledgering.create(session, election.id)
        ledgering.append(session, state, [("definition", definition_record(election, state))])
    return True


def _check_follows(session: Session, election: Election) -> None:
    """Repeat voting follows a first round already imported, held before it."""
    if election.follows is None:
        return
    first = session.get(ElectionRow, election.follows)
    if first is None:
        raise BadInput(
            "follows", "must name an election already imported (the first round)", election.follows
        )
    if first.date >= election.date:
        raise BadInput(
            "follows",
            f"the first round ({first.date.isoformat()}) must be held before repeat voting "
            f"({election.date.isoformat()})",
            election.follows,
        )


@dataclass(frozen=True, slots=True)
class Rounds:
    """The two rounds an election belongs to, by id: the one it follows and the one that
    follows it (None where there is none, or none imported yet)."""

    first: str | None
    second: str | None


def rounds(ctx: Context, election_id: str) -> Rounds:
    """Which election this one's repeat voting follows, and which follows this one, read
    from the definitions' ``follows``."""
    with ctx.sessions() as session:
        election = ctx.catalog(session, election_id).election
        second = None
        for other in session.scalars(select(ElectionRow.id).order_by(ElectionRow.date)):
            if other != election_id and ctx.catalog(session, other).election.follows == election_id:
                second = other
                break
    return Rounds(election.follows, second)


def definition_record(election: Election, state: LedgerStateRow) -> dict[str, str]:
    """The log's first entry: the definition's hash, so that names, parties, seats and lists
    cannot be swapped after the fact without breaking every later head."""
    return {
        "type": "definition",
        "election": election.id,
        "definition_hash": election.definition_hash(),
        "origin": state.origin,
    }


def _store_units_and_totals(session: Session, election: Election) -> None:
    catalog = Catalog.of(election)
    registered: dict[str, int] = defaultdict(int)
    for precinct, path in catalog.paths.items():
        voters = election.unit(precinct).registered or 0
        for code in path:
            registered[code] += voters
    depth = {unit.code: len(election.path(unit.code)) - 1 for unit in election.units}
    session.execute(
        insert(UnitRow),
        [
            {
                "election_id": election.id,
                "code": unit.code,
                "level": unit.level,
                "parent": unit.parent,
                "depth": depth[unit.code],
                "registered": registered[unit.code],
                "names": json.dumps(unit.names, ensure_ascii=False),
            }
            for unit in election.units
        ],
    )
    expected: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for precinct, path in catalog.paths.items():
        voters = election.unit(precinct).registered or 0
        for contest in catalog.contests[precinct]:
            for code in path[:-1]:
                cell = expected[(contest, code)]
                cell[0] += 1
                cell[1] += voters
    options = {c.id: [o.id for o in c.options] for c in election.contests}
    session.execute(
        insert(TotalRow),
        [
            {
                "election_id": election.id,
                "contest": contest,
                "unit_code": code,
                "precincts_expected": count,
                "registered_expected": voters,
                "precincts_reported": 0,
                "counts": json.dumps(empty_counts(options[contest])),
            }
            for (contest, code), (count, voters) in expected.items()
        ],
    )


def issue_credentials(ctx: Context, election_id: str) -> list[IssuedCredential]:
    """One credential for a placeholder member of every commission and one for observers.

    For real commissions, name their members (``credentials.issue`` with members). Issuing
    again for the same members is refused: rotate a credential instead.
    """
    return issue(ctx, election_id)


def latest_election(ctx: Context) -> str:
    """The id of the election imported last: what the site shows at its root."""
    with ctx.sessions() as session:
        found = session.scalar(
            select(ElectionRow.id).order_by(ElectionRow.imported_at.desc()).limit(1)
        )
    if found is None:
        raise NotFound("no election has been imported yet")
    return found
