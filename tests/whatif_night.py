"""A 2023 night on SQLite with every party-list protocol in but one region's, for the what-if
tests of the database, the command and the page."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from saylau.protocol import protocol_to_mapping
from saylau.service.context import Context
from saylau.service.submission import submit_batch
from saylau.synth.demo import prepare, regional_principals

CONTEST = "mazhilis-list"
PRECINCTS = 240


def counted_night(folder: Path) -> tuple[str, str, str]:
    """(database url, election id, the region still counting)."""
    url = f"sqlite:///{folder / 'whatif.db'}"
    ctx: Context
    ctx, synthetic = prepare(url, seed=2023, precincts=PRECINCTS)
    try:
        election = synthetic.election
        principals = regional_principals(ctx, election.id)
        republic = election.path(synthetic.protocols[0].precinct)[0]
        pending = [u.code for u in election.children(republic)][-1]
        by_region: dict[str, list[tuple[Any, str | None]]] = defaultdict(list)
        for index in range(len(synthetic.protocols)):
            protocol = synthetic.protocols[index]
            region = election.path(protocol.precinct)[1]
            if protocol.contest == CONTEST and region != pending:
                by_region[region].append((protocol_to_mapping(protocol), None))
        for region, items in by_region.items():
            submit_batch(ctx, principals[region], items)
    finally:
        ctx.engine.dispose()
    return url, election.id, pending
