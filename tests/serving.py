"""Real servers for the HTTP tests: `saylau serve` subprocesses, tokens, and the invariants.

The invariants are checked from the database itself (not through the API under test), so
a test that kills or overloads the server still judges what was durably stored.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from saylau import ledger
from saylau.election import Election
from saylau.service.context import Context
from saylau.service.elections import import_election, issue_credentials
from saylau.store import make_engine
from saylau.store.tables import (
    CurrentRow,
    LedgerEntryRow,
    LedgerStateRow,
    ProtocolRow,
    TotalRow,
    TreeHeadRow,
    TreeNodeRow,
)
from saylau.tabulation.totals import FIELDS
from tests.conftest import REPO
from tests.elections_fixture import small_election, small_election_mapping

ELECTION = "test-2023"
API = f"/api/v1/elections/{ELECTION}"
PARTIES = ("amanat", "auyl", "respublica")
SAYLAU = [sys.executable, "-m", "saylau"]

Tokens = dict[str, str]  # unit code (or "observer") → bearer token


def free_port() -> int:
    """A port nobody listens on right now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def prepare(url: str) -> Tokens:
    """Import the small election into ``url`` and issue its credentials (in process: fast)."""
    ctx = Context.open(url)
    try:
        import_election(ctx, small_election())
        issued = issue_credentials(ctx, ELECTION)
    finally:
        ctx.engine.dispose()
    return {c.unit_code or c.role: c.token for c in issued}


def prepare_with_cli(url: str, folder: Path) -> Tokens:
    """The same through `saylau election import` and `credentials`, as an operator runs it."""
    definition = folder / "election.json"
    definition.write_text(json.dumps(small_election_mapping()), encoding="utf-8")
    out = folder / "tokens.json"
    for args in (
        ["election", "import", str(definition), "--db", url],
        ["election", "credentials", ELECTION, "--out", str(out), "--db", url],
    ):
        done = subprocess.run(
            [*SAYLAU, *args], capture_output=True, text=True, cwd=REPO, check=False
        )
        assert done.returncode == 0, done.stderr
    return {item["unit"] or item["role"]: item["token"] for item in json.loads(out.read_text())}


@dataclass
class Server:
    """A running `saylau serve` in its own process group (so workers die with it)."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, token: str | None = None, timeout: float = 30.0) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.base + API, headers=headers, timeout=timeout)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole group: no shutdown handler, no flush, as in a power cut."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM and wait; SIGKILL the group if it does not stop in time."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def start_server(url: str, folder: Path, workers: int = 1, attempts: int = 3) -> Server:
    """`python -m saylau serve` on a free port; returns once /health answers."""
    last = ""
    for attempt in range(attempts):
        port = free_port()
        log = folder / f"serve-{port}-{attempt}.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [*SAYLAU, "serve", "--db", url, "--port", str(port), "--workers", str(workers)],
                stdout=sink,
                stderr=subprocess.STDOUT,
                cwd=REPO,
                start_new_session=True,
            )
        server = Server(process, port, log)
        if _wait_healthy(server, workers):
            return server
        server.stop()
        last = server.log_text()
    raise RuntimeError(f"saylau serve did not come up:\n{last}")


def _wait_healthy(server: Server, workers: int, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    healthy = 0
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        try:
            if httpx.get(server.base + "/health", timeout=2).status_code == 200:
                healthy += 1
                # with several workers, a few answers in a row make it likely all are up
                if healthy >= min(workers, 3):
                    return True
                continue
        except httpx.TransportError:
            healthy = 0
        time.sleep(0.1)
    return False


def list_votes(a: int, b: int, c: int) -> dict[str, int]:
    return {"amanat": a, "auyl": b, "respublica": c}


def is_problem(response: httpx.Response) -> bool:
    return str(response.headers.get("content-type", "")).startswith("application/problem+json")


# --------------------------------------------------------------------------------------------
# Invariants, read from the database


def row_counts(url: str) -> dict[str, int]:
    """How many protocols, ledger leaves, signed heads and current rows are stored."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return {
                table.__tablename__: int(
                    session.scalar(select(func.count()).select_from(table)) or 0
                )
                for table in (ProtocolRow, LedgerEntryRow, TreeHeadRow, CurrentRow)
            }
    finally:
        engine.dispose()


@dataclass
class Stored:
    """What the database holds, after every invariant below was checked."""

    ledger_size: int
    current: dict[tuple[str, str], dict[str, Any]]  # (precinct, contest) → current protocol
    accepted_ids: set[int]
    content_hashes: dict[int, str]  # protocol id → content hash
    states: dict[int, str] = field(default_factory=dict)  # protocol id → state
    payloads: dict[int, dict[str, Any]] = field(default_factory=dict)  # protocol id → protocol
    corrections_approved: int = 0


def check_invariants(url: str, election: Election | None = None) -> Stored:
    """Assert every invariant of the stored election; return what is stored.

    The ledger: contiguous leaves whose hashes are right, a frontier and size that match
    them, every signed head's root equal to the root of its prefix, signatures valid. The
    protocols: one current accepted protocol per precinct and contest, the one the ledger
    says counts. The totals: at every unit, the sum of the current protocols below it.
    """
    election = election or small_election()
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            state = session.get(LedgerStateRow, election.id)
            assert state is not None
            entries = session.scalars(
                select(LedgerEntryRow)
                .where(LedgerEntryRow.election_id == election.id)
                .order_by(LedgerEntryRow.index)
            ).all()
            heads = session.scalars(
                select(TreeHeadRow)
                .where(TreeHeadRow.election_id == election.id)
                .order_by(TreeHeadRow.size)
            ).all()
            protocols = session.scalars(
                select(ProtocolRow).where(ProtocolRow.election_id == election.id)
            ).all()
            currents = session.scalars(
                select(CurrentRow).where(CurrentRow.election_id == election.id)
            ).all()
            totals = session.scalars(
                select(TotalRow).where(TotalRow.election_id == election.id)
            ).all()
            nodes = {
                (level, index): bytes(digest)
                for level, index, digest in session.execute(
                    select(TreeNodeRow.level, TreeNodeRow.index, TreeNodeRow.hash).where(
                        TreeNodeRow.election_id == election.id
                    )
                )
            }
    finally:
        engine.dispose()

    # the ledger
    assert [e.index for e in entries] == list(range(len(entries))), "ledger has gaps"
    hashes = []
    for entry in entries:
        assert ledger.leaf_hash(entry.leaf) == entry.leaf_hash, f"leaf {entry.index} hash"
        hashes.append(bytes(entry.leaf_hash))
    log = ledger.MerkleLog(hashes)
    assert state.size == len(entries), f"ledger size {state.size}, {len(entries)} leaves"
    assert b"".join(log.frontier().hashes) == bytes(state.frontier), "stored frontier"
    assert nodes == {
        (level, index): log.subtree_root(index << level, (index + 1) << level)
        for level in range(1, len(entries).bit_length())
        for index in range(len(entries) >> level)
    }, "the stored tree nodes are the log's complete subtrees"
    assert state.public_key is not None, "the log has no current key"
    key = ledger.NoteKey(state.origin, ledger.VerifyingKey.from_bytes(bytes(state.public_key)))
    if entries:
        assert heads and heads[-1].size == len(entries), "no signed head for the whole log"
    for head_row in heads:
        assert head_row.note is not None, f"head of size {head_row.size} has no checkpoint"
        checkpoint = ledger.verify_checkpoint(head_row.note, [key])
        assert (checkpoint.size, checkpoint.root) == (head_row.size, bytes(head_row.root))
        assert checkpoint.root == log.root(checkpoint.size), f"signed head of size {head_row.size}"

    # replaying the ledger gives the current protocols
    replayed: dict[tuple[str, str], dict[str, Any]] = {}
    corrections = 0
    for entry in entries:
        record = json.loads(entry.leaf)
        if entry.index == 0:
            assert entry.kind == "definition" and record["definition_hash"], "entry 0"
            assert record["definition_hash"] == election.definition_hash(), "definition hash"
            continue
        pair = (record["precinct"], record["contest"])
        if entry.kind == "protocol":
            assert pair not in replayed, f"second original protocol for {pair}"
        else:
            assert entry.kind == "correction" and pair in replayed
            corrections += 1
        replayed[pair] = record

    by_id = {row.id: row for row in protocols}
    current: dict[tuple[str, str], dict[str, Any]] = {}
    for row in currents:
        pair = (row.precinct, row.contest)
        stored = by_id[row.protocol_id]
        assert (stored.precinct, stored.contest, stored.state) == (*pair, "accepted")
        assert stored.ledger_index is not None
        record = json.loads(entries[stored.ledger_index].leaf)
        assert record["content_hash"] == stored.content_hash
        assert record["version"] == stored.version
        current[pair] = json.loads(stored.payload)
    assert set(current) == set(replayed), "current protocols differ from the ledger's"
    for pair, record in replayed.items():
        assert record["protocol"] == current[pair], f"{pair}: ledger and store disagree"
    accepted = {row.id for row in protocols if row.state == "accepted"}
    assert len(accepted) == len(entries) - 1, "accepted protocols and ledger entries differ"

    # the totals
    expected: dict[tuple[str, str], dict[str, Any]] = {}
    reported: dict[tuple[str, str], int] = defaultdict(int)
    for (precinct, contest), document in current.items():
        for unit in election.path(precinct)[:-1]:
            cell = expected.setdefault(
                (contest, unit), {**dict.fromkeys(FIELDS, 0), "votes": defaultdict(int)}
            )
            for name in FIELDS:
                cell[name] += document[name]
            for option, votes in document["votes"].items():
                cell["votes"][option] += votes
            reported[(contest, unit)] += 1
    for total in totals:
        key_ = (total.contest, total.unit_code)
        counts = json.loads(total.counts)
        want = expected.get(key_)
        for name in FIELDS:
            assert counts[name] == (want[name] if want else 0), f"{key_} {name}"
        for option, votes in counts["votes"].items():
            assert votes == (want["votes"].get(option, 0) if want else 0), f"{key_} {option}"
        assert total.precincts_reported == reported[key_], f"{key_} precincts reported"
    assert set(expected) <= {(t.contest, t.unit_code) for t in totals}

    return Stored(
        ledger_size=len(entries),
        current=current,
        accepted_ids=accepted,
        content_hashes={row.id: row.content_hash for row in protocols},
        states={row.id: row.state for row in protocols},
        payloads={row.id: json.loads(row.payload) for row in protocols},
        corrections_approved=corrections,
    )
