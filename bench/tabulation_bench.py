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
import socket
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import psycopg

from saylau.protocol import protocol_to_mapping
from saylau.service.context import Context
from saylau.service.elections import import_election, issue_credentials
from saylau.synth import generate

ADMIN = os.environ.get("SAYLAU_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
RESULTS = Path(__file__).with_name("results")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_ready(base: str, timeout: float = 900.0) -> None:
    """Workers load the definition before they answer: minutes at a million precincts."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{base} did not answer /health within {timeout:.0f} s")


def wrk_figures(report: str) -> dict[str, Any]:
    """Requests and the p50/p99 latencies (ms) from wrk's --latency report."""
    figures: dict[str, Any] = {"reads": None, "read_p50_ms": None, "read_p99_ms": None}
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    for line in report.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("50%", "99%"):
            number = parts[1].rstrip("usm")
            unit = parts[1][len(number) :]
            figures[f"read_p{parts[0][:2]}_ms"] = round(float(number) * units[unit], 2)
        elif "requests in" in line:
            figures["reads"] = int(parts[0])
    return figures


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
    return {"seconds": elapsed, "accepted": accepted, "problems": problems, **reads}


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
        "--writer-nice", type=int, default=0, help="niceness of the submission workers"
    )
    parser.add_argument(
        "--read-workers",
        type=int,
        default=0,
        help="serve reads from separate workers (0: the same workers serve both)",
    )
    args = parser.parse_args()

    name = f"saylau_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = "postgresql+psycopg://" + ADMIN.split("://", 1)[1].rsplit("/", 1)[0] + "/" + name
    server: subprocess.Popen[bytes] | None = None
    try:
        t0 = time.perf_counter()
        synthetic = generate(seed=2023, precincts=args.precincts)
        ctx = Context.open(url)
        import_election(ctx, synthetic.election)
        tokens = {
            c.unit_code: c.token
            for c in issue_credentials(ctx, synthetic.election.id)
            if c.role == "territorial" and c.unit_code and c.unit_code.count("-") == 1
        }
        ctx.engine.dispose()
        prepared_in = time.perf_counter() - t0
        election = synthetic.election
        by_region: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for protocol in synthetic.protocols:
            mapping = protocol_to_mapping(protocol)
            by_region[election.path(protocol.precinct)[1]].append({"protocol": mapping})
        batches: list[tuple[str, bytes]] = []
        for region, items in by_region.items():
            for start in range(0, len(items), args.batch):
                body = json.dumps({"submissions": items[start : start + args.batch]}).encode()
                batches.append((tokens[region], body))
        # interleave regions, as reports arrive from everywhere at once
        batches.sort(key=lambda item: hash(item[1]) % 1000)
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "saylau",
                "serve",
                "--db",
                url,
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ]
        )
        base = f"http://127.0.0.1:{port}"
        wait_ready(base)
        read_base = base
        if args.read_workers:
            read_port = free_port()
            readers_server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "saylau",
                    "serve",
                    "--db",
                    url,
                    "--port",
                    str(read_port),
                    "--workers",
                    str(args.read_workers),
                ]
            )
            read_base = f"http://127.0.0.1:{read_port}"
            wait_ready(read_base)
        try:
            load = asyncio.run(
                run_load(base, read_base, election.id, batches, args.submitters, args.readers)
            )
        finally:
            if args.read_workers:
                readers_server.terminate()
                readers_server.wait(timeout=30)
        total = len(synthetic.protocols)
        rows = [
            (
                election.id,
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
        api_rate = load["accepted"] / load["seconds"]
        copy_rate = total / copy_seconds
        figures = {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "precincts": args.precincts,
            "protocols": total,
            "workers": args.workers,
            "read_workers": args.read_workers,
            "writer_nice": args.writer_nice,
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
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    RESULTS.mkdir(exist_ok=True)
    suffix = "" if args.precincts == 10_000 else f"-{args.precincts}"
    (RESULTS / f"tabulation{suffix}.json").write_text(json.dumps(figures, indent=1) + "\n")
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
