"""Crash safety: what was acknowledged survives SIGKILL, and nothing half-done is left.

Submitters (a worker process over ``saylau.service``, or HTTP clients of `saylau serve`) are
killed without warning at seeded random moments and restarted from the first item they were
not told about. Afterwards every acknowledged protocol is stored as acknowledged, the final
state is the one the plan leads to, and the ledger and totals keep every invariant.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import REPO
from tests.databases import database
from tests.elections_fixture import protocol, small_election
from tests.serving import Server, Stored, Tokens, check_invariants, prepare, start_server

SEED = 20230319
ROUNDS = 7  # workers killed before one is let finish
WORKER = [sys.executable, "-m", "tests.crash_worker"]
KILLS = 2  # server kills under load before it is let finish
ELECTION = small_election()
PAIRS = sorted(
    (unit.code, contest.id)
    for unit in ELECTION.precincts()
    for contest in ELECTION.contests_for(unit.code)
)

Item = dict[str, Any]  # {"precinct", "contest", "protocol", "reason"}


def make_plan(rng: random.Random, pairs: list[tuple[str, str]], corrections: int) -> list[Item]:
    """Every pair's original in random order, then corrections of random pairs (each one
    different from the version it replaces)."""
    plan: list[Item] = []
    last: dict[tuple[str, str], dict[str, int]] = {}

    def votes_for(pair: tuple[str, str]) -> dict[str, int]:
        while True:
            options = ELECTION.contest(pair[1]).option_ids
            votes = {option: rng.randint(0, 300) for option in options}
            if votes != last.get(pair):
                last[pair] = votes
                return votes

    for pair in rng.sample(pairs, len(pairs)):
        document = protocol(*pair, votes_for(pair), invalid=rng.randint(0, 20))
        plan.append({"precinct": pair[0], "contest": pair[1], "protocol": document, "reason": None})
    for number in range(corrections):
        pair = rng.choice(pairs)
        document = protocol(*pair, votes_for(pair), invalid=rng.randint(0, 20))
        reason = f"recount {number}"
        plan.append(
            {"precinct": pair[0], "contest": pair[1], "protocol": document, "reason": reason}
        )
    return plan


def final_protocols(plan: list[Item]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(item["precinct"], item["contest"]): item["protocol"] for item in plan}


def check_acknowledged(stored: Stored, plan: list[Item], acked: dict[int, dict[str, Any]]) -> None:
    """Every acknowledged item is stored, accepted, with exactly the protocol that was sent."""
    assert sorted(acked) == list(range(len(plan))), "every item acknowledged, in order"
    for index, receipt in acked.items():
        item = plan[index]
        assert receipt["status"] in ("accepted", "duplicate", "correction-approved"), receipt
        protocol_id = receipt["protocol_id"]
        assert stored.states.get(protocol_id) == "accepted", (index, receipt)
        assert stored.payloads[protocol_id] == item["protocol"], (index, receipt)


# --------------------------------------------------------------------------------------------
# A worker process over the service, killed again and again


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_worker_killed_at_random_moments_loses_nothing_acknowledged(
    backend: str, tmp_path: Path
) -> None:
    rng = random.Random(f"{SEED}-{backend}")
    plan = make_plan(rng, PAIRS, corrections=150)
    with database(backend, tmp_path) as url:
        tokens = prepare(url)
        plan_file, tokens_file = tmp_path / "plan.json", tmp_path / "tokens.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        tokens_file.write_text(json.dumps(tokens), encoding="utf-8")
        acked: dict[int, dict[str, Any]] = {}
        kills = 0
        start = 0
        while start < len(plan):
            # after a random number of receipts, a random instant within the next few items
            kill = (rng.randint(0, 20), rng.uniform(0.0, 0.03)) if kills < ROUNDS else None
            finished, lines = _run_worker(url, plan_file, tokens_file, start, kill, tmp_path)
            for line in lines:
                receipt = json.loads(line)
                assert receipt["item"] == start, "items are acknowledged in order"
                acked[start] = receipt
                start += 1
            kills += not finished
        assert kills == ROUNDS, f"only {kills} workers were killed before they finished"
        stored = check_invariants(url)
        check_acknowledged(stored, plan, acked)
        assert stored.current == final_protocols(plan)
        corrections = sum(1 for item in plan if item["reason"])
        assert stored.corrections_approved == corrections
        assert stored.ledger_size == 1 + len(PAIRS) + corrections


def _run_worker(
    url: str,
    plan_file: Path,
    tokens_file: Path,
    start: int,
    kill: tuple[int, float] | None,
    folder: Path,
) -> tuple[bool, list[str]]:
    """Run a worker from ``start``; with ``kill = (receipts, delay)``, SIGKILL it ``delay``
    seconds after that many receipts. Returns whether it finished on its own, and its
    complete receipt lines."""
    errors = folder / f"worker-{start}.err"
    with errors.open("wb") as sink:
        worker = subprocess.Popen(
            [*WORKER, url, str(plan_file), str(tokens_file), str(start)],
            stdout=subprocess.PIPE,
            stderr=sink,
            cwd=REPO,
        )
    assert worker.stdout is not None
    after, delay = kill or (-1, 0.0)
    # without a planned kill, a watchdog stops a worker that hangs (and that fails below)
    timer = threading.Timer(delay if kill else 120.0, worker.send_signal, (signal.SIGKILL,))
    lines: list[str] = []
    try:
        ready = worker.stdout.readline()
        assert json.loads(ready) == {"ready": start}, errors.read_text()
        if after in (0, -1):
            timer.start()
        for raw in worker.stdout:
            if not raw.endswith(b"\n"):  # a line cut by the kill was never fully told
                break
            lines.append(raw.decode())
            if len(lines) == after:
                timer.start()
        code = worker.wait(timeout=60)
    finally:
        timer.cancel()
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    if kill is None or code != -signal.SIGKILL:
        assert code == 0, errors.read_text()
    return code == 0, lines


# --------------------------------------------------------------------------------------------
# A server killed under load from HTTP clients


@dataclass
class Submitter:
    """One client's share of the plan: its own precincts, so the final state is known."""

    plan: list[Item]
    tokens: Tokens
    position: int = 0
    acked: dict[int, dict[str, Any]] = field(default_factory=dict)
    created: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (item, 201 body)
    unexpected: list[str] = field(default_factory=list)

    def run(self, server: Server) -> None:
        """Submit from the first unacknowledged item until done or the server goes away."""
        clients: dict[str, httpx.Client] = {}

        def client(who: str) -> httpx.Client:
            if who not in clients:
                clients[who] = server.client(self.tokens[who], timeout=20)
            return clients[who]

        lost = False
        try:
            while self.position < len(self.plan) and not lost:
                lost = self._one(client)
        except httpx.TransportError:
            pass
        finally:
            for opened in clients.values():
                opened.close()

    def _one(self, client: Callable[[str], httpx.Client]) -> bool:
        """Send the next item (and approve it, if a correction); True if it went wrong."""
        item = self.plan[self.position]
        precinct = item["precinct"]
        body: dict[str, Any] = {"protocol": item["protocol"]}
        if item["reason"]:
            body["reason"] = item["reason"]
        answer = client(precinct).post("/protocols", json=body)
        if answer.status_code == 202:
            approve = f"/corrections/{answer.json()['protocol_id']}/approve"
            answer = client(precinct[:9]).post(approve)
        receipt: dict[str, Any] = answer.json()
        outcome = (answer.status_code, receipt.get("status"))
        if outcome not in {(201, "accepted"), (200, "duplicate"), (200, "correction-approved")}:
            self.unexpected.append(f"{item}: {answer.status_code} {answer.text}")
            return True
        # (200, "duplicate"): committed before a kill that lost its answer; sent again here
        if answer.status_code == 201:
            self.created.append((self.position, receipt))
        self.acked[self.position] = receipt
        self.position += 1
        return False


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_server_killed_under_load_keeps_every_acknowledged_protocol(
    backend: str, tmp_path: Path
) -> None:
    rng = random.Random(f"{SEED}-server-{backend}")
    with database(backend, tmp_path) as url:
        tokens = prepare(url)
        districts = sorted({precinct[:9] for precinct, _ in PAIRS})
        submitters = [
            Submitter(make_plan(rng, [p for p in PAIRS if p[0].startswith(d)], 25), tokens)
            for d in districts
        ]
        for round_ in range(KILLS + 1):
            server = start_server(url, tmp_path)
            threads = [threading.Thread(target=s.run, args=(server,)) for s in submitters]
            for thread in threads:
                thread.start()
            if round_ < KILLS:  # after a random number of receipts, at a random instant
                target = sum(len(s.acked) for s in submitters) + rng.randint(5, 25)
                while sum(len(s.acked) for s in submitters) < target and any(
                    thread.is_alive() for thread in threads
                ):
                    time.sleep(0.002)
                time.sleep(rng.uniform(0.0, 0.02))
                server.kill()
            for thread in threads:
                thread.join(timeout=120)
            server.stop()
            assert "Traceback" not in server.log_text(), server.log_text()
            done = [s.position == len(s.plan) for s in submitters]
            # killed rounds must cut the load short; the last one must finish it
            assert all(done) == (round_ == KILLS), (round_, [s.position for s in submitters])
        for submitter in submitters:
            assert not submitter.unexpected, submitter.unexpected

        stored = check_invariants(url)
        final: dict[tuple[str, str], dict[str, Any]] = {}
        for submitter in submitters:
            check_acknowledged(stored, submitter.plan, submitter.acked)
            final |= final_protocols(submitter.plan)
            for index, receipt in submitter.created:
                assert receipt["ledger_index"] < stored.ledger_size
                assert stored.payloads[receipt["protocol_id"]] == submitter.plan[index]["protocol"]
        assert stored.current == final
        corrections = sum(1 for s in submitters for item in s.plan if item["reason"])
        assert stored.ledger_size == 1 + len(PAIRS) + corrections
