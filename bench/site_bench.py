"""The national results page under a crowd while the count goes on, beside a static file.

On PostgreSQL with the national dataset (10,000 precincts), a `saylau serve` process takes
party-list and single-member protocols at a steady rate from the regional commissions, while
wrk (50 connections, --latency) reads the national overview page, /kk/{election}/mazhilis-list/,
and then a static file of the same bytes served by the same server (/static/bench-static.html,
written for the run and removed afterwards). The rounds alternate page and file under the same
submission load, so the ratio compares the site's snapshots with a file the same server reads
from disk (Starlette's StaticFiles). The page is rebuilt once per ledger size per worker, while
the other readers get the previous bytes; --rate 0 gives the quiet baseline.

Run: .venv/bin/python bench/site_bench.py [--precincts 10000] [--workers 2] [--rate 200]
Figures are printed and written to bench/results/site[-N][-quiet].json (--rate 0: no submissions).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from benchlib import fresh_database, prepare, require_wrk, start_server, stop, wrk_figures
from saylau.web.site import STATIC

RESULTS = Path(__file__).with_name("results")
STATIC_NAME = "bench-static.html"


async def wrk(url: str, connections: int, seconds: int) -> dict[str, Any]:
    """wrk (C) drives the readers, so the figure is the server's, not a Python client's."""
    process = await asyncio.create_subprocess_exec(
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        url,
        stdout=asyncio.subprocess.PIPE,
    )
    report = (await process.communicate())[0].decode()
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed:\n{report}")
    return wrk_figures(report)


class Submitter:
    """Batches from the regional commissions, one every ``interval`` seconds."""

    def __init__(self, client: httpx.AsyncClient, path: str, interval: float) -> None:
        self.client = client
        self.path = path
        self.interval = interval
        self.accepted = 0
        self.problems = 0

    async def post(self, token: str, body: bytes) -> None:
        answer = await self.client.post(
            self.path,
            content=body,
            headers={"authorization": f"Bearer {token}", "content-type": "application/json"},
        )
        answer.raise_for_status()
        data = answer.json()
        self.accepted += data["accepted"]
        self.problems += sum(1 for i in data["items"] if i["status"] != "accepted")

    async def run(self, batches: list[tuple[str, bytes]]) -> None:
        started = time.perf_counter()
        for number, (token, body) in enumerate(batches):
            wait = started + number * self.interval - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            await self.post(token, body)


def tree_size_shown(page: str) -> int:
    found = re.search(r'data-live="tree_size">([^<]+)<', page)
    assert found, "the page shows no ledger tree size"
    return int(re.sub(r"\D", "", found[1]))


async def measure(
    base: str,
    read_base: str,
    election_id: str,
    batches: list[tuple[str, bytes]],
    args: argparse.Namespace,
) -> dict[str, Any]:
    page_url = f"{read_base}/kk/{election_id}/mazhilis-list/"
    static_url = f"{read_base}/static/{STATIC_NAME}"
    limits = httpx.Limits(max_connections=8)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        submitter = Submitter(
            client,
            f"/api/v1/elections/{election_id}/protocols/batch",
            args.batch / args.rate if args.rate else 0.0,
        )
        head = len(batches) * args.counted_before // 100
        await asyncio.gather(*(submitter.post(t, b) for t, b in batches[:head]))
        first = await client.get(page_url)  # the first build is not a crowd figure
        first.raise_for_status()
        static_file = STATIC / STATIC_NAME
        static_file.write_bytes(first.content)
        try:
            check = await client.get(static_url)
            assert check.content == first.content, "the static file is not the page's bytes"
            for url in (page_url, static_url):  # every worker's first build is not counted either
                await wrk(url, args.readers, 2)
            # --rate 0: no submissions during the reads, the quiet baseline
            load = asyncio.create_task(submitter.run(batches[head:] if args.rate else []))
            rounds: list[dict[str, Any]] = []
            for _round in range(args.rounds):
                for target, url in (("page", page_url), ("static", static_url)):
                    before, at = submitter.accepted, time.perf_counter()
                    figures = await wrk(url, args.readers, args.seconds)
                    rate = (submitter.accepted - before) / (time.perf_counter() - at)
                    figures |= {"target": target, "protocols_per_second_meanwhile": round(rate)}
                    rounds.append(figures)
                    if args.rate and load.done():
                        raise RuntimeError("the submissions ended before the reads: lower --rate")
            last = await client.get(page_url)
            load.cancel()
        finally:
            static_file.unlink(missing_ok=True)
    return {
        "page_bytes": len(first.content),
        "tree_size_first": tree_size_shown(first.text),
        "tree_size_last": tree_size_shown(last.text),
        "accepted": submitter.accepted,
        "problems": submitter.problems,
        "rounds": rounds,
    }


def summary(rounds: list[dict[str, Any]], target: str) -> dict[str, Any]:
    """Across rounds: mean throughput and median, worst p99."""
    mine = [r for r in rounds if r["target"] == target]
    return {
        "requests_per_second": round(sum(r["requests_per_second"] for r in mine) / len(mine)),
        "p50_ms": round(sum(r["p50_ms"] for r in mine) / len(mine), 2),
        "p99_ms": max(r["p99_ms"] for r in mine),
        "non_2xx": sum(r["non_2xx"] for r in mine),
        "socket_errors": sum(r["socket_errors"] for r in mine),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--precincts", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--read-workers",
        type=int,
        default=0,
        help="serve the readers from separate workers (0: the same workers serve both)",
    )
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="page-then-static rounds")
    parser.add_argument(
        "--rate", type=float, default=200, help="protocols per second (0: none while reading)"
    )
    parser.add_argument("--batch", type=int, default=50, help="protocols per batch")
    parser.add_argument(
        "--counted-before", type=int, default=20, help="percent submitted before the reads"
    )
    args = parser.parse_args()
    require_wrk()

    server: subprocess.Popen[bytes] | None = None
    readers_server: subprocess.Popen[bytes] | None = None
    with fresh_database() as url:
        try:
            synthetic, batches = prepare(url, args.precincts, args.batch)
            election = synthetic.election
            needed = 2 * args.rounds * args.seconds * args.rate
            left = len(synthetic.protocols) * (100 - args.counted_before) / 100
            if needed > left * 0.9:
                parser.error(f"{left:.0f} protocols cannot keep {args.rate}/s going for the reads")
            server, base = start_server(url, args.workers)
            read_base = base
            if args.read_workers:
                readers_server, read_base = start_server(url, args.read_workers)
            load = asyncio.run(measure(base, read_base, election.id, batches, args))
        finally:
            stop(server)
            stop(readers_server)

    page, static = summary(load["rounds"], "page"), summary(load["rounds"], "static")
    figures = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "precincts": args.precincts,
        "workers": args.workers,
        "read_workers": args.read_workers,
        "readers": args.readers,
        "seconds_per_run": args.seconds,
        "rounds": args.rounds,
        "submission_rate_target": args.rate,
        "batch": args.batch,
        "page_bytes": load["page_bytes"],
        "tree_size_first": load["tree_size_first"],
        "tree_size_last": load["tree_size_last"],
        "accepted": load["accepted"],
        "problems": load["problems"],
        "page": page,
        "static": static,
        "static_over_page_rps": round(
            static["requests_per_second"] / page["requests_per_second"], 2
        ),
        "page_over_static_p99": round(page["p99_ms"] / static["p99_ms"], 2),
        "runs": load["rounds"],
    }
    RESULTS.mkdir(exist_ok=True)
    suffix = "" if args.precincts == 10_000 else f"-{args.precincts}"
    suffix += "" if args.rate else "-quiet"
    suffix += f"-read-workers-{args.read_workers}" if args.read_workers else ""
    (RESULTS / f"site{suffix}.json").write_text(json.dumps(figures, indent=1) + "\n")

    print(f"{'':<28}{'page':>12}{'static':>12}")
    for key, label in (
        ("requests_per_second", "requests per second"),
        ("p50_ms", "p50 latency (ms)"),
        ("p99_ms", "p99 latency (ms)"),
        ("non_2xx", "non-2xx answers"),
        ("socket_errors", "socket errors"),
    ):
        print(f"{label:<28}{page[key]:>12}{static[key]:>12}")
    print(f"{'static / page throughput':<28}{figures['static_over_page_rps']:>12}")
    print(f"{'page / static p99':<28}{figures['page_over_static_p99']:>12}")
    meanwhile = [r["protocols_per_second_meanwhile"] for r in load["rounds"]]
    print(f"protocols accepted per second during the runs: {meanwhile}")
    print(f"page bytes {load['page_bytes']:,}; ledger {load['tree_size_first']:,} → ", end="")
    print(f"{load['tree_size_last']:,} entries while reading; {load['problems']} problems")


if __name__ == "__main__":
    main()
