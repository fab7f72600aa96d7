"""What the benchmarks share: a fresh PostgreSQL database, the national dataset imported
and cut into regional batches, a server started and waited for, and wrk's figures."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg

from saylau import keyfile
from saylau.protocol import protocol_to_mapping
from saylau.service.context import Context
from saylau.service.elections import import_election, issue_credentials
from saylau.synth import SyntheticElection, generate

ADMIN = os.environ.get("SAYLAU_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
BENCH = Path(__file__).parent

Batch = tuple[str, bytes]  # a regional commission's token, the JSON body of its batch


def require_wrk() -> None:
    """Stop in one line, before a database is made, when wrk (which drives the load, so
    the figures are the server's and not a Python client's) is not installed."""
    if shutil.which("wrk") is None:
        sys.stderr.write("bench: wrk is needed and not on PATH (Debian package 'wrk')\n")
        raise SystemExit(2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new PostgreSQL database for one run, dropped afterwards."""
    name = f"saylau_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield "postgresql+psycopg://" + ADMIN.split("://", 1)[1].rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(url: str, precincts: int, batch: int) -> tuple[SyntheticElection, list[Batch]]:
    """Generate and import the dataset; cut its protocols into regional batches, interleaved
    as reports arrive from everywhere at once."""
    synthetic = generate(seed=2023, precincts=precincts)
    election = synthetic.election
    ctx = Context.open(url)
    import_election(ctx, election)
    tokens = {
        c.unit_code: c.token
        for c in issue_credentials(ctx, election.id)
        if c.role == "territorial" and c.unit_code and c.unit_code.count("-") == 1
    }
    ctx.engine.dispose()
    by_region: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for protocol in synthetic.protocols:
        mapping = protocol_to_mapping(protocol)
        by_region[election.path(protocol.precinct)[1]].append({"protocol": mapping})
    batches: list[Batch] = []
    for region, items in by_region.items():
        for start in range(0, len(items), batch):
            body = json.dumps({"submissions": items[start : start + batch]}).encode()
            batches.append((tokens[region], body))
    batches.sort(key=lambda item: hash(item[1]) % 1000)
    return synthetic, batches


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


def start_server(
    url: str, workers: int, app: str | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """``saylau serve`` on a free port, once it answers; returns the process and base URL.
    With ``app`` (``module:attribute`` in bench/), uvicorn serves that application instead,
    as ``saylau serve`` would: same workers, key file and settings, schema already made."""
    port = free_port()
    if app is None:
        command = [sys.executable, "-m", "saylau", "serve", "--db", url, "--port", str(port)]
        process = subprocess.Popen([*command, "--workers", str(workers)])
    else:
        command = [sys.executable, "-m", "uvicorn", app, "--app-dir", str(BENCH)]
        command += ["--port", str(port), "--workers", str(workers), "--log-level", "warning"]
        command += ["--timeout-keep-alive", "30"]
        environment = os.environ | {
            "DATABASE_URL": url,
            "SAYLAU_MIGRATED": "1",
            keyfile.ENV: str(keyfile.configured_path(url).resolve()),
        }
        process = subprocess.Popen(command, env=environment)
    base = f"http://127.0.0.1:{port}"
    wait_ready(base)
    return process, base


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is not None:
        process.terminate()
        process.wait(timeout=30)


def milliseconds(text: str) -> float:
    number = text.rstrip("usm")
    return round(float(number) * UNITS[text[len(number) :]], 2)


def wrk_figures(report: str) -> dict[str, Any]:
    """Requests per second, p50/p90/p99 (ms), requests and failures from wrk --latency."""
    figures: dict[str, Any] = {"non_2xx": 0, "socket_errors": 0}
    for line in report.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("50%", "90%", "99%"):
            figures[f"p{parts[0][:2]}_ms"] = milliseconds(parts[1])
        elif "requests in" in line:
            figures["requests"] = int(parts[0])
        elif line.startswith("Requests/sec:"):
            figures["requests_per_second"] = round(float(parts[1]))
        elif "Non-2xx or 3xx responses" in line:
            figures["non_2xx"] = int(parts[-1])
        elif line.strip().startswith("Socket errors"):
            figures["socket_errors"] = sum(int(n) for n in re.findall(r"\d+", line))
    return figures
