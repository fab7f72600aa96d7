"""Every precinct reporting on its own: single-protocol submissions beside batches and beside
the check endpoint, on PostgreSQL with `saylau serve --workers 2`.

One run measures, each phase against a server of its own over a fresh database:
1. single: the national dataset's protocols (20,000 at 10,000 precincts) submitted one per
   request by 50 concurrent connections, each request with its own precinct commission's
   token, in an order mixing all regions;
2. check: the same requests to ``/protocols/check`` (same authentication and validation,
   nothing stored): what the same FastAPI stack serves without the ledger;
3. echo: the same requests to a validate-and-echo route (bench/echo_asgi.py: the service's
   application, its middleware and body model, nothing looked up or stored) on a server of
   the same workers: the ceiling the stack itself sets on this machine;
4. batch: the same protocols in batches of 250 from the regional commissions.
wrk (C, with bench/intake.lua over pre-generated requests) drives the load, so the figures are
the server's and not a Python client's; every answer's status is counted, and afterwards the
database must hold every protocol once, with a ledger of exactly that size. With --profile,
py-spy samples the workers during the single phase and the time is split by stage.

A proof at 1,000,000 leaves is measured by ``bench/proof_bench.py``'s ``proof_figures()``
when that module is present, against the first server; its figures are added here.

Run: .venv/bin/python bench/intake_bench.py [--precincts 10000] [--workers 2] [--profile]
     [--no-proof]
Figures are printed and written to bench/results/intake.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from benchlib import fresh_database, require_wrk, start_server, stop, wrk_figures
from profiling import profiled
from saylau.protocol import protocol_to_mapping
from saylau.service.context import Context
from saylau.service.elections import import_election, issue_credentials
from saylau.synth import SyntheticElection, generate

RESULTS = Path(__file__).with_name("results")
SCRIPT = Path(__file__).with_name("intake.lua")
SINGLE_TARGET_PER_SECOND = 2000
SINGLE_TARGET_P99_MS = 100
ECHO_APP = "echo_asgi:app"  # the same server with a validate-and-echo route (bench/)
Request = tuple[str, str, str]  # token, path, JSON body


def dataset(url: str, precincts: int) -> tuple[SyntheticElection, dict[str, str]]:
    """Generate and import the national dataset; every commission's token by unit code."""
    synthetic = generate(seed=2023, precincts=precincts)
    ctx = Context.open(url)
    try:
        import_election(ctx, synthetic.election)
        issued = issue_credentials(ctx, synthetic.election.id)
    finally:
        ctx.engine.dispose()
    return synthetic, {c.unit_code: c.token for c in issued if c.unit_code}


def single_requests(synthetic: SyntheticElection, tokens: dict[str, str]) -> list[Request]:
    """One request per protocol, each under its own precinct's token, regions mixed."""
    path = f"/api/v1/elections/{synthetic.election.id}/protocols"
    requests = [
        (tokens[p.precinct], path, json.dumps({"protocol": protocol_to_mapping(p)}))
        for p in synthetic.protocols
    ]
    random.Random(2023).shuffle(requests)
    return requests


def batch_requests(
    synthetic: SyntheticElection, tokens: dict[str, str], size: int
) -> list[Request]:
    """The same protocols in batches of ``size`` from the regional commissions."""
    election = synthetic.election
    path = f"/api/v1/elections/{election.id}/protocols/batch"
    by_region: dict[str, list[dict[str, Any]]] = {}
    for p in synthetic.protocols:
        region = election.path(p.precinct)[1]
        by_region.setdefault(region, []).append({"protocol": protocol_to_mapping(p)})
    requests = [
        (tokens[region], path, json.dumps({"submissions": items[start : start + size]}))
        for region, items in by_region.items()
        for start in range(0, len(items), size)
    ]
    random.Random(2023).shuffle(requests)
    return requests


def run_wrk(
    base: str, requests: list[Request], connections: int, threads: int = 2
) -> dict[str, Any]:
    """Send every request once through wrk; wrk's figures and the count of each status."""
    folder = Path(tempfile.mkdtemp(prefix="intake-wrk-"))
    try:
        for number in range(1, threads + 1):
            share = requests[number - 1 :: threads]
            lines = "".join(f"{token}\t{path}\t{body}\n" for token, path, body in share)
            (folder / f"requests-{number}.txt").write_text(lines, encoding="utf-8")
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            "-d600s",
            "--timeout",
            "30s",
            "--latency",
            "-s",
            str(SCRIPT),
            base,
            "--",
            str(folder),
        ]
        output, code = _until_answered(command, threads)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if code != 0:
        raise RuntimeError(f"wrk failed:\n{output}")
    figures = wrk_figures(output)
    match = re.search(r"^STATUSES (\{.*\})$", output, re.MULTILINE)
    statuses: Counter[str] = Counter()
    for key, count in json.loads(match.group(1) if match else "{}").items():
        statuses[key.split(":", 1)[1]] += count
    figures["statuses"] = dict(sorted(statuses.items()))
    duration = re.search(r"requests in ([\d.]+)(m?s|m)\b", output)
    if duration:
        figures["seconds"] = (
            float(duration.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[duration.group(2)]
        )
    return figures


def _until_answered(command: list[str], threads: int) -> tuple[str, int]:
    """Run wrk until each of its threads has every answer, then stop it (SIGINT: it reports)."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    lines: list[str] = []
    finished = 0
    for line in process.stdout:
        lines.append(line)
        if line.startswith("ANSWERED "):
            finished += 1
            if finished == threads:
                process.send_signal(signal.SIGINT)
    process.wait(timeout=60)
    return "".join(lines), process.returncode


def stored(url: str, election_id: str) -> dict[str, int]:
    """What the database holds: the ledger's size and leaves, accepted and current protocols."""
    plain = url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(plain) as connection:

        def one(query: str) -> int:
            row = connection.execute(query, (election_id,)).fetchone()
            return int(row[0]) if row else -1

        return {
            "ledger_size": one("SELECT size FROM ledger_state WHERE election_id = %s"),
            "ledger_entries": one("SELECT count(*) FROM ledger_entries WHERE election_id = %s"),
            "accepted": one(
                "SELECT count(*) FROM protocols WHERE election_id = %s AND state = 'accepted'"
            ),
            "current": one("SELECT count(*) FROM current_protocols WHERE election_id = %s"),
            "signed_heads": one("SELECT count(*) FROM tree_heads WHERE election_id = %s"),
        }


def verify(kind: str, figures: dict[str, Any], expected: int, store: dict[str, int]) -> None:
    """Every protocol stored once and the ledger exactly as long (the definition's entry and
    one per protocol): else the run is void."""
    for name in ("ledger_size", "ledger_entries", "accepted", "current"):
        wanted = expected + (1 if name.startswith("ledger") else 0)
        if store[name] != wanted:
            raise SystemExit(f"{kind}: {name} is {store[name]}, expected {wanted}: {store}")
    if figures.get("socket_errors"):
        raise SystemExit(f"{kind}: wrk saw socket errors: {figures}")


def proof_figures(url: str, base: str) -> dict[str, Any]:
    """The proof at 1,000,000 leaves, from bench/proof_bench.py's ``proof_figures(url, base)``
    when that module exists: a log of a million leaves is written beside the election, and
    proofs are timed from the service and over HTTP from the same server."""
    try:
        module = importlib.import_module("proof_bench")
    except ImportError:
        return {"proof_at_1000000_leaves": "not measured here: bench/proof_bench.py is absent"}
    measure = getattr(module, "proof_figures", None)
    if measure is None:
        return {"proof_at_1000000_leaves": "not measured: proof_bench has no proof_figures()"}
    figures: dict[str, Any] = measure(url, base)
    return {"proof_at_1000000_leaves": figures}


def phase(
    kind: str,
    url: str,
    workers: int,
    requests: list[Request],
    connections: int,
    profile: Path | None = None,
    then: list[Request] | None = None,
    last: Callable[[str], dict[str, Any]] | None = None,
    app: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Serve ``url``, send ``requests`` (and then ``then``, on the same server; ``last`` is
    given the server's address at the end and adds its figures to the first phase's).
    ``app``: another application to serve (see benchlib.start_server)."""
    server, base = start_server(url, workers, app)
    profile_figures: dict[str, Any] = {}
    try:
        time.sleep(2)  # every worker up, not only the first to answer
        with profiled(server, url, profile, profile_figures):
            figures = run_wrk(base, requests, connections)
        if profile_figures:
            figures["profile"] = profile_figures
        after = run_wrk(base, then, connections) if then else None
        if last is not None:
            figures["then"] = last(base)
    finally:
        stop(server)
    return figures, after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--precincts", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--batch", type=int, default=250)
    parser.add_argument("--batch-connections", type=int, default=4)
    parser.add_argument(
        "--only", choices=("single", "batch", "all"), default="all", help="phases to run"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        nargs="?",
        const=Path(tempfile.gettempdir()) / "intake-profile",
        default=None,
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "intake.json")
    parser.add_argument(
        "--no-proof", dest="proof", action="store_false", help="skip the million-leaf proof"
    )
    args = parser.parse_args()
    require_wrk()
    # the load comes from one client address: no per-client limit may slow it down
    os.environ["SAYLAU_RATE_LIMIT"] = "off"

    figures: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "precincts": args.precincts,
        "workers": args.workers,
        "connections": args.connections,
    }
    if args.only in ("single", "all"):
        with fresh_database() as url:
            synthetic, tokens = dataset(url, args.precincts)
            requests = single_requests(synthetic, tokens)
            checks = [(t, p + "/check", b) for t, p, b in requests] if args.only == "all" else None
            single, check = phase(
                "single",
                url,
                args.workers,
                requests,
                args.connections,
                args.profile,
                checks,
                (lambda base: proof_figures(url, base)) if args.proof else None,
            )
            figures |= single.pop("then", {})
            store = stored(url, synthetic.election.id)
            verify("single", single, len(requests), store)
            figures["protocols"] = len(requests)
            figures["single"] = single | {"stored": store}
            if check is not None:
                figures["check"] = check
        if args.only == "all":
            figures["echo"] = echo_figures(requests, args.workers, args.connections)
    if args.only in ("batch", "all"):
        with fresh_database() as url:
            synthetic, tokens = dataset(url, args.precincts)
            batches = batch_requests(synthetic, tokens, args.batch)
            batch, _ = phase("batch", url, args.workers, batches, args.batch_connections)
            store = stored(url, synthetic.election.id)
            verify("batch", batch, len(synthetic.protocols), store)
            seconds = batch.get("seconds") or 0
            batch["protocols_per_second"] = round(len(synthetic.protocols) / seconds)
            figures["batch"] = batch | {"size": args.batch, "stored": store}
    summarise(figures)
    if args.only == "all":
        RESULTS.mkdir(exist_ok=True)
        args.out.write_text(json.dumps(figures, indent=1) + "\n")
    print(json.dumps(figures, indent=1))


def echo_figures(requests: list[Request], workers: int, connections: int) -> dict[str, Any]:
    """The same requests to the validate-and-echo route, served over a database of its own
    (the route reads nothing from it; the other phases' elections stay out of its way)."""
    echoes = [(token, path + "/echo", body) for token, path, body in requests]
    with fresh_database() as url:
        Context.open(url).engine.dispose()  # the schema, as `saylau serve` would make it
        echo, _ = phase("echo", url, workers, echoes, connections, app=ECHO_APP)
    if echo.get("statuses") != {"201": len(echoes)}:
        raise RuntimeError(f"echo: not every request echoed: {echo}")
    return echo


def summarise(figures: dict[str, Any]) -> None:
    """The ratios the run is about: single beside batches, beside the validate-and-echo route
    (the stack's ceiling) and beside the check endpoint; and the targets."""
    single = figures.get("single", {})
    rate = single.get("requests_per_second")
    if not rate:
        return
    summary: dict[str, Any] = {
        "single_protocols_per_second": rate,
        "single_p50_ms": single.get("p50_ms"),
        "single_p99_ms": single.get("p99_ms"),
    }
    if "batch" in figures:
        summary["batch_protocols_per_second"] = figures["batch"]["protocols_per_second"]
        summary["single_over_batch"] = round(rate / figures["batch"]["protocols_per_second"], 2)
    if "check" in figures:
        summary["check_requests_per_second"] = figures["check"]["requests_per_second"]
        summary["check_p99_ms"] = figures["check"].get("p99_ms")
        summary["single_over_check"] = round(rate / figures["check"]["requests_per_second"], 2)
    if "echo" in figures:
        summary["echo_requests_per_second"] = figures["echo"]["requests_per_second"]
        summary["echo_p99_ms"] = figures["echo"].get("p99_ms")
        summary["single_over_echo"] = round(rate / figures["echo"]["requests_per_second"], 2)
    summary["single_meets_target"] = (
        rate >= SINGLE_TARGET_PER_SECOND and (single.get("p99_ms") or 1e9) < SINGLE_TARGET_P99_MS
    )
    proof = figures.get("proof_at_1000000_leaves")
    if isinstance(proof, dict):
        for where in ("service", "http"):
            if isinstance(proof.get(where), dict):
                summary[f"proof_{where}_p50_ms"] = proof[where].get("p50_ms")
    figures["summary"] = summary


if __name__ == "__main__":
    main()
