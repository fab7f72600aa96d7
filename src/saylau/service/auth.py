"""Credentials: one random token per commission, kept at rest only as its SHA-256.

Tokens are 256-bit random values, not passwords, so a fast hash is enough: nobody can
guess their way through 2**256, and a slow password hash would cost every request dearly.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.service.errors import Unauthenticated
from saylau.store.tables import CredentialRow

ROLES = ("precinct", "territorial", "central", "observer")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a commission of one unit, or an observer."""

    credential_id: int
    election_id: str
    role: str
    unit_code: str | None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def authenticate(session: Session, election_id: str, token: str | None) -> Principal:
    """The principal of ``token`` for ``election_id``, or Unauthenticated."""
    if not token:
        raise Unauthenticated("send 'Authorization: Bearer <token>' with your commission's token")
    row = session.scalars(
        select(CredentialRow).where(CredentialRow.token_hash == hash_token(token))
    ).one_or_none()
    if row is None or row.election_id != election_id:
        raise Unauthenticated("the token is not a credential of this election")
    return Principal(row.id, row.election_id, row.role, row.unit_code)


def authenticate_many(
    session: Session, election_id: str, tokens: Sequence[str]
) -> dict[str, Principal | Unauthenticated]:
    """Each token's principal, or why it is refused, from one query (for callers that
    gather many requests into one transaction): the same rules as ``authenticate``."""
    hashes = {token: hash_token(token) for token in tokens if token}
    rows = {
        row.token_hash: row
        for row in session.scalars(
            select(CredentialRow).where(CredentialRow.token_hash.in_(set(hashes.values())))
        )
    }
    found: dict[str, Principal | Unauthenticated] = {}
    for token in tokens:
        row = rows.get(hashes[token]) if token else None
        if not token:
            found[token] = Unauthenticated(
                "send 'Authorization: Bearer <token>' with your commission's token"
            )
        elif row is None or row.election_id != election_id:
            found[token] = Unauthenticated("the token is not a credential of this election")
        else:
            found[token] = Principal(row.id, row.election_id, row.role, row.unit_code)
    return found
