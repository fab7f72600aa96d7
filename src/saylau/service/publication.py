"""Writing the published files of an election: what ``saylau verify`` reads."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from saylau.publication import folder as published
from saylau.service import ledgering
from saylau.service.context import Context
from saylau.store.tables import CurrentRow, ElectionRow, LedgerEntryRow, ProtocolRow, TotalRow


def publish(ctx: Context, election_id: str, folder: Path) -> dict[str, int]:
    """Write definition, signed head, leaves, precinct results and totals, as of one moment.

    Read in one transaction under the ledger lock, so the files describe one state.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with ctx.transaction() as session:
        ledgering.lock(session, election_id)
        election = session.get(ElectionRow, election_id)
        assert election is not None
        (folder / published.DEFINITION).write_text(election.definition, encoding="utf-8")
        head = ledgering.head_document(session, election_id)
        (folder / published.HEAD).write_text(published.head(head), encoding="utf-8")
        (folder / published.CHECKPOINT).write_text(published.checkpoint(head), encoding="utf-8")
        with (folder / published.ENTRIES).open("w", encoding="utf-8") as out:
            rows = session.execute(
                select(LedgerEntryRow.index, LedgerEntryRow.kind, LedgerEntryRow.leaf)
                .where(LedgerEntryRow.election_id == election_id)
                .order_by(LedgerEntryRow.index)
            )
            leaves = 0
            for index, kind, leaf in rows:
                out.write(published.entry(index, kind, leaf))
                leaves += 1
        with (folder / published.PRECINCT_RESULTS).open("w", encoding="utf-8") as out:
            rows2 = session.execute(
                select(
                    ProtocolRow.precinct,
                    ProtocolRow.contest,
                    ProtocolRow.version,
                    ProtocolRow.payload,
                )
                .join(CurrentRow, CurrentRow.protocol_id == ProtocolRow.id)
                .where(CurrentRow.election_id == election_id)
                .order_by(ProtocolRow.precinct, ProtocolRow.contest)
            )
            precincts = 0
            for precinct, contest, version, payload in rows2:
                out.write(published.precinct_result(precinct, contest, version, payload))
                precincts += 1
        totals = [
            published.total(
                t.contest, t.unit_code, t.precincts_reported, t.precincts_expected, t.counts
            )
            for t in session.scalars(
                select(TotalRow)
                .where(TotalRow.election_id == election_id)
                .order_by(TotalRow.contest, TotalRow.unit_code)
            )
        ]
        (folder / published.TOTALS).write_text(published.totals(totals), encoding="utf-8")
    return {"leaves": leaves, "precinct_results": precincts, "totals": len(totals)}
