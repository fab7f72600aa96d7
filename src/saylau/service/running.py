"""The running totals of every unit above the precincts, changed in the writer's transaction.

A group of protocols touches a few dozen totals (each contest at the country, its region and
its district). They are read and written back with one statement each way, whatever
their number: on PostgreSQL with array parameters (the new counts as one JSON document, which
the driver passes without escaping each element), so the text of both statements never
changes and the server keeps them prepared. Callers hold the election's ledger lock, which
orders every writer of totals: the rows are not locked again one by one (on PostgreSQL each
row lock is a write of its own, a few dozen in every group).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, text, tuple_, update
from sqlalchemy.orm import Session

from saylau.service.errors import NotFound
from saylau.store.bulk import ROWS, hold
from saylau.store.tables import TotalRow
from saylau.tabulation.totals import add

#: (contest, unit code) → [change of the counts, change of the precincts reported]
Deltas = dict[tuple[str, str], list[Any]]

_READ = text(
    """
    SELECT t.contest, t.unit_code, t.counts
    FROM totals AS t
    JOIN unnest(CAST(:contests AS text[]), CAST(:units AS text[])) AS k(contest, unit_code)
      ON t.contest = k.contest AND t.unit_code = k.unit_code
    WHERE t.election_id = :election
    ORDER BY t.contest, t.unit_code
    """
)
_WRITE = text(
    """
    UPDATE totals AS t
    SET counts = v.counts,
        precincts_reported = t.precincts_reported + v.reported,
        updated_at = :now
    FROM jsonb_to_recordset(CAST(:rows AS jsonb))
        AS v(contest text, unit_code text, counts text, reported integer)
    WHERE t.election_id = :election AND t.contest = v.contest AND t.unit_code = v.unit_code
    """
)

#: The same, held by :func:`saylau.store.bulk.together` with the caller's other writes.
_HELD_WRITE = f"""
    UPDATE totals AS t
    SET counts = v.counts,
        precincts_reported = t.precincts_reported + v.reported,
        updated_at = v.updated_at
    FROM json_to_recordset({ROWS}) AS v(
        election_id text, contest text, unit_code text, counts text, reported integer,
        updated_at timestamptz
    )
    WHERE t.election_id = v.election_id AND t.contest = v.contest
      AND t.unit_code = v.unit_code
    """


def apply_deltas(session: Session, election_id: str, deltas: Deltas, now: dt.datetime) -> None:
    """Add the group's changes to each unit's totals (the caller holds the ledger lock)."""
    if not deltas:
        return
    keys = sorted(deltas)
    contests = [contest for contest, _ in keys]
    units = [unit for _, unit in keys]
    postgres = session.connection().dialect.name == "postgresql"
    if postgres:  # on the connection: rows as rows, without the ORM's execution path
        if session.new or session.dirty or session.deleted:
            session.flush()
        found = (
            session.connection()
            .execute(_READ, {"election": election_id, "contests": contests, "units": units})
            .all()
        )
    else:  # SQLite: the transaction already holds the database's write lock
        found = session.execute(
            select(TotalRow.contest, TotalRow.unit_code, TotalRow.counts)
            .where(
                TotalRow.election_id == election_id,
                tuple_(TotalRow.contest, TotalRow.unit_code).in_(keys),
            )
            .order_by(TotalRow.contest, TotalRow.unit_code)
        ).all()
    if len(found) != len(keys):
        raise NotFound("a total to update is missing: the election was not imported whole")
    counts = [
        json.dumps(add(json.loads(stored), deltas[(contest, unit)][0]))
        for contest, unit, stored in found
    ]
    reported = [deltas[(contest, unit)][1] for contest, unit, _ in found]
    contests = [contest for contest, _, _ in found]
    units = [unit for _, unit, _ in found]
    if postgres:
        rows = [
            {
                "election_id": election_id,
                "contest": c,
                "unit_code": u,
                "counts": n,
                "reported": r,
                "updated_at": now,
            }
            for c, u, n, r in zip(contests, units, counts, reported, strict=True)
        ]
        if hold(session, _HELD_WRITE, rows):  # sent with the group's other writes
            return
        session.execute(
            _WRITE,
            {
                "election": election_id,
                "rows": json.dumps(
                    [
                        {"contest": c, "unit_code": u, "counts": n, "reported": r}
                        for c, u, n, r in zip(contests, units, counts, reported, strict=True)
                    ]
                ),
                "now": now,
            },
        )
        return
    table = cast(Table, TotalRow.__table__)
    session.connection().execute(
        update(table)
        .where(
            table.c.election_id == bindparam("election"),
            table.c.contest == bindparam("contest_"),
            table.c.unit_code == bindparam("unit"),
        )
        .values(
            counts=bindparam("counts_"),
            precincts_reported=table.c.precincts_reported + bindparam("reported"),
            updated_at=now,
        ),
        [
            {"election": election_id, "contest_": c, "unit": u, "counts_": n, "reported": r}
            for c, u, n, r in zip(contests, units, counts, reported, strict=True)
        ],
    )
