"""What every use case needs: the database and the immutable election definitions.

A worker process keeps only immutable data in memory (an imported definition never
changes), so any number of stateless workers can serve one database.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from saylau import ledger
from saylau.election import Election, election_from_mapping
from saylau.keyfile import cosigners, signer_for
from saylau.service.errors import NotFound
from saylau.store import database_url, make_engine, migrate
from saylau.store.tables import ElectionRow

SIGNER = "saylau.signer"
"""Key of the ledger's signer in ``Session.info``."""
COSIGNERS = "saylau.cosigners"
"""Key of the signers that add their signature to each head (a rotation's handover)."""


@dataclass
class Catalog:
    """An election definition with the look-ups the use cases need, computed once."""

    election: Election
    paths: dict[str, tuple[str, ...]]  # precinct → units from the republic down, inclusive
    contests: dict[str, frozenset[str]]  # precinct → contest ids it votes in
    republic: str

    @classmethod
    def of(cls, election: Election) -> Catalog:
        paths: dict[str, tuple[str, ...]] = {}
        contests: dict[str, frozenset[str]] = {}
        for unit in election.precincts():
            paths[unit.code] = tuple(election.path(unit.code))
            contests[unit.code] = frozenset(c.id for c in election.contests_for(unit.code))
        republic = next(u.code for u in election.units if u.level == "republic")
        return cls(election, paths, contests, republic)


@dataclass
class Context:
    """The engine, a session factory, the ledger's signer and the cache of definitions.

    The signer travels in each session's ``info`` so that the ledger signs inside any
    transaction without every use case passing the key along.
    """

    engine: Engine
    sessions: sessionmaker[Session]
    catalogs: dict[str, Catalog] = field(default_factory=dict)

    @classmethod
    def open(
        cls,
        url: str | None = None,
        upgrade: bool = True,
        signer: ledger.Signer | str | Path | None = None,
    ) -> Context:
        """Open the database at ``url``; ``signer`` is a :class:`saylau.ledger.Signer` or the
        path of a key file (default: ``SAYLAU_SIGNING_KEY``, else beside the database)."""
        engine = make_engine(url)
        if upgrade:
            migrate(engine)
        if not isinstance(signer, ledger.Signer):
            signer = signer_for(database_url(url), signer)
        info = {SIGNER: signer, COSIGNERS: cosigners()}
        return cls(engine, sessionmaker(engine, expire_on_commit=False, info=info))

    @property
    def signer(self) -> ledger.Signer:
        found: ledger.Signer = self.sessions.kw["info"][SIGNER]
        return found

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        with self.sessions.begin() as session:
            yield session

    def warm(self) -> None:
        """Load every imported election's definition now, not on the first request. A worker
        that starts while the database is lost still starts (and answers 503 until it is
        back): the definitions then load on first use, as without warming."""
        try:
            with self.sessions() as session:
                for election_id in session.scalars(select(ElectionRow.id)):
                    self.catalog(session, election_id)
        except DBAPIError as exc:
            sys.stderr.write(f"definitions not loaded at start, database unreachable: {exc.orig}\n")

    def catalog(self, session: Session, election_id: str) -> Catalog:
        cached = self.catalogs.get(election_id)
        if cached is not None:
            return cached
        row = session.get(ElectionRow, election_id)
        if row is None:
            raise NotFound(f"no election {election_id!r}")
        catalog = Catalog.of(election_from_mapping(json.loads(row.definition)))
        self.catalogs[election_id] = catalog
        return catalog
