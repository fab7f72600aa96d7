"""What the live page's results block costs: its size (raw and gzipped) beside the page's,
the first build of a page (the chart helper starting, charts drawn), the block built at the
same state in another call (charts reused), a cached block, and a poll answered 204.

Run: ``.venv/bin/python bench/live_block_bench.py`` (a 300-precinct synthetic night, every
protocol in, on a SQLite file; requests go through the application in process, so the times
leave out the network and the server's HTTP layer).
"""

from __future__ import annotations

import gzip
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from saylau.api import create_app
from saylau.synth.demo import prepare, regional_principals, submit_all

REQUESTS = 500


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="saylau-live-"))
    ctx, synthetic = prepare(f"sqlite:///{folder / 'saylau.db'}", 2023, 300)
    election = synthetic.election.id
    submit_all(ctx, synthetic, regional_principals(ctx, election), 2023, lambda _count: None)
    block = f"/live/{election}/mazhilis-list/block"
    with TestClient(create_app(ctx=ctx)) as client:
        started = time.perf_counter()
        page = client.get(f"/kk/{election}/mazhilis-list/")
        page_build = time.perf_counter() - started
        started = time.perf_counter()
        first = client.get(block, params={"lang": "kk"})
        block_build = time.perf_counter() - started
        size = first.headers["X-Saylau-Tree-Size"]
        started = time.perf_counter()
        for _ in range(REQUESTS):
            assert client.get(block, params={"lang": "kk"}).status_code == 200
        cached = (time.perf_counter() - started) / REQUESTS
        started = time.perf_counter()
        for _ in range(REQUESTS):
            answer = client.get(block, params={"lang": "kk", "after": size})
            assert answer.status_code == 204
        poll = (time.perf_counter() - started) / REQUESTS
    ctx.engine.dispose()
    print(
        f"block {len(first.content):,} B ({len(gzip.compress(first.content)):,} B gzipped); "
        f"page {len(page.content):,} B"
    )
    print(
        f"page first build {page_build * 1000:.0f} ms; block at the same state "
        f"{block_build * 1000:.0f} ms; cached block {cached * 1000:.2f} ms; "
        f"204 poll {poll * 1000:.2f} ms (in process, {REQUESTS} requests each)"
    )


if __name__ == "__main__":
    main()
