"""The national results page under a crowd while the count goes on, beside nginx serving
the same bytes as a file.

On PostgreSQL with the national dataset (10,000 precincts), one `saylau serve` takes
party-list and single-member protocols from the regional commissions at a steady rate
through the API, while readers (wrk, 50 connections, bench/site.lua: every request accepts
gzip, one in three carries If-None-Match with the tag it last got) read the national
overview page /kk/{election}/mazhilis-list/ from:

- ``saylau``: a second `saylau serve` (--read-workers) that only reads, as README's
  deployment sends GET to readers and writes to writers;
- ``front``: nginx in front of those readers with its proxy cache, the deployment of
  README's "Behind nginx" (bench/nginxlib.py: FRONT);
- ``nginx``: nginx serving the same bytes as a file, gzipped once (gzip_static), the bar a
  results site is held to, since snapshots are what a proxy or CDN serves.

The rounds alternate the three under the same submission load, so the ratios of one run are
the figure: the machine is shared and absolute figures move from run to run.

Run: .venv/bin/python bench/site_bench.py [--precincts 10000] [--rate 200]
Figures are printed and written to bench/results/site[-N][-quiet].json (--rate 0: no
submissions while reading).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gzip
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
from nginxlib import FRONT, STATIC, require_nginx, running

RESULTS = Path(__file__).with_name("results")
SCRIPT = Path(__file__).with_name("site.lua")
TARGETS = ("saylau", "front", "nginx")
#: the bar of issue 17: within 2x of nginx's throughput, p99 under 20 ms
WITHIN = 2.0
P99_MS = 20.0


async def wrk(url: str, args: argparse.Namespace, seconds: int) -> dict[str, Any]:
    """wrk (C) drives the readers, so the figure is the server's, not a Python client's."""
    process = await asyncio.create_subprocess_exec(
        "wrk",
        f"-t{args.wrk_threads}",
        f"-c{args.readers}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(SCRIPT),
        url,
        stdout=asyncio.subprocess.PIPE,
        env=os.environ | {"SITE_CONDITIONAL_EVERY": str(args.conditional_every)},
    )
    report = (await process.communicate())[0].decode()
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed:\n{report}")
    figures = wrk_figures(report)
    statuses = re.search(r"^STATUSES (\{.*\})$", report, re.MULTILINE)
    tags = re.search(r"^TAGS (\d+)$", report, re.MULTILINE)
    figures["statuses"] = json.loads(statuses[1]) if statuses else {}
    figures["tag_changes"] = int(tags[1]) if tags else 0
    return figures


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


def check_front(direct: httpx.Response, fronted: httpx.Response) -> None:
    """nginx's cache hands readers what the server said: validators, CORS, security
    headers, and no cookie."""
    for name in (
        "etag",
        "cache-control",
        "access-control-allow-origin",
        "content-security-policy",
        "x-content-type-options",
        "vary",
    ):
        assert name in fronted.headers, f"the front dropped {name}"
        assert fronted.headers[name] == direct.headers[name] or name == "etag", name
    assert "set-cookie" not in fronted.headers, "the front answered with a cookie"


async def measure(
    base: str,
    read_base: str,
    election_id: str,
    batches: list[tuple[str, bytes]],
    args: argparse.Namespace,
) -> dict[str, Any]:
    path = f"/kk/{election_id}/mazhilis-list/"
    limits = httpx.Limits(max_connections=8)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        submitter = Submitter(
            client,
            f"/api/v1/elections/{election_id}/protocols/batch",
            args.batch / args.rate if args.rate else 0.0,
        )
        head = len(batches) * args.counted_before // 100
        await asyncio.gather(*(submitter.post(t, b) for t, b in batches[:head]))
        first = await client.get(read_base + path, headers={"accept-encoding": "identity"})
        first.raise_for_status()
        page = first.content
        files = {
            path.lstrip("/") + "index.html": page,
            path.lstrip("/") + "index.html.gz": gzip.compress(page, compresslevel=6, mtime=0),
        }
        with (
            running(
                FRONT.replace("{upstream}", read_base.rsplit(":", 1)[1]), args.nginx_workers
            ) as front,
            running(STATIC, args.nginx_workers, files) as static,
        ):
            urls = {"saylau": read_base + path, "front": front + path, "nginx": static + path}
            served = (await client.get(urls["nginx"], headers={"accept-encoding": "gzip"})).content
            assert served == page, "nginx does not serve the page's bytes"
            direct = await client.get(urls["saylau"], headers={"accept-encoding": "gzip"})
            check_front(
                direct, await client.get(urls["front"], headers={"accept-encoding": "gzip"})
            )
            for url in urls.values():  # every worker's first build is not counted
                await wrk(url, args, 2)
            # --rate 0: no submissions during the reads, the quiet baseline
            load = asyncio.create_task(submitter.run(batches[head:] if args.rate else []))
            rounds: list[dict[str, Any]] = []
            for _round in range(args.rounds):
                for target in TARGETS:
                    before, at = submitter.accepted, time.perf_counter()
                    figures = await wrk(urls[target], args, args.seconds)
                    rate = (submitter.accepted - before) / (time.perf_counter() - at)
                    figures |= {"target": target, "protocols_per_second_meanwhile": round(rate)}
                    rounds.append(figures)
                    if args.rate and load.done():
                        raise RuntimeError("the submissions ended before the reads: lower --rate")
            last = await client.get(urls["saylau"])
            load.cancel()
    return {
        "page_bytes": len(page),
        "page_gzip_bytes": direct.num_bytes_downloaded,
        "tree_size_first": tree_size_shown(first.text),
        "tree_size_last": tree_size_shown(last.text),
        "accepted": submitter.accepted,
        "problems": submitter.problems,
        "rounds": rounds,
    }


def summary(rounds: list[dict[str, Any]], target: str) -> dict[str, Any]:
    """Across rounds: mean throughput and median, worst p99, answers by status."""
    mine = [r for r in rounds if r["target"] == target]
    statuses: dict[str, int] = {}
    for run in mine:
        for status, count in run["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    return {
        "requests_per_second": round(sum(r["requests_per_second"] for r in mine) / len(mine)),
        "p50_ms": round(sum(r["p50_ms"] for r in mine) / len(mine), 2),
        "p99_ms": max(r["p99_ms"] for r in mine),
        "statuses": dict(sorted(statuses.items())),
        "tag_changes": sum(r["tag_changes"] for r in mine),
        "non_2xx": sum(r["non_2xx"] for r in mine),
        "socket_errors": sum(r["socket_errors"] for r in mine),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--precincts", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1, help="workers taking the protocols")
    parser.add_argument("--read-workers", type=int, default=2, help="workers serving readers")
    parser.add_argument("--nginx-workers", type=int, default=2)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument(
        "--conditional-every", type=int, default=3, help="one request in N asks If-None-Match"
    )
    parser.add_argument("--seconds", type=int, default=10, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of the three targets")
    parser.add_argument(
        "--rate", type=float, default=200, help="protocols per second (0: none while reading)"
    )
    parser.add_argument("--batch", type=int, default=50, help="protocols per batch")
    parser.add_argument(
        "--counted-before", type=int, default=20, help="percent submitted before the reads"
    )
    args = parser.parse_args()
    require_wrk()
    require_nginx()

    server: subprocess.Popen[bytes] | None = None
    readers_server: subprocess.Popen[bytes] | None = None
    with fresh_database() as url:
        try:
            synthetic, batches = prepare(url, args.precincts, args.batch)
            election = synthetic.election
            needed = len(TARGETS) * args.rounds * (args.seconds + 1) * args.rate
            left = len(synthetic.protocols) * (100 - args.counted_before) / 100
            if needed > left * 0.9:
                parser.error(f"{left:.0f} protocols cannot keep {args.rate}/s going for the reads")
            server, base = start_server(url, args.workers)
            readers_server, read_base = start_server(url, args.read_workers)
            load = asyncio.run(measure(base, read_base, election.id, batches, args))
        finally:
            stop(server)
            stop(readers_server)

    figures: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "command": "bench/site_bench.py "
        + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in sorted(vars(args).items())),
        **{k: v for k, v in load.items() if k != "rounds"},
        **{target: summary(load["rounds"], target) for target in TARGETS},
    }
    nginx = figures["nginx"]
    for target in ("saylau", "front"):
        mine = figures[target]
        ratio = round(nginx["requests_per_second"] / mine["requests_per_second"], 2)
        figures[f"nginx_over_{target}_rps"] = ratio
        figures[f"{target}_meets_target"] = ratio <= WITHIN and mine["p99_ms"] < P99_MS
    figures["runs"] = load["rounds"]
    RESULTS.mkdir(exist_ok=True)
    suffix = "" if args.precincts == 10_000 else f"-{args.precincts}"
    suffix += "" if args.rate else "-quiet"
    (RESULTS / f"site{suffix}.json").write_text(json.dumps(figures, indent=1) + "\n")

    print(f"{'':<28}" + "".join(f"{t:>12}" for t in TARGETS))
    for key, label in (
        ("requests_per_second", "requests per second"),
        ("p50_ms", "p50 latency (ms)"),
        ("p99_ms", "p99 latency (ms)"),
        ("non_2xx", "non-2xx/3xx answers"),
        ("socket_errors", "socket errors"),
    ):
        print(f"{label:<28}" + "".join(f"{figures[t][key]:>12}" for t in TARGETS))
    print("answers by status: " + "; ".join(f"{t} {figures[t]['statuses']}" for t in TARGETS))
    for target in ("saylau", "front"):
        met = "met" if figures[f"{target}_meets_target"] else "missed"
        print(
            f"nginx / {target} throughput {figures[f'nginx_over_{target}_rps']} "
            f"(target ≤ {WITHIN}, p99 < {P99_MS:.0f} ms: {met})"
        )
    meanwhile = [r["protocols_per_second_meanwhile"] for r in load["rounds"]]
    print(f"protocols accepted per second during the runs: {meanwhile}")
    print(
        f"page {load['page_bytes']:,} bytes, {load['page_gzip_bytes']:,} gzipped; ledger "
        f"{load['tree_size_first']:,} → {load['tree_size_last']:,} entries while reading; "
        f"{load['problems']} problems"
    )


if __name__ == "__main__":
    main()
