"""Peaceful assemblies in the database: an organiser files a notice, the akimat answers, the
organiser may withdraw, and a tick records the notifications left unanswered past their
deadline as going ahead. Each is one transaction.

Every step is a new row and a leaf of the assemblies' Merkle log (RFC 9162 hashing, the
protocols' ledger code); the log's one state row is locked first by every step, so steps are
ordered and a tick run twice, or beside an answer, records each step once. The rules are
decided by the pure room :mod:`saylau.assemblies`; nothing here decides one.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau import ledger
from saylau.assemblies import lifecycle
from saylau.assemblies.kinds import Procedure
from saylau.assemblies.messages import english
from saylau.assemblies.notification import Notification, check
from saylau.assemblies.overlaps import Slot, overlaps
from saylau.assemblies.places import Place, place_book
from saylau.assemblies.refusal import Refusal, Refused
from saylau.law.calendar import OutsideCalendar, working_calendar
from saylau.law.rules import AssemblyRules, NotInForce, rules_at
from saylau.model import BadInput
from saylau.register.messages import json_value
from saylau.service.auth import Official, aware
from saylau.service.context import SIGNER, Context
from saylau.service.errors import Forbidden, NotFound, ServiceError
from saylau.service.ledgering import SigningUnavailable, canonical, origin_for
from saylau.store.tables import AssemblyEventRow, AssemblyLogRow, AssemblyRow

#: Kazakhstan's civil time (one zone, UTC+5, since 1 March 2024): the day a notice is filed.
KAZAKHSTAN = ZoneInfo("Asia/Almaty")
TEXT_LENGTH = 2000
HASH = 32


class NoticeRefused(ServiceError):
    """A notice or a step the law does not allow: every reason, nothing recorded."""

    status = 422
    title = "The notice breaks a rule"


def today() -> dt.date:
    return dt.datetime.now(KAZAKHSTAN).date()


def refusal_json(refusal: Refusal) -> dict[str, Any]:
    return {
        "field": refusal.field,
        "rule": refusal.rule,
        "values": {k: json_value(v) for k, v in refusal.values.items()},
        "detail": english(refusal.rule, refusal.values),
        "citation": str(refusal.citation) if refusal.citation is not None else None,
    }


def _refused(exc: Refused) -> NoticeRefused:
    return NoticeRefused(
        str(exc), field=exc.field, refusals=[refusal_json(r) for r in exc.refusals]
    )


@dataclass(frozen=True, slots=True)
class Step:
    """One recorded step: its state, day, lateness, reason, when and by whom it was
    recorded (None: the tick), and its leaf in the log."""

    number: int
    state: str
    on: dt.date
    late: bool
    reason: str | None
    recorded_at: dt.datetime
    log_index: int


@dataclass(frozen=True, slots=True)
class AssemblyView:
    """An assembly as the calendar, its page and the API show it."""

    id: str
    organiser: str
    kind: str
    procedure: str
    city: str
    place: str
    place_names: dict[str, str]
    starts: dt.datetime
    ends: dt.datetime
    participants: int
    purpose: str
    filed_on: dt.date
    answer_due: dt.date
    over_capacity: bool
    citations: tuple[str, ...]
    history: tuple[Step, ...]
    overlaps_with: tuple[str, ...] = ()
    answer_overdue: bool = False

    @property
    def state(self) -> str:
        return self.history[-1].state

    @property
    def reason(self) -> str | None:
        return next((s.reason for s in reversed(self.history) if s.reason), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "organiser": self.organiser,
            "kind": self.kind,
            "procedure": self.procedure,
            "city": self.city,
            "place": self.place,
            "place_names": self.place_names,
            "starts": self.starts.isoformat(timespec="minutes"),
            "ends": self.ends.isoformat(timespec="minutes"),
            "participants": self.participants,
            "purpose": self.purpose,
            "filed_on": self.filed_on.isoformat(),
            "answer_due": self.answer_due.isoformat(),
            "state": self.state,
            "reason": self.reason,
            "over_capacity": self.over_capacity,
            "overlaps_with": list(self.overlaps_with),
            "answer_overdue": self.answer_overdue,
            "citations": list(self.citations),
            "history": [
                {
                    "number": s.number,
                    "state": s.state,
                    "on": s.on.isoformat(),
                    "late": s.late,
                    "reason": s.reason,
                    "recorded_at": s.recorded_at.isoformat(timespec="seconds"),
                    "log_index": s.log_index,
                }
                for s in self.history
            ],
        }


def _names(place: Place | None, fallback: str) -> dict[str, str]:
    if place is None:
        return {lang: fallback for lang in ("kk", "ru", "en")}
    return dict(place.names)


def _view(row: AssemblyRow, events: Sequence[AssemblyEventRow]) -> AssemblyView:
    state = lifecycle.State(events[-1].state)
    return AssemblyView(
        id=row.id,
        organiser=row.organiser,
        kind=row.kind,
        procedure=row.procedure,
        city=row.city,
        place=row.place,
        place_names=_names(place_book().named(row.city, row.place), row.place),
        starts=row.starts,
        ends=row.ends,
        participants=row.participants,
        purpose=row.purpose,
        filed_on=row.filed_on,
        answer_due=row.answer_due,
        over_capacity=bool(row.over_capacity),
        citations=tuple(json.loads(row.citations)),
        history=tuple(
            Step(
                e.number,
                e.state,
                e.on,
                bool(e.late),
                e.reason,
                aware(e.recorded_at),
                e.log_index,
            )
            for e in events
        ),
        answer_overdue=lifecycle.answer_overdue(state, row.answer_due, today()),
    )


def _pure(row: AssemblyRow, events: Sequence[AssemblyEventRow]) -> lifecycle.Assembly:
    history = tuple(
        lifecycle.Transition(lifecycle.State(e.state), e.on, bool(e.late)) for e in events
    )
    reason = next((e.reason for e in reversed(events) if e.reason), None)
    return lifecycle.Assembly(
        row.id, Procedure(row.procedure), row.starts.date(), row.answer_due, history, reason
    )


def _lock(session: Session) -> AssemblyLogRow:
    log = session.scalars(
        select(AssemblyLogRow).where(AssemblyLogRow.id == 1).with_for_update()
    ).one()
    return log


def _record(
    session: Session,
    log: AssemblyLogRow,
    assembly_id: str,
    number: int,
    transition: lifecycle.Transition,
    reason: str | None,
    by: int | None,
) -> None:
    """Add one step as a row and a leaf of the log, under the lock held on ``log``."""
    hashes = [log.frontier[i : i + HASH] for i in range(0, len(log.frontier), HASH)]
    frontier = ledger.Frontier(log.size, hashes)
    record = {
        "kind": "assembly_step",
        "assembly": assembly_id,
        "number": number,
        "state": transition.state.value,
        "on": transition.on.isoformat(),
        "late": transition.late,
        "reason": reason,
        "recorded_by": by,
    }
    leaf = canonical(record)
    leaf_hash = ledger.leaf_hash(leaf)
    index = frontier.append(leaf_hash)
    session.add(
        AssemblyEventRow(
            assembly_id=assembly_id,
            number=number,
            state=transition.state.value,
            on=transition.on,
            late=int(transition.late),
            reason=reason,
            recorded_by=by,
            log_index=index,
            leaf=leaf,
            leaf_hash=leaf_hash,
        )
    )
    log.size = frontier.size
    log.frontier = b"".join(frontier.hashes)


#: The assemblies' log is named in its checkpoints like an election's, by this id.
LOG_ID = "assemblies"


def _sign(session: Session, log: AssemblyLogRow) -> None:
    """Sign the log's new head as a C2SP checkpoint with the service's signer (the key of
    the elections' logs), kept beside the size it commits to."""
    signer = session.info.get(SIGNER)
    if not isinstance(signer, ledger.Signer):
        raise SigningUnavailable("no signer is configured for the ledger")
    hashes = [log.frontier[i : i + HASH] for i in range(0, len(log.frontier), HASH)]
    head = ledger.TreeHead.now(int(log.size), ledger.Frontier(int(log.size), hashes).root())
    log.checkpoint = ledger.sign_tree_head(head, origin_for(LOG_ID), [signer]).note


def _events(session: Session, ids: Sequence[str]) -> dict[str, list[AssemblyEventRow]]:
    found: dict[str, list[AssemblyEventRow]] = {i: [] for i in ids}
    if not ids:
        return found
    for event in session.scalars(
        select(AssemblyEventRow)
        .where(AssemblyEventRow.assembly_id.in_(list(ids)))
        .order_by(AssemblyEventRow.assembly_id, AssemblyEventRow.number)
    ):
        found[event.assembly_id].append(event)
    return found


def _law(on: dt.date, field: str) -> AssemblyRules:
    try:
        return rules_at(on).require(AssemblyRules)
    except NotInForce as exc:
        raise BadInput(field, str(exc), on.isoformat()) from None


def notify(
    ctx: Context,
    organiser: Official,
    kind: str,
    city: str,
    place: str,
    starts: dt.datetime,
    ends: dt.datetime,
    participants: int,
    purpose: str,
    on: dt.date | None = None,
) -> AssemblyView:
    """File a notice on ``on`` (today in Kazakhstan unless given) under the law of that
    day; accepted, it is notified (or requested, for a march or a demonstration). A refused
    notice is NoticeRefused with every reason, and nothing is recorded."""
    filed_on = on or today()
    if len(purpose) > TEXT_LENGTH:
        raise BadInput("purpose", f"must be at most {TEXT_LENGTH} characters")
    if starts.tzinfo is not None or ends.tzinfo is not None:
        raise BadInput("starts", "is the city's local time, without a time zone")
    notice = Notification(
        organiser.name, kind, city, place, starts, ends, participants, purpose.strip(), filed_on
    )
    law = _law(filed_on, "on")
    try:
        accepted = check(notice, law, place_book(), working_calendar())
    except Refused as exc:
        raise _refused(exc) from None
    except OutsideCalendar as exc:
        raise BadInput("starts", str(exc), starts.isoformat()) from None
    assembly_id = "a" + secrets.token_hex(6)
    first = lifecycle.filed(
        assembly_id, accepted.procedure, notice.day, accepted.answer_due, filed_on
    )
    with ctx.transaction() as session:
        log = _lock(session)
        row = AssemblyRow(
            id=assembly_id,
            organiser=organiser.name,
            filed_by=organiser.credential_id,
            kind=accepted.kind.value,
            procedure=accepted.procedure.value,
            city=city,
            place=place,
            starts=starts,
            ends=ends,
            participants=participants,
            purpose=notice.purpose,
            filed_on=filed_on,
            answer_due=accepted.answer_due,
            over_capacity=int(accepted.over_capacity),
            citations=json.dumps([str(c) for c in accepted.citations], ensure_ascii=False),
        )
        session.add(row)
        session.flush()
        _record(session, log, assembly_id, 1, first.history[0], None, organiser.credential_id)
        _sign(session, log)
        session.flush()
        return _view(row, _events(session, [assembly_id])[assembly_id])


ANSWERS = ("agree", "approve", "refuse")


def _step(
    ctx: Context,
    assembly_id: str,
    event: lifecycle.Event,
    by: int | None,
    organiser: int | None = None,
    city: str | None = None,
) -> AssemblyView:
    with ctx.transaction() as session:
        log = _lock(session)
        row = session.get(AssemblyRow, assembly_id)
        if row is None:
            raise NotFound(f"no assembly {assembly_id!r}")
        if organiser is not None and row.filed_by != organiser:
            raise Forbidden("only the organiser who filed the notice may withdraw it")
        if city is not None and row.city != city:
            raise Forbidden(f"the akimat of {city} answers only that city's notices")
        events = _events(session, [assembly_id])[assembly_id]
        try:
            after = lifecycle.advance(_pure(row, events), event)
        except Refused as exc:
            raise _refused(exc) from None
        reason = event.reason.strip() if isinstance(event, lifecycle.Refuse) else None
        _record(session, log, assembly_id, len(events) + 1, after.history[-1], reason, by)
        _sign(session, log)
        session.flush()
        return _view(row, _events(session, [assembly_id])[assembly_id])


def answer(
    ctx: Context,
    akimat: Official,
    assembly_id: str,
    decision: str,
    reason: str | None = None,
    on: dt.date | None = None,
) -> AssemblyView:
    """The akimat's answer on ``on`` (today unless given): ``agree`` to a notification,
    ``approve`` a request, or ``refuse`` either with its reason."""
    day = on or today()
    event: lifecycle.Event
    if decision == "agree":
        event = lifecycle.Agree(day)
    elif decision == "approve":
        event = lifecycle.Approve(day)
    elif decision == "refuse":
        if reason is None:
            raise BadInput("reason", "a refusal gives its reason")
        if len(reason) > TEXT_LENGTH:
            raise BadInput("reason", f"must be at most {TEXT_LENGTH} characters")
        event = lifecycle.Refuse(day, reason)
    else:
        raise BadInput("decision", f"must be one of {list(ANSWERS)}", decision)
    if akimat.unit_code is None:
        raise Forbidden("an akimat's credential names the city whose notices it answers")
    return _step(ctx, assembly_id, event, akimat.credential_id, city=akimat.unit_code)


def withdraw(
    ctx: Context, organiser: Official, assembly_id: str, on: dt.date | None = None
) -> AssemblyView:
    """The organiser who filed the notice withdraws it, until the assembly's day."""
    return _step(
        ctx,
        assembly_id,
        lifecycle.Withdraw(on or today()),
        organiser.credential_id,
        organiser=organiser.credential_id,
    )


def tick(ctx: Context, on: dt.date | None = None, city: str | None = None) -> list[str]:
    """Record, on ``on`` (today unless given), that every notification still unanswered
    after its deadline (in ``city``, or everywhere) goes ahead as notified; the ids
    recorded. Run twice, it records nothing the second time."""
    day = on or today()
    recorded: list[str] = []
    with ctx.transaction() as session:
        log = _lock(session)
        due = list(
            session.scalars(
                select(AssemblyRow)
                .where(
                    AssemblyRow.procedure == Procedure.NOTIFICATION.value,
                    AssemblyRow.answer_due < day,
                    *([AssemblyRow.city == city] if city is not None else []),
                )
                .order_by(AssemblyRow.answer_due, AssemblyRow.id)
            )
        )
        events = _events(session, [r.id for r in due])
        for row in due:
            history = events[row.id]
            if history[-1].state != lifecycle.State.NOTIFIED.value:
                continue
            after = lifecycle.advance(_pure(row, history), lifecycle.GoAhead(day))
            _record(session, log, row.id, len(history) + 1, after.history[-1], None, None)
            recorded.append(row.id)
        if recorded:
            _sign(session, log)
    return recorded


def _with_overlaps(views: list[AssemblyView], session: Session) -> list[AssemblyView]:
    """Each view with the assemblies at its place whose times overlap its own (the still
    active ones only: a refused or withdrawn assembly clashes with nothing)."""
    if not views:
        return views
    cities = sorted({v.city for v in views})
    first = min(v.starts for v in views)
    last = max(v.ends for v in views)
    rows = list(
        session.scalars(
            select(AssemblyRow).where(
                AssemblyRow.city.in_(cities), AssemblyRow.starts < last, AssemblyRow.ends > first
            )
        )
    )
    events = _events(session, [r.id for r in rows])
    active = {s.value for s in lifecycle.ACTIVE}
    slots = [
        Slot(r.id, r.city, r.place, r.starts, r.ends)
        for r in rows
        if events[r.id] and events[r.id][-1].state in active
    ]
    clashes: dict[str, list[str]] = {}
    for overlap in overlaps(slots):
        clashes.setdefault(overlap.first, []).append(overlap.second)
        clashes.setdefault(overlap.second, []).append(overlap.first)
    out = []
    for view in views:
        mine = clashes.get(view.id, []) if view.state in active else []
        out.append(AssemblyView(**{**_fields(view), "overlaps_with": tuple(sorted(mine))}))
    return out


def _fields(view: AssemblyView) -> dict[str, Any]:
    return {name: getattr(view, name) for name in AssemblyView.__slots__}


@dataclass(frozen=True, slots=True)
class Filter:
    """Which assemblies a calendar shows: a city, a state, days from and to (inclusive)."""

    city: str | None = None
    state: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def calendar(ctx: Context, wanted: Filter | None = None) -> list[AssemblyView]:
    """The public calendar: assemblies in order of their start, each with its answer and
    its overlaps; filtered by ``wanted``."""
    wanted = wanted or Filter()
    if wanted.state is not None and wanted.state not in {s.value for s in lifecycle.State}:
        raise BadInput(
            "state", f"must be one of {[s.value for s in lifecycle.State]}", wanted.state
        )
    query = select(AssemblyRow).order_by(AssemblyRow.starts, AssemblyRow.id)
    if wanted.city:
        query = query.where(AssemblyRow.city == wanted.city)
    if wanted.since:
        query = query.where(AssemblyRow.ends >= dt.datetime.combine(wanted.since, dt.time()))
    if wanted.until:
        day_after = wanted.until + dt.timedelta(days=1)
        query = query.where(AssemblyRow.starts < dt.datetime.combine(day_after, dt.time()))
    with ctx.sessions() as session:
        rows = list(session.scalars(query))
        events = _events(session, [r.id for r in rows])
        views = [_view(r, events[r.id]) for r in rows]
        if wanted.state:
            views = [v for v in views if v.state == wanted.state]
        return _with_overlaps(views, session)


def assembly(ctx: Context, assembly_id: str) -> AssemblyView:
    """One assembly with its whole history and overlaps."""
    with ctx.sessions() as session:
        row = session.get(AssemblyRow, assembly_id)
        if row is None:
            raise NotFound(f"no assembly {assembly_id!r}")
        return _with_overlaps([_view(row, _events(session, [assembly_id])[assembly_id])], session)[
            0
        ]


@dataclass(frozen=True, slots=True)
class LogState:
    """The assemblies' log as published: its size, root (hex), the signed checkpoint of
    that size (None while empty) and the verifier key (note ``vkey``) that signs it."""

    size: int
    root: str
    checkpoint: str | None
    key: str


def log_state(ctx: Context) -> LogState:
    with ctx.sessions() as session:
        log = session.get(AssemblyLogRow, 1)
        assert log is not None, "the migration seeds the log's row"
        hashes = [log.frontier[i : i + HASH] for i in range(0, len(log.frontier), HASH)]
        root = ledger.Frontier(log.size, hashes).root().hex()
        public = ledger.VerifyingKey.from_bytes(ctx.signer.public_key())
        key = ledger.NoteKey(origin_for(LOG_ID), public).vkey()
        return LogState(int(log.size), root, log.checkpoint, key)


@dataclass(frozen=True, slots=True)
class StepProof:
    """A step's leaf (the canonical JSON record), its index in the log, and the inclusion
    proof (RFC 9162) that it is in the tree of ``size`` leaves whose root is ``root``."""

    leaf: str
    index: int
    size: int
    root: str
    proof: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "leaf": self.leaf,
            "index": self.index,
            "size": self.size,
            "root": self.root,
            "proof": list(self.proof),
        }


def step_proof(ctx: Context, assembly_id: str, number: int) -> StepProof:
    """The inclusion proof of step ``number`` of an assembly in the log as it stands now,
    checked here before it is handed out."""
    with ctx.sessions() as session:
        step = session.get(AssemblyEventRow, (assembly_id, number))
        if step is None:
            raise NotFound(f"no step {number} of assembly {assembly_id!r}")
        log = session.get(AssemblyLogRow, 1)
        assert log is not None, "the migration seeds the log's row"
        size = int(log.size)
        hashes = [log.frontier[i : i + HASH] for i in range(0, len(log.frontier), HASH)]
        root = ledger.Frontier(size, hashes).root()

        def read(start: int, end: int) -> list[bytes]:
            return [
                bytes(h)
                for h in session.scalars(
                    select(AssemblyEventRow.leaf_hash)
                    .where(AssemblyEventRow.log_index >= start, AssemblyEventRow.log_index < end)
                    .order_by(AssemblyEventRow.log_index)
                )
            ]

        proof = ledger.inclusion_proof(int(step.log_index), size, read)
        ledger.verify_inclusion(int(step.log_index), size, bytes(step.leaf_hash), proof, root)
        return StepProof(
            bytes(step.leaf).decode("utf-8"),
            int(step.log_index),
            size,
            root.hex(),
            tuple(h.hex() for h in proof),
        )
