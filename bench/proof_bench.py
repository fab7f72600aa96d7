"""Inclusion proofs at a million ledger leaves, from the service and over HTTP.

A log of ``--leaves`` entries is written straight into a fresh PostgreSQL database with COPY
(leaf hashes and the perfect-subtree nodes computed here, as appends would store them), and
its last entry goes through ``ledgering.append`` so the head is signed as in service. Then
inclusion proofs of random entries are timed: the service call (``proofs.inclusion``), the
same over HTTP from a `saylau serve` process, and, for contrast, a few proofs computed the
way they were before nodes were stored (every leaf of the tree read and hashed). Over HTTP
every answer is checked from Python and the latency is timed with wrk (bench/proof.lua), as
the intake bench times submissions.

Run: .venv/bin/python bench/proof_bench.py [--leaves 1000000] [--samples 500] [--workers 2]
Figures are printed and written to bench/results/proof.json. Another bench that already has
a database and a server calls :func:`proof_figures` to include the figure in its own run
(its server must be started with ``SAYLAU_RATE_LIMIT=off``, or the proofs hit the limit).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from benchlib import fresh_database, require_wrk, start_server, stop, wrk_figures
from saylau import ledger
from saylau.service import ledgering, proofs, treenodes
from saylau.service.context import Context
from saylau.store.tables import ElectionRow

RESULTS = Path(__file__).with_name("results")
TARGET_MS = 5.0
SCRIPT = Path(__file__).with_name("proof.lua")


def build_log(ctx: Context, leaves: int) -> str:
    """A new election holding a log of ``leaves`` entries; returns its id."""
    election_id = f"proof-bench-{uuid.uuid4().hex[:8]}"
    with ctx.transaction() as session:
        session.add(
            ElectionRow(
                id=election_id, date=dt.date(2026, 3, 19), definition="{}", definition_hash="0"
            )
        )
        session.flush()
        ledgering.create(session, election_id)
    bulk = leaves - 1
    now = dt.datetime.now(dt.UTC)
    records = [ledgering.canonical({"bench": n}) for n in range(bulk)]
    hashes = [ledger.leaf_hash(record) for record in records]
    nodes = treenodes.completed(0, (), hashes)
    frontier = ledger.Frontier()
    for digest in hashes:
        frontier.append(digest)
    with ctx.transaction() as session:
        driver = session.connection().connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor:
            columns = '(election_id, "index", kind, leaf, leaf_hash, created_at)'
            with cursor.copy(f"COPY ledger_entries {columns} FROM STDIN") as copy:
                for n, (record, digest) in enumerate(zip(records, hashes, strict=True)):
                    copy.write_row((election_id, n, "bench", record, digest, now))
            with cursor.copy(
                'COPY tree_nodes (election_id, level, "index", hash) FROM STDIN'
            ) as copy:
                for level, index, digest in nodes:
                    copy.write_row((election_id, level, index, digest))
        state = ledgering.lock(session, election_id)
        state.size = frontier.size
        state.frontier = b"".join(frontier.hashes)
        # The last entry through the service's own append: its nodes and signed head.
        ledgering.append(session, state, [("bench", {"bench": bulk})])
    with ctx.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE ledger_entries")
        connection.exec_driver_sql("ANALYZE tree_nodes")
        connection.commit()
    return election_id


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 3),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
        "samples": len(ordered),
    }


def _round_trips(ctx: Context, samples: int) -> list[float]:
    """``SELECT 1`` on a pooled connection, as a proof gets it: the floor any read pays here
    (on a loaded machine most of a proof's time is this wait, twice)."""
    times = []
    for _ in range(samples):
        t = time.perf_counter()
        with ctx.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1").all()
        times.append(time.perf_counter() - t)
    return times


def checked(answer: dict[str, Any], index: int, size: int, root: bytes) -> None:
    """Raise unless ``answer`` proves entry ``index`` in the tree of ``size`` with ``root``."""
    ledger.verify_inclusion(
        index,
        size,
        bytes.fromhex(answer["leaf_hash"]),
        [bytes.fromhex(h) for h in answer["proof"]],
        root,
    )


def _http_figures(
    base: str, path: str, size: int, root: bytes, indices: list[int], seconds: int = 10
) -> dict[str, Any]:
    """Proofs over HTTP: every answer for ``indices`` checked against the signed root (from
    Python), then the latency timed by wrk, one connection asking for random entries, so the
    figure is the server's and not a Python client's (httpx alone adds about 3 ms here)."""
    client_times: list[float] = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for index in indices:
            t = time.perf_counter()
            response = client.get(path, params={"size": size, "index": index})
            client_times.append(time.perf_counter() - t)
            response.raise_for_status()
            checked(response.json(), index, size, root)
    command = ["wrk", "-t1", "-c1", f"-d{seconds}s", "--latency", "-s", str(SCRIPT), base]
    environment = os.environ | {"PROOF_PATH": path, "PROOF_SIZE": str(size)}
    report = subprocess.run(
        command, env=environment, capture_output=True, text=True, check=True
    ).stdout
    figures = wrk_figures(report)
    if figures.get("non_2xx") or figures.get("socket_errors"):
        raise RuntimeError(f"proofs over HTTP failed:\n{report}")
    return figures | {"checked": len(indices), "python_client": _summary(client_times)}


def proof_figures(
    url: str,
    base: str | None = None,
    leaves: int = 1_000_000,
    samples: int = 500,
    before_samples: int = 2,
) -> dict[str, Any]:
    """Build a log of ``leaves`` entries in the database at ``url`` (beside whatever it
    holds) and time inclusion proofs: service calls, and HTTP requests to ``base`` if given
    (a server over the same database). Each proof is checked against the signed root."""
    ctx = Context.open(url)
    try:
        started = time.perf_counter()
        election_id = build_log(ctx, leaves)
        built = time.perf_counter() - started
        with ctx.sessions() as session:
            signed, _ = ledgering.latest_head(session, election_id)
        size, root = signed.head.size, signed.head.root
        chosen = random.Random(2023)
        indices = [chosen.randrange(size) for _ in range(samples)]
        service: list[float] = []
        for index in indices:
            t = time.perf_counter()
            answer = proofs.inclusion(ctx, election_id, size, index)
            service.append(time.perf_counter() - t)
            checked(answer, index, size, root)
        before: list[float] = []
        for index in indices[:before_samples]:
            t = time.perf_counter()
            with ctx.sessions() as session:
                ledger.inclusion_proof(index, size, ledgering.leaf_reader(session, election_id))
            before.append(time.perf_counter() - t)
        figures: dict[str, Any] = {
            "leaves": size,
            "round_trip": _summary(_round_trips(ctx, samples)),
            "build_seconds": round(built, 1),
            "service": _summary(service),
        }
        if before:
            figures["every_leaf_read"] = _summary(before)
        if base is not None:
            path = f"/api/v1/elections/{election_id}/ledger/inclusion"
            figures["http"] = _http_figures(base, path, size, root, indices)
        figures["target_ms"] = TARGET_MS
        figures["meets_target"] = all(
            figures[where]["p50_ms"] < TARGET_MS
            for where in ("service", "http")
            if where in figures
        )
        return figures
    finally:
        ctx.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    require_wrk()
    os.environ["SAYLAU_RATE_LIMIT"] = "off"  # the bench is one client asking many times
    with fresh_database() as url:
        Context.open(url).engine.dispose()  # the schema, before the server migrates it
        process, base = start_server(url, args.workers)
        try:
            figures = proof_figures(url, base, args.leaves, args.samples)
        finally:
            stop(process)
    figures |= {
        "workers": args.workers,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, shared (figures are noisy)",
        "load_average": [round(load, 1) for load in os.getloadavg()],
        "taken_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "proof.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
