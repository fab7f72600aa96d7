"""Where the processor time of single submissions goes: CPU seconds per protocol spent by the
workers' request handling (event loop, FastAPI, pydantic), by their intake writers, by the
database server and by the load generator, measured from the kernel's own counters while the
intake bench's single phase runs.

Processor time, unlike wall time, hardly moves when other work shares the machine, so two
commits can be compared on a busy machine; and on 2 cores the sum per protocol bounds the
rate: 2 CPU seconds / (CPU seconds per protocol) protocols per second at best.

The writer is found by its Python thread name (``intake``) through ``py-spy dump``, every
other thread of a worker counts as request handling; the server processes connected to the
bench's database count as the database (its shared background writers, which also serve
whatever else runs on the machine, are left out); wrk's time is its own rusage.

``--only echo`` sends the same requests to the validate-and-echo route (bench/echo_asgi.py),
``--only batch`` the same protocols in batches of 250 from the regional commissions.

Run: .venv/bin/python bench/intake_cpu.py [--precincts 5000] [--workers 2]
     [--only single|batch|echo] [--out FILE]
Figures are printed and written to bench/results/intake-cpu.json (or --out).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

from benchlib import fresh_database, require_wrk, start_server, stop
from intake_bench import ECHO_APP, batch_requests, dataset, run_wrk, single_requests, stored

RESULTS = Path(__file__).with_name("results")
TICK = os.sysconf("SC_CLK_TCK")
PY_SPY = Path(sys.executable).with_name("py-spy")


def _ticks(stat: Path) -> int:
    """utime + stime of a process or thread, in clock ticks (0 if it is gone)."""
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found.extend(int(c) for c in children)
    return found


def _threads(pid: int) -> dict[int, int]:
    return {int(t.name): _ticks(t / "stat") for t in Path(f"/proc/{pid}/task").iterdir()}


def _backends(url: str) -> set[int]:
    """The server processes serving the bench's database (not other databases' work)."""
    plain = url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(plain, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).fetchall()
    return {int(pid) for (pid,) in rows}


def _writer_threads(pid: int) -> set[int]:
    """The native ids of the threads named ``intake`` in a worker (py-spy dump)."""
    output = subprocess.run(
        [str(PY_SPY), "dump", "--pid", str(pid), "--nonblocking"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    pattern = re.compile(r"^Thread (\d+) \([^)]*\): \"intake\"", re.MULTILINE)
    return {int(m.group(1)) for m in pattern.finditer(output)}


def measure(
    url: str,
    requests: list[Any],
    protocols: int,
    workers: int,
    connections: int,
    app: str | None = None,
) -> dict[str, Any]:
    server, base = start_server(url, workers, app)
    try:
        time.sleep(2)
        pids = _children(server.pid) or [server.pid]
        workers_before = {pid: _threads(pid) for pid in pids}
        backends = _backends(url)
        database_before = {pid: _ticks(Path(f"/proc/{pid}/stat")) for pid in backends}
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        figures = run_wrk(base, requests, connections)
        wall = time.perf_counter() - started
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        backends |= _backends(url)  # the pools may have grown during the run
        database_after = {pid: _ticks(Path(f"/proc/{pid}/stat")) for pid in backends}
        writer = handling = 0
        for pid in pids:
            writers = _writer_threads(pid)
            for tid, ticks in _threads(pid).items():
                spent = ticks - workers_before[pid].get(tid, 0)
                if tid in writers:
                    writer += spent
                else:
                    handling += spent
    finally:
        stop(server)
    database = sum(max(0, t - database_before.get(pid, 0)) for pid, t in database_after.items())
    generator = (children_after.ru_utime + children_after.ru_stime) - (
        children_before.ru_utime + children_before.ru_stime
    )
    count = len(requests)
    seconds = {
        "request handling": handling / TICK,
        "intake writer": writer / TICK,
        "database": database / TICK,
        "load generator": generator,
    }
    total = sum(seconds.values())
    return {
        "requests": count,
        "wall_seconds": round(wall, 2),
        "requests_per_second": round(count / wall),
        "p99_ms": figures.get("p99_ms"),
        "statuses": figures.get("statuses"),
        "protocols_per_second": round(protocols / wall),
        "cpu_ms_per_protocol": {k: round(1000 * v / protocols, 3) for k, v in seconds.items()}
        | {"total": round(1000 * total / protocols, 3)},
        "cpu_share": {k: round(v / total, 3) for k, v in seconds.items()},
        "machine_busy_share": round(total / (wall * (os.cpu_count() or 1)), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--precincts", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--only", choices=("single", "batch", "echo"), default="single")
    parser.add_argument("--out", type=Path, default=RESULTS / "intake-cpu.json")
    args = parser.parse_args()
    require_wrk()
    os.environ["SAYLAU_RATE_LIMIT"] = "off"
    load = [round(x, 2) for x in os.getloadavg()]
    with fresh_database() as url:
        synthetic, tokens = dataset(url, args.precincts)
        app = None
        if args.only == "batch":
            requests: list[Any] = batch_requests(synthetic, tokens, 250)
            connections = 4
        else:
            requests = single_requests(synthetic, tokens)
            connections = args.connections
        if args.only == "echo":  # the same requests validated and echoed, nothing stored
            requests = [(token, path + "/echo", body) for token, path, body in requests]
            app = ECHO_APP
        figures = measure(url, requests, len(synthetic.protocols), args.workers, connections, app)
        store = stored(url, synthetic.election.id)
    if args.only != "echo" and store["accepted"] != len(synthetic.protocols):
        raise RuntimeError(f"not every protocol was stored: {store}")
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average_at_start": load,
        "kind": args.only,
        "precincts": args.precincts,
        "protocols": len(synthetic.protocols),
        "workers": args.workers,
        "connections": 4 if args.only == "batch" else args.connections,
        "transactions": store["signed_heads"] - 1,
    } | figures
    RESULTS.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
