"""Election night on one machine: a night's dataset generated, imported, every protocol
submitted through the service's checks by the regional commissions, results served live."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import Any

from sqlalchemy.engine import make_url

from saylau.outcome.records import AnyOutcome
from saylau.protocol import protocol_to_mapping
from saylau.service.auth import Principal, authenticate
from saylau.service.context import Context
from saylau.service.elections import import_election, issue_credentials
from saylau.service.errors import Problem
from saylau.service.results import standing
from saylau.service.submission import submit_batch
from saylau.store import database_url
from saylau.synth.national import SyntheticElection, generate
from saylau.synth.nights import night

BATCH = 100


def reset_sqlite(url: str) -> None:
    """Remove a SQLite demo database so the night starts from an empty count."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return
    path = Path(parsed.database)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def prepare(url: str, seed: int, precincts: int) -> tuple[Context, SyntheticElection]:
    synthetic = generate(seed=seed, precincts=precincts)
    ctx = Context.open(url)
    import_election(ctx, synthetic.election)
    return ctx, synthetic


def regional_principals(ctx: Context, election_id: str) -> dict[str, Principal]:
    issued = issue_credentials(ctx, election_id)
    with ctx.sessions() as session:
        return {
            c.unit_code: authenticate(session, election_id, c.token)
            for c in issued
            if c.role == "territorial" and c.unit_code and c.unit_code.count("-") == 1
        }


def submit_all(
    ctx: Context,
    synthetic: SyntheticElection,
    principals: dict[str, Principal],
    seed: int,
    advance: Callable[[int], None],
) -> dict[str, int]:
    """Submit every protocol in a seeded random order, by region, in batches."""
    order = list(range(len(synthetic.protocols)))
    random.Random(seed).shuffle(order)
    buffers: dict[str, list[tuple[Any, str | None]]] = defaultdict(list)
    tally: dict[str, int] = defaultdict(int)

    def flush(region: str) -> None:
        items = buffers.pop(region, [])
        if not items:
            return
        for answer in submit_batch(ctx, principals[region], items):
            tally["problems" if isinstance(answer, Problem) else answer.status] += 1
        advance(len(items))

    election = synthetic.election
    for index in order:
        protocol = synthetic.protocols[index]
        region = election.path(protocol.precinct)[1]
        buffers[region].append((protocol_to_mapping(protocol), None))
        if len(buffers[region]) >= BATCH:
            flush(region)
    for region in list(buffers):
        flush(region)
    return dict(tally)


def count(
    ctx: Context, synthetic: SyntheticElection, seed: int, advance: Callable[[int], None]
) -> dict[str, int]:
    """Import an election (idempotent) and submit every protocol through the service."""
    import_election(ctx, synthetic.election)
    principals = regional_principals(ctx, synthetic.election.id)
    return submit_all(ctx, synthetic, principals, seed, advance)


def outcomes(ctx: Context, synthetic: SyntheticElection) -> dict[str, AnyOutcome | None]:
    """Each contest's outcome as the service decides it from its totals, keyed by contest
    id (None while its totals decide nothing)."""
    election = synthetic.election
    return {c.id: standing(ctx, election.id, c.id).outcome for c in election.contests}


def run_night(
    ctx: Context,
    name: str,
    seed: int,
    precincts: int,
    advance: Callable[[int], None] = lambda _: None,
    counted: Callable[[SyntheticElection, dict[str, int]], None] = lambda *_: None,
    first: SyntheticElection | None = None,
) -> dict[str, AnyOutcome | None]:
    """A whole night through the service: each election generated (the first may be given,
    generated before anything else was touched), imported and counted; a repeat voting
    generated from the outcome the service gave the first round."""
    chosen = night(name)
    if first is None:
        first = chosen.first(seed, precincts)
    counted(first, count(ctx, first, seed, advance))
    decided = outcomes(ctx, first)
    if chosen.follow_up is not None:
        second = chosen.follow_up(first, decided, seed, precincts)
        counted(second, count(ctx, second, seed, advance))
        decided |= outcomes(ctx, second)
    return decided


class Stopped(Exception):
    """SIGTERM or SIGINT arrived: the night stops where it is and its server with it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def stopped_by_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGINT into ``Stopped`` while the night runs, so the code that
    started the server always reaches the line that stops it (a process killed by the
    default SIGTERM action would leave its server listening)."""

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise Stopped(signum)

    before = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def start_server(url: str, host: str, port: int) -> subprocess.Popen[bytes]:
    """``saylau serve`` in a process group of its own: its workers and chart helpers are
    stopped together with it (``stop_server``), and a Ctrl-C at the terminal reaches only
    the night, which then stops the server in order."""
    command = [
        sys.executable,
        "-m",
        "saylau",
        "serve",
        "--db",
        url,
        "--host",
        host,
        "--port",
        str(port),
    ]
    return subprocess.Popen(command, start_new_session=True)


def stop_server(server: subprocess.Popen[bytes] | None, grace: float = 10.0) -> None:
    """SIGTERM to the server, which shuts its workers and chart helpers down in order;
    after it exits, or after ``grace`` seconds, SIGKILL to whatever is left of its process
    group, so nothing of it outlives the night."""
    if server is None:
        return
    server.terminate()
    with suppress(subprocess.TimeoutExpired):
        server.wait(timeout=grace)
    with suppress(ProcessLookupError):  # a helper the server did not take down with it
        os.killpg(server.pid, signal.SIGKILL)
    server.wait()


def wait_ready(
    host: str, port: int, timeout: float = 30.0, server: subprocess.Popen[bytes] | None = None
) -> bool:
    """Whether the server answers /health within ``timeout`` (False at once if it exited)."""
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and (server is None or server.poll() is None):
        try:
            if httpx.get(f"http://{host}:{port}/health", timeout=1.0).status_code == 200:
                return True
        except httpx.HTTPError:
            time.sleep(0.2)
    return False


__all__ = [
    "Stopped",
    "count",
    "database_url",
    "outcomes",
    "prepare",
    "regional_principals",
    "reset_sqlite",
    "run_night",
    "start_server",
    "stop_server",
    "stopped_by_signals",
    "submit_all",
    "wait_ready",
]
