"""What a group of single submissions costs the writer, with no HTTP and no other writer: the
intake writer's own transaction (credentials, checks, ledger lock, rows, ledger, totals,
commit) timed at several group sizes on PostgreSQL, and the line through them: a fixed cost
per group and a cost per protocol. Beside the wall time, the processor time per protocol of
the writer's thread and of the database's processes serving it (from the kernel's counters:
steadier than wall time on a machine shared with other work).

Each size stores its own share of the national dataset's protocols (regions mixed, each under
its precinct's token) in groups of that size, one after another, on one connection; every
answer must be an acceptance.

With --by-statement the database's time is also split by statement (the server process's
own run time from ``/proc/<pid>/schedstat``, in nanoseconds, read before and after each
statement), the rest being the commit and the connection's check-out: where a group's cost
on the server goes. Reading those counters costs the writer's thread, whose own figure is
then higher: take the writer's figure from a run without it.

Run: .venv/bin/python bench/writer_bench.py [--precincts 5000] [--protocols 1500]
     [--sizes 1,12,25,50,100] [--by-statement] [--out FILE]
Figures are printed and written to bench/results/writer.json (or --out).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, event, text

from benchlib import fresh_database
from saylau.protocol import protocol_to_mapping
from saylau.service.context import Context
from saylau.service.elections import import_election, issue_credentials
from saylau.service.intake import Intake, _Waiting
from saylau.service.submission import Receipt
from saylau.synth import generate

RESULTS = Path(__file__).with_name("results")
SIZES = (1, 12, 25, 50, 100)


TICK = os.sysconf("SC_CLK_TCK")


def _ticks(pid: int) -> int:
    """utime + stime of a process so far, in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _backends(ctx: Context) -> list[int]:
    """The PostgreSQL processes serving this database (the writer's connections)."""
    with ctx.engine.connect() as connection:
        return list(
            connection.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            ).scalars()
        )


def _run_time(pid: int) -> int:
    """Nanoseconds a process has run on a processor so far (0 once it is gone)."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except OSError:
        return 0


class StatementTimes:
    """The database server's run time spent on each kind of statement (its first words)."""

    def __init__(self, engine: Engine) -> None:
        self.spent: Counter[str] = Counter()
        self.started: tuple[int, int] = (0, 0)
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    @staticmethod
    def _pid(connection: Connection) -> int:
        return int(connection.connection.dbapi_connection.info.backend_pid)  # type: ignore[union-attr]

    def _before(self, connection: Connection, *_: Any) -> None:
        pid = self._pid(connection)
        self.started = (pid, _run_time(pid))

    def _after(self, connection: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        pid, started = self.started
        self.spent[" ".join(statement.split()[:6])[:60]] += _run_time(pid) - started

    def take(self) -> Counter[str]:
        spent, self.spent = self.spent, Counter()
        return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--precincts", type=int, default=5_000)
    parser.add_argument("--protocols", type=int, default=1_500, help="per group size")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--out", type=Path, default=RESULTS / "writer.json")
    parser.add_argument(
        "--by-statement",
        action="store_true",
        help="split the database's time by statement (its reading costs the writer's thread)",
    )
    args = parser.parse_args()
    sizes = tuple(int(size) for size in args.sizes.split(","))
    load = [round(x, 2) for x in os.getloadavg()]
    figures: dict[str, Any] = {}
    with fresh_database() as url:
        synthetic = generate(seed=2023, precincts=args.precincts)
        ctx = Context.open(url)
        try:
            import_election(ctx, synthetic.election)
            tokens = {
                c.unit_code: c.token
                for c in issue_credentials(ctx, synthetic.election.id)
                if c.unit_code
            }
            protocols = list(synthetic.protocols)
            random.Random(2023).shuffle(protocols)
            writer = Intake(ctx)
            loop = asyncio.new_event_loop()
            statements = StatementTimes(ctx.engine) if args.by_statement else None
            for number, size in enumerate(sizes):
                share = protocols[number * args.protocols : (number + 1) * args.protocols]
                if len(share) < args.protocols:
                    raise SystemExit("--precincts too small for every group size")
                waiting = [
                    _Waiting(
                        synthetic.election.id,
                        tokens[p.precinct],
                        json.loads(json.dumps(protocol_to_mapping(p))),
                        None,
                        loop,
                        loop.create_future(),
                    )
                    for p in share
                ]
                backends = _backends(ctx)
                ticks = {pid: _ticks(pid) for pid in backends}
                started, cpu = time.perf_counter(), time.thread_time()
                for start in range(0, len(waiting), size):
                    answers = writer._answers(synthetic.election.id, waiting[start : start + size])
                    if not all(isinstance(a, Receipt) and a.status == "accepted" for a in answers):
                        raise RuntimeError(f"not accepted: {answers[:3]}")
                seconds = time.perf_counter() - started
                cpu = time.thread_time() - cpu
                database = sum(max(0, _ticks(pid) - ticks[pid]) for pid in backends) / TICK
                by_statement = statements.take() if statements is not None else Counter()
                groups = -(-len(waiting) // size)
                figures[str(size)] = {
                    "protocols_per_second": round(len(waiting) / seconds),
                    "ms_per_group": round(1000 * seconds / groups, 2),
                    "writer_cpu_ms_per_protocol": round(1000 * cpu / len(waiting), 3),
                    "database_cpu_ms_per_protocol": round(1000 * database / len(waiting), 3),
                }
                if statements is not None:
                    figures[str(size)]["database_ms_per_protocol_by_statement"] = {
                        kind: round(spent / 1e6 / len(waiting), 4)
                        for kind, spent in by_statement.most_common()
                    }
                print(size, figures[str(size)], flush=True)
            loop.close()
        finally:
            ctx.engine.dispose()
    fit: dict[str, float] = {}
    if len(sizes) > 1:
        per_group = np.array([figures[str(s)]["ms_per_group"] for s in sizes])
        per_protocol, fixed = np.polyfit(np.array(sizes, dtype=np.float64), per_group, 1)
        fit = {
            "fixed_ms_per_group": round(float(fixed), 2),
            "ms_per_protocol": round(float(per_protocol), 3),
        }
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": load,
        },
        "precincts": args.precincts,
        "protocols_per_size": args.protocols,
        "by_group_size": figures,
        "fit": fit,
    }
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result["fit"], indent=1))


if __name__ == "__main__":
    main()
