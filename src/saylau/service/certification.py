"""Certifying a contest's results and reopening a certified contest: the central commission's
decisions, each written to its table and to the ledger in one transaction.

A contest is certified once every precinct of it has reported, so what is certified is a
whole count, never a partial one. The ledger entry names the totals, the outcome the engine
decides from them and the tree size they stand on, so anyone can check from the published log
that the certified numbers are the sum of the protocols before it. While a contest is
certified no correction is approved: final results change only after a separate, ledgered
decision to reopen the contest, which must say why.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.election import ContestDef
from saylau.model import BadInput
from saylau.outcome import decide, to_json
from saylau.service import ledgering
from saylau.service.auth import Principal
from saylau.service.context import Context
from saylau.service.errors import Conflict, Forbidden, NotFound, Unprocessable
from saylau.store.tables import ContestDecisionRow, LedgerStateRow

CERTIFICATION = "certification"
REOPENING = "reopening"


class Undecidable(Unprocessable):
    title = "The outcome cannot be decided from these totals"


@dataclass(frozen=True, slots=True)
class Decision:
    """A recorded decision: its ledger record, where it stands in the log, the new head size."""

    kind: str
    number: int
    ledger_index: int
    tree_size: int  # the log's size with the decision in it: a reader's ``min_tree_size``
    record: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "election": self.record["election"],
            "contest": self.record["contest"],
            "number": self.number,
            "ledger_index": self.ledger_index,
            "tree_size": self.tree_size,
            "record": self.record,
        }


def latest_decision(
    session: Session, election_id: str, contest_id: str
) -> ContestDecisionRow | None:
    """The newest decision on a contest, or None if it was never certified."""
    return session.scalars(
        select(ContestDecisionRow)
        .where(
            ContestDecisionRow.election_id == election_id,
            ContestDecisionRow.contest == contest_id,
        )
        .order_by(ContestDecisionRow.number.desc())
        .limit(1)
    ).one_or_none()


def is_certified(session: Session, election_id: str, contest_id: str) -> bool:
    """Whether the contest is certified now (certified, and not reopened since)."""
    latest = latest_decision(session, election_id, contest_id)
    return latest is not None and latest.kind == CERTIFICATION


def refuse_if_certified(session: Session, election_id: str, contest_id: str) -> None:
    """Conflict if the contest is certified: its results change only after a reopening."""
    latest = latest_decision(session, election_id, contest_id)
    if latest is not None and latest.kind == CERTIFICATION:
        raise Conflict(
            f"contest {contest_id!r} is certified (ledger entry {latest.ledger_index}): a "
            "correction can be approved only after the central commission records a decision "
            "to reopen it",
            certified_at_index=latest.ledger_index,
        )


def _central(principal: Principal, action: str) -> None:
    if principal.role != "central":
        raise Forbidden(
            f"only the central commission may {action}; this is a {principal.role} "
            f"credential of {principal.unit_code or 'no unit'}"
        )


def _contest(ctx: Context, session: Session, election_id: str, contest_id: str) -> ContestDef:
    election = ctx.catalog(session, election_id).election
    if not election.has_contest(contest_id):
        raise NotFound(f"no contest {contest_id!r} in election {election_id!r}")
    return election.contest(contest_id)


def _record_decision(
    session: Session,
    state: LedgerStateRow,
    principal: Principal,
    contest_id: str,
    kind: str,
    record: dict[str, Any],
    now: dt.datetime,
    **columns: Any,
) -> Decision:
    """Append the record to the ledger and store the decision row, under the held lock."""
    latest = latest_decision(session, principal.election_id, contest_id)
    number = latest.number + 1 if latest is not None else 1
    index = state.size
    appended = ledgering.append(session, state, [(kind, record)])
    session.add(
        ContestDecisionRow(
            election_id=principal.election_id,
            contest=contest_id,
            number=number,
            kind=kind,
            ledger_index=index,
            decided_by=principal.credential_id,
            decided_at=now,
            **columns,
        )
    )
    return Decision(kind, number, index, appended.head.head.size, record)


def certify(ctx: Context, principal: Principal, contest_id: str) -> Decision:
    """Certify a contest whose every precinct has reported; ledger the totals and outcome."""
    # results reads this module's status
    from saylau.service.results import contest_input, decision_totals

    _central(principal, "certify a contest's results")
    election_id = principal.election_id
    now = dt.datetime.now(dt.UTC)
    with ctx.transaction() as session:
        state = ledgering.lock(session, election_id)
        contest = _contest(ctx, session, election_id, contest_id)
        catalog = ctx.catalog(session, election_id)
        latest = latest_decision(session, election_id, contest_id)
        if latest is not None and latest.kind == CERTIFICATION:
            raise Conflict(
                f"contest {contest_id!r} is already certified (ledger entry "
                f"{latest.ledger_index}); to certify it anew, reopen it first",
                certified_at_index=latest.ledger_index,
            )
        total, units = decision_totals(session, catalog.election, contest, catalog.republic)
        if total is None or total.precincts_expected == 0:
            raise Conflict(f"contest {contest_id!r} has no precincts whose results to certify")
        missing = total.precincts_expected - total.precincts_reported
        if missing > 0:
            raise Conflict(
                f"{missing} of the {total.precincts_expected} precincts of contest "
                f"{contest_id!r} have not reported: a contest is certified once every precinct "
                "has",
                missing=missing,
                precincts_reported=total.precincts_reported,
                precincts_expected=total.precincts_expected,
            )
        counts = json.loads(total.counts)
        try:
            outcome = to_json(decide(contest_input(catalog.election, contest, counts, units)))
        except BadInput as exc:
            raise Undecidable(
                f"contest {contest_id!r} cannot be certified: the outcome engine cannot decide "
                f"from its totals ({exc})"
            ) from None
        record = {
            "type": CERTIFICATION,
            "election": election_id,
            "contest": contest_id,
            "counts": counts,
            "precincts_reported": total.precincts_reported,
            "precincts_expected": total.precincts_expected,
            "outcome": outcome,
            "tree_size": state.size,
            "certified_by": principal.as_record(),
            "certified_at": now.isoformat(),
        }
        return _record_decision(
            session,
            state,
            principal,
            contest_id,
            CERTIFICATION,
            record,
            now,
            precincts_reported=total.precincts_reported,
            counts=json.dumps(counts, sort_keys=True),
            outcome=json.dumps(outcome, sort_keys=True, ensure_ascii=False),
        )


def reopen(ctx: Context, principal: Principal, contest_id: str, reason: str | None) -> Decision:
    """Reopen a certified contest, for a stated reason, so corrections can be approved again."""
    _central(principal, "reopen a certified contest")
    if reason is None or not reason.strip():
        raise BadInput("reason", "a decision to reopen a certified contest must say why")
    election_id = principal.election_id
    now = dt.datetime.now(dt.UTC)
    with ctx.transaction() as session:
        state = ledgering.lock(session, election_id)
        _contest(ctx, session, election_id, contest_id)
        latest = latest_decision(session, election_id, contest_id)
        if latest is None or latest.kind != CERTIFICATION:
            raise Conflict(f"contest {contest_id!r} is not certified: there is nothing to reopen")
        record = {
            "type": REOPENING,
            "election": election_id,
            "contest": contest_id,
            "reopens_index": latest.ledger_index,
            "reason": reason,
            "tree_size": state.size,
            "reopened_by": principal.as_record(),
            "reopened_at": now.isoformat(),
        }
        return _record_decision(
            session, state, principal, contest_id, REOPENING, record, now, reason=reason
        )
