"""Writing the published files of an election: what ``saylau verify`` reads."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

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
        (folder / "election.json").write_text(election.definition, encoding="utf-8")
        head = ledgering.head_document(session, election_id)
        (folder / "ledger-head.json").write_text(json.dumps(head, indent=1), encoding="utf-8")
        (folder / "ledger-checkpoint.txt").write_text(head["checkpoint"], encoding="utf-8")
        with (folder / "ledger-entries.jsonl").open("w", encoding="utf-8") as out:
            rows = session.execute(
                select(LedgerEntryRow.index, LedgerEntryRow.kind, LedgerEntryRow.leaf)
                .where(LedgerEntryRow.election_id == election_id)
                .order_by(LedgerEntryRow.index)
            )
            leaves = 0
            for index, kind, leaf in rows:
                out.write(json.dumps({"index": index, "kind": kind, "leaf": leaf.decode()}) + "\n")
                leaves += 1
        with (folder / "precinct-results.jsonl").open("w", encoding="utf-8") as out:
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
                item = {
                    "precinct": precinct,
                    "contest": contest,
                    "version": version,
                    "protocol": json.loads(payload),
                }
                out.write(json.dumps(item, sort_keys=True) + "\n")
                precincts += 1
        totals = [
            {
                "contest": t.contest,
                "unit": t.unit_code,
                "precincts_reported": t.precincts_reported,
                "precincts_expected": t.precincts_expected,
                "counts": json.loads(t.counts),
            }
            for t in session.scalars(
                select(TotalRow)
                .where(TotalRow.election_id == election_id)
                .order_by(TotalRow.contest, TotalRow.unit_code)
            )
        ]
        (folder / "totals.json").write_text(json.dumps(totals), encoding="utf-8")
    return {"leaves": leaves, "precinct_results": precincts, "totals": len(totals)}
