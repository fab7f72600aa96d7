"""The log's keys over time: which public key signs which heads, and rotating to a new one."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from saylau import keyfile, ledger
from saylau.service import ledgering
from saylau.service.context import Context
from saylau.store.tables import LedgerStateRow


@dataclass(frozen=True)
class LogKeys:
    """One election's log: its origin, size and each key with the first size it signs."""

    election_id: str
    origin: str
    size: int
    keys: list[tuple[int, ledger.NoteKey]]


def show(ctx: Context) -> list[LogKeys]:
    with ctx.sessions() as session:
        states = session.scalars(select(LedgerStateRow).order_by(LedgerStateRow.election_id))
        return [
            LogKeys(s.election_id, s.origin, int(s.size), ledgering.keys(session, s.election_id))
            for s in states
        ]


def rotate(ctx: Context, path: Path) -> tuple[Path, list[tuple[str, int, str]]]:
    """Write a new key to ``path`` and make it the key of every log from its next head on.

    All logs are locked first, so no head is signed while the key changes; the old key file
    is kept beside it as ``<name>.retired-<key id>`` (delete it once no one needs it) and is
    put back if the database refuses the change.
    """
    old = keyfile.load(path)
    retired = path.with_name(f"{path.name}.retired-{old.public_key().hex()[:8]}")
    linked = False
    try:
        with ctx.transaction() as session:
            states = list(
                session.scalars(
                    select(LedgerStateRow).order_by(LedgerStateRow.election_id).with_for_update()
                )
            )
            os.link(path, retired)
            linked = True
            new = keyfile.replace(path)
            rotated = []
            for state in states:
                from_size = ledgering.rotate(session, state, new.public_key())
                vkey = ledger.NoteKey(state.origin, new.verifying_key).vkey()
                rotated.append((state.election_id, from_size, vkey))
            session.flush()
    except BaseException:
        # refused before or at the commit: the database still names the old key
        if linked:
            os.replace(retired, path)
        raise
    reload = getattr(ctx.signer, "reload", None)
    if callable(reload):
        reload()
    return retired, rotated
