"""The registry of parties: the Ministry of Justice decides an application and the registry
keeps the decision, refusals included, as a new event of the party's history.

The roll is checked against the voter register in the database (the citizens the roll and
the initiative group name, the units the register covers, and the members other registered
parties' rolls counted), the decision is taken by ``register.parties`` under the law of the
application date, and it is recorded in the same transaction: nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from saylau.law.rules import NotInForce, rules_at
from saylau.model import BadInput, plain_name
from saylau.register.parties import PartyApplication, Refused, decide_registration
from saylau.register.registry import (
    Event,
    EventKind,
    Status,
    registered_on,
    status_of,
)
from saylau.register.report import decision_json
from saylau.register.voters import Exclusion, ExclusionKind, VoterRegister
from saylau.service.auth import Official, aware
from saylau.service.context import Context
from saylau.service.errors import Conflict, NotFound
from saylau.store.bulk import one_of
from saylau.store.tables import CitizenRow, PartyEventRow, PartyMemberRow, PartyRow

LANGUAGES = ("kk", "ru", "en")
PARTY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
NAME_LENGTH = 300
CHUNK = 10_000


def _names(raw: Mapping[str, Any] | None) -> dict[str, str]:
    if raw is None:
        raise BadInput("names", "a party new to the registry is named in kk, ru and en")
    names: dict[str, str] = {}
    for lang in LANGUAGES:
        value = raw.get(lang)
        if not isinstance(value, str) or not plain_name(value):
            raise BadInput(f"names.{lang}", "must be a non-empty text", value)
        if len(plain_name(value)) > NAME_LENGTH:
            raise BadInput(f"names.{lang}", f"must be at most {NAME_LENGTH} characters")
        names[lang] = plain_name(value)
    return names


def _chunks(values: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield list(values[start : start + CHUNK])


def _events(session: Session, party_ids: Iterable[str]) -> dict[str, list[PartyEventRow]]:
    ids = sorted(set(party_ids))
    found: dict[str, list[PartyEventRow]] = {party: [] for party in ids}
    if not ids:
        return found
    rows = session.scalars(
        select(PartyEventRow)
        .where(PartyEventRow.party_id.in_(ids))
        .order_by(PartyEventRow.party_id, PartyEventRow.number)
    )
    for row in rows:
        found[row.party_id].append(row)
    return found


def _event(row: PartyEventRow) -> Event:
    return Event(EventKind(row.kind), row.on, row.into)


def _status(rows: Sequence[PartyEventRow]) -> Status:
    return status_of(_event(row) for row in rows)


def voter_register(session: Session, iins: Sequence[str]) -> VoterRegister:
    """The part of the database's register a roll needs: every unit it covers, the
    citizens ``iins`` names, and which of them a registered party's roll counts."""
    units = sorted(session.scalars(select(CitizenRow.region).distinct()))
    wanted = sorted(set(iins))
    voters: list[tuple[str, str, tuple[Exclusion, ...]]] = []
    members: dict[str, list[str]] = {}
    for chunk in _chunks(wanted):
        for citizen in session.scalars(
            select(CitizenRow).where(one_of(session, CitizenRow.iin, chunk))
        ):
            exclusions: tuple[Exclusion, ...] = ()
            if citizen.exclusion is not None and citizen.excluded_since is not None:
                kind = ExclusionKind(citizen.exclusion)
                exclusions = (Exclusion(kind, citizen.excluded_since, citizen.excluded_until),)
            voters.append((citizen.iin, citizen.region, exclusions))
        for iin, party in session.execute(
            select(PartyMemberRow.iin, PartyMemberRow.party_id).where(
                one_of(session, PartyMemberRow.iin, chunk)
            )
        ):
            members.setdefault(party, []).append(iin)
    standing = _events(session, members)
    registered = {
        party: iins_
        for party, iins_ in members.items()
        if _status(standing[party]) is Status.REGISTERED
    }
    return VoterRegister.build(units, voters, registered)


def _flush(session: Session, party_id: str) -> None:
    """Write what the transaction holds; another decision on the same party at the same
    moment (the same new party, or the same event number) is a conflict, not an error."""
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            f"another decision on {party_id!r} was recorded at the same moment; "
            "nothing was recorded: read the party's history and try again"
        ) from None


def apply(
    ctx: Context,
    official: Official,
    application: PartyApplication,
    roll: Sequence[str],
    names: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Decide ``application`` and record the decision as the party's next event; a party
    new to the registry is added with ``names`` (kk, ru, en). BadInput changes nothing."""
    party_id = application.party
    if not PARTY_ID.match(party_id):
        raise BadInput(
            "party",
            "is the party's id in the registry: lower-case Latin letters, digits and '-', "
            "at most 64",
            party_id,
        )
    try:
        rules = rules_at(application.applied_on)
    except NotInForce as exc:
        raise BadInput("applied_on", str(exc), application.applied_on.isoformat()) from None
    with ctx.transaction() as session:
        party = session.get(PartyRow, party_id, with_for_update=True)
        if party is None:
            given = _names(names)
            party = PartyRow(
                id=party_id,
                name_kk=given["kk"],
                name_ru=given["ru"],
                name_en=given["en"],
                sources="applications to the Ministry of Justice recorded in this registry",
            )
            session.add(party)
            _flush(session, party_id)
        history = _events(session, [party_id])[party_id]
        register = voter_register(session, [*application.initiative_group, *roll])
        decision = decide_registration(application, roll, register, rules)
        body = decision_json(decision)
        if isinstance(decision, Refused):
            kind = EventKind.REFUSED
        elif any(row.kind in (EventKind.REGISTERED, EventKind.REREGISTERED) for row in history):
            kind = EventKind.REREGISTERED
        else:
            kind = EventKind.REGISTERED
        number = len(history) + 1
        session.add(
            PartyEventRow(
                party_id=party_id,
                number=number,
                kind=kind.value,
                on=application.applied_on,
                decision=json.dumps(body, ensure_ascii=False, sort_keys=True),
                sources=f"decision on the application of {application.applied_on.isoformat()}",
                recorded_by=official.credential_id,
            )
        )
        if not isinstance(decision, Refused):
            have = set(
                session.scalars(
                    select(PartyMemberRow.iin).where(PartyMemberRow.party_id == party_id)
                )
            )
            session.add_all(
                PartyMemberRow(iin=iin, party_id=party_id)
                for iin in decision.members.counted
                if iin not in have
            )
        _flush(session, party_id)
        status = status_of([*(_event(row) for row in history), Event(kind, application.applied_on)])
        return {
            "party": party_id,
            "event": number,
            "kind": kind.value,
            "status": status.value,
            "decision": body,
        }


#: Events the Ministry records on a registered party besides its registration decisions.
LATER_EVENTS = (EventKind.MERGED, EventKind.DISSOLVED)


def record_event(
    ctx: Context,
    official: Official,
    party_id: str,
    kind: str,
    on: dt.date,
    sources: Sequence[str],
    into: str | None = None,
) -> dict[str, Any]:
    """Record that a registered party merged ``into`` another registered party, or was
    dissolved, on ``on`` (not before its last dated event), citing ``sources``; a new event,
    nothing changed. BadInput or Conflict changes nothing."""
    kinds = [k.value for k in LATER_EVENTS]
    if kind not in kinds:
        raise BadInput("kind", f"must be one of {kinds}", kind)
    event = EventKind(kind)
    cited = [plain_name(s) for s in sources if isinstance(s, str) and plain_name(s)]
    if not cited or len(cited) != len(sources):
        raise BadInput("sources", "name at least one source, none of them empty")
    if event is EventKind.MERGED and into is None:
        raise BadInput("into", "a merger names the party the other one joins")
    if event is not EventKind.MERGED and into is not None:
        raise BadInput("into", "only a merger names another party")
    if into == party_id:
        raise BadInput("into", "a party cannot merge into itself", into)
    with ctx.transaction() as session:
        if session.get(PartyRow, party_id, with_for_update=True) is None:
            raise NotFound(f"no party {party_id!r} in the registry")
        involved = [party_id, *([into] if into else [])]
        events = _events(session, involved)
        if into is not None and session.get(PartyRow, into) is None:
            raise BadInput("into", "must be a party of the registry", into)
        for party in involved:
            status = _status(events[party])
            if status is not Status.REGISTERED:
                field = "party" if party == party_id else "into"
                raise Conflict(f"field '{field}': {party!r} is {status.value}, not registered")
        days = [row.on for row in events[party_id] if row.on is not None]
        if days and on < max(days):
            raise BadInput(
                "on", f"the party's history already reaches {max(days).isoformat()}", on.isoformat()
            )
        number = len(events[party_id]) + 1
        session.add(
            PartyEventRow(
                party_id=party_id,
                number=number,
                kind=event.value,
                on=on,
                into=into,
                sources=" ; ".join(cited),
                recorded_by=official.credential_id,
            )
        )
        _flush(session, party_id)
        status = status_of([*(_event(row) for row in events[party_id]), Event(event, on, into)])
        return {"party": party_id, "event": number, "kind": event.value, "status": status.value}


def _event_json(row: PartyEventRow, with_decision: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "number": row.number,
        "kind": row.kind,
        "on": row.on.isoformat() if row.on else None,
        "into": row.into,
        "former_names": (
            {"kk": row.former_kk, "ru": row.former_ru, "en": row.former_en}
            if row.former_kk or row.former_ru or row.former_en
            else None
        ),
        "sources": [s.strip() for s in row.sources.split(" ; ") if s.strip()],
        "recorded_at": aware(row.recorded_at).isoformat(timespec="seconds"),
    }
    if with_decision:
        body["decision"] = json.loads(row.decision) if row.decision else None
    return body


def _party_json(
    party: PartyRow, rows: Sequence[PartyEventRow], with_decision: bool
) -> dict[str, Any]:
    day: dt.date | None = registered_on(_event(row) for row in rows)
    return {
        "id": party.id,
        "names": {"kk": party.name_kk, "ru": party.name_ru, "en": party.name_en},
        "status": _status(rows).value,
        "registered_on": day.isoformat() if day else None,
        "sources": [s.strip() for s in party.sources.split(" ; ") if s.strip()],
        "history": [_event_json(row, with_decision) for row in rows],
    }


def registry(ctx: Context) -> list[dict[str, Any]]:
    """Every party of the registry with its status and history (decisions left out)."""
    with ctx.sessions() as session:
        parties = list(session.scalars(select(PartyRow).order_by(PartyRow.id)))
        events = _events(session, [p.id for p in parties])
        return [_party_json(p, events[p.id], with_decision=False) for p in parties]


def party(ctx: Context, party_id: str) -> dict[str, Any]:
    """One party with its whole history, each decision with every rule it applied."""
    with ctx.sessions() as session:
        row = session.get(PartyRow, party_id)
        if row is None:
            raise NotFound(f"no party {party_id!r} in the registry")
        return _party_json(row, _events(session, [party_id])[party_id], with_decision=True)
