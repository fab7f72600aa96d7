"""What HTTP caching saves on the national page: its bytes plain and gzipped, and the time a
reader (or a CDN) waits for the full page, for the gzipped page and for a 304 that says its
copy is still good.

A quiet server (SQLite, one worker) with a whole night counted; one client on the same
machine asks in turn, so the figures are per request, not a throughput under load (that is
bench/site_bench.py's).

Run: .venv/bin/python bench/caching_bench.py [--precincts 2000] [--requests 300]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from benchlib import prepare, start_server, stop


def timed(client: httpx.Client, path: str, requests: int, **headers: str) -> tuple[float, float]:
    """Median and 99th percentile of the answer time in milliseconds."""
    spent = []
    for _ in range(requests):
        began = time.perf_counter()
        answer = client.get(path, headers=headers)
        answer.read()
        spent.append((time.perf_counter() - began) * 1000)
    spent.sort()
    return statistics.median(spent), spent[int(len(spent) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precincts", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=300)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="saylau-caching-"))
    url = f"sqlite:///{folder / 'saylau.db'}"
    synthetic, batches = prepare(url, options.precincts, 500)
    process, base = start_server(url, 1)
    try:
        for token, body in batches:
            httpx.post(
                f"{base}/api/v1/elections/{synthetic.election.id}/protocols/batch",
                content=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                timeout=300,
            ).raise_for_status()
        path = f"/kk/{synthetic.election.id}/mazhilis-list/"
        with httpx.Client(base_url=base, timeout=60) as client:
            plain = client.get(path, headers={"Accept-Encoding": "identity"})
            packed = client.get(path, headers={"Accept-Encoding": "gzip"})
            tag = plain.headers["etag"]
            print(
                f"page {path}: {len(plain.content):,} bytes, gzip {packed.num_bytes_downloaded:,}"
            )
            for label, headers in (
                ("full page", {"Accept-Encoding": "identity"}),
                ("gzipped", {"Accept-Encoding": "gzip"}),
                ("304", {"Accept-Encoding": "identity", "If-None-Match": tag}),
            ):
                median, p99 = timed(client, path, options.requests, **headers)
                print(f"{label:>10}: median {median:.2f} ms, p99 {p99:.2f} ms")
    finally:
        stop(process)


if __name__ == "__main__":
    main()
