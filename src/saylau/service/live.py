"""What a live results page shows, read at once: a unit's totals and its children, the
contest's standing and its night, the certification and the ledger size, all in one
transaction, so that every figure of the page is of the same state and the page can say
which (the ledger size it was read at).

A precinct's read also says what the precinct is at (reported, not yet, a correction
awaiting approval, corrected) and, for each version of its protocol, who approved it and
which lines it changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.service import proofs, results
from saylau.service.context import Context
from saylau.service.settings import SETTINGS
from saylau.store.tables import CredentialRow, LedgerStateRow, ProtocolRow
from saylau.tabulation.totals import FIELDS

#: What a precinct's badge says of it (never the contest's status).
PRECINCT_STATES = ("not-reported", "reported", "correction-pending", "corrected")


@dataclass(frozen=True, slots=True)
class Approver:
    """Who decided a version, as the credential stores them."""

    unit: str | None
    role: str
    name: str
    position: str


@dataclass(frozen=True, slots=True)
class Change:
    """One line of a protocol that a version changed: the field (or option) and its counts."""

    line: str  # a field of the protocol, or "votes:<option>"
    before: int | None
    after: int | None


@dataclass(frozen=True, slots=True)
class Version:
    """A version of a precinct's protocol with its approval and its changes."""

    version: int
    state: str
    current: bool
    reason: str | None
    submitted_at: str
    submitted_by: Approver | None
    decided_at: str | None
    approved_by: Approver | None  # None: accepted as received (an original), or undecided
    ledger_index: int | None
    changes: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class LiveRead:
    """One read of a contest at one unit: every figure a page shows, and the ledger size."""

    size: int
    answer: dict[str, Any]
    standing: results.Standing | None  # the republic's only
    night: list[dict[str, Any]]
    reported_share: float  # of the unit's precincts, 0..1

    @property
    def seats_projected(self) -> bool:
        """Whether seats may be shown: certified, or enough precincts in for a projection."""
        return self.answer["status"] == "certified" or (
            self.reported_share >= SETTINGS.seat_projection_share
        )


def _snapshot(ctx: Context, session: Session) -> None:
    """One state for every statement: PostgreSQL by a repeatable-read transaction (writers
    are not held up); SQLite's transactions already begin by taking the database's lock."""
    if ctx.engine.dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def read(
    ctx: Context, election_id: str, contest_id: str, unit: str, *, whole: bool = True
) -> LiveRead:
    """The contest at ``unit`` read in one transaction; with ``whole``, at the republic, also
    the standing and the night's progress."""
    with ctx.sessions() as session:
        _snapshot(ctx, session)
        state = session.get(LedgerStateRow, election_id)
        size = int(state.size) if state is not None else 0
        answer = results.unit_results_in(ctx, session, election_id, contest_id, unit)
        republic = ctx.catalog(session, election_id).republic
        top = unit == republic
        standing = results.standing_in(ctx, session, election_id, contest_id) if top else None
        night = proofs.progress_in(session, election_id, contest_id) if top and whole else []
        if "versions" in answer:
            answer = answer | precinct_history(session, answer)
    expected = answer["precincts_expected"] or 0
    share = answer["precincts_reported"] / expected if expected else 0.0
    return LiveRead(size, answer, standing, night, share)


def precinct_history(session: Session, answer: dict[str, Any]) -> dict[str, Any]:
    """The precinct's state and its versions with their approvers and changes."""
    rows = {
        row.id: row
        for row in session.scalars(
            select(ProtocolRow).where(
                ProtocolRow.election_id == answer["election"],
                ProtocolRow.precinct == answer["unit"],
                ProtocolRow.contest == answer["contest"],
            )
        )
    }
    people = {
        c.id: Approver(c.unit_code, c.role, c.owner_name, c.owner_position)
        for c in session.scalars(
            select(CredentialRow).where(
                CredentialRow.id.in_(
                    {r.submitted_by for r in rows.values()}
                    | {r.decided_by for r in rows.values() if r.decided_by is not None}
                )
            )
        )
    }
    versions = []
    for shown in answer["versions"]:
        row = rows[shown["protocol_id"]]
        before = rows.get(row.supersedes) if row.supersedes is not None else None
        # a correction in the ledger was approved by its decider; an original is counted as
        # received, and a rival closed unapproved was decided but never approved
        approved = row.decided_by if row.version > 1 and row.ledger_index is not None else None
        versions.append(
            Version(
                version=row.version,
                state=row.state,
                current=shown["current"],
                reason=row.reason,
                submitted_at=shown["submitted_at"],
                submitted_by=people.get(row.submitted_by),
                decided_at=shown["decided_at"],
                approved_by=people.get(approved) if approved is not None else None,
                ledger_index=row.ledger_index,
                changes=changes(
                    json.loads(before.payload) if before is not None else None,
                    json.loads(row.payload),
                ),
            )
        )
    return {"precinct_state": precinct_state(answer["versions"]), "history": versions}


def precinct_state(versions: list[dict[str, Any]]) -> str:
    """What a precinct's badge says: not reported yet, reported, a correction awaiting the
    territorial commission's approval, or corrected (a correction approved and counted)."""
    current = next((v for v in versions if v["current"]), None)
    if current is None:
        return "not-reported"
    if any(v["state"] == "pending" for v in versions):
        return "correction-pending"
    return "corrected" if current["version"] > 1 else "reported"


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> tuple[Change, ...]:
    """The lines whose counts differ between two versions, in the protocol's order; an
    original changes nothing."""
    if before is None:
        return ()
    found = [
        Change(field, before.get(field), after.get(field))
        for field in FIELDS
        if before.get(field) != after.get(field)
    ]
    old, new = before.get("votes", {}), after.get("votes", {})
    for option in [*old, *(o for o in new if o not in old)]:
        if old.get(option) != new.get(option):
            found.append(Change(f"votes:{option}", old.get(option), new.get(option)))
    return tuple(found)
