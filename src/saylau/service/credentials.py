"""Issuing, revoking and rotating credentials: each belongs to one named member of one
commission (or to observers), expires, and can be withdrawn.

A member holds at most one credential that is not revoked: issuing again for the same
member is refused (rotate instead), so no commission silently gains a second valid token.
Tokens are returned once, in clear, for handing over; only their hashes are kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from saylau import strictjson, territory
from saylau.model import BadInput, plain_name
from saylau.petitions.thresholds import body_key, parse_body_key
from saylau.register.iin import parse_iin
from saylau.service.auth import BODY_ROLES, aware, hash_token, new_token
from saylau.service.context import Context
from saylau.service.errors import Conflict, NotFound
from saylau.store.tables import BodyCredentialRow, CredentialRow, ElectionRow, UnitRow

#: How long a credential is valid unless the operator says otherwise: election day, the
#: count, the complaints and a repeat vote fit in a month. Not a legal number: an
#: operating default, which ``--valid-days`` changes.
DEFAULT_VALIDITY = dt.timedelta(days=31)

ROLE_OF_LEVEL = {
    "precinct": "precinct",
    "district": "territorial",
    "region": "territorial",
    "republic": "central",
}
NAME_LENGTH = 200


@dataclass(frozen=True, slots=True)
class Member:
    """A person who will hold a credential: a member of the commission of ``unit_code``
    (``None``: an observer, no commission)."""

    unit_code: str | None
    name: str
    position: str


@dataclass(frozen=True)
class IssuedCredential:
    """A new credential with its token in clear: shown once, then only its hash exists."""

    role: str
    unit_code: str | None
    token: str
    credential_id: int
    member: str
    position: str
    expires_at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "credential": self.credential_id,
            "role": self.role,
            "unit": self.unit_code,
            "member": self.member,
            "position": self.position,
            "expires_at": self.expires_at.isoformat(timespec="seconds"),
            "token": self.token,
        }


def _text(value: Any, field: str, where: str) -> str:
    """A member's name or position as stored: Unicode NFC, without surrounding spaces."""
    if not isinstance(value, str) or not plain_name(value):
        raise BadInput(f"{where}.{field}", "must be a non-empty text", value)
    if len(plain_name(value)) > NAME_LENGTH:
        raise BadInput(f"{where}.{field}", f"must be at most {NAME_LENGTH} characters")
    return plain_name(value)


def member_of(raw: Any, where: str) -> Member:
    """One member from a mapping with ``unit`` (empty for observers), ``name``, ``position``."""
    if not isinstance(raw, dict):
        raise BadInput(where, "must be an object with 'unit', 'name' and 'position'", raw)
    unit = raw.get("unit")
    if unit is not None and not isinstance(unit, str):
        raise BadInput(f"{where}.unit", "must be a unit code, or empty for observers", unit)
    unit = unit.strip() if unit else None
    return Member(
        unit or None,
        _text(raw.get("name"), "name", where),
        _text(raw.get("position"), "position", where),
    )


def read_members(path: Path) -> list[Member]:
    """Members from a CSV file (header ``unit,name,position``) or a JSON list of objects."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        try:
            raw = strictjson.loads(text)
        except json.JSONDecodeError as exc:
            raise BadInput("members", f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
        except strictjson.DuplicateKey as exc:
            raise BadInput(f"members{exc.field}", "appears twice in one object") from None
        if not isinstance(raw, list):
            raise BadInput("members", "must be a JSON list of members")
        return [member_of(item, f"members[{n}]") for n, item in enumerate(raw)]
    reader = csv.DictReader(io.StringIO(text))
    missing = {"unit", "name", "position"} - set(reader.fieldnames or ())
    if missing:
        raise BadInput(
            "members",
            f"the CSV header must name unit, name and position; lacks {', '.join(sorted(missing))}",
        )
    # row numbers as a spreadsheet shows them: the header is row 1
    return [member_of(row, f"members row {n}") for n, row in enumerate(reader, start=2)]


def placeholders(levels: dict[str, str]) -> list[Member]:
    """One named placeholder member per commission and one for observers (for the demo and
    tests, where nobody's real name is known)."""
    members = [Member(code, f"chair of commission {code}", "chair") for code in levels]
    return [*members, Member(None, "observers", "observer")]


def _levels(session: Session, election_id: str) -> dict[str, str]:
    if session.get(ElectionRow, election_id) is None:
        raise NotFound(f"no election {election_id!r} in the database")
    rows = session.execute(
        select(UnitRow.code, UnitRow.level).where(UnitRow.election_id == election_id)
    ).all()
    return {code: level for code, level in rows}


def _insert(
    session: Session,
    election_id: str,
    levels: dict[str, str],
    members: Sequence[Member],
    expires_at: dt.datetime,
) -> list[tuple[CredentialRow, str]]:
    made: list[tuple[CredentialRow, str]] = []
    for member in members:
        token = new_token()
        role = ROLE_OF_LEVEL[levels[member.unit_code]] if member.unit_code else "observer"
        row = CredentialRow(
            election_id=election_id,
            role=role,
            unit_code=member.unit_code,
            token_hash=hash_token(token),
            owner_name=member.name,
            owner_position=member.position,
            expires_at=expires_at,
        )
        session.add(row)
        made.append((row, token))
    try:
        session.flush()
    except IntegrityError:
        # the unique index on members not revoked: another issue for them won the race
        raise Conflict(
            "credentials for some of these members were issued at the same moment by another "
            "command; nothing was issued: list them and rotate instead"
        ) from None
    return made


def _issued(row: CredentialRow, token: str) -> IssuedCredential:
    return IssuedCredential(
        row.role,
        row.unit_code,
        token,
        row.id,
        row.owner_name,
        row.owner_position,
        aware(row.expires_at),
    )


def _validity(valid_for: dt.timedelta) -> dt.timedelta:
    if valid_for <= dt.timedelta(0):
        raise BadInput("valid_days", "a credential must be valid for a positive time", valid_for)
    return valid_for


def issue(
    ctx: Context,
    election_id: str,
    members: Sequence[Member] | None = None,
    valid_for: dt.timedelta = DEFAULT_VALIDITY,
) -> list[IssuedCredential]:
    """A credential for each member (default: a placeholder per commission and observers).

    All or nothing: an unknown unit, a member named twice, or a member who already holds a
    credential that is not revoked refuses the whole issue.
    """
    expires_at = dt.datetime.now(dt.UTC) + _validity(valid_for)
    with ctx.transaction() as session:
        levels = _levels(session, election_id)
        chosen = list(members) if members is not None else placeholders(levels)
        seen: set[tuple[str | None, str]] = set()
        for number, member in enumerate(chosen):
            if member.unit_code is not None and member.unit_code not in levels:
                raise NotFound(
                    f"member {member.name!r}: no unit {member.unit_code!r} in election "
                    f"{election_id!r}"
                )
            key = (member.unit_code, member.name)
            if key in seen:
                raise BadInput(
                    f"members[{number}].name",
                    f"{member.name!r} of {member.unit_code or 'observers'} is named twice",
                )
            seen.add(key)
        holding = session.execute(
            select(CredentialRow.unit_code, CredentialRow.owner_name, CredentialRow.id)
            .where(CredentialRow.election_id == election_id, CredentialRow.revoked_at.is_(None))
            .order_by(CredentialRow.id)
            .with_for_update()
        ).all()
        clashes = [(unit, name, id_) for unit, name, id_ in holding if (unit, name) in seen]
        if clashes:
            unit, name, id_ = clashes[0]
            more = f" and {len(clashes) - 1} more" if len(clashes) > 1 else ""
            raise Conflict(
                f"{name!r} of {unit or 'observers'} already holds credential {id_}{more}: a "
                "member holds one credential; rotate it (a new token, the old one revoked) "
                "or revoke it first",
                credentials=sorted(c[2] for c in clashes),
            )
        made = _insert(session, election_id, levels, chosen, expires_at)
        return [_issued(row, token) for row, token in made]


def select_credentials(
    ctx: Context, election_id: str, unit_code: str | None, name: str | None
) -> list[int]:
    """The ids of the credentials not revoked of a commission (and of one member of it)."""
    if not unit_code:
        raise BadInput("unit", "name the commission's unit (or give a credential id)")
    with ctx.sessions() as session:
        query = select(CredentialRow.id).where(
            CredentialRow.election_id == election_id,
            CredentialRow.unit_code == unit_code,
            CredentialRow.revoked_at.is_(None),
        )
        if name:
            query = query.where(CredentialRow.owner_name == name)
        ids = list(session.scalars(query.order_by(CredentialRow.id)))
    if not ids:
        who = f"{name!r} of {unit_code}" if name else f"commission {unit_code}"
        raise NotFound(f"{who} holds no credential that is not revoked in {election_id!r}")
    return ids


def _locked(session: Session, election_id: str, ids: Sequence[int]) -> list[CredentialRow]:
    if not ids:
        raise BadInput("credential", "name at least one credential")
    rows = list(
        session.scalars(
            select(CredentialRow)
            .where(CredentialRow.election_id == election_id, CredentialRow.id.in_(set(ids)))
            .order_by(CredentialRow.id)
            .with_for_update()
        )
    )
    missing = set(ids) - {row.id for row in rows}
    if missing:
        raise NotFound(f"no credential {min(missing)} in election {election_id!r}")
    for row in rows:
        if row.revoked_at is not None:
            raise Conflict(
                f"credential {row.id} ({row.owner_name!r} of {row.unit_code or 'observers'}) "
                f"was revoked on {aware(row.revoked_at).isoformat(timespec='seconds')}"
            )
    return rows


def _withdraw(row: CredentialRow, by: str, reason: str, now: dt.datetime) -> None:
    row.revoked_at, row.revoked_by, row.revoke_reason = now, by, reason


def revoke(
    ctx: Context, election_id: str, ids: Sequence[int], by: str, reason: str
) -> list[IssuedCredential]:
    """Withdraw credentials at once, saying who did and why; every one or none."""
    by, reason = _text(by, "by", "revocation"), _text(reason, "reason", "revocation")
    now = dt.datetime.now(dt.UTC)
    with ctx.transaction() as session:
        rows = _locked(session, election_id, ids)
        for row in rows:
            _withdraw(row, by, reason, now)
        return [_issued(row, "") for row in rows]


def rotate(
    ctx: Context,
    election_id: str,
    ids: Sequence[int],
    by: str,
    reason: str = "rotated",
    valid_for: dt.timedelta = DEFAULT_VALIDITY,
) -> list[IssuedCredential]:
    """A new token for the same member of each credential; the old one stops working now."""
    by, reason = _text(by, "by", "rotation"), _text(reason, "reason", "rotation")
    now = dt.datetime.now(dt.UTC)
    expires_at = now + _validity(valid_for)
    with ctx.transaction() as session:
        rows = _locked(session, election_id, ids)
        for row in rows:
            _withdraw(row, by, reason, now)
        session.flush()  # the old ones revoked before their members get new ones
        levels = _levels(session, election_id)
        made = _insert(
            session,
            election_id,
            levels,
            [Member(row.unit_code, row.owner_name, row.owner_position) for row in rows],
            expires_at,
        )
        for old, (new, _token) in zip(rows, made, strict=True):
            old.replaced_by = new.id
        return [_issued(row, token) for row, token in made]


def state_of(row: CredentialRow, now: dt.datetime) -> str:
    if row.revoked_at is not None:
        return "replaced" if row.replaced_by is not None else "revoked"
    return "expired" if aware(row.expires_at) <= now else "active"


def listing(ctx: Context, election_id: str) -> list[dict[str, Any]]:
    """Every credential of an election, its owner and state (never a token)."""
    now = dt.datetime.now(dt.UTC)
    with ctx.sessions() as session:
        _levels(session, election_id)
        rows = session.scalars(
            select(CredentialRow)
            .where(CredentialRow.election_id == election_id)
            .order_by(CredentialRow.id)
        ).all()
    return [
        {
            "credential": row.id,
            "role": row.role,
            "unit": row.unit_code,
            "member": row.owner_name,
            "position": row.owner_position,
            "state": state_of(row, now),
            "created_at": aware(row.created_at).isoformat(timespec="seconds"),
            "expires_at": aware(row.expires_at).isoformat(timespec="seconds"),
            "revoked_at": aware(row.revoked_at).isoformat(timespec="seconds")
            if row.revoked_at
            else None,
            "revoked_by": row.revoked_by,
            "revoke_reason": row.revoke_reason,
            "replaced_by": row.replaced_by,
        }
        for row in rows
    ]


def issue_official(
    ctx: Context,
    role: str,
    name: str,
    position: str,
    valid_for: dt.timedelta = DEFAULT_VALIDITY,
    unit_code: str | None = None,
    subject: str | None = None,
) -> IssuedCredential:
    """A credential for one named official of a registering body (``role`` one of
    ``BODY_ROLES``: the Ministry of Justice is ``justice``); the token is shown once. An
    akimat's names its city (``unit_code``, a region's ISO 3166-2 code): it answers that
    city's assembly notices only; no other body's names a unit. For online petitions, the
    body a petition is addressed to (``addressee``) names itself in ``subject`` (such as
    ``regional_akimat:KZ-75``) and a citizen (``citizen``) their IIN."""
    if role not in BODY_ROLES:
        raise BadInput("role", f"must be one of {list(BODY_ROLES)}", role)
    if role == "akimat":
        cities = {row["iso_3166_2"] for row in territory.rows("regions.csv")}
        if unit_code not in cities:
            raise BadInput("unit", "an akimat's credential names its city (ISO 3166-2)", unit_code)
    elif unit_code is not None:
        raise BadInput("unit", f"a {role} credential serves no single unit", unit_code)
    subject = _subject(role, subject)
    name, position = _text(name, "name", "official"), _text(position, "position", "official")
    expires_at = dt.datetime.now(dt.UTC) + _validity(valid_for)
    token = new_token()
    with ctx.transaction() as session:
        row = BodyCredentialRow(
            role=role,
            token_hash=hash_token(token),
            owner_name=name,
            owner_position=position,
            subject=subject,
            expires_at=expires_at,
            unit_code=unit_code,
        )
        session.add(row)
        session.flush()
        return IssuedCredential(role, unit_code, token, row.id, name, position, expires_at)


def _subject(role: str, subject: str | None) -> str | None:
    """What a body credential speaks for: a citizen's IIN, an addressee body's name."""
    if role == "citizen":
        return parse_iin(subject, "subject").iin
    if role == "addressee":
        try:
            addressee, unit = parse_body_key(subject or "")
        except ValueError:
            raise BadInput(
                "subject",
                "names the body: government, or its kind and unit as regional_akimat:KZ-75",
                subject,
            ) from None
        return body_key(addressee, unit)
    if subject is not None:
        raise BadInput("subject", f"a {role} credential speaks for no one else", subject)
    return None
