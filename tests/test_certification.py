"""Certification and reopening on real SQLite and PostgreSQL, in the service, the ledger, the
published files and over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from saylau import ledger
from saylau.model import BadInput
from saylau.service import ledgering
from saylau.service.auth import Principal
from saylau.service.certification import certify, is_certified, reopen
from saylau.service.context import Context
from saylau.service.errors import Conflict, Forbidden, NotFound
from saylau.service.publication import publish
from saylau.service.results import outcome, unit_results
from saylau.service.submission import approve, submit, submit_batch
from saylau.store.tables import ContestDecisionRow, LedgerEntryRow
from saylau.verify import Published, verify
from tests.databases import database, imported, principals
from tests.elections_fixture import protocol, small_election
from tests.serving import Server, is_problem, prepare, start_server

ELECTION = "test-2023"
LIST = "mazhilis-list"
P1 = "KZ-71-D01-P0001"
PRECINCTS = [f"{r}-D0{d}-P000{p}" for r in ("KZ-71", "KZ-75") for d in (1, 2) for p in (1, 2, 3)]


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with imported(request.param, tmp_path, small_election()) as context:
        yield context


@pytest.fixture
def who(ctx: Context) -> dict[str, Principal]:
    """The principal of every commission (by unit code) and of the observers."""
    return principals(ctx, ELECTION)


def list_votes(number: int) -> dict[str, int]:
    return {"amanat": 500 + number, "auyl": 120, "respublica": 70 - number}


def report(ctx: Context, central: Principal, precincts: list[str]) -> None:
    items: list[tuple[Any, str | None]] = [
        (protocol(code, LIST, list_votes(number)), None) for number, code in enumerate(precincts)
    ]
    answers = submit_batch(ctx, central, items)
    assert all(getattr(a, "status", None) == "accepted" for a in answers), answers


def leaves(ctx: Context) -> list[tuple[str, dict[str, Any]]]:
    with ctx.sessions() as session:
        rows = session.scalars(select(LedgerEntryRow).order_by(LedgerEntryRow.index)).all()
        return [(row.kind, json.loads(row.leaf)) for row in rows]


def test_only_a_complete_count_is_certified_and_only_by_the_central_commission(
    ctx: Context, who: dict[str, Principal]
) -> None:
    report(ctx, who["KZ"], PRECINCTS[:-3])
    with pytest.raises(Conflict) as missing:
        certify(ctx, who["KZ"], LIST)
    assert missing.value.extra["missing"] == 3 and "3 of the 12 precincts" in missing.value.detail
    for other in ("KZ-71", "KZ-71-D01", P1, "observer"):
        with pytest.raises(Forbidden):
            certify(ctx, who[other], LIST)
    with pytest.raises(NotFound):
        certify(ctx, who["KZ"], "no-such-contest")
    assert len(leaves(ctx)) == 1 + 9  # the definition; nothing refused reached the ledger
    assert not is_certified_now(ctx, LIST)


def is_certified_now(ctx: Context, contest: str) -> bool:
    with ctx.sessions() as session:
        return is_certified(session, ELECTION, contest)


def test_certification_is_ledgered_with_totals_outcome_and_tree_size(
    ctx: Context, who: dict[str, Principal]
) -> None:
    report(ctx, who["KZ"], PRECINCTS)
    before = unit_results(ctx, ELECTION, LIST, "KZ")
    decided = outcome(ctx, ELECTION, LIST)
    assert before["status"] == decided["status"] == "unofficial-complete"

    decision = certify(ctx, who["KZ"], LIST)

    assert (decision.kind, decision.number, decision.ledger_index) == ("certification", 1, 13)
    assert decision.tree_size == 14
    kind, record = leaves(ctx)[13]
    assert kind == "certification" and record == decision.record
    assert record["type"] == "certification"
    assert (record["election"], record["contest"], record["tree_size"]) == (ELECTION, LIST, 13)
    assert record["counts"] == before["counts"]
    assert record["outcome"] == decided["outcome"]
    assert sum(record["outcome"]["seats"].values()) == 69
    assert record["precincts_reported"] == record["precincts_expected"] == 12
    assert record["certified_by"]["commission"] == "KZ" and record["certified_at"]
    with ctx.sessions() as session:
        row = session.get(ContestDecisionRow, (ELECTION, LIST, 1))
        assert row is not None and row.kind == "certification" and row.ledger_index == 13
        assert json.loads(row.counts or "") == before["counts"]
        signed, public = ledgering.latest_head(session, ELECTION)
        ledger.verify_signed_tree_head(signed, ledger.VerifyingKey.from_bytes(public))
        assert signed.head.size == 14

    for unit in ("KZ", "KZ-75", "KZ-71-D01", P1):
        assert unit_results(ctx, ELECTION, LIST, unit)["status"] == "certified", unit
    assert outcome(ctx, ELECTION, LIST)["status"] == "certified"
    assert unit_results(ctx, ELECTION, "smd-1", "KZ")["status"] == "unofficial-partial"
    with pytest.raises(Conflict) as again:
        certify(ctx, who["KZ"], LIST)
    assert "already certified" in again.value.detail
    assert len(leaves(ctx)) == 14


def test_a_certified_contest_takes_corrections_only_after_a_ledgered_reopening(
    ctx: Context, who: dict[str, Principal]
) -> None:
    report(ctx, who["KZ"], PRECINCTS)
    certify(ctx, who["KZ"], LIST)
    fixed = protocol(P1, LIST, {"amanat": 490, "auyl": 130, "respublica": 70})
    pending = submit(ctx, who[P1], fixed, reason="recount ordered by the district commission")
    assert pending.status == "correction-pending"  # proposing one is still possible
    with pytest.raises(Conflict) as refused:
        approve(ctx, who["KZ-71-D01"], pending.protocol_id)
    assert "reopen" in refused.value.detail
    assert unit_results(ctx, ELECTION, LIST, "KZ")["counts"]["votes"]["amanat"] == sum(
        list_votes(n)["amanat"] for n in range(12)
    )

    with pytest.raises(BadInput):
        reopen(ctx, who["KZ"], LIST, "  ")
    with pytest.raises(Forbidden):
        reopen(ctx, who["KZ-71"], LIST, "a recount")
    with pytest.raises(Conflict):
        reopen(ctx, who["KZ"], "smd-1", "never certified")
    reopened = reopen(ctx, who["KZ"], LIST, "recount ordered at precinct KZ-71-D01-P0001")
    kind, record = leaves(ctx)[-1]
    assert kind == "reopening" and record == reopened.record
    assert record["reason"] == "recount ordered at precinct KZ-71-D01-P0001"
    assert record["reopens_index"] == 13 and reopened.number == 2
    assert outcome(ctx, ELECTION, LIST)["status"] == "unofficial-complete"

    done = approve(ctx, who["KZ-71-D01"], pending.protocol_id)
    assert done.status == "correction-approved"
    again = certify(ctx, who["KZ"], LIST)
    assert again.number == 3
    assert again.record["counts"] == unit_results(ctx, ELECTION, LIST, "KZ")["counts"]
    amanat = sum(list_votes(n)["amanat"] for n in range(12)) - list_votes(0)["amanat"] + 490
    assert again.record["counts"]["votes"]["amanat"] == amanat
    assert unit_results(ctx, ELECTION, LIST, "KZ")["status"] == "certified"


def test_verify_checks_every_certification_against_the_replayed_log(
    ctx: Context, who: dict[str, Principal], tmp_path: Path
) -> None:
    report(ctx, who["KZ"], PRECINCTS)
    certify(ctx, who["KZ"], LIST)
    fixed = protocol(P1, LIST, {"amanat": 490, "auyl": 130, "respublica": 70})
    pending = submit(ctx, who[P1], fixed, reason="recount")
    reopen(ctx, who["KZ"], LIST, "recount at one precinct")
    approve(ctx, who["KZ-71-D01"], pending.protocol_id)
    certify(ctx, who["KZ"], LIST)
    folder = tmp_path / "published"
    publish(ctx, ELECTION, folder)
    report_ = verify(Published.read(folder), [trusted_key(ctx)])
    assert report_.ok, report_.failures
    assert report_.counted["leaves"] == 17

    # the first certification, rewritten to claim the corrected totals, in a re-signed log
    path = folder / "ledger-entries.jsonl"
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    first = json.loads(entries[13]["leaf"])
    later = json.loads(entries[16]["leaf"])
    first["counts"] = later["counts"]
    entries[13]["leaf"] = json.dumps(first, sort_keys=True, separators=(",", ":"))
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    forger = resign(folder, [e["leaf"].encode() for e in entries])
    found = verify(Published.read(folder), [forger]).failures
    assert set(found) == {6}, found
    assert "leaf 13" in found[6][0] and "differ" in found[6][0]


def trusted_key(ctx: Context) -> ledger.NoteKey:
    """The log's key, as a verifier gets it from the commission (here: from the service)."""
    with ctx.sessions() as session:
        signed, public = ledgering.latest_head(session, ELECTION)
    return ledger.NoteKey(signed.origin, ledger.VerifyingKey.from_bytes(public))


def resign(folder: Path, leaves_: list[bytes]) -> ledger.NoteKey:
    """Sign the rewritten log with a forger's own key; trusting that key, checks 1 and 2
    pass, so the check under test stands alone."""
    document = json.loads((folder / "ledger-head.json").read_text())
    key, public = ledger.generate_key_pair()
    head = ledger.TreeHead.now(
        len(leaves_), ledger.root_hash([ledger.leaf_hash(x) for x in leaves_])
    )
    signed = ledger.sign_tree_head(head, document["origin"], [key])
    document |= {
        "size": head.size,
        "root": head.root.hex(),
        "timestamp": head.timestamp,
        "signature": signed.signature.hex(),
        "public_key": public.to_hex(),
        "checkpoint": signed.note,
    }
    (folder / "ledger-head.json").write_text(json.dumps(document))
    return ledger.NoteKey(document["origin"], public)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_decisions_over_http(backend: str, tmp_path: Path) -> None:
    with database(backend, tmp_path) as url:
        tokens = prepare(url)
        server = start_server(url, tmp_path)
        try:
            decisions_over_http(server, tokens)
        finally:
            server.stop()
        assert "Traceback" not in server.log_text(), server.log_text()


def decisions_over_http(server: Server, tokens: dict[str, str]) -> None:
    def post(action: str, who: str | None, body: Any = None) -> httpx.Response:
        return server.client(tokens[who] if who else None).post(
            f"/contests/{LIST}/{action}", json=body
        )

    assert post("certify", None).status_code == 401
    assert post("certify", P1).status_code == 403
    early = post("certify", "KZ")
    assert early.status_code == 409 and is_problem(early)
    assert early.json()["missing"] == 12 and "12 of the 12 precincts" in early.json()["detail"]
    central = server.client(tokens["KZ"])
    batch = [{"protocol": protocol(c, LIST, list_votes(n))} for n, c in enumerate(PRECINCTS)]
    sent = central.post("/protocols/batch", json={"submissions": batch})
    assert sent.status_code == 200 and sent.json()["accepted"] == 12, sent.text
    assert central.get(f"/results/{LIST}").json()["status"] == "unofficial-complete"

    done = post("certify", "KZ")
    assert done.status_code == 201, done.text
    assert done.json()["kind"] == "certification" and done.json()["ledger_index"] == 13
    assert done.json()["record"]["tree_size"] == 13
    fresh = {"min_tree_size": done.json()["tree_size"]}
    assert central.get(f"/results/{LIST}", params=fresh).json()["status"] == "certified"
    assert central.get(f"/outcome/{LIST}", params=fresh).json()["status"] == "certified"
    assert post("certify", "KZ").status_code == 409

    assert post("reopen", "KZ", {}).status_code == 422
    assert post("reopen", "KZ", {"reason": " "}).status_code == 422
    assert post("reopen", "KZ-71", {"reason": "recount"}).status_code == 403
    reopened = post("reopen", "KZ", {"reason": "recount"})
    assert reopened.status_code == 201 and reopened.json()["record"]["reason"] == "recount"
    fresh = {"min_tree_size": reopened.json()["tree_size"]}
    assert central.get(f"/results/{LIST}", params=fresh).json()["status"] == "unofficial-complete"

    schema = httpx.get(server.base + "/openapi.json").json()
    for action in ("certify", "reopen"):
        path = f"/api/v1/elections/{{election_id}}/contests/{{contest_id}}/{action}"
        operation = schema["paths"][path]["post"]
        assert operation["description"] and operation["tags"] == ["decisions"]
        for status in ("401", "403", "404", "409", "422"):
            assert "application/problem+json" in operation["responses"][status]["content"]
