"""Open data: the one read every format is written from, and the files the API and the
command line hand out.

Every file is read from one consistent state of the database and stamped with the signed
ledger tree head that state corresponds to and with its status (unofficial-partial,
unofficial-complete or certified). What the bytes of each format are is
:mod:`saylau.publication`'s business; this module decides what is read, and when.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau import publication
from saylau.law.rules import rules_at
from saylau.outcome.records import from_json
from saylau.publication import Line, Results, Stamp
from saylau.publication.formats import check_format, check_level
from saylau.service import certification, ledgering
from saylau.service.context import Context
from saylau.service.errors import NotFound
from saylau.service.results import status_of
from saylau.service.submission import protocol_from_payload
from saylau.store.tables import CurrentRow, ProtocolRow, TotalRow
from saylau.tabulation.totals import counts_of


@dataclass(frozen=True, slots=True)
class Download:
    body: bytes
    media_type: str
    filename: str
    stamp: Stamp

    @property
    def content_disposition(self) -> str:
        return content_disposition(self.filename)


def content_disposition(filename: str) -> str:
    """An ASCII filename for every client and the exact one (RFC 6266) for those that can."""
    plain = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"


def _snapshot(ctx: Context, session: Session) -> None:
    """Read everything from one state: PostgreSQL by a repeatable-read transaction (writers
    are not held up); SQLite's transactions already begin by taking the database's lock."""
    if ctx.engine.dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def read(ctx: Context, election_id: str, contest_id: str, level: str = "precinct") -> Results:
    """A contest's results at ``level`` with the stamp of the state they were read in."""
    check_level(level)
    with ctx.sessions() as session:
        _snapshot(ctx, session)
        catalog = ctx.catalog(session, election_id)
        election = catalog.election
        if not election.has_contest(contest_id):
            raise NotFound(f"no contest {contest_id!r} in election {election_id!r}")
        contest = election.contest(contest_id)
        signed, public = ledgering.latest_head(session, election_id)
        decision = certification.latest_decision(session, election_id, contest_id)
        totals = {
            row.unit_code: row
            for row in session.scalars(
                select(TotalRow).where(
                    TotalRow.election_id == election_id, TotalRow.contest == contest_id
                )
            )
        }
        counted: dict[str, tuple[int, str]] = {}
        if level == "precinct":
            rows = session.execute(
                select(ProtocolRow.precinct, ProtocolRow.version, ProtocolRow.payload)
                .join(CurrentRow, CurrentRow.protocol_id == ProtocolRow.id)
                .where(CurrentRow.election_id == election_id, CurrentRow.contest == contest_id)
            )
            counted = {precinct: (version, payload) for precinct, version, payload in rows}
    top = totals.get(catalog.republic)
    if top is None:
        raise NotFound(f"contest {contest_id!r} has no precincts, so no results to export")
    certified = decision is not None and decision.kind == certification.CERTIFICATION
    stamp = Stamp(
        status=status_of(top.precincts_reported, top.precincts_expected, certified),
        tree_size=signed.head.size,
        tree_root=signed.head.root.hex(),
        tree_timestamp=signed.head.timestamp,
        tree_signature=signed.signature.hex(),
        public_key=public.hex(),
    )
    territory = tuple(
        Line(
            unit,
            totals[unit.code].precincts_reported,
            totals[unit.code].precincts_expected,
            totals[unit.code].registered_expected,
            None,
            json.loads(totals[unit.code].counts),
        )
        for unit in election.units
        if unit.code in totals
    )
    precincts: list[Line] = []
    if level == "precinct":
        for unit in election.precincts():
            if contest_id not in catalog.contests[unit.code]:
                continue
            found = counted.get(unit.code)
            counts = counts_of(protocol_from_payload(found[1])) if found else None
            version = found[0] if found else None
            precincts.append(
                Line(unit, int(found is not None), 1, unit.registered or 0, version, counts)
            )
    outcome = (
        from_json(json.loads(decision.outcome))
        if certified and decision and decision.outcome
        else None
    )
    return Results(
        election=election,
        contest=contest,
        level=level,
        stamp=stamp,
        territory=territory,
        precincts=tuple(precincts),
        certified_outcome=outcome,
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        against_all_on_ballot=bool(rules_at(election.date).elections.against_all_on_ballot),
    )


def export(
    ctx: Context, election_id: str, contest_id: str, fmt: str, level: str = "precinct"
) -> Download:
    """One download: the contest's results at ``level`` in ``fmt``, stamped."""
    check_format(fmt)
    results = read(ctx, election_id, contest_id, level)
    return Download(
        publication.write(results, fmt),
        publication.MEDIA_TYPES[fmt],
        publication.file_name(election_id, contest_id, level, fmt),
        results.stamp,
    )


def write(
    ctx: Context, election_id: str, fmt: str, level: str, out: Path, contest_id: str | None
) -> list[tuple[Path, Download]]:
    """Write one contest's download to the file ``out``, or, without a contest, every
    contest's download into the folder ``out`` under the names the API gives them."""
    check_format(fmt)
    check_level(level)
    if contest_id is not None:
        download = export(ctx, election_id, contest_id, fmt, level)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(download.body)
        return [(out, download)]
    with ctx.sessions() as session:
        contests = [c.id for c in ctx.catalog(session, election_id).election.contests]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for contest in contests:
        download = export(ctx, election_id, contest, fmt, level)
        path = out / download.filename
        path.write_bytes(download.body)
        written.append((path, download))
    return written
