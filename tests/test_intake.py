"""Single submissions grouped by a worker's writer, on real SQLite and real PostgreSQL.

Submissions that arrive together share one transaction and one signed head, yet each is
answered as if it had been sent alone: its own receipt or problem, after the commit, and a
failing item or a failing group never costs another item its answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from saylau.service import ledgering, submission
from saylau.service.context import Context
from saylau.service.elections import issue_credentials
from saylau.service.errors import Problem
from saylau.service.intake import Intake, _Waiting
from saylau.service.submission import Receipt
from saylau.store.tables import CredentialRow, TreeHeadRow
from tests.databases import database, imported
from tests.elections_fixture import protocol, small_election
from tests.serving import check_invariants, is_problem, prepare, row_counts, start_server

ELECTION = small_election()
PAIRS = sorted(
    (unit.code, contest.id)
    for unit in ELECTION.precincts()
    for contest in ELECTION.contests_for(unit.code)
)

Answer = Receipt | Problem


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with imported(request.param, tmp_path, ELECTION) as context:
        yield context


@pytest.fixture
def tokens(ctx: Context) -> dict[str, str]:
    return {c.unit_code or c.role: c.token for c in issue_credentials(ctx, ELECTION.id)}


def votes(pair: tuple[str, str], base: int) -> dict[str, int]:
    return {option: base + n for n, option in enumerate(ELECTION.contest(pair[1]).option_ids)}


def together(
    writer: Intake, sends: Sequence[tuple[str, dict[str, Any], str | None]]
) -> list[Answer]:
    """Send every submission at once, as concurrent requests do; their answers in order."""

    async def run() -> list[Answer]:
        return list(
            await asyncio.gather(
                *(writer.submit(ELECTION.id, token, raw, reason) for token, raw, reason in sends)
            )
        )

    return asyncio.run(run())


def heads(ctx: Context) -> int:
    with ctx.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(TreeHeadRow)) or 0)


def test_submissions_arriving_together_share_one_transaction(
    ctx: Context, tokens: dict[str, str]
) -> None:
    writer = Intake(ctx, linger=0.05)
    sends = [(tokens[p], protocol(p, c, votes((p, c), 100)), None) for p, c in PAIRS]
    answers = together(writer, sends)
    assert all(isinstance(a, Receipt) and a.status == "accepted" for a in answers), answers
    receipts = [a for a in answers if isinstance(a, Receipt)]
    assert [(r.precinct, r.contest) for r in receipts] == PAIRS, "each its own receipt"
    assert sorted(r.ledger_index or 0 for r in receipts) == list(
        range(1, 1 + len(PAIRS))
    )  # 0: definition
    assert writer.groups < len(PAIRS) and heads(ctx) == 1 + writer.groups, "one head a group"
    stored = check_invariants(ctx.engine.url.render_as_string(hide_password=False))
    assert stored.ledger_size == 1 + len(PAIRS)
    assert {pair: stored.current[pair] for pair in PAIRS} == {
        (p, c): raw for (_t, raw, _r), (p, c) in zip(sends, PAIRS, strict=True)
    }


def test_each_item_gets_its_own_answer_in_a_mixed_group(
    ctx: Context, tokens: dict[str, str]
) -> None:
    p1, p2, p3 = [pair for pair in PAIRS if pair[1] == "mazhilis-list"][:3]
    writer = Intake(ctx, linger=0.05)
    good = protocol(*p1, votes(p1, 10))
    broken = protocol(*p2, votes(p2, 10))
    broken["ballots_found"] = 10_000
    sends = [
        (tokens[p1[0]], good, None),
        ("not-a-token", protocol(*p3, votes(p3, 10)), None),
        (tokens[p1[0]], protocol(*p3, votes(p3, 10)), None),  # another precinct's protocol
        (tokens[p2[0]], broken, None),
        (tokens[p1[0]], good, None),  # the same again, in the same group
    ]
    answers = together(writer, sends)
    assert isinstance(answers[0], Receipt) and answers[0].status == "accepted"
    assert isinstance(answers[1], Problem) and answers[1].status == 401
    assert isinstance(answers[2], Problem) and answers[2].status == 403
    assert isinstance(answers[3], Problem) and answers[3].status == 422
    assert "ballots_found" in answers[3].detail or answers[3].extra.get("broken")
    assert isinstance(answers[4], Receipt) and answers[4].status == "duplicate"
    assert answers[4].protocol_id == answers[0].protocol_id
    assert (
        check_invariants(ctx.engine.url.render_as_string(hide_password=False)).ledger_size == 2
    )  # the definition and the one accepted


def test_a_different_protocol_for_the_same_precinct_is_answered_as_if_sent_after(
    ctx: Context, tokens: dict[str, str]
) -> None:
    """Sent alone one after the other, the second would be a conflict or, with a reason, a
    pending correction: together, they are answered the same (not as a batch's conflict)."""
    pair, other = PAIRS[0], PAIRS[1]
    writer = Intake(ctx, linger=0.05)
    token = tokens[pair[0]]
    sends = [
        (token, protocol(*pair, votes(pair, 10)), None),
        (token, protocol(*pair, votes(pair, 20)), None),
        (token, protocol(*pair, votes(pair, 30)), "recount"),
        (tokens[other[0]], protocol(*other, votes(other, 10)), None),
    ]
    answers = together(writer, sends)
    assert isinstance(answers[0], Receipt) and answers[0].status == "accepted"
    assert isinstance(answers[1], Problem) and answers[1].status == 409
    assert "already has an accepted protocol" in answers[1].detail
    assert isinstance(answers[2], Receipt) and answers[2].status == "correction-pending"
    assert isinstance(answers[3], Receipt) and answers[3].status == "accepted"


def test_a_withdrawn_credential_is_refused_at_once(ctx: Context, tokens: dict[str, str]) -> None:
    """Credentials are read for every group, never cached: the next submission is refused."""
    pair = PAIRS[0]
    writer = Intake(ctx, linger=0.0)
    token = tokens[pair[0]]
    (first,) = together(writer, [(token, protocol(*pair, votes(pair, 10)), None)])
    assert isinstance(first, Receipt) and first.status == "accepted"
    with ctx.transaction() as session:
        # what a revocation comes to: the token no longer names a valid credential
        session.execute(
            update(CredentialRow)
            .where(CredentialRow.unit_code == pair[0])
            .values(token_hash="withdrawn-" + pair[0])
        )
    (second,) = together(writer, [(token, protocol(*pair, votes(pair, 10)), None)])
    assert isinstance(second, Problem) and second.status == 401


def test_a_database_failure_fails_only_the_item_that_meets_it(
    ctx: Context, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A group whose transaction fails is stored again item by item: the items that fail
    alone get a clean 503 problem and store nothing, the others are accepted."""
    unlucky = PAIRS[0][0]
    real = submission.submit_group

    def failing(
        ctx: Context,
        election_id: str,
        items: Any,
        session: Session | None = None,
        late: Any = None,
    ) -> list[Answer]:
        if any(raw["precinct"] == unlucky for _p, raw, _r in items):
            raise OperationalError("INSERT ...", {}, Exception("connection lost"))
        return real(ctx, election_id, items, session, late)

    monkeypatch.setattr(submission, "submit_group", failing)
    writer = Intake(ctx, linger=0.05)
    sends = [(tokens[p], protocol(p, c, votes((p, c), 7)), None) for p, c in PAIRS[:6]]
    answers = together(writer, sends)
    for (_token, raw, _reason), answer in zip(sends, answers, strict=True):
        if raw["precinct"] == unlucky:
            assert isinstance(answer, Problem) and answer.status == 503, answer
        else:
            assert isinstance(answer, Receipt) and answer.status == "accepted", answer
    stored = check_invariants(ctx.engine.url.render_as_string(hide_password=False))
    assert stored.ledger_size == 1 + sum(1 for _t, raw, _r in sends if raw["precinct"] != unlucky)


def test_what_arrives_while_the_lock_is_awaited_joins_the_group(
    ctx: Context, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Submissions that arrive while the writer waits for the ledger lock are stored in the
    same transaction once it is held, each answered with its own receipt; a rival of a pair
    the group holds waits its turn and is answered as coming after it."""
    (p0, c0), (p1, c1), (p2, c2), (p3, c3) = PAIRS[0], PAIRS[2], PAIRS[4], PAIRS[6]
    writer = Intake(ctx, linger=0.05)
    real_lock = ledgering.lock
    arrived: list[asyncio.Future[Answer]] = []

    async def run() -> list[Answer]:
        loop = asyncio.get_running_loop()

        def lock(session: Session, election_id: str) -> Any:
            state = real_lock(session, election_id)
            if not arrived:  # while the lock was awaited, three more came in
                for token, raw in (
                    (tokens[p2], protocol(p2, c2, votes((p2, c2), 20))),
                    (tokens[p0], protocol(p0, c0, votes((p0, c0), 99))),  # a rival: waits
                    (tokens[p3], protocol(p3, c3, votes((p3, c3), 30))),
                ):
                    future: asyncio.Future[Answer] = loop.create_future()
                    arrived.append(future)
                    writer._queue.put(_Waiting(ELECTION.id, token, raw, None, loop, future))
            return state

        monkeypatch.setattr(ledgering, "lock", lock)
        first = await asyncio.gather(
            writer.submit(ELECTION.id, tokens[p0], protocol(p0, c0, votes((p0, c0), 10)), None),
            writer.submit(ELECTION.id, tokens[p1], protocol(p1, c1, votes((p1, c1), 10)), None),
        )
        return [*first, *[await future for future in arrived]]

    answers = asyncio.run(run())
    first, second, late, rival, later = answers
    together_ = [first, second, late, later]
    assert all(isinstance(a, Receipt) and a.status == "accepted" for a in together_), answers
    assert [(a.precinct, a.contest) for a in together_ if isinstance(a, Receipt)] == [
        (p0, c0),
        (p1, c1),
        (p2, c2),
        (p3, c3),
    ]
    assert len({a.tree_size for a in together_ if isinstance(a, Receipt)}) == 1  # one head
    assert isinstance(rival, Problem) and rival.status == 409  # after the first: a conflict
    assert writer.groups == 2
    stored = check_invariants(ctx.engine.url.render_as_string(hide_password=False))
    assert stored.ledger_size == 1 + 4


def test_a_group_that_fails_after_others_joined_answers_every_one(
    ctx: Context, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The group fails once late submissions have joined it: each is stored again on its
    own and answered; none is left waiting."""
    (p0, c0), (p1, c1), (p2, c2) = PAIRS[0], PAIRS[2], PAIRS[4]
    writer = Intake(ctx, linger=0.05)
    real_lock = ledgering.lock
    real_group = submission.submit_group
    arrived: list[asyncio.Future[Answer]] = []
    failed: list[bool] = []

    def failing(*args: Any, **kwargs: Any) -> list[Answer]:
        answers = real_group(*args, **kwargs)
        if arrived and not failed:  # the group with the late one in it fails at the end
            failed.append(True)
            raise OperationalError("COMMIT", {}, Exception("connection lost"))
        return answers

    async def run() -> list[Answer]:
        loop = asyncio.get_running_loop()

        def lock(session: Session, election_id: str) -> Any:
            state = real_lock(session, election_id)
            if not arrived:
                future: asyncio.Future[Answer] = loop.create_future()
                arrived.append(future)
                raw = protocol(p2, c2, votes((p2, c2), 20))
                writer._queue.put(_Waiting(ELECTION.id, tokens[p2], raw, None, loop, future))
            return state

        monkeypatch.setattr(ledgering, "lock", lock)
        monkeypatch.setattr(submission, "submit_group", failing)
        first = await asyncio.gather(
            writer.submit(ELECTION.id, tokens[p0], protocol(p0, c0, votes((p0, c0), 10)), None),
            writer.submit(ELECTION.id, tokens[p1], protocol(p1, c1, votes((p1, c1), 10)), None),
        )
        return [*first, await arrived[0]]

    answers = asyncio.run(asyncio.wait_for(run(), timeout=60))
    assert failed == [True]
    assert [(a.status, a.precinct) for a in answers if isinstance(a, Receipt)] == [
        ("accepted", p0),
        ("accepted", p1),
        ("accepted", p2),
    ]
    stored = check_invariants(ctx.engine.url.render_as_string(hide_password=False))
    assert stored.ledger_size == 1 + 3


# --------------------------------------------------------------------------------------------
# Over HTTP: `saylau serve --workers 2`, many commissions at once


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_concurrent_commissions_over_http_share_transactions_and_check_stores_nothing(
    backend: str, tmp_path: Path
) -> None:
    with database(backend, tmp_path) as url:
        tokens = prepare(url)
        server = start_server(url, tmp_path, workers=2)
        try:
            # the check: the answer a submission would get, and nothing stored
            pair = PAIRS[0]
            document = protocol(*pair, votes(pair, 40))
            mine = server.client(tokens[pair[0]])
            checked = mine.post("/protocols/check", json={"protocol": document})
            assert checked.status_code == 200, checked.text
            assert checked.json()["status"] == "acceptable"
            broken = {**document, "ballots_found": 10_000}
            refused = mine.post("/protocols/check", json={"protocol": broken})
            assert refused.status_code == 422 and is_problem(refused)
            assert refused.json()["broken"], refused.json()
            stranger = server.client(tokens[PAIRS[-1][0]])
            assert stranger.post("/protocols/check", json={"protocol": document}).status_code == 403
            assert (
                server.client().post("/protocols/check", json={"protocol": document}).status_code
                == 401
            )
            assert row_counts(url)["protocols"] == 0, "a check stores nothing"

            # every precinct's protocols at once, each from its own commission
            # every precinct's protocols at once, each from its own commission (the first
            # being the one just checked)
            sends = [(tokens[p], {"protocol": protocol(p, c, votes((p, c), 50))}) for p, c in PAIRS]
            sends[0] = (tokens[pair[0]], {"protocol": document})

            def send(item: tuple[str, dict[str, Any]]) -> httpx.Response:
                with server.client(item[0], timeout=60) as client:
                    return client.post("/protocols", json=item[1])

            with ThreadPoolExecutor(len(sends)) as pool:
                answers = list(pool.map(send, sends))
        finally:
            server.stop()
        assert [a.status_code for a in answers] == [201] * len(PAIRS), [a.text for a in answers]
        assert "Traceback" not in server.log_text()
        stored = check_invariants(url)
        assert stored.ledger_size == 1 + len(PAIRS)
        first = answers[0].json()
        assert stored.content_hashes[first["protocol_id"]] == checked.json()["content_hash"]
        assert row_counts(url)["tree_heads"] < len(PAIRS), "no grouping: one head per protocol"


def _plan_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _plan_nodes(child)


def test_a_groups_precincts_are_looked_up_through_the_index_before_analysis(
    tmp_path: Path,
) -> None:
    """On PostgreSQL the look-up of a group's precincts reads only their rows while the tables
    have never been analysed, as on a night that fills them from empty: asked as
    'precinct = ANY(list)', the planner read every protocol of the election and filtered
    them, a cost that grew with each protocol stored."""
    with imported("postgresql", tmp_path, ELECTION) as ctx:
        issue_credentials(ctx, ELECTION.id)
        with ctx.transaction() as session:
            credential = session.scalars(select(CredentialRow.id).limit(1)).one()
            session.execute(
                text(
                    """
                    INSERT INTO protocols (id, election_id, precinct, contest, version, state,
                        content_hash, payload, submitted_by, submitted_at)
                    SELECT n, :election, 'P-' || n, 'c', 1, 'accepted', md5(n::text), '{}',
                        :credential, now()
                    FROM generate_series(1, 4000) AS n
                    """
                ),
                {"election": ELECTION.id, "credential": credential},
            )
            session.execute(
                text(
                    "INSERT INTO current_protocols (election_id, precinct, contest, protocol_id)"
                    " SELECT election_id, precinct, contest, id FROM protocols"
                )
            )
        wanted = ["P-7", "P-1500", "P-3999", "P-nowhere"]
        parameters = {"election": ELECTION.id, "precincts": wanted}
        with ctx.sessions() as session:
            rows = submission._precinct_rows(session, ELECTION.id, set(wanted))
            assert sorted(row.precinct for row, _current in rows) == ["P-1500", "P-3999", "P-7"]
            assert all(current == row.id for row, current in rows)
            for statement in (
                submission._OF_PRECINCTS_POSTGRES,
                submission._CURRENT_OF_PRECINCTS_POSTGRES,
            ):
                compiled = statement.compile(dialect=session.connection().dialect)
                (plan,) = (
                    session.connection()
                    .exec_driver_sql(
                        "EXPLAIN (ANALYZE, FORMAT JSON) " + str(compiled),
                        compiled.construct_params(parameters),
                    )
                    .scalar_one()
                )
                nodes = list(_plan_nodes(plan["Plan"]))
                assert sum(node.get("Rows Removed by Filter", 0) for node in nodes) == 0
                assert sum(node.get("Rows Removed by Index Recheck", 0) for node in nodes) == 0
                assert not [node for node in nodes if node["Node Type"] == "Seq Scan"]
