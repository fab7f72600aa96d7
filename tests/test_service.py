"""The tabulation use cases on real SQLite and real PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from saylau import ledger
from saylau.service import ledgering
from saylau.service.auth import Principal, authenticate
from saylau.service.context import Context
from saylau.service.elections import IssuedCredential, import_election, issue_credentials
from saylau.service.errors import Conflict, Forbidden, Unauthenticated, Unprocessable
from saylau.service.results import outcome, unit_results
from saylau.service.submission import approve, submit, submit_batch
from saylau.store.tables import LedgerEntryRow, ProtocolRow
from tests.databases import imported
from tests.elections_fixture import protocol, small_election

P1 = "KZ-71-D01-P0001"
P2 = "KZ-71-D01-P0002"


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with imported(request.param, tmp_path, small_election()) as context:
        yield context


@pytest.fixture
def tokens(ctx: Context) -> dict[str, str]:
    issued: list[IssuedCredential] = issue_credentials(ctx, "test-2023")
    return {c.unit_code or c.role: c.token for c in issued}


def who(ctx: Context, token: str) -> Principal:
    with ctx.sessions() as session:
        return authenticate(session, "test-2023", token)


def list_votes(a: int, b: int, c: int) -> dict[str, int]:
    return {"amanat": a, "auyl": b, "respublica": c}


def test_import_is_idempotent_and_refuses_a_changed_definition(ctx: Context) -> None:
    assert import_election(ctx, small_election()) is False
    changed = small_election()
    object.__setattr__(changed, "date", changed.date.replace(day=20))
    with pytest.raises(Conflict):
        import_election(ctx, changed)


def test_accept_duplicate_and_totals(ctx: Context, tokens: dict[str, str]) -> None:
    me = who(ctx, tokens[P1])
    first = submit(ctx, me, protocol(P1, "mazhilis-list", list_votes(500, 100, 50)))
    assert first.status == "accepted" and first.version == 1 and first.ledger_index == 1
    again = submit(ctx, me, protocol(P1, "mazhilis-list", list_votes(500, 100, 50)))
    assert again.status == "duplicate" and again.protocol_id == first.protocol_id
    national = unit_results(ctx, "test-2023", "mazhilis-list", "KZ")
    assert national["precincts_reported"] == 1 and national["precincts_expected"] == 12
    assert national["counts"]["votes"] == list_votes(500, 100, 50)
    assert national["status"] == "unofficial-partial"
    region = unit_results(ctx, "test-2023", "mazhilis-list", "KZ-71")
    assert region["counts"]["ballots_found"] == 650
    other = unit_results(ctx, "test-2023", "mazhilis-list", "KZ-75")
    assert other["counts"]["ballots_found"] == 0


def test_broken_protocol_names_every_relation_and_stores_nothing(
    ctx: Context, tokens: dict[str, str]
) -> None:
    bad = protocol(P1, "mazhilis-list", list_votes(500, 100, 50), ballots_received=10)
    bad["ballots_found"] = 700
    with pytest.raises(Unprocessable) as err:
        submit(ctx, who(ctx, tokens[P1]), bad)
    relations = {b["relation"] for b in err.value.extra["broken"]}
    assert len(relations) >= 2
    with ctx.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ProtocolRow)) == 0
        assert session.scalar(select(func.count()).select_from(LedgerEntryRow)) == 1  # definition


def test_rights(ctx: Context, tokens: dict[str, str]) -> None:
    mine = protocol(P1, "mazhilis-list", list_votes(1, 1, 1))
    for stranger in (P2, "observer", "KZ-75"):
        with pytest.raises(Forbidden):
            submit(ctx, who(ctx, tokens[stranger]), mine)
    with pytest.raises(Unauthenticated):
        who(ctx, "not-a-token")
    # a territorial commission enters the protocols of precincts below it
    entered = submit(ctx, who(ctx, tokens["KZ-71"]), protocol(P1, "smd-1", {"c1a": 5, "c1b": 6}))
    assert entered.status == "accepted"


def test_correction_needs_reason_and_approval_above(ctx: Context, tokens: dict[str, str]) -> None:
    me = who(ctx, tokens[P1])
    original = submit(ctx, me, protocol(P1, "mazhilis-list", list_votes(500, 100, 50)))
    changed = protocol(P1, "mazhilis-list", list_votes(480, 120, 50))
    with pytest.raises(Conflict):
        submit(ctx, me, changed)
    pending = submit(ctx, me, changed, reason="recount ordered by the district commission")
    assert pending.status == "correction-pending" and pending.version == 2
    # nothing changes until approved
    national = unit_results(ctx, "test-2023", "mazhilis-list", "KZ")
    assert national["counts"]["votes"]["amanat"] == 500
    with pytest.raises(Forbidden):
        approve(ctx, who(ctx, tokens["KZ-75"]), pending.protocol_id)
    with pytest.raises(Forbidden):
        approve(ctx, who(ctx, tokens[P2]), pending.protocol_id)
    done = approve(ctx, who(ctx, tokens["KZ-71-D01"]), pending.protocol_id)
    assert done.status == "correction-approved" and done.ledger_index == 2
    with pytest.raises(Conflict):
        approve(ctx, who(ctx, tokens["KZ-71"]), pending.protocol_id)
    national = unit_results(ctx, "test-2023", "mazhilis-list", "KZ")
    assert national["counts"]["votes"] == list_votes(480, 120, 50)
    assert national["precincts_reported"] == 1
    history = unit_results(ctx, "test-2023", "mazhilis-list", P1)["versions"]
    assert [(h["version"], h["current"]) for h in history] == [(1, False), (2, True)]
    assert history[0]["protocol"]["votes"]["amanat"] == 500
    assert history[0]["protocol_id"] == original.protocol_id


def test_batch_answers_each_item_and_ledger_proves_inclusion(
    ctx: Context, tokens: dict[str, str]
) -> None:
    region = who(ctx, tokens["KZ-71"])
    precincts = [f"KZ-71-D0{d}-P000{p}" for d in (1, 2) for p in (1, 2, 3)]
    items: list[tuple[object, str | None]] = [
        (protocol(code, "mazhilis-list", list_votes(400 + i, 100, 60)), None)
        for i, code in enumerate(precincts)
    ]
    items.append((protocol("KZ-75-D01-P0001", "mazhilis-list", list_votes(1, 1, 1)), None))
    items.append(({"precinct": P1, "contest": "mazhilis-list", "voters_on_list": True}, None))
    answers = submit_batch(ctx, region, items)
    statuses = [getattr(a, "status", None) for a in answers]
    assert statuses[:6] == ["accepted"] * 6
    assert [a.status for a in answers[6:]] == [403, 422]
    national = unit_results(ctx, "test-2023", "mazhilis-list", "KZ")
    assert national["counts"]["votes"]["amanat"] == sum(400 + i for i in range(6))
    with ctx.sessions() as session:
        signed, public = ledgering.latest_head(session, "test-2023")
        ledger.verify_signed_tree_head(signed, ledger.VerifyingKey.from_bytes(public))
        assert signed.head.size == 1 + 6  # the definition, then the protocols
        entries = session.scalars(select(LedgerEntryRow).order_by(LedgerEntryRow.index)).all()
        reader = ledgering.leaf_reader(session, "test-2023")
        for entry in entries:
            proof = ledger.inclusion_proof(entry.index, signed.head.size, reader)
            ledger.verify_inclusion(
                entry.index, signed.head.size, entry.leaf_hash, proof, signed.head.root
            )
            record = json.loads(entry.leaf)
            if entry.index == 0:
                assert record["type"] == "definition"
                continue
            assert record["protocol"]["precinct"] in precincts


def test_outcome_from_totals(ctx: Context, tokens: dict[str, str]) -> None:
    assert outcome(ctx, "test-2023", "mazhilis-list")["outcome"] is None
    region = who(ctx, tokens["KZ-71"])
    submit(ctx, region, protocol(P1, "mazhilis-list", list_votes(600, 200, 100)))
    result = outcome(ctx, "test-2023", "mazhilis-list")
    assert result["status"] == "unofficial-partial"
    assert sum(result["outcome"]["seats"].values()) == 69
    submit(ctx, region, protocol(P1, "smd-1", {"c1a": 300, "c1b": 350}))
    assert outcome(ctx, "test-2023", "smd-1")["outcome"]["winner"] == "c1b"


def test_repeats_inside_one_batch(ctx: Context, tokens: dict[str, str]) -> None:
    """A protocol sent twice in one batch is one acceptance; a changed one waits its turn."""
    me = who(ctx, tokens[P1])
    first = protocol(P1, "mazhilis-list", list_votes(500, 100, 50))
    changed = protocol(P1, "mazhilis-list", list_votes(400, 200, 50))
    answers = submit_batch(ctx, me, [(first, None), (first, None), (changed, "recount")])
    accepted, repeated, refused = answers
    assert getattr(accepted, "status", None) == "accepted"
    assert getattr(repeated, "status", None) == "duplicate"
    assert getattr(repeated, "protocol_id", None) == getattr(accepted, "protocol_id", None)
    assert getattr(refused, "status", None) == 409
    national = unit_results(ctx, "test-2023", "mazhilis-list", "KZ")
    assert national["counts"]["votes"] == list_votes(500, 100, 50)


def test_two_elections_share_one_database(ctx: Context, tokens: dict[str, str]) -> None:
    """Each election numbers its protocols in its own block: both accept and correct."""
    from saylau.election import election_from_mapping
    from tests.elections_fixture import small_election_mapping

    other = small_election_mapping() | {"id": "test-2023-bis"}
    import_election(ctx, election_from_mapping(other))
    other_tokens = {c.unit_code or c.role: c.token for c in issue_credentials(ctx, other["id"])}
    with ctx.sessions() as session:
        mine = authenticate(session, "test-2023", tokens[P1])
        theirs = authenticate(session, other["id"], other_tokens[P1])
    first = submit(ctx, mine, protocol(P1, "mazhilis-list", list_votes(500, 100, 50)))
    second = submit(ctx, theirs, protocol(P1, "mazhilis-list", list_votes(400, 100, 50)))
    assert first.status == second.status == "accepted"
    assert first.protocol_id != second.protocol_id
    fix = submit(ctx, theirs, protocol(P1, "mazhilis-list", list_votes(390, 110, 50)), reason="r")
    with ctx.sessions() as session:
        district = authenticate(session, other["id"], other_tokens["KZ-71-D01"])
    assert approve(ctx, district, fix.protocol_id).status == "correction-approved"
    assert unit_results(ctx, "test-2023", "mazhilis-list", "KZ")["counts"]["votes"]["amanat"] == 500
    theirs_now = unit_results(ctx, other["id"], "mazhilis-list", "KZ")
    assert theirs_now["counts"]["votes"]["amanat"] == 390


def test_a_billion_voters_at_a_precinct_of_1100_is_refused(
    ctx: Context, tokens: dict[str, str]
) -> None:
    """Every line adds up; only the precinct's list in the definition shows it is false."""
    inflated = protocol(P1, "mazhilis-list", list_votes(10**9 - 200, 100, 100), voters=10**9)
    with pytest.raises(Unprocessable) as err:
        submit(ctx, who(ctx, tokens["KZ-71"]), inflated)
    assert [b["relation"] for b in err.value.extra["broken"]] == ["on_list_as_defined"]
    assert err.value.extra["field"] == "voters_on_list"
    national = unit_results(ctx, "test-2023", "mazhilis-list", "KZ")
    assert national["precincts_reported"] == 0
    with ctx.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ProtocolRow)) == 0
