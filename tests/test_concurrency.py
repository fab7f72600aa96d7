"""Several clients at once against `saylau serve --workers 2`: no lost or doubled update.

Eight threads start each round together and send, in a seeded random order, requests that
race on the same rows: the same original from two commissions, the same correction twice,
two different corrections of one protocol, two approvals of one correction, alongside reads
and duplicates. Whatever the interleaving, exactly one of each racing pair may win, and the
stored totals, protocols and ledger must agree with each other and with what was answered.
"""

from __future__ import annotations

import random
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.databases import database
from tests.elections_fixture import protocol, small_election
from tests.serving import Server, Tokens, check_invariants, prepare, start_server

THREADS = 8
SEED = 7
ELECTION = small_election()
PAIRS = sorted(
    (unit.code, contest.id)
    for unit in ELECTION.precincts()
    for contest in ELECTION.contests_for(unit.code)
)


@dataclass(frozen=True)
class Task:
    who: str  # whose token
    method: str
    path: str
    body: Any
    tag: tuple[Any, ...]  # what the request stands for, to judge the answers


@dataclass(frozen=True)
class Answer:
    task: Task
    status: int
    body: dict[str, Any]


@dataclass
class Running:
    server: Server
    tokens: Tokens
    url: str


@pytest.fixture(params=["postgresql", "sqlite"])
def running(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Running]:
    with database(request.param, tmp_path) as url:
        tokens = prepare(url)
        server = start_server(url, tmp_path, workers=2)
        try:
            yield Running(server, tokens, url)
        finally:
            server.stop()
        log = server.log_text()
        assert "Traceback" not in log and "locked" not in log, log


def run_round(running: Running, tasks: list[Task], rng: random.Random) -> list[Answer]:
    """Deal the tasks to the threads at random; all threads start together."""
    order = rng.sample(tasks, len(tasks))
    shares = [order[i::THREADS] for i in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    answers: list[Answer] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def work(share: list[Task]) -> None:
        clients: dict[str, httpx.Client] = {}
        try:
            barrier.wait(timeout=30)
            for task in share:
                if task.who not in clients:
                    clients[task.who] = running.server.client(running.tokens[task.who], 60)
                response = clients[task.who].request(task.method, task.path, json=task.body)
                with lock:
                    answers.append(Answer(task, response.status_code, response.json()))
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            for client in clients.values():
                client.close()

    threads = [threading.Thread(target=work, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not failures, failures
    assert len(answers) == len(tasks)
    return answers


def _votes(rng: random.Random, contest: str) -> dict[str, int]:
    return {option: rng.randint(0, 300) for option in ELECTION.contest(contest).option_ids}


def _above(precinct: str) -> tuple[str, str]:
    """The precinct's district and region: two territorial commissions above it."""
    return precinct[:9], precinct[:5]


def test_racing_clients_lose_and_double_nothing(running: Running) -> None:
    rng = random.Random(SEED)
    originals = {pair: protocol(*pair, _votes(rng, pair[1])) for pair in PAIRS}
    reads = [Task("observer", "GET", f"/results/{c}", None, ("read",)) for c in ("smd-1", "smd-2")]

    # 1. every original from its precinct and from a commission above, at the same time
    tasks = [
        Task(who, "POST", "/protocols", {"protocol": document}, ("original", pair))
        for pair, document in originals.items()
        for who in (pair[0], rng.choice([*_above(pair[0]), "KZ"]))
    ]
    first = run_round(running, tasks + reads * 4, rng)
    created = [a for a in first if a.status == 201]
    assert sorted(a.task.tag[1] for a in created) == PAIRS, "exactly one 201 per protocol"
    for answer in first:
        if answer.task.tag[0] == "original":
            assert (answer.status, answer.body["status"]) in {(201, "accepted"), (200, "duplicate")}
    ids = {a.task.tag[1]: a.body["protocol_id"] for a in created}
    for answer in first:
        if answer.task.tag[0] == "original":
            assert answer.body["protocol_id"] == ids[answer.task.tag[1]]

    # 2. corrections: the same one from two commissions; or two different ones at once
    chosen = rng.sample(PAIRS, 14)
    twins, rivals = chosen[:10], chosen[10:]
    tasks = []
    corrections: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for pair in twins:
        document = protocol(*pair, _votes(rng, pair[1]))
        corrections[pair] = [document]
        for who in (pair[0], "KZ"):
            body = {"protocol": document, "reason": f"recount asked by {who}"}
            tasks.append(Task(who, "POST", "/protocols", body, ("twin", pair)))
    for pair in rivals:
        corrections[pair] = [protocol(*pair, _votes(rng, pair[1])) for _ in range(2)]
        for who, document in zip((pair[0], "KZ"), corrections[pair], strict=True):
            body = {"protocol": document, "reason": "recount"}
            tasks.append(Task(who, "POST", "/protocols", body, ("rival", pair)))
    duplicates = [
        Task(pair[0], "POST", "/protocols", {"protocol": originals[pair]}, ("again", pair))
        for pair in PAIRS
    ]
    second = run_round(running, tasks + duplicates + reads * 4, rng)
    pending: dict[tuple[str, str], set[int]] = defaultdict(set)
    for answer in second:
        kind = answer.task.tag[0]
        if kind in ("twin", "rival"):
            assert (answer.status, answer.body["status"]) == (202, "correction-pending")
            pending[answer.task.tag[1]].add(answer.body["protocol_id"])
        elif kind == "again":
            assert (answer.status, answer.body["status"]) == (200, "duplicate")
            assert answer.body["protocol_id"] == ids[answer.task.tag[1]]
    assert all(len(pending[pair]) == 1 for pair in twins), "a twin made two corrections"
    assert all(len(pending[pair]) == 2 for pair in rivals)

    # 3. every pending correction approved by two commissions above at once, while the
    #    twins' corrections are sent again (pending or already approved: the same id)
    tasks = [
        Task(who, "POST", f"/corrections/{pid}/approve", None, ("approve", pair, pid))
        for pair, protocol_ids in pending.items()
        for pid in protocol_ids
        for who in _above(pair[0])
    ]
    resent = [
        Task(
            pair[0],
            "POST",
            "/protocols",
            {"protocol": corrections[pair][0], "reason": "sent again"},
            ("resent", pair),
        )
        for pair in twins
    ]
    third = run_round(running, tasks + resent + reads * 4, rng)
    approvals = [a for a in third if a.task.tag[0] == "approve"]
    won: Counter[tuple[str, str]] = Counter()
    for answer in approvals:
        assert answer.status in (200, 409), answer
        if answer.status == 200:
            assert answer.body["status"] == "correction-approved"
            won[answer.task.tag[1]] += 1
    assert all(won[pair] == 1 for pair in pending), "each pair's correction approved once"
    per_correction = Counter((a.task.tag[2], a.status) for a in approvals)
    for pair in twins:
        (pid,) = pending[pair]
        assert (per_correction[(pid, 200)], per_correction[(pid, 409)]) == (1, 1)
    for answer in third:
        if answer.task.tag[0] == "resent":
            pair = answer.task.tag[1]
            assert (answer.status, answer.body["status"]) in {
                (202, "correction-pending"),
                (200, "duplicate"),
            }
            assert {answer.body["protocol_id"]} == pending[pair]

    # 4. the answers add up: the ledger holds each 201 and each approval, once
    approved = sum(1 for a in approvals if a.status == 200)
    stored = check_invariants(running.url)
    assert stored.ledger_size == 1 + len(created) + approved  # the definition first
    assert stored.corrections_approved == approved
    assert len(stored.current) == len(PAIRS)
    for pair in twins:
        assert stored.current[pair] == corrections[pair][0]
    for pair in rivals:
        assert stored.current[pair] in corrections[pair]
    _totals_are_sums_of_precincts(running)


def _totals_are_sums_of_precincts(running: Running) -> None:
    """Through the API: every unit's totals are the sums of the precincts' current counts."""
    public = running.server.client()
    for contest in ("mazhilis-list", "smd-1", "smd-2"):
        precinct_counts: dict[str, dict[str, Any]] = {}
        for unit in ELECTION.precincts():
            if (unit.code, contest) in PAIRS:
                answer = public.get(f"/results/{contest}", params={"unit": unit.code}).json()
                precinct_counts[unit.code] = answer["counts"]
        for unit in ELECTION.units:
            if unit.level == "precinct":
                continue
            below = [c for c in precinct_counts if unit.code in ELECTION.path(c)]
            if not below:
                continue
            answer = public.get(f"/results/{contest}", params={"unit": unit.code}).json()
            assert answer["precincts_reported"] == len(below)
            for option, votes in answer["counts"]["votes"].items():
                assert votes == sum(precinct_counts[c]["votes"][option] for c in below)
            assert answer["counts"]["ballots_found"] == sum(
                precinct_counts[c]["ballots_found"] for c in below
            )
