"""Forensics on a night's live totals and on imported precinct tables.

The forensic room is pure; here it meets storage. A night's table is every precinct's current
protocol of one contest, read in one statement with the ledger's size, so a report says which
tree it was computed at (and the site keeps it for that size). The corrections a precinct's
protocol went through are read too, for the check of votes moved between options. An imported
table is a CSV or Parquet file read with a column mapping (:mod:`saylau.forensics.mapping`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from sqlalchemy import select

from saylau.election import ContestDef, Election
from saylau.forensics.flags import ProtocolVersions
from saylau.forensics.integers import REPLICATES
from saylau.forensics.mapping import TableMapping
from saylau.forensics.precincts import Labels, Precincts, PrecinctTableError, precincts_from_columns
from saylau.forensics.suite import SuiteReport, run_suite
from saylau.model import BadInput
from saylau.service.context import Context
from saylau.service.errors import NotFound
from saylau.store.tables import CurrentRow, LedgerStateRow, ProtocolRow

TABLE_SUFFIXES = (".csv", ".parquet", ".pq")
#: Protocol versions that counted at some time: the first accepted and approved corrections.
COUNTED_STATES = ("accepted", "superseded")


@dataclass(frozen=True, slots=True, eq=False)
class PrecinctTable:
    """A table the suite reads: the precincts, each one's district, the versions of its
    protocol where they are known, and the ledger size a night's table was read at."""

    precincts: Precincts
    district: Labels
    versions: ProtocolVersions | None = None
    tree_size: int | None = None

    def report(self, replicates: int = REPLICATES) -> SuiteReport:
        """Every forensic method on this table (seeded: the same table, the same report)."""
        return run_suite(
            self.precincts, self.district, versions=self.versions, replicates=replicates
        )


# --- a night in the database -----------------------------------------------------------------


def _contest(election: Election, contest_id: str) -> ContestDef:
    try:
        return election.contest(contest_id)
    except KeyError:
        raise NotFound(f"no contest {contest_id!r} in election {election.id!r}") from None


def night_table(ctx: Context, election_id: str, contest_id: str) -> PrecinctTable:
    """Every precinct's current protocol of the contest, with its versions, at one tree size."""
    with ctx.sessions() as session:
        election = ctx.catalog(session, election_id).election
        contest = _contest(election, contest_id)
        size = session.scalar(
            select(LedgerStateRow.size).where(LedgerStateRow.election_id == election_id)
        )
        current = session.execute(
            select(ProtocolRow.precinct, ProtocolRow.payload)
            .join(CurrentRow, CurrentRow.protocol_id == ProtocolRow.id)
            .where(CurrentRow.election_id == election_id, CurrentRow.contest == contest_id)
            .order_by(ProtocolRow.precinct)
        ).all()
        history = session.execute(
            select(ProtocolRow.precinct, ProtocolRow.version, ProtocolRow.payload)
            .where(
                ProtocolRow.election_id == election_id,
                ProtocolRow.contest == contest_id,
                ProtocolRow.state.in_(COUNTED_STATES),
            )
            .order_by(ProtocolRow.precinct, ProtocolRow.version)
        ).all()
    if not current:
        raise NotFound(f"contest {contest_id!r} has no protocol accepted yet")
    options = contest.option_ids
    codes = [code for code, _payload in current]
    rows = [json.loads(payload) for _code, payload in current]
    paths = [election.path(code) for code in codes]
    precincts = Precincts(
        ids=np.asarray(codes, dtype=np.str_),
        region=np.asarray([p[1] if len(p) > 2 else p[0] for p in paths], dtype=np.str_),
        voters=np.asarray([r["voters_on_list"] + r["voters_added"] for r in rows], np.int64),
        issued=np.asarray([r["ballots_issued"] for r in rows], np.int64),
        valid=np.asarray([r["ballots_found"] - r["invalid"] for r in rows], np.int64),
        invalid=np.asarray([r["invalid"] for r in rows], np.int64),
        votes=np.asarray([[r["votes"].get(o, 0) for o in options] for r in rows], np.int64).reshape(
            len(rows), len(options)
        ),
        options=options,
    )
    district = np.asarray([p[-2] if len(p) > 1 else p[0] for p in paths], dtype=np.str_)
    return PrecinctTable(precincts, district, _versions(history, codes, options), size or 0)


def _versions(
    history: Sequence[tuple[str, int, str]], codes: Sequence[str], options: Sequence[str]
) -> ProtocolVersions:
    index = {code: k for k, code in enumerate(codes)}
    kept = [
        (index[code], version, json.loads(payload))
        for code, version, payload in history
        if code in index
    ]
    return ProtocolVersions(
        precinct=np.asarray([k for k, _v, _r in kept], np.int64),
        version=np.asarray([v for _k, v, _r in kept], np.int64),
        votes=np.asarray(
            [[r["votes"].get(o, 0) for o in options] for _k, _v, r in kept], np.int64
        ).reshape(len(kept), len(options)),
        ballots=np.asarray([r["ballots_found"] for _k, _v, r in kept], np.int64),
    )


_reports: dict[tuple[str, str, int], SuiteReport] = {}
_reports_guard = threading.Lock()
KEPT_REPORTS = 16


def night_report(ctx: Context, election_id: str, contest_id: str) -> tuple[int, SuiteReport]:
    """The suite on the contest's live totals, with the ledger size it was read at.

    The suite costs about a second per ten thousand precincts, so a report is kept per
    (election, contest, ledger size): the pages of every language, and every reader, share
    it until the ledger moves. It is seeded, so another worker computes the same report;
    losing it loses nothing."""
    with ctx.sessions() as session:
        size = session.scalar(
            select(LedgerStateRow.size).where(LedgerStateRow.election_id == election_id)
        )
    key = (election_id, contest_id, int(size or 0))
    with _reports_guard:
        kept = _reports.get(key)
    if kept is not None:
        return key[2], kept
    table = night_table(ctx, election_id, contest_id)
    try:
        report = table.report()
    except BadInput as exc:
        raise NotFound(f"contest {contest_id!r} cannot be examined yet: {exc}") from None
    read_at = (election_id, contest_id, table.tree_size or 0)
    with _reports_guard:
        if len(_reports) >= KEPT_REPORTS:
            _reports.clear()
        _reports[read_at] = report
    return read_at[2], report


# --- an imported table ------------------------------------------------------------------------


def _arrow_table(path: Path, mapping: TableMapping) -> pa.Table:
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise BadInput("file", "must be a CSV (.csv) or Parquet (.parquet) table", path.name)
    if not path.is_file():
        raise BadInput("file", "must be an existing file", str(path))
    try:
        if suffix == ".csv":
            # Codes stay text: a precinct "0042" read as a number would become 42.
            labels = [*mapping.columns.precinct, mapping.columns.region]
            if mapping.district is not None:
                labels.append(mapping.district)
            types = {name: pa.string() for name in labels}
            return pa_csv.read_csv(path, convert_options=pa_csv.ConvertOptions(column_types=types))
        return pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        reading = "CSV" if suffix == ".csv" else "Parquet"
        raise BadInput("file", f"must be a readable {reading} table", str(exc)) from None


def read_table(path: Path, mapping: TableMapping) -> PrecinctTable:
    """The precincts of a CSV or Parquet file, read with ``mapping``; a column that is missing
    or does not hold whole counts is refused naming the mapped field."""
    table = _arrow_table(path, mapping)
    present = set(table.column_names)
    columns = {
        name: table.column(name).to_numpy(zero_copy_only=False)
        for name in mapping.names()
        if name in present
    }
    try:
        precincts = precincts_from_columns(columns, mapping.columns)
    except PrecinctTableError as exc:
        raise BadInput(exc.field_name, exc.rule, exc.found) from None
    if mapping.district is None:
        district = precincts.region
    elif mapping.district not in present:
        raise BadInput("district", "the mapped column must be in the table", mapping.district)
    else:
        district = np.asarray(columns[mapping.district]).astype(np.str_)
    return PrecinctTable(precincts, district)
