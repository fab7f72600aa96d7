"""Election night under load, on PostgreSQL: protocols accepted per second through the HTTP
API (checks, ledger and totals included) beside a raw COPY of the same rows into the same
database, and the national-results read latency under 50 concurrent readers meanwhile.

Run: .venv/bin/python bench/tabulation_bench.py [--precincts 10000] [--workers 2]
Figures are printed and written to bench/results/tabulation[-N].json.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg

from benchlib import fresh_database, prepare, start_server, stop, wrk_figures
from saylau.protocol import protocol_to_mapping

RESULTS = Path(__file__).with_name("results")


async def run_load(
    base: str,
    read_base: str,
    election_id: str,
    batches: list[tuple[str, bytes]],
    submitters: int,
    readers: int,
) -> dict[str, Any]:
    queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
    for item in batches:
        queue.put_nowait(item)
    accepted = 0
    problems = 0
    limits = httpx.Limits(max_connections=submitters + readers + 4)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:

        async def submitter() -> None:
            nonlocal accepted, problems
            while not queue.empty():
                token, body = queue.get_nowait()
                answer = await client.post(
                    f"/api/v1/elections/{election_id}/protocols/batch",
                    content=body,
                    headers={
                        "authorization": f"Bearer {token}",
                        "content-type": "application/json",
                    },
                )
                answer.raise_for_status()
                data = answer.json()
                accepted += data["accepted"]
                problems += sum(1 for i in data["items"] if i["status"] != "accepted")

        url = f"{read_base}/api/v1/elections/{election_id}/results/mazhilis-list"
        await client.get(url)  # the first build of the page is not a surge figure
        wrk = None
        if readers:
            # wrk (C) drives the readers, so the figure is the server's, not a Python client's
            wrk = await asyncio.create_subprocess_exec(
                "wrk",
                "-t1",
                f"-c{readers}",
                "-d600s",
                "--latency",
                url,
                stdout=asyncio.subprocess.PIPE,
            )
        started = time.perf_counter()
        await asyncio.gather(*(submitter() for _ in range(submitters)))
        elapsed = time.perf_counter() - started
        read_report = ""
        if wrk is not None:
            wrk.send_signal(signal.SIGINT)
            read_report = (await wrk.communicate())[0].decode()
    reads = wrk_figures(read_report)
    return {
        "seconds": elapsed,
        "accepted": accepted,
        "problems": problems,
        "reads": reads.get("requests"),
        "read_p50_ms": reads.get("p50_ms"),
        "read_p99_ms": reads.get("p99_ms"),
    }


def copy_rows(url: str, rows: list[tuple[Any, ...]]) -> float:
    """Seconds to COPY the same protocol rows into a plain table of the same database."""
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as c:
        c.execute(
            "CREATE TABLE bench_copy (election_id text, precinct text, contest text, "
            "version int, state text, content_hash text, payload text)"
        )
        started = time.perf_counter()
        with (
            c.cursor() as cur,
            cur.copy(
                "COPY bench_copy (election_id, precinct, contest, version, state, content_hash, "
                "payload) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        elapsed = time.perf_counter() - started
        c.execute("DROP TABLE bench_copy")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--precincts", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--submitters", type=int, default=4)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--batch", type=int, default=250)
    parser.add_argument(
        "--read-workers",
        type=int,
        default=0,
        help="serve reads from separate workers (0: the same workers serve both)",
    )
    args = parser.parse_args()

    server: subprocess.Popen[bytes] | None = None
    readers_server: subprocess.Popen[bytes] | None = None
    with fresh_database() as url:
        try:
            started = time.perf_counter()
            synthetic, batches = prepare(url, args.precincts, args.batch)
            prepared_in = time.perf_counter() - started
            server, base = start_server(url, args.workers)
            read_base = base
            if args.read_workers:
                readers_server, read_base = start_server(url, args.read_workers)
            election_id = synthetic.election.id
            load = asyncio.run(
                run_load(base, read_base, election_id, batches, args.submitters, args.readers)
            )
        finally:
            stop(server)
            stop(readers_server)
        rows = [
            (
                election_id,
                p.precinct,
                p.contest,
                1,
                "accepted",
                p.content_hash(),
                json.dumps(protocol_to_mapping(p), sort_keys=True),
            )
            for p in synthetic.protocols
        ]
        copy_seconds = copy_rows(url, rows)
    total = len(synthetic.protocols)
    api_rate = load["accepted"] / load["seconds"]
    copy_rate = total / copy_seconds
    figures = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "precincts": args.precincts,
        "protocols": total,
        "workers": args.workers,
        "read_workers": args.read_workers,
        "submitters": args.submitters,
        "batch": args.batch,
        "readers": args.readers,
        "prepare_seconds": round(prepared_in, 2),
        "api_seconds": round(load["seconds"], 2),
        "api_protocols_per_second": round(api_rate),
        "api_accepted": load["accepted"],
        "api_problems": load["problems"],
        "copy_seconds": round(copy_seconds, 3),
        "copy_rows_per_second": round(copy_rate),
        "copy_over_api": round(copy_rate / api_rate, 1),
        "national_reads": load["reads"],
        "national_read_p50_ms": load["read_p50_ms"],
        "national_read_p99_ms": load["read_p99_ms"],
    }
    RESULTS.mkdir(exist_ok=True)
    suffix = "" if args.precincts == 10_000 else f"-{args.precincts}"
    (RESULTS / f"tabulation{suffix}.json").write_text(json.dumps(figures, indent=1) + "\n")
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
