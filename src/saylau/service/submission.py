"""Submitting protocols and correcting them: each batch is one transaction.

Every protocol is checked before the transaction (shape, rights, control relations); the
accepted ones are stored, appended to the ledger and added to the totals together, so an
acknowledged protocol is never lost and a rejected one leaves no trace. Resubmitting the
same protocol is idempotent; a different one for an accepted precinct is a correction that
needs a reason and the approval of another commission above the precinct than the one
that submitted it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, select, text, update
from sqlalchemy.orm import Session

from saylau.election import canonical_json
from saylau.model import BadInput
from saylau.plausibility import list_breaks, list_disagreements
from saylau.protocol import Protocol, protocol_from_mapping, protocol_to_mapping
from saylau.service import certification, ledgering
from saylau.service.auth import Principal, authenticate, principal_of
from saylau.service.context import Catalog, Context
from saylau.service.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Problem,
    ServiceError,
    Unprocessable,
    problem_of,
)
from saylau.service.running import apply_deltas
from saylau.store.bulk import ListQuery, insert_rows, together
from saylau.store.tables import CredentialRow, CurrentRow, LedgerStateRow, ProtocolRow
from saylau.tabulation.relations import Broken, protocol_breaks, refusal_detail
from saylau.tabulation.totals import Counts, add, difference

Pair = tuple[str, str]  # (precinct, contest)


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the submitter is told; ``accepted`` is said only after the commit."""

    status: str  # accepted | duplicate | correction-pending | correction-approved
    protocol_id: int
    precinct: str
    contest: str
    version: int
    ledger_index: int | None
    tree_size: int | None

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "protocol_id": self.protocol_id,
            "precinct": self.precinct,
            "contest": self.contest,
            "version": self.version,
            "ledger_index": self.ledger_index,
            "tree_size": self.tree_size,
        }


@dataclass
class _Prepared:
    position: int
    protocol: Protocol
    path: tuple[str, ...]
    digest: str
    reason: str | None
    principal: Principal
    # encoded here, before the ledger lock is taken, not while every other writer waits
    mapping: dict[str, Any]
    payload: str = field(init=False)

    def __post_init__(self) -> None:
        self.payload = json.dumps(self.mapping, sort_keys=True)


@dataclass
class _Known:
    """What the store holds for one precinct and contest when the batch starts."""

    current_id: int | None = None
    current: Protocol | None = None
    current_version: int = 0
    current_hash: str | None = None
    max_version: int = 0
    pending: dict[str, tuple[int, int]] | None = None  # hash → (id, version)


def may_write(principal: Principal, path: tuple[str, ...]) -> None:
    """A precinct commission writes only its precinct; a territorial one those below it."""
    if principal.role == "precinct" and principal.unit_code == path[-1]:
        return
    if principal.role in ("territorial", "central") and principal.unit_code in path[:-1]:
        return
    raise Forbidden(
        f"a {principal.role} credential of {principal.unit_code or 'no unit'} may not submit "
        f"for precinct {path[-1]}"
    )


def _prepare(
    catalog: Catalog, principal: Principal, position: int, raw: Any, reason: str | None
) -> _Prepared:
    protocol = protocol_from_mapping(raw, catalog.election)
    path = catalog.paths[protocol.precinct]
    may_write(principal, path)
    broken = protocol_breaks(protocol, catalog.election.date)
    broken += list_breaks(protocol, catalog.election)
    if broken:
        raise _refusal(broken)
    if reason is not None and not reason.strip():
        raise BadInput("reason", "a correction's reason must not be empty")
    mapping = protocol_to_mapping(protocol)
    digest = hashlib.sha256(canonical_json(mapping)).hexdigest()  # Protocol.content_hash
    return _Prepared(position, protocol, path, digest, reason, principal, mapping)


def _refusal(broken: list[Broken]) -> Unprocessable:
    """The 422 naming every relation a protocol breaks: its id, check, source, the field at
    fault, the rule in words and the numbers found."""
    return Unprocessable(
        refusal_detail(broken), field=broken[0].field, broken=[b.as_json() for b in broken]
    )


_PROTOCOLS = cast(Table, ProtocolRow.__table__)
_CURRENT = cast(Table, CurrentRow.__table__)
# On PostgreSQL each precinct of the list is looked up on its own (a lateral subquery the
# planner may not merge into a join), each a descent of the index on (election, precinct).
# Before the tables are analysed (the night fills them from empty) the planner took
# ``election_id = x AND precinct = ANY(list)`` as a scan of every row of the election,
# filtered, and a plain join of the list as a hash of the whole table: either a cost that
# grew with every protocol stored (0.1 ms a protocol at 6,000 stored, on each statement).
_OF_PRECINCTS_POSTGRES = text(
    """
    SELECT p.id, p.precinct, p.contest, p.version, p.state, p.content_hash, p.payload,
           p.supersedes
    FROM unnest(CAST(:precincts AS text[])) AS k(precinct)
    CROSS JOIN LATERAL (
        SELECT * FROM protocols
        WHERE election_id = :election AND precinct = k.precinct
        OFFSET 0
    ) AS p
    """
)
_CURRENT_OF_PRECINCTS_POSTGRES = text(
    """
    SELECT c.protocol_id
    FROM unnest(CAST(:precincts AS text[])) AS k(precinct)
    CROSS JOIN LATERAL (
        SELECT protocol_id FROM current_protocols
        WHERE election_id = :election AND precinct = k.precinct
        OFFSET 0
    ) AS c
    """
)
_OF_PRECINCTS = ListQuery(
    lambda one_of: select(
        _PROTOCOLS.c.id,
        _PROTOCOLS.c.precinct,
        _PROTOCOLS.c.contest,
        _PROTOCOLS.c.version,
        _PROTOCOLS.c.state,
        _PROTOCOLS.c.content_hash,
        _PROTOCOLS.c.payload,
        _PROTOCOLS.c.supersedes,
    ).where(
        _PROTOCOLS.c.election_id == bindparam("election"),
        one_of(_PROTOCOLS.c.precinct, "precincts"),
    ),
    _OF_PRECINCTS_POSTGRES,
)
_CURRENT_OF_PRECINCTS = ListQuery(
    lambda one_of: select(_CURRENT.c.protocol_id).where(
        _CURRENT.c.election_id == bindparam("election"),
        one_of(_CURRENT.c.precinct, "precincts"),
    ),
    _CURRENT_OF_PRECINCTS_POSTGRES,
)


def _precinct_rows(
    session: Session, election_id: str, precincts: set[str]
) -> list[tuple[Row[Any], int | None]]:
    """Every stored protocol of these precincts, each with its id again if it counts now: one
    look-up serves both the shared-list check and the batch's look-up of what is known.

    Two statements, each a range of an index on (election, precinct), never a join: joined
    on the protocol id, SQLite scans every current protocol for every row and PostgreSQL's
    prepared plan hashes the whole current table on every transaction, costs that grow with
    the night (the 2023 night files five protocols a precinct). Rows, not objects: nothing
    read here is changed through the session."""
    if not precincts:
        return []
    parameters = {"election": election_id, "precincts": sorted(precincts)}
    rows = _OF_PRECINCTS.run(session, parameters).all()
    current = set(_CURRENT_OF_PRECINCTS.run(session, parameters).scalars())
    return [(row, row.id if row.id in current else None) for row in rows]


def _known_of(rows: list[tuple[Row[Any], int | None]], pairs: set[Pair]) -> dict[Pair, _Known]:
    known: dict[Pair, _Known] = defaultdict(_Known)
    for row, current_id in rows:
        pair = (row.precinct, row.contest)
        if pair not in pairs:
            continue
        item = known[pair]
        item.max_version = max(item.max_version, row.version)
        if current_id is not None:
            item.current_id = row.id
            item.current = protocol_from_payload(row.payload)
            item.current_version = row.version
            item.current_hash = row.content_hash
        elif row.state == "pending":
            if item.pending is None:
                item.pending = {}
            item.pending[row.content_hash] = (row.id, row.version)
    return known


def protocol_from_payload(payload: str) -> Protocol:
    """A stored protocol (already checked when it was accepted)."""
    raw = json.loads(payload)
    return Protocol(**{**raw, "votes": dict(raw["votes"])})


def _record(
    election_id: str,
    protocol: Protocol,
    version: int,
    digest: str,
    at: dt.datetime,
    submitter: Principal,
    mapping: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "type": "protocol",
        "election": election_id,
        "precinct": protocol.precinct,
        "contest": protocol.contest,
        "version": version,
        "content_hash": digest,
        "protocol": protocol_to_mapping(protocol) if mapping is None else mapping,
        "accepted_at": at.isoformat(),
        "submitted_by": submitter.as_record(),
    }


def submit_batch(
    ctx: Context, principal: Principal, items: Sequence[tuple[Any, str | None]]
) -> list[Receipt | Problem]:
    """Check and store many protocols in one transaction; one answer per item, in order."""
    return submit_group(
        ctx, principal.election_id, [(principal, raw, reason) for raw, reason in items]
    )


Item = tuple[Principal, Any, str | None]  # submitter, protocol as sent, reason


def submit_group(
    ctx: Context,
    election_id: str,
    items: Sequence[Item],
    session: Session | None = None,
    late: Callable[[], Sequence[Item]] | None = None,
) -> list[Receipt | Problem]:
    """Check and store protocols of one election, each under its own submitter's rights, in
    one transaction: a batch of one commission, or single submissions that arrived together.
    One answer per item, in order; a refused item does not stop the others. ``session``: a
    transaction the caller opened (and commits), else one of its own. ``late``: called once
    the ledger lock is held, for submissions that arrived while it was awaited; they join
    the group, answered after ``items`` in the order given, instead of waiting behind the
    lock for a transaction of their own."""
    answers: list[Receipt | Problem | None] = []
    if session is not None:  # its own connection (SQLite: the one holding the write lock)
        catalog = ctx.catalog(session, election_id)
    else:
        with ctx.sessions() as reading:
            catalog = ctx.catalog(reading, election_id)

    def prepare(found: Sequence[Item]) -> list[_Prepared]:
        prepared: list[_Prepared] = []
        for principal, raw, reason in found:
            position = len(answers)
            answers.append(None)
            try:
                if principal.election_id != election_id:
                    raise Forbidden(f"the credential is not one of election {election_id}")
                prepared.append(_prepare(catalog, principal, position, raw, reason))
            except (BadInput, ServiceError) as exc:
                answers[position] = problem_of(exc)
        return prepared

    prepared = prepare(items)
    if prepared:
        more = (lambda: prepare(late())) if late is not None else None
        stored = _store(ctx, election_id, catalog, prepared, session, more)
        for position, answer in stored.items():
            answers[position] = answer
    assert all(a is not None for a in answers)
    return [a for a in answers if a is not None]


def submit(ctx: Context, principal: Principal, raw: Any, reason: str | None = None) -> Receipt:
    """Submit one protocol; a problem is raised as the matching error."""
    (answer,) = submit_batch(ctx, principal, [(raw, reason)])
    if isinstance(answer, Problem):
        raise _as_error(answer)
    return answer


def _as_error(problem: Problem) -> ServiceError:
    by_status: dict[int, type[ServiceError]] = {
        403: Forbidden,
        404: NotFound,
        409: Conflict,
        422: Unprocessable,
    }
    error = by_status.get(problem.status, ServiceError)(problem.detail, **problem.extra)
    error.title = problem.title
    return error


def _store(
    ctx: Context,
    election_id: str,
    catalog: Catalog,
    prepared: list[_Prepared],
    opened: Session | None = None,
    more: Callable[[], list[_Prepared]] | None = None,
) -> dict[int, Receipt | Problem]:
    answers: dict[int, Receipt | Problem] = {}
    now = dt.datetime.now(dt.UTC)
    with ctx.transaction() if opened is None else nullcontext(opened) as session:
        state = ledgering.lock(session, election_id)
        if more is not None:
            prepared = [*prepared, *more()]
        rows = _precinct_rows(session, election_id, {p.protocol.precinct for p in prepared})
        prepared = _hold_to_shared_list(_standing_of(rows), catalog, prepared, answers)
        if not prepared:
            return answers
        known = _known_of(rows, {(p.protocol.precinct, p.protocol.contest) for p in prepared})
        new_rows: list[dict[str, Any]] = []
        entries: list[tuple[str, dict[str, Any]]] = []
        deltas: dict[tuple[str, str], list[Any]] = {}
        accepted_positions: list[int] = []
        pending_positions: list[int] = []
        inserted_at: dict[Pair, int] = {}  # pairs first accepted in this batch → position
        late_duplicates: list[tuple[int, int]] = []  # repeats of those, answered after ids
        for item in prepared:
            protocol = item.protocol
            pair = (protocol.precinct, protocol.contest)
            info = known[pair]
            if info.current is None:
                version = info.max_version + 1
                index = state.size + len(entries)
                record = _record(
                    election_id, protocol, version, item.digest, now, item.principal, item.mapping
                )
                entries.append(("protocol", record))
                new_rows.append(
                    _row(
                        election_id,
                        protocol,
                        version,
                        "accepted",
                        item,
                        item.principal,
                        index,
                        None,
                        now,
                    )
                )
                _add_delta(deltas, protocol.contest, item.path, difference(protocol, None), 1)
                accepted_positions.append(item.position)
                inserted_at[pair] = item.position
                info.current, info.current_hash = protocol, item.digest
                info.current_version = info.max_version = version
                continue
            if info.current_hash == item.digest:
                if info.current_id is None:
                    late_duplicates.append((item.position, inserted_at[pair]))
                else:
                    answers[item.position] = Receipt(
                        "duplicate",
                        info.current_id,
                        pair[0],
                        pair[1],
                        info.current_version,
                        None,
                        None,
                    )
                continue
            if info.current_id is None:
                answers[item.position] = problem_of(
                    Conflict(
                        f"precinct {pair[0]}'s first protocol for {pair[1]} is in this same "
                        "batch: send a correction once the original is acknowledged"
                    )
                )
                continue
            pending = (info.pending or {}).get(item.digest)
            if pending is not None:
                answers[item.position] = Receipt(
                    "correction-pending", pending[0], pair[0], pair[1], pending[1], None, None
                )
                continue
            if item.reason is None:
                answers[item.position] = problem_of(
                    Conflict(
                        f"precinct {pair[0]} already has an accepted protocol for {pair[1]} "
                        f"(version {info.current_version}); a different one is a correction: "
                        "give a 'reason' and have the territorial commission approve it",
                        current_version=info.current_version,
                    )
                )
                continue
            version = info.max_version + 1
            info.max_version = version
            new_rows.append(
                _row(
                    election_id,
                    protocol,
                    version,
                    "pending",
                    item,
                    item.principal,
                    None,
                    info.current_id,
                    now,
                )
            )
            pending_positions.append(item.position)
            # the id this row gets below, so that a repeat later in the batch can name it
            new_id = state.next_protocol_id + len(new_rows) - 1
            info.pending = (info.pending or {}) | {item.digest: (new_id, version)}
        for offset, row in enumerate(new_rows):
            row["id"] = state.next_protocol_id + offset
        state.next_protocol_id += len(new_rows)
        with together(session):  # every write below in one statement (PostgreSQL)
            _write(session, election_id, state, new_rows, accepted_positions, entries, deltas, now)
        size = state.size
        by_position = {row["_position"]: row for row in new_rows}
        for position in accepted_positions:
            row = by_position[position]
            answers[position] = Receipt(
                "accepted",
                row["id"],
                row["precinct"],
                row["contest"],
                row["version"],
                row["ledger_index"],
                size,
            )
        for position, original in late_duplicates:
            row = by_position[original]
            answers[position] = Receipt(
                "duplicate", row["id"], row["precinct"], row["contest"], row["version"], None, None
            )
        for position in pending_positions:
            row = by_position[position]
            answers[position] = Receipt(
                "correction-pending",
                row["id"],
                row["precinct"],
                row["contest"],
                row["version"],
                None,
                None,
            )
    return answers


def _write(
    session: Session,
    election_id: str,
    state: LedgerStateRow,
    new_rows: list[dict[str, Any]],
    accepted_positions: list[int],
    entries: list[tuple[str, dict[str, Any]]],
    deltas: dict[tuple[str, str], list[Any]],
    now: dt.datetime,
) -> None:
    """Store the group's rows, append its entries to the ledger and add it to the totals."""
    insert_rows(session, ProtocolRow, [_stored(row) for row in new_rows])
    by_position = {row["_position"]: row for row in new_rows}
    current_rows = [
        {
            "election_id": election_id,
            "precinct": by_position[p]["precinct"],
            "contest": by_position[p]["contest"],
            "protocol_id": by_position[p]["id"],
        }
        for p in accepted_positions
    ]
    insert_rows(session, CurrentRow, current_rows)
    ledgering.append(session, state, entries)
    apply_deltas(session, election_id, deltas, now)


def _row(
    election_id: str,
    protocol: Protocol,
    version: int,
    state: str,
    item: _Prepared,
    principal: Principal,
    ledger_index: int | None,
    supersedes: int | None,
    now: dt.datetime,
) -> dict[str, Any]:
    return {
        "_position": item.position,
        "election_id": election_id,
        "precinct": protocol.precinct,
        "contest": protocol.contest,
        "version": version,
        "state": state,
        "content_hash": item.digest,
        "payload": item.payload,
        "supersedes": supersedes,
        "reason": item.reason,
        "submitted_by": principal.credential_id,
        "submitted_at": now,
        "ledger_index": ledger_index,
    }


def _stored(row: dict[str, Any]) -> dict[str, Any]:
    """The row as the table takes it (working keys dropped, every column given)."""
    stored = {k: v for k, v in row.items() if not k.startswith("_")}
    stored.setdefault("decided_by", None)
    stored.setdefault("decided_at", None)
    return stored


def _add_delta(
    deltas: dict[tuple[str, str], list[Any]],
    contest: str,
    path: tuple[str, ...],
    delta: Counts,
    reported: int,
) -> None:
    for code in path[:-1]:
        key = (contest, code)
        cell = deltas.get(key)
        if cell is None:
            deltas[key] = [delta, reported]
        else:
            cell[0] = add(cell[0], delta)
            cell[1] += reported


def approve(ctx: Context, principal: Principal, protocol_id: int) -> Receipt:
    """A commission above the precinct, other than the one that submitted the correction,
    approves it. Rights are checked before anything about the id is told; the same
    credential asking again gets the first answer; rival corrections of the same version
    are closed as superseded."""
    now = dt.datetime.now(dt.UTC)
    with ctx.transaction() as session:
        catalog = ctx.catalog(session, principal.election_id)
        row, submitter = approvable(session, catalog, principal, protocol_id)
        # only who may decide waits for the ledger; then the row as the lock leaves it
        state = ledgering.lock(session, principal.election_id)
        session.refresh(row)
        if (row.state, row.decided_by) == ("accepted", principal.credential_id):
            assert row.ledger_index is not None
            # the correction was appended alone: the head it was answered with is one larger
            return _approved(row, row.ledger_index + 1)
        if row.state != "pending":
            raise Conflict(f"protocol {protocol_id} is {row.state}, not a pending correction")
        certification.refuse_if_certified(session, principal.election_id, row.contest)
        current = session.get(CurrentRow, (principal.election_id, row.precinct, row.contest))
        assert current is not None
        if current.protocol_id != row.supersedes:
            raise Conflict(
                f"correction {protocol_id} replaces protocol {row.supersedes}, but "
                f"{current.protocol_id} counts now: submit the correction again against it"
            )
        old_row = session.get(ProtocolRow, current.protocol_id)
        assert old_row is not None
        new, old = protocol_from_payload(row.payload), protocol_from_payload(old_row.payload)
        _hold_approval_to_bounds(session, catalog, principal.election_id, new)
        record = _record(principal.election_id, new, row.version, row.content_hash, now, submitter)
        record |= {
            "type": "correction",
            "supersedes_version": old_row.version,
            "reason": row.reason,
            "approved_by": principal.as_record(),
        }
        row.ledger_index = state.size
        appended = ledgering.append(session, state, [("correction", record)])
        row.state, row.decided_by, row.decided_at = "accepted", principal.credential_id, now
        current.protocol_id = row.id
        close_rivals(session, row, principal, now)
        deltas: dict[tuple[str, str], list[Any]] = {}
        _add_delta(deltas, row.contest, catalog.paths[row.precinct], difference(new, old), 0)
        apply_deltas(session, principal.election_id, deltas, now)
        return _approved(row, appended.head.head.size)


def _approved(row: ProtocolRow, tree_size: int) -> Receipt:
    return Receipt(
        "correction-approved",
        row.id,
        row.precinct,
        row.contest,
        row.version,
        row.ledger_index,
        tree_size,
    )


def approvable(
    session: Session, catalog: Catalog, principal: Principal, protocol_id: int
) -> tuple[ProtocolRow, Principal]:
    """The correction ``principal`` may decide on, and who submitted it; otherwise Forbidden,
    worded the same whether the id exists or not (only the central commission, which sees
    every precinct, is told that an id does not exist)."""
    refused = Forbidden(
        f"a {principal.role} credential of {principal.unit_code or 'no commission'} may not "
        f"approve protocol {protocol_id}: a correction is approved by a territorial or the "
        "central commission above its precinct, other than the one that submitted it"
    )
    if principal.role not in ("territorial", "central"):
        raise refused
    row = session.get(ProtocolRow, protocol_id)
    if row is None or row.election_id != principal.election_id:
        if principal.role == "central":
            raise NotFound(f"no protocol {protocol_id} in this election")
        raise refused
    path = catalog.paths.get(row.precinct, ())
    if principal.unit_code not in path[:-1]:
        raise refused
    credential = session.get(CredentialRow, row.submitted_by)
    assert credential is not None
    submitter = principal_of(credential)
    if row.supersedes is not None and submitter.unit_code == principal.unit_code:
        raise Forbidden(
            f"correction {protocol_id} was submitted by commission {principal.unit_code} "
            "itself: another commission above its precinct approves it"
        )
    return row, submitter


def close_rivals(
    session: Session, approved: ProtocolRow, principal: Principal, now: dt.datetime
) -> None:
    """Close the other pending corrections of the same precinct and contest: they replace a
    version that no longer counts, so they could never be approved. Not a ledger entry: a
    pending correction never was one, and the approval that closes them is."""
    session.execute(
        update(ProtocolRow)
        .where(
            ProtocolRow.election_id == approved.election_id,
            ProtocolRow.precinct == approved.precinct,
            ProtocolRow.contest == approved.contest,
            ProtocolRow.state == "pending",
            ProtocolRow.id != approved.id,
        )
        .values(state="superseded", decided_by=principal.credential_id, decided_at=now)
        .execution_options(synchronize_session=False)
    )


# --- the contests of one precinct share one list ----------------------------------------------


@dataclass
class _Standing:
    """What may count for one precinct and contest: its current protocol and the pending
    corrections of that protocol (which an approval may still make current)."""

    current: Protocol | None = None
    pending: list[Protocol] = field(default_factory=list)


def _standing(session: Session, election_id: str, precincts: set[str]) -> dict[Pair, _Standing]:
    """The current and pending protocols of every contest at these precincts."""
    return _standing_of(_precinct_rows(session, election_id, precincts))


def _standing_of(rows: list[tuple[Row[Any], int | None]]) -> dict[Pair, _Standing]:
    current_ids = {(r.precinct, r.contest): r.id for r, current in rows if current is not None}
    standing: dict[Pair, _Standing] = defaultdict(_Standing)
    for row, current in rows:
        pair = (row.precinct, row.contest)
        if current is not None:
            standing[pair].current = protocol_from_payload(row.payload)
        elif row.state == "pending" and row.supersedes == current_ids.get(pair, -1):
            standing[pair].pending.append(protocol_from_payload(row.payload))
    return standing


def _hold_to_shared_list(
    standing: dict[Pair, _Standing],
    catalog: Catalog,
    prepared: list[_Prepared],
    answers: dict[int, Receipt | Problem],
) -> list[_Prepared]:
    """Refuse (422) each protocol whose list differs from its precinct's other contests; the
    rest go on. A first protocol must agree with what will count: the other contest's current
    protocol, or its first protocol in this batch (only the first of a precinct and contest
    in a batch can be stored as its first protocol: a later different one is refused here
    when that first is refused, so that two disagreeing firsts can never both be stored). A
    correction may instead agree with a pending correction, or one in this batch, since the
    contests' lists are corrected together and approved one by one."""
    in_batch: dict[Pair, list[Protocol]] = defaultdict(list)
    firsts: dict[Pair, _Prepared] = {}
    for item in prepared:
        pair = (item.protocol.precinct, item.protocol.contest)
        in_batch[pair].append(item.protocol)
        own = standing.get(pair)
        if (own is None or own.current is None) and pair not in firsts:
            firsts[pair] = item
    refused: dict[Pair, Problem] = {}  # a batch's first protocol of a pair, refused
    kept: list[_Prepared] = []
    for item in prepared:
        protocol = item.protocol
        own_pair = (protocol.precinct, protocol.contest)
        own = standing.get(own_pair)
        if own is not None and own.current == protocol:
            kept.append(item)  # a repeat of what counts: answered as a duplicate
            continue
        correction = own is not None and own.current is not None
        if not correction and firsts[own_pair] is not item:
            if own_pair not in refused:
                kept.append(item)  # a repeat or a rival of the batch's first: _store answers
            elif protocol == firsts[own_pair].protocol:
                answers[item.position] = refused[own_pair]  # a repeat: refused as the first
            else:
                answers[item.position] = problem_of(
                    Conflict(
                        f"precinct {own_pair[0]}'s first protocol for {own_pair[1]} is in this "
                        "same batch and was refused: send one first protocol per contest"
                    )
                )
            continue
        others: dict[str, list[Protocol]] = {}
        for contest in catalog.contests[protocol.precinct] - {protocol.contest}:
            pair = (protocol.precinct, contest)
            other = standing.get(pair, _Standing())
            if other.current is None:
                others[contest] = [firsts[pair].protocol] if pair in firsts else []
            elif correction:
                others[contest] = [other.current, *other.pending, *in_batch[pair]]
            else:
                others[contest] = [other.current]
        broken = list_disagreements(protocol, others, catalog.election.date)
        if broken:
            problem = problem_of(_refusal(broken))
            answers[item.position] = problem
            if not correction:
                refused[own_pair] = problem
        else:
            kept.append(item)
    return kept


def _hold_approval_to_bounds(
    session: Session, catalog: Catalog, election_id: str, protocol: Protocol
) -> None:
    """Refuse (422) to approve a correction beyond its precinct's list, or one that would
    leave the precinct's contests counting different lists with no pending correction to
    settle them."""
    broken = list_breaks(protocol, catalog.election)
    standing = _standing(session, election_id, {protocol.precinct})
    others = {
        contest: [item.current, *item.pending] if item.current is not None else []
        for (_precinct, contest), item in standing.items()
        if contest != protocol.contest
    }
    broken += list_disagreements(protocol, others, catalog.election.date)
    if broken:
        raise _refusal(broken)


def check(
    ctx: Context, principal: Principal, raw: Any, reason: str | None = None
) -> dict[str, Any]:
    """Check a protocol as a submission is checked (rights, definition, control relations,
    the precinct's list, and agreement with the precinct's other contests as they stand now),
    without storing it: a commission learns what it would be told before the protocol goes
    into the ledger for good. Whether it would be a duplicate or a correction is said by the
    submission itself. Raises the same errors as ``submit``."""
    with ctx.sessions() as session:
        return _check(ctx, session, principal, raw, reason)


def check_with_token(
    ctx: Context, election_id: str, token: str, raw: Any, reason: str | None = None
) -> dict[str, Any]:
    """:func:`check` for the bearer of ``token``: the credential is looked up in the same
    session as the precinct's protocols, so a check costs one connection."""
    with ctx.sessions() as session:
        principal = authenticate(session, election_id, token)
        return _check(ctx, session, principal, raw, reason)


def _check(
    ctx: Context, session: Session, principal: Principal, raw: Any, reason: str | None
) -> dict[str, Any]:
    catalog = ctx.catalog(session, principal.election_id)
    item = _prepare(catalog, principal, 0, raw, reason)
    answers: dict[int, Receipt | Problem] = {}
    standing = _standing(session, principal.election_id, {item.protocol.precinct})
    if not _hold_to_shared_list(standing, catalog, [item], answers):
        refusal = answers[0]
        assert isinstance(refusal, Problem)
        raise _as_error(refusal)
    return {
        "status": "acceptable",
        "precinct": item.protocol.precinct,
        "contest": item.protocol.contest,
        "content_hash": item.digest,
    }
