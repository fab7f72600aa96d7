"""The combined night of 19 March 2023 (about 48,600 protocols at 10,000 precincts: the
Mazhilis list and district, the regional maslikhat's list and district, the district
maslikhat's district) through the HTTP API on PostgreSQL, beside COPY of the same rows into
the same tables.

One run, each phase over a fresh database with the night's definition imported:
1. districts: every district (or city) election commission submits its precincts' protocols
   in batches of at most ``--batch``, under its own token, ``--connections`` at a time, in
   an order mixing the districts; ``saylau serve --workers 2`` answers;
2. single (``--single``): the same protocols one per request, each under its precinct
   commission's token, 50 connections (as bench/intake_bench.py's single phase);
3. control (``--control``): the Mazhilis contests alone (two protocols a precinct) batched the
   same way, so the cost of many contests is a ratio on the same noisy machine;
4. copy: the same protocol rows, and the current-protocol rows that make them count, COPY'd
   into the ``protocols`` and ``current_protocols`` tables of a database holding only the
   definition and the credentials: the floor of storing them at all, without checks, ledger
   or totals.
wrk (C, bench/intake.lua) drives the load; afterwards the database must hold every protocol
once with a ledger of that size, and Astana's maslikhat list must be decided by the service to
its official 17 seats. With --profile, py-spy samples the workers during the districts phase.

Run: .venv/bin/python bench/night2023_bench.py [--precincts 10000] [--batch 250] [--single]
     [--profile]
Figures are printed and written to bench/results/night2023.json (or --out).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from benchlib import fresh_database, require_wrk
from intake_bench import Request, phase, single_requests, stored, verify
from saylau.protocol import protocol_to_mapping
from saylau.service.context import Context
from saylau.service.elections import import_election, issue_credentials
from saylau.service.results import outcome
from saylau.synth import SyntheticElection, generate
from saylau.synth.maslikhats import (
    ASTANA,
    astana_list,
    astana_parties,
    combined_2023,
    list_contest_id,
)

RESULTS = Path(__file__).with_name("results")
TARGET_SECONDS = 20.0


def dataset(
    url: str, precincts: int, mazhilis_only: bool = False
) -> tuple[SyntheticElection, dict[str, str], float]:
    """Generate the night (timed) and import it; every commission's token by unit code.
    ``mazhilis_only``: the Mazhilis contests alone (two protocols a precinct), the control."""
    started = time.perf_counter()
    make = generate if mazhilis_only else combined_2023
    synthetic = make(seed=2023, precincts=precincts)
    generated = time.perf_counter() - started
    ctx = Context.open(url)
    try:
        import_election(ctx, synthetic.election)
        issued = issue_credentials(ctx, synthetic.election.id)
    finally:
        ctx.engine.dispose()
    return synthetic, {c.unit_code: c.token for c in issued if c.unit_code}, generated


def district_requests(
    synthetic: SyntheticElection, tokens: dict[str, str], size: int
) -> list[Request]:
    """Each district commission's protocols (every contest of its precincts) in batches of at
    most ``size``, districts mixed."""
    election = synthetic.election
    path = f"/api/v1/elections/{election.id}/protocols/batch"
    by_district: dict[str, list[dict[str, Any]]] = {}
    for p in synthetic.protocols:
        district = election.path(p.precinct)[2]
        by_district.setdefault(district, []).append({"protocol": protocol_to_mapping(p)})
    requests = [
        (tokens[district], path, json.dumps({"submissions": items[start : start + size]}))
        for district, items in by_district.items()
        for start in range(0, len(items), size)
    ]
    random.Random(2023).shuffle(requests)
    return requests


def copy_seconds(url: str, synthetic: SyntheticElection) -> dict[str, Any]:
    """COPY every protocol, and its current-protocol row, into the service's own tables of
    a database that holds the definition and credentials only; seconds and rows."""
    election_id = synthetic.election.id
    now = dt.datetime.now(dt.UTC).isoformat()
    plain = url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(plain, autocommit=True) as connection:
        row = connection.execute(
            "SELECT min(id) FROM credentials WHERE election_id = %s", (election_id,)
        ).fetchone()
        submitter = row[0] if row else None
        protocols = io.StringIO()
        current = io.StringIO()
        for number, p in enumerate(synthetic.protocols, start=1):
            payload = json.dumps(protocol_to_mapping(p), sort_keys=True)
            fields = (election_id, p.precinct, p.contest, "1", "accepted", p.content_hash())
            line = "\t".join((str(number), *fields, _escaped(payload), str(submitter), now))
            protocols.write(line + "\t" + str(number) + "\n")
            current.write(f"{election_id}\t{p.precinct}\t{p.contest}\t{number}\n")
        started = time.perf_counter()
        with connection.transaction(), connection.cursor() as cursor:
            with cursor.copy(
                "COPY protocols (id, election_id, precinct, contest, version, state, "
                "content_hash, payload, submitted_by, submitted_at, ledger_index) FROM STDIN"
            ) as copy:
                copy.write(protocols.getvalue())
            with cursor.copy(
                "COPY current_protocols (election_id, precinct, contest, protocol_id) FROM STDIN"
            ) as copy:
                copy.write(current.getvalue())
        elapsed = time.perf_counter() - started
        count = connection.execute(
            "SELECT count(*) FROM current_protocols WHERE election_id = %s", (election_id,)
        ).fetchone()
    return {"seconds": round(elapsed, 3), "rows": count[0] if count else 0}


def _escaped(text: str) -> str:
    """A value in COPY's text format."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def astana_seats(url: str, election_id: str) -> dict[str, int]:
    """Astana's maslikhat list as the service decides it from the counted totals."""
    ctx = Context.open(url)
    try:
        decided = outcome(ctx, election_id, list_contest_id(ASTANA))["outcome"]
    finally:
        ctx.engine.dispose()
    seats: dict[str, int] = decided["seats"]
    return seats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--precincts", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=250)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--single", action="store_true", help="also one protocol a request")
    parser.add_argument(
        "--control",
        action="store_true",
        help="also the Mazhilis contests alone, batched the same way (what many contests cost)",
    )
    parser.add_argument("--single-connections", type=int, default=50)
    parser.add_argument(
        "--profile",
        type=Path,
        nargs="?",
        const=Path(tempfile.gettempdir()) / "night2023-profile",
        default=None,
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "night2023.json")
    args = parser.parse_args()
    require_wrk()
    os.environ["SAYLAU_RATE_LIMIT"] = "off"  # the load comes from one client address

    figures: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "bench/night2023_bench.py "
        + f"--precincts {args.precincts} --batch {args.batch} --connections {args.connections}"
        + (" --single" if args.single else "")
        + (" --control" if args.control else ""),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "precincts": args.precincts,
        "workers": args.workers,
    }
    with fresh_database() as url:
        synthetic, tokens, generated = dataset(url, args.precincts)
        total = len(synthetic.protocols)
        figures |= {
            "protocols": total,
            "contests": len(synthetic.election.contests),
            "generate_seconds": round(generated, 2),
        }
        requests = district_requests(synthetic, tokens, args.batch)
        districts, _ = phase(
            "districts", url, args.workers, requests, args.connections, args.profile
        )
        store = stored(url, synthetic.election.id)
        verify("districts", districts, total, store)
        seats = astana_seats(url, synthetic.election.id)
        official = {p.id: astana_list().seats[p.result_name] for p in astana_parties()}
        if args.precincts == 10_000 and seats != official:
            raise SystemExit(f"Astana's maslikhat list: {seats}, officially {official}")
        districts |= {
            "batches": len(requests),
            "batch_size_at_most": args.batch,
            "connections": args.connections,
            "protocols_per_second": round(total / districts["seconds"]),
            "astana_list_seats": seats,
        }
        figures["districts"] = districts
    if args.control:
        with fresh_database() as url:
            synthetic, tokens, _ = dataset(url, args.precincts, mazhilis_only=True)
            requests = district_requests(synthetic, tokens, args.batch)
            control, _ = phase("control", url, args.workers, requests, args.connections)
            count = len(synthetic.protocols)
            verify("control", control, count, stored(url, synthetic.election.id))
            control |= {
                "protocols": count,
                "contests": len(synthetic.election.contests),
                "batches": len(requests),
                "protocols_per_second": round(count / control["seconds"]),
            }
            figures["control_mazhilis_only"] = control
    if args.single:
        with fresh_database() as url:
            synthetic, tokens, _ = dataset(url, args.precincts)
            requests = single_requests(synthetic, tokens)
            single, _ = phase("single", url, args.workers, requests, args.single_connections)
            kept = stored(url, synthetic.election.id)
            single["stored"] = kept
            if kept["current"] != total:  # e.g. wrk's time ran out: say so, keep the rest
                single["incomplete"] = f"{kept['current']} of {total} protocols stored"
            single["protocols_per_second"] = round(kept["current"] / single["seconds"])
            single["connections"] = args.single_connections
            figures["single"] = single
    with fresh_database() as url:
        synthetic, _, _ = dataset(url, args.precincts)
        figures["copy"] = copy_seconds(url, synthetic)
    summarise(figures)
    RESULTS.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=1) + "\n")
    print(json.dumps(figures, indent=1))


def summarise(figures: dict[str, Any]) -> None:
    """The ratios the run is about: the HTTP night beside COPY, batches beside single
    requests, and the target (the whole night through HTTP in under 20 seconds)."""
    districts = figures["districts"]
    copy = figures["copy"]
    summary: dict[str, Any] = {
        "http_seconds": round(districts["seconds"], 2),
        "http_protocols_per_second": districts["protocols_per_second"],
        "copy_seconds": copy["seconds"],
        "http_over_copy": round(districts["seconds"] / copy["seconds"], 1),
        "meets_target": districts["seconds"] < TARGET_SECONDS,
    }
    control = figures.get("control_mazhilis_only")
    if control:
        summary["control_protocols_per_second"] = control["protocols_per_second"]
        summary["combined_over_control_per_protocol"] = round(
            districts["protocols_per_second"] / control["protocols_per_second"], 2
        )
    if "single" in figures:
        summary["single_seconds"] = round(figures["single"]["seconds"], 2)
        summary["single_protocols_per_second"] = figures["single"]["protocols_per_second"]
        summary["single_over_batches"] = round(
            figures["single"]["protocols_per_second"] / districts["protocols_per_second"], 2
        )
    figures["summary"] = summary


if __name__ == "__main__":
    main()
