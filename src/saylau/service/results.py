"""Reading results: one totals row per unit, never a scan of the precincts.

A unit's answer carries its counts, the counting progress (precincts reported of those
expected, turnout so far) and its children's summaries; a contest's outcome is decided by
the outcome engine from the republic's totals under the law of the election's date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau import moments
from saylau.election import ContestDef, Election
from saylau.model import BadInput, parse_contest
from saylau.outcome import AnyOutcome, decide, to_json
from saylau.service.certification import is_certified
from saylau.service.context import Context
from saylau.service.errors import NotFound
from saylau.service.submission import protocol_from_payload
from saylau.store.tables import CurrentRow, ProtocolRow, TotalRow
from saylau.tabulation import figures
from saylau.tabulation.totals import FIELDS, counts_of, empty_counts


def status_of(reported: int, expected: int, certified: bool = False) -> str:
    """The result's status as every page and file states it."""
    if certified:
        return "certified"
    return "unofficial-complete" if expected and reported >= expected else "unofficial-partial"


def _summary(row: TotalRow) -> dict[str, Any]:
    counts = json.loads(row.counts)
    return {
        "unit": row.unit_code,
        "precincts_reported": row.precincts_reported,
        "precincts_expected": row.precincts_expected,
        "registered_expected": row.registered_expected,
        "turnout_percent": figures.turnout(counts),
        "updated_at": moments.iso(row.updated_at),
        "counts": counts,
    }


def _contest(election: Election, contest_id: str) -> ContestDef:
    try:
        return election.contest(contest_id)
    except KeyError:
        raise NotFound(f"no contest {contest_id!r} in election {election.id!r}") from None


def unit_results(ctx: Context, election_id: str, contest_id: str, unit: str) -> dict[str, Any]:
    """The results of a contest at one unit of the tree, with its children."""
    with ctx.sessions() as session:
        return unit_results_in(ctx, session, election_id, contest_id, unit)


def unit_results_in(
    ctx: Context, session: Session, election_id: str, contest_id: str, unit: str
) -> dict[str, Any]:
    """:func:`unit_results` read in ``session`` (a caller reading more in the same state)."""
    election = ctx.catalog(session, election_id).election
    contest = _contest(election, contest_id)
    if not election.has_unit(unit):
        raise NotFound(f"no unit {unit!r} in election {election_id!r}")
    certified = is_certified(session, election_id, contest_id)
    if election.unit(unit).level == "precinct":
        page = precinct_results(session, election, contest, unit)
        return page | ({"status": "certified"} if certified else {})
    row = session.get(TotalRow, (election_id, contest_id, unit))
    if row is None:
        raise NotFound(f"contest {contest_id!r} is not held in {unit!r}")
    children = [u.code for u in election.children(unit)]
    child_rows = session.scalars(
        select(TotalRow).where(
            TotalRow.election_id == election_id,
            TotalRow.contest == contest_id,
            TotalRow.unit_code.in_(children),
        )
    ).all()
    precinct_children = _precinct_children(session, election, contest_id, children)
    summary = _summary(row)
    return {
        "election": election_id,
        "contest": contest_id,
        "kind": contest.kind.value,
        "status": status_of(row.precincts_reported, row.precincts_expected, certified),
        **summary,
        "children": [_summary(r) for r in child_rows] + precinct_children,
    }


def _precinct_children(
    session: Session, election: Election, contest_id: str, children: list[str]
) -> list[dict[str, Any]]:
    precincts = [c for c in children if election.unit(c).level == "precinct"]
    if not precincts:
        return []
    rows = session.execute(
        select(ProtocolRow.precinct, ProtocolRow.payload)
        .join(CurrentRow, CurrentRow.protocol_id == ProtocolRow.id)
        .where(
            CurrentRow.election_id == election.id,
            CurrentRow.contest == contest_id,
            CurrentRow.precinct.in_(precincts),
        )
    ).all()
    reported = {code: counts_of(protocol_from_payload(payload)) for code, payload in rows}
    contest = election.contest(contest_id)
    result = []
    for code in precincts:
        if contest_id not in {c.id for c in election.contests_for(code)}:
            continue
        counts = reported.get(code)
        result.append(
            {
                "unit": code,
                "precincts_reported": 1 if counts else 0,
                "precincts_expected": 1,
                "registered_expected": election.unit(code).registered or 0,
                "turnout_percent": figures.turnout(counts) if counts else None,
                "updated_at": None,
                "counts": counts or empty_counts(contest.option_ids),
            }
        )
    return result


def precinct_results(
    session: Session, election: Election, contest: ContestDef, precinct: str
) -> dict[str, Any]:
    """A precinct's current protocol and every version it has had (the original stays)."""
    versions = session.scalars(
        select(ProtocolRow)
        .where(
            ProtocolRow.election_id == election.id,
            ProtocolRow.precinct == precinct,
            ProtocolRow.contest == contest.id,
        )
        .order_by(ProtocolRow.version)
    ).all()
    current = session.get(CurrentRow, (election.id, precinct, contest.id))
    history = [
        {
            "protocol_id": v.id,
            "version": v.version,
            "state": v.state,
            "current": current is not None and current.protocol_id == v.id,
            "reason": v.reason,
            "submitted_at": moments.iso(v.submitted_at),
            "decided_at": moments.iso(v.decided_at),
            "ledger_index": v.ledger_index,
            "protocol": json.loads(v.payload),
        }
        for v in versions
    ]
    counts = next((h["protocol"] for h in history if h["current"]), None)
    return {
        "election": election.id,
        "contest": contest.id,
        "kind": contest.kind.value,
        "unit": precinct,
        "status": "unofficial-complete" if counts else "unofficial-partial",
        "precincts_reported": 1 if counts else 0,
        "precincts_expected": 1,
        "registered_expected": election.unit(precinct).registered or 0,
        "counts": {k: counts[k] for k in (*FIELDS, "votes")} if counts else None,
        "versions": history,
        "children": [],
    }


def _engine_counts(counts: dict[str, Any]) -> dict[str, Any]:
    """A unit's totals as the engine reads counts (docs/formats.md)."""
    return {
        "registered": counts["voters_on_list"] + counts["voters_added"],
        "participated": counts["ballots_found"],
        "invalid": counts["invalid"],
        "against_all": counts["against_all"],
        "options": counts["votes"],
    }


def contest_input(
    election: Election,
    contest: ContestDef,
    counts: dict[str, Any],
    units: dict[str, dict[str, Any]] | None = None,
) -> Any:
    """The engine's input for a contest's totals (see docs/formats.md): everything the law
    decides it by, from the definition (level, round, the lists' order of registration) and
    from the totals (the republic's, and ``units``' own where the law counts units)."""
    document: dict[str, Any] = {
        "kind": contest.kind.value,
        "date": election.date.isoformat(),
        **_engine_counts(counts),
    }
    if contest.seats is not None and contest.kind.value == "maslikhat-list":
        document["seats"] = contest.seats
    for name in ("body", "question_type"):
        if getattr(contest, name, None):
            document[name] = getattr(contest, name)
    if contest.kind.value == "akim" or contest.body == "maslikhat":
        document["level"] = contest.level  # whose akim, or whose maslikhat's district
    if contest.round != 1:
        document["round"] = contest.round
    if contest.registration_order is not None:
        document["registration_order"] = list(contest.registration_order)
    if units:
        document["regions"] = {code: _engine_counts(c) for code, c in units.items()}
    return parse_contest(document)


def decision_totals(
    session: Session, election: Election, contest: ContestDef, top: str
) -> tuple[TotalRow | None, dict[str, dict[str, Any]] | None]:
    """The republic's totals of a contest and, for a referendum, the totals of the units its
    adoption counts (the regions and cities directly under the republic), read in one
    statement so that the units never add up to more than the republic a writer has moved
    on from. Only units whose every precinct has reported are given: a unit still counting
    is unknown to the engine, not a unit where yes lost."""
    if contest.kind.value != "referendum":
        return session.get(TotalRow, (election.id, contest.id, top)), None
    children = {u.code for u in election.children(top)}
    rows = session.scalars(
        select(TotalRow).where(
            TotalRow.election_id == election.id,
            TotalRow.contest == contest.id,
            TotalRow.unit_code.in_(sorted(children | {top})),
        )
    ).all()
    republic = next((row for row in rows if row.unit_code == top), None)
    units = {
        row.unit_code: json.loads(row.counts)
        for row in sorted(rows, key=lambda r: r.unit_code)
        if row.unit_code in children
        and row.precincts_expected
        and row.precincts_reported >= row.precincts_expected
    }
    return republic, units


@dataclass(frozen=True, slots=True)
class Standing:
    """A contest's outcome from its totals so far, with the counting status; ``outcome`` is
    None, and ``explanation`` says why, while the totals decide nothing yet."""

    election: str
    contest: str
    status: str
    precincts_reported: int
    precincts_expected: int
    outcome: AnyOutcome | None
    explanation: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The answer of the API's outcome route."""
        document: dict[str, Any] = {
            "election": self.election,
            "contest": self.contest,
            "status": self.status,
            "precincts_reported": self.precincts_reported,
            "precincts_expected": self.precincts_expected,
            "outcome": None if self.outcome is None else to_json(self.outcome),
        }
        if self.outcome is None:
            document["explanation"] = self.explanation
        return document


def standing(ctx: Context, election_id: str, contest_id: str) -> Standing:
    """The contest's outcome from its totals so far, with the counting status."""
    with ctx.sessions() as session:
        return standing_in(ctx, session, election_id, contest_id)


def standing_in(ctx: Context, session: Session, election_id: str, contest_id: str) -> Standing:
    """:func:`standing` read in ``session`` (a caller reading more in the same state)."""
    election = ctx.catalog(session, election_id).election
    contest = _contest(election, contest_id)
    top = ctx.catalog(session, election_id).republic
    row, units = decision_totals(session, election, contest, top)
    if row is None:
        raise NotFound(f"contest {contest_id!r} has no totals")
    certified = is_certified(session, election_id, contest_id)
    counts = json.loads(row.counts)
    status = status_of(row.precincts_reported, row.precincts_expected, certified)
    base = (election_id, contest_id, status, row.precincts_reported, row.precincts_expected)
    if row.precincts_reported == 0:
        return Standing(*base, None, "No protocol has been accepted yet.")
    try:
        decided = decide(contest_input(election, contest, counts, units))
    except BadInput as exc:
        return Standing(*base, None, f"Not decidable yet: {exc}")
    return Standing(*base, decided)


def outcome(ctx: Context, election_id: str, contest_id: str) -> dict[str, Any]:
    """The contest's outcome from its totals so far, with the counting status, as JSON."""
    return standing(ctx, election_id, contest_id).to_json()
