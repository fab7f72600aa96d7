"""Credentials: one random token per named member of a commission, kept at rest only as its
SHA-256, valid until it expires or is revoked.

Tokens are 256-bit random values, not passwords, so a fast hash is enough: nobody can
guess their way through 2**256, and a slow password hash would cost every request dearly.
Checking one is a single look-up by the unique index on the hash; the expiry and the
revocation are read from the same row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Row, Table, select
from sqlalchemy.orm import Session

from saylau.service.errors import Forbidden, Unauthenticated
from saylau.store.bulk import ListQuery
from saylau.store.tables import BodyCredentialRow, CredentialRow

ROLES = ("precinct", "territorial", "central", "observer")
#: Roles of registering bodies that are not commissions: the Ministry of Justice registers
#: parties (electoral-rules §7); an akimat answers assembly notices and an organiser files them
#: (§9); online petitions (§8) have the portal's moderators, the bodies petitions are
#: addressed to (the credential's subject names the body) and citizens (the subject is
#: their IIN).
BODY_ROLES = ("justice", "akimat", "organiser", "moderator", "addressee", "citizen")


@dataclass(frozen=True, slots=True)
class Official:
    """Who is calling for a registering body: a named official holding its credential."""

    credential_id: int
    role: str
    name: str
    position: str
    unit_code: str | None = None  # an akimat's city
    subject: str | None = None  # a citizen's IIN, a petition's addressee body


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a named member of the commission of one unit, or an observer."""

    credential_id: int
    election_id: str
    role: str
    unit_code: str | None
    member: str = ""
    position: str = ""

    def as_record(self) -> dict[str, Any]:
        """How ledger records name the caller: the commission, its member and the credential."""
        return {
            "commission": self.unit_code,
            "role": self.role,
            "member": self.member,
            "position": self.position,
            "credential": self.credential_id,
        }


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


Stored = CredentialRow | Row[Any]  # a credential as an object, or as a row of its table


def principal_of(row: Stored) -> Principal:
    """The principal a stored credential stands for (whatever its state)."""
    return Principal(
        row.id, row.election_id, row.role, row.unit_code, row.owner_name, row.owner_position
    )


def aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every stored one is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def refusal(row: Stored | None, election_id: str, now: dt.datetime) -> Unauthenticated | None:
    """Why the credential cannot be used now, or None if it can."""
    if row is None or row.election_id != election_id:
        return Unauthenticated("the token is not a credential of this election")
    if row.revoked_at is not None:
        when = aware(row.revoked_at).isoformat(timespec="seconds")
        if row.replaced_by is not None:
            return Unauthenticated(
                f"the token was replaced by a new one on {when}: use the token you were given then"
            )
        return Unauthenticated(
            f"the token was revoked on {when}: ask the election's administrators for a new one"
        )
    if aware(row.expires_at) <= now:
        when = aware(row.expires_at).isoformat(timespec="seconds")
        return Unauthenticated(
            f"the token expired on {when}: ask the election's administrators for a new one"
        )
    return None


def authenticate(session: Session, election_id: str, token: str | None) -> Principal:
    """The principal of ``token`` for ``election_id``, or Unauthenticated."""
    if not token:
        raise Unauthenticated("send 'Authorization: Bearer <token>' with your commission's token")
    row = session.scalars(
        select(CredentialRow).where(CredentialRow.token_hash == hash_token(token))
    ).one_or_none()
    refused = refusal(row, election_id, dt.datetime.now(dt.UTC))
    if refused is not None:
        raise refused
    assert row is not None
    return principal_of(row)


def authenticate_bearer(session: Session, token: str | None) -> Principal:
    """The principal of ``token`` in whichever election it was issued for, or
    Unauthenticated: a commission signing in gives its token alone."""
    if not token:
        raise Unauthenticated("give your commission's token")
    row = session.scalars(
        select(CredentialRow).where(CredentialRow.token_hash == hash_token(token))
    ).one_or_none()
    election_id = row.election_id if row is not None else ""
    refused = refusal(row, election_id, dt.datetime.now(dt.UTC))
    if refused is not None:
        raise refused
    assert row is not None
    return principal_of(row)


_CREDENTIALS = cast(Table, CredentialRow.__table__)
_BY_HASHES = ListQuery(
    lambda one_of: select(_CREDENTIALS).where(one_of(_CREDENTIALS.c.token_hash, "hashes"))
)


def authenticate_many(
    session: Session, election_id: str, tokens: Sequence[str]
) -> dict[str, Principal | Unauthenticated]:
    """Each token's principal, or why it is refused, from one query (for callers that
    gather many requests into one transaction)."""
    hashes = {token: hash_token(token) for token in tokens if token}
    found_rows = _BY_HASHES.run(session, {"hashes": sorted(set(hashes.values()))})
    rows = {row.token_hash: row for row in found_rows}
    now = dt.datetime.now(dt.UTC)
    found: dict[str, Principal | Unauthenticated] = {}
    for token in tokens:
        if not token:
            found[token] = Unauthenticated(
                "send 'Authorization: Bearer <token>' with your commission's token"
            )
            continue
        row = rows.get(hashes[token])
        refused = refusal(row, election_id, now)
        if refused is None and row is not None:
            found[token] = principal_of(row)
        else:
            found[token] = refused or Unauthenticated("the token is not a credential")
    return found


def authenticate_official(session: Session, role: str, token: str | None) -> Official:
    """The official of ``role`` behind ``token``: Unauthenticated if the token is nobody's
    or no longer valid, Forbidden if it is a commission's or another body's credential."""
    if not token:
        raise Unauthenticated(f"send 'Authorization: Bearer <token>' with the {role} credential")
    digest = hash_token(token)
    row = session.scalars(
        select(BodyCredentialRow).where(BodyCredentialRow.token_hash == digest)
    ).one_or_none()
    if row is None:
        commission = session.scalars(
            select(CredentialRow.id).where(CredentialRow.token_hash == digest)
        ).first()
        if commission is not None:
            raise Forbidden(f"a commission's credential does not carry the {role} role")
        raise Unauthenticated("the token is not a credential")
    now = dt.datetime.now(dt.UTC)
    if row.revoked_at is not None:
        when = aware(row.revoked_at).isoformat(timespec="seconds")
        raise Unauthenticated(f"the token was revoked on {when}")
    if aware(row.expires_at) <= now:
        when = aware(row.expires_at).isoformat(timespec="seconds")
        raise Unauthenticated(f"the token expired on {when}")
    if row.role != role:
        raise Forbidden(f"the credential's role is {row.role}, not {role}")
    return Official(
        row.id, row.role, row.owner_name, row.owner_position, row.unit_code, row.subject
    )


def authenticate_commission(session: Session, election_id: str, token: str | None) -> Principal:
    """The commission member behind ``token`` for ``election_id``: as :func:`authenticate`,
    but a registering body's credential (the Ministry of Justice) is Forbidden, not unknown."""
    try:
        return authenticate(session, election_id, token)
    except Unauthenticated:
        if token:
            body = session.scalars(
                select(BodyCredentialRow.role).where(
                    BodyCredentialRow.token_hash == hash_token(token)
                )
            ).first()
            if body is not None:
                raise Forbidden(
                    f"a {body} credential does not carry an election commission's role"
                ) from None
        raise
