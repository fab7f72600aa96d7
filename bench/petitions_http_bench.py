"""Signatures acknowledged per second through the HTTP API, on PostgreSQL with
`saylau serve --workers 2`: each request a real envelope (a distinct citizen's certificate
issued by a test national PKI, checked with its chain and revocation lists), sent by many
concurrent connections through wrk (C, bench/intake.lua over pre-generated requests), side
by side with raw inserts of the same rows in one statement.

The machine is shared, so wall-clock figures are noisy: the steady figure is the CPU time
the server's workers and their PostgreSQL backends spend per signature (from /proc), and the
signatures per second one core would sustain at that cost. Afterwards the database must hold
every signature once and the petition's log exactly as many leaves; the signed heads show
how many groups the writers made.

Run: .venv/bin/python bench/petitions_http_bench.py [--signatures 6000] [--connections 64]
Figures are printed and written to bench/results/petitions-sign.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import insert

from benchlib import fresh_database, require_wrk, start_server, stop
from intake_bench import run_wrk
from petitions_sign_bench import approved
from profiling import profiled
from saylau.pki import folder as pki_folder
from saylau.pki import sign
from saylau.pki.authority import bulk_citizens, bulk_key, distinct_iins
from saylau.pki.chain import ANCHORS_ENV, CRLS_ENV
from saylau.service import petitions
from saylau.service.context import Context
from saylau.store.tables import PetitionSignatureRow

RESULTS = Path(__file__).with_name("results") / "petitions-sign.json"
TARGET_PER_SECOND = 2000
TARGET_P99_MS = 100
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: set[int]) -> float:
    """User and system CPU time of the processes ``pids`` (those still alive)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def workers_of(pid: int) -> set[int]:
    """The server's worker processes (children of the uvicorn supervisor)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(p) for p in text)
    return found


def backends(url: str) -> set[int]:
    """PostgreSQL backend processes connected to the bench's database."""
    name = url.rsplit("/", 1)[1]
    plain = url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(plain) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return {int(row[0]) for row in rows}


def stored(url: str, petition_id: str) -> dict[str, int]:
    plain = url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(plain) as connection:

        def one(query: str) -> int:
            row = connection.execute(query, (petition_id,)).fetchone()
            return int(row[0]) if row else -1

        return {
            "signatures": one("SELECT count(*) FROM petition_signatures WHERE petition_id = %s"),
            "log_size": one("SELECT size FROM signature_logs WHERE petition_id = %s"),
            "leaves": one("SELECT count(*) FROM signature_leaves WHERE petition_id = %s"),
            "signed_heads": one("SELECT count(*) FROM signature_heads WHERE petition_id = %s"),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signatures", type=int, default=6000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profile", type=Path, help="py-spy the workers into this folder")
    args = parser.parse_args()
    require_wrk()
    now = dt.datetime.now(dt.UTC)
    folder = Path(tempfile.mkdtemp(prefix="petitions-pki-"))
    pki = pki_folder.create(folder / "pki", now - dt.timedelta(days=1))
    os.environ[ANCHORS_ENV] = str(folder / "pki" / "anchors")
    os.environ[CRLS_ENV] = str(folder / "pki" / "crl")
    os.environ["SAYLAU_SIGN_LIMIT_ADDRESS"] = "off"  # every request comes from this machine
    total = args.warmup + args.signatures
    iins = distinct_iins(total, dt.date(1970, 1, 1))
    citizens = bulk_citizens(pki.intermediate, iins, now - dt.timedelta(hours=1))
    with fresh_database() as url:
        ctx = Context.open(url)
        today = petitions.today()
        petition = approved(ctx, today)
        text = petitions.text_of(ctx, petition)
        path = f"/api/v1/petitions/{petition}/signatures"
        chain = [pki.intermediate.certificate]
        envelopes = [sign(petition, text, now, bulk_key(), c.certificate, chain) for c in citizens]
        requests = [("", path, json.dumps(e.to_json())) for e in envelopes]
        random.Random(2025).shuffle(requests)
        server, base = start_server(url, args.workers)
        try:
            warm = run_wrk(base, requests[: args.warmup], min(args.connections, args.warmup))
            workers = workers_of(server.pid)
            pg = backends(url)
            cpu_before = cpu_seconds(workers), cpu_seconds(pg)
            began = time.perf_counter()
            profile: dict[str, Any] = {}
            with profiled(server, url, args.profile, profile):
                figures = run_wrk(base, requests[args.warmup :], args.connections)
            wall = time.perf_counter() - began
            pg_after = backends(url)
            cpu_server = cpu_seconds(workers) - cpu_before[0]
            cpu_pg = cpu_seconds(pg | pg_after) - cpu_before[1]
        finally:
            stop(server)
        store = stored(url, petition)
        if store["signatures"] != total or store["log_size"] != total or store["leaves"] != total:
            raise SystemExit(
                f"the store does not hold every signature once: {store}; {warm} {figures}"
            )
        if figures["statuses"] != {"201": args.signatures} or warm["statuses"] != {
            "201": args.warmup
        }:
            raise SystemExit(f"not every signature was acknowledged 201: {figures} {warm}")
        other = approved(ctx, today)
        rows = [
            {"petition_id": other, "iin": iin, "name": "x", "certificate_serial": "",
             "signed_on": today, "signed_at": now, "salt": b"\0" * 32, "leaf_index": n}
            for n, iin in enumerate(iins[args.warmup :])
        ]  # fmt: skip
        began = time.perf_counter()
        with ctx.transaction() as session:
            session.execute(insert(PetitionSignatureRow), rows)
        raw = time.perf_counter() - began
        ctx.engine.dispose()
    per_second = args.signatures / wall
    cpu_per_signature = (cpu_server + cpu_pg) / args.signatures
    results = {
        "measured_at": now.isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "workers": args.workers,
        "connections": args.connections,
        "signatures": args.signatures,
        "wall_signatures_per_second": round(per_second, 1),
        "wrk": {k: figures.get(k) for k in ("p50_ms", "p90_ms", "p99_ms", "requests_per_second")},
        "cpu_ms_per_signature": {
            "server_workers": round(cpu_server / args.signatures * 1000, 3),
            "postgresql": round(cpu_pg / args.signatures * 1000, 3),
            "total": round(cpu_per_signature * 1000, 3),
        },
        "signatures_per_cpu_second": round(1 / cpu_per_signature, 1),
        "on_two_cores_at_that_cost": round(2 / cpu_per_signature, 1),
        "raw_inserts_per_second": round(args.signatures / raw, 1),
        "ratio_raw_to_signed_wall": round((args.signatures / raw) / per_second, 1),
        "signed_heads": store["signed_heads"],
        "signatures_per_group": round(total / store["signed_heads"], 1),
        "target": {"signatures_per_second": TARGET_PER_SECOND, "p99_ms": TARGET_P99_MS},
        **({"profile": profile} if profile else {}),
        "note": "wall figures are noisy on a shared machine; CPU time per signature is steady",
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
