"""The HTTP API as clients meet it: a real `saylau serve` process on SQLite and PostgreSQL.

Tests of one module share one server per database and run in file order; each works on its
own precincts, so what one submits does not disturb another's expectations.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from saylau import ledger
from saylau.model import BadInput
from saylau.protocol import protocol_from_mapping
from saylau.tabulation.relations import protocol_breaks
from saylau.tabulation.totals import FIELDS
from tests.databases import database
from tests.elections_fixture import protocol, small_election
from tests.serving import (
    Server,
    Tokens,
    check_invariants,
    is_problem,
    list_votes,
    prepare_with_cli,
    row_counts,
    start_server,
)

P1 = "KZ-71-D01-P0001"  # the submission and correction flow
P2 = "KZ-71-D01-P0002"  # rights
P_BAD = "KZ-71-D02-P0003"  # bad input: must never get a protocol
P_EMPTY = "KZ-71-D02-P0002"  # the first protocol of the list contest, without list votes
P_BATCH = "KZ-71-D01-P0003"  # smd-1 only: items repeated inside one batch
CONTESTS = ("mazhilis-list", "smd-1", "smd-2")
REGION_75 = [f"KZ-75-D0{d}-P000{p}" for d in (1, 2) for p in (1, 2, 3)]


@dataclass
class Served:
    server: Server
    tokens: Tokens
    url: str

    def client(self, who: str | None = None) -> httpx.Client:
        return self.server.client(self.tokens[who] if who else None)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp(request.param)
    with database(request.param, folder) as url:
        tokens = prepare_with_cli(url, folder)
        server = start_server(url, folder)
        try:
            yield Served(server, tokens, url)
        finally:
            server.stop()
        log = server.log_text()
        assert "Traceback" not in log and "Exception" not in log, log


def state(served: Served) -> dict[str, Any]:
    """Everything a refused request must leave as it was: results, ledger, stored rows."""
    public = served.client()
    snapshot: dict[str, Any] = {
        "head": public.get("/ledger/head").json()["size"],
        "rows": row_counts(served.url),
    }
    for contest in CONTESTS:
        snapshot[contest] = public.get(f"/results/{contest}").json()
    snapshot["bad"] = public.get("/results/mazhilis-list", params={"unit": P_BAD}).json()
    return snapshot


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert is_problem(response), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_outcome_of_a_first_protocol_without_list_votes(served: Served) -> None:
    """Early in the count the only protocol may have no list votes (all ballots invalid):
    the outcome is not decidable yet, which is an answer, not a server error."""
    empty = protocol(P_EMPTY, "mazhilis-list", list_votes(0, 0, 0), invalid=3)
    answer = served.client(P_EMPTY).post("/protocols", json={"protocol": empty})
    assert answer.status_code == 201, answer.text
    outcome = served.client().get("/outcome/mazhilis-list")
    assert outcome.status_code == 200, outcome.text
    assert outcome.json()["outcome"] is None
    assert "no votes" in outcome.json()["explanation"]


def test_submit_duplicate_correction_and_approval(served: Served) -> None:
    me = served.client(P1)
    size = me.get("/ledger/head").json()["size"]
    original = protocol(P1, "mazhilis-list", list_votes(500, 100, 50))
    first = me.post("/protocols", json={"protocol": original})
    assert first.status_code == 201, first.text
    receipt = first.json()
    assert receipt["status"] == "accepted" and receipt["version"] == 1
    assert (receipt["ledger_index"], receipt["tree_size"]) == (size, size + 1)

    again = me.post("/protocols", json={"protocol": original})
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert again.json()["protocol_id"] == receipt["protocol_id"]

    changed = protocol(P1, "mazhilis-list", list_votes(480, 120, 50))
    body = problem(me.post("/protocols", json={"protocol": changed}), 409)
    assert body["current_version"] == 1 and "reason" in body["detail"]

    with_reason = {"protocol": changed, "reason": "recount ordered by the district commission"}
    pending = me.post("/protocols", json=with_reason)
    assert pending.status_code == 202, pending.text
    correction = pending.json()
    assert correction["status"] == "correction-pending" and correction["version"] == 2
    assert correction["ledger_index"] is None
    repeated = me.post("/protocols", json=with_reason)
    assert repeated.status_code == 202
    assert repeated.json()["protocol_id"] == correction["protocol_id"]

    republic = served.client().get("/results/mazhilis-list").json()
    precinct_before = me.get("/results/mazhilis-list", params={"unit": P1}).json()
    assert precinct_before["counts"]["votes"] == list_votes(500, 100, 50)

    approve = f"/corrections/{correction['protocol_id']}/approve"
    for stranger in (P1, "KZ-75", "KZ-75-D01", "observer"):
        problem(served.client(stranger).post(approve), 403)
    problem(served.client("KZ-71").post(approve, headers={"Authorization": "Bearer x"}), 401)
    assert served.client().get("/results/mazhilis-list").json() == republic

    done = served.client("KZ-71-D01").post(approve)
    assert done.status_code == 200, done.text
    approved = done.json()
    assert approved["status"] == "correction-approved"
    assert (approved["ledger_index"], approved["tree_size"]) == (size + 1, size + 2)
    problem(served.client("KZ-71").post(approve), 409)
    # an id that does not exist is told apart only to the central commission, above all
    problem(served.client("KZ-71").post("/corrections/999999/approve"), 403)
    problem(served.client("KZ").post("/corrections/999999/approve"), 404)
    for bad_id in ("0", str(2**53 + 1), "x"):
        problem(served.client("KZ-71").post(f"/corrections/{bad_id}/approve"), 422)

    after = served.client().get("/results/mazhilis-list").json()
    assert after["precincts_reported"] == republic["precincts_reported"]
    for option, change in (("amanat", -20), ("auyl", 20), ("respublica", 0)):
        assert after["counts"]["votes"][option] == republic["counts"]["votes"][option] + change
    history = me.get("/results/mazhilis-list", params={"unit": P1}).json()
    assert history["counts"]["votes"] == list_votes(480, 120, 50)
    versions = [(v["version"], v["state"], v["current"]) for v in history["versions"]]
    assert versions == [(1, "accepted", False), (2, "accepted", True)]
    assert history["versions"][0]["protocol"] == original
    assert history["versions"][1]["reason"] == with_reason["reason"]
    # the original is no longer current: sending it again is a correction like any other
    problem(me.post("/protocols", json={"protocol": original}), 409)


def test_rights(served: Served) -> None:
    mine = {"protocol": protocol(P2, "mazhilis-list", list_votes(300, 200, 100))}
    before = state(served)
    assert "Bearer" in problem(served.client().post("/protocols", json=mine), 401)["detail"]
    wrong = served.server.client("not-a-token").post("/protocols", json=mine)
    assert "not a credential" in problem(wrong, 401)["detail"]
    for stranger in (P1, "observer", "KZ-75", "KZ-71-D02"):
        body = problem(served.client(stranger).post("/protocols", json=mine), 403)
        assert P2 in body["detail"]
    batch = {"submissions": [mine]}
    problem(served.client().post("/protocols/batch", json=batch), 401)
    answered = served.client("observer").post("/protocols/batch", json=batch)
    assert answered.status_code == 200
    assert [i["status"] for i in answered.json()["items"]] == [403]
    assert state(served) == before
    # a territorial commission enters the protocols of the precincts below it
    entered = served.client("KZ-71-D01").post("/protocols", json=mine)
    assert entered.status_code == 201 and entered.json()["status"] == "accepted"
    assert served.client(P2).post("/protocols", json=mine).json()["status"] == "duplicate"


def test_batch_repeating_an_item_names_the_stored_protocol(served: Served) -> None:
    """A commission that enters the same protocol or correction twice in one batch gets
    receipts naming the one stored protocol, which can then be approved."""
    region = served.client("KZ-71")
    original = {"protocol": protocol(P_BATCH, "smd-1", {"c1a": 40, "c1b": 50})}
    first = region.post("/protocols/batch", json={"submissions": [original, original]})
    items = first.json()["items"]
    assert [i["receipt"]["status"] for i in items] == ["accepted", "duplicate"]
    assert items[0]["receipt"]["protocol_id"] == items[1]["receipt"]["protocol_id"]
    changed = {"protocol": protocol(P_BATCH, "smd-1", {"c1a": 45, "c1b": 50}), "reason": "recount"}
    second = region.post("/protocols/batch", json={"submissions": [changed, changed]})
    receipts = [i["receipt"] for i in second.json()["items"]]
    assert [r["status"] for r in receipts] == ["correction-pending"] * 2
    assert receipts[0]["protocol_id"] == receipts[1]["protocol_id"]
    approved = served.client("KZ-71-D01").post(f"/corrections/{receipts[1]['protocol_id']}/approve")
    assert approved.status_code == 200, approved.text
    current = served.client().get("/results/smd-1", params={"unit": P_BATCH}).json()
    assert current["counts"]["votes"] == {"c1a": 45, "c1b": 50}


def _bad(**changes: Any) -> dict[str, Any]:
    document = protocol(P_BAD, "mazhilis-list", list_votes(400, 300, 200))
    votes = dict(document["votes"])
    for key, value in changes.items():
        if key.startswith("votes_"):
            votes[key.removeprefix("votes_")] = value
        elif value is ...:
            del document[key]
        else:
            document[key] = value
    if "votes" in document:
        document["votes"] = votes
    return {"protocol": document}


def _big() -> bytes:
    filler = "x" * (2 * 1024 * 1024 + 10)
    return json.dumps({"protocol": _bad()["protocol"], "reason": filler}).encode()


def _chunks(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), 64 * 1024):
        yield data[start : start + 64 * 1024]


def _twice(key: str) -> bytes:
    """A valid body with ``key`` given a second time just before its first value: JSON
    parsers would keep the valid (last) value, so only a strict reader refuses it."""
    text = json.dumps(_bad())
    at = text.index(f'"{key}": ')
    other = {"precinct": '"KZ-71-D01-P0001"', "amanat": "9", "protocol": "{}"}[key]
    return (text[:at] + f'"{key}": {other}, ' + text[at:]).encode()


# (id, body: JSON value or raw bytes, status, the field the problem names, a word of the rule)
BAD_INPUT: list[tuple[str, Any, int, str | None, str]] = [
    ("malformed-json", b'{"protocol": {"precinct": ', 422, None, "JSON"),
    ("not-utf-8", b'{"protocol": "\xff"}', 422, None, "UTF-8"),
    ("json-array", [_bad()], 422, "(body)", "object"),
    ("empty-object", {}, 422, "protocol", "required"),
    ("missing-count", _bad(ballots_found=...), 422, "protocol.ballots_found", "required"),
    ("missing-votes", _bad(votes=...), 422, "protocol.votes", "required"),
    ("negative-count", _bad(voters_on_list=-1), 422, "protocol.voters_on_list", "greater"),
    ("true-count", _bad(ballots_found=True), 422, "protocol.ballots_found", "integer"),
    ("fraction-count", _bad(invalid=1.5), 422, "protocol.invalid", "integer"),
    ("string-count", _bad(votes_amanat="7"), 422, "protocol.votes.amanat", "integer"),
    ("huge-count", _bad(voters_on_list=10**12), 422, "protocol.voters_on_list", "less"),
    ("unknown-field", _bad(turnout=5), 422, "protocol.turnout", "not permitted"),
    ("unknown-option", _bad(votes_nurotan=5), 422, "votes.nurotan", "not an option"),
    ("case-duplicate-vote", _bad(votes_Amanat=5), 422, "votes.Amanat", "duplicates 'amanat'"),
    ("spaced-duplicate-vote", _bad(**{"votes_amanat ": 5}), 422, "votes.amanat ", "duplicates"),
    (
        "decomposed-duplicate-vote",
        _bad(**{"votes_a\u0301": 1, "votes_\u00e1": 2}),
        422,
        "votes.\u00e1",
        "duplicates",
    ),
    ("unknown-precinct", _bad(precinct="KZ-99-D01-P0001"), 422, "precinct", "unit"),
    ("district-as-precinct", _bad(precinct="KZ-71-D02"), 422, "precinct", "district"),
    ("unknown-contest", _bad(contest="senate"), 422, "contest", "contest"),
    ("contest-outside-area", _bad(contest="smd-2"), 422, "contest", "area"),
    ("empty-reason", {**_bad(), "reason": ""}, 422, "reason", "at least 1"),
    ("blank-reason", {**_bad(), "reason": "  "}, 422, "reason", "empty"),
    ("nul-in-reason", {**_bad(), "reason": "a\x00b"}, 422, "reason", "pattern"),
    ("reason-not-text", {**_bad(), "reason": 7}, 422, "reason", "string"),
    ("duplicated-key", _twice("precinct"), 422, "protocol.precinct", "twice"),
    ("duplicated-vote", _twice("amanat"), 422, "protocol.votes.amanat", "twice"),
    ("duplicated-top", _twice("protocol"), 422, "protocol", "twice"),
    ("too-large", _big(), 413, None, "bytes"),
    ("too-large-chunked", "chunked", 413, None, "bytes"),
]


@pytest.mark.parametrize(
    ("body", "status", "field", "rule"),
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
def test_bad_input_is_a_problem_naming_the_field_and_changes_nothing(
    served: Served, body: Any, status: int, field: str | None, rule: str
) -> None:
    client = served.client("KZ-71")
    before = state(served)
    headers = {"Content-Type": "application/json"}
    if body == "chunked":
        response = client.post("/protocols", content=_chunks(_big()), headers=headers)
        assert "content-length" not in response.request.headers
    elif isinstance(body, bytes):
        response = client.post("/protocols", content=body, headers=headers)
    else:
        response = client.post("/protocols", json=body)
    answer = problem(response, status)
    if field is not None:
        assert answer["field"] == field, answer
    assert rule in answer["detail"], answer
    assert state(served) == before


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/elections/%00/ledger/head", "path.election_id"),
        ("/api/v1/elections/" + "e" * 65 + "/results/smd-1", "path.election_id"),
        (
            "/api/v1/elections/test-2023/ledger/inclusion?size=1&precinct=a%00&contest=smd-1",
            "query.precinct",
        ),
    ],
    ids=["nul-election", "long-election", "nul-precinct"],
)
def test_values_no_database_holds_are_refused_before_a_query(
    served: Served, path: str, field: str
) -> None:
    """PostgreSQL fails on NUL in a text parameter: such values must be a 422, not a 500."""
    assert problem(httpx.get(served.server.base + path), 422)["field"] == field


# malformed protocols: each is refused by the API and by the file reader alike
SAME_REFUSAL: list[tuple[str, dict[str, Any]]] = [
    ("missing-count", _bad(ballots_found=...)["protocol"]),
    ("negative-count", _bad(voters_on_list=-1)["protocol"]),
    ("true-count", _bad(ballots_found=True)["protocol"]),
    ("string-vote", _bad(votes_amanat="7")["protocol"]),
    ("huge-count", _bad(voters_on_list=10**12)["protocol"]),
    ("unknown-field", _bad(turnout=5)["protocol"]),
    ("unknown-option", _bad(votes_nurotan=5)["protocol"]),
    ("district-as-precinct", _bad(precinct="KZ-71-D02")["protocol"]),
    ("found-over-issued", {**_bad()["protocol"], "ballots_found": 10_000}),
]


@pytest.mark.parametrize("document", [c[1] for c in SAME_REFUSAL], ids=[c[0] for c in SAME_REFUSAL])
def test_a_malformed_protocol_is_refused_alike_by_the_api_and_the_file_reader(
    served: Served, document: dict[str, Any]
) -> None:
    """One model reads a protocol wherever it comes from: the field and the rule agree (the
    API names a field of the protocol inside its request body, ``protocol.``)."""
    body = problem(served.client(P_BAD).post("/protocols", json={"protocol": document}), 422)
    api_rule = body["errors"][0]["rule"] if "errors" in body else body.get("rule")
    try:
        read = protocol_from_mapping(document, small_election())
    except BadInput as exc:
        assert body["field"] in (exc.field, f"protocol.{exc.field}"), body
        assert api_rule == exc.rule, body
        return
    (broken, *_rest) = protocol_breaks(read, small_election().date)
    assert body["broken"][0] == broken.as_json()
    assert body["field"] == broken.field


def test_the_api_and_the_file_reader_leave_out_the_same_lines(served: Served) -> None:
    """Voters added, 'against all' and 'neither' may be left out of a protocol, read as 0 by
    the API and the file reader alike: the same protocol, the same content hash."""
    document = protocol(P_BAD, "mazhilis-list", list_votes(400, 300, 200))
    for name in ("voters_added", "against_all", "neither"):
        assert document.pop(name) == 0
    before = state(served)
    answer = served.client(P_BAD).post("/protocols/check", json={"protocol": document})
    assert answer.status_code == 200, answer.text
    read = protocol_from_mapping(document, small_election())
    assert (read.voters_added, read.against_all, read.neither) == (0, 0, 0)
    assert answer.json()["content_hash"] == read.content_hash()
    assert state(served) == before


def test_broken_control_relations_are_all_listed(served: Served) -> None:
    document = protocol(P_BAD, "mazhilis-list", list_votes(400, 300, 200))
    document["ballots_received"] = 10  # received ≠ issued + cancelled
    document["ballots_found"] = document["ballots_issued"] + 5  # found > issued, unaccounted
    document["voters_on_list"] = 100  # issued > the list
    before = state(served)
    body = problem(served.client(P_BAD).post("/protocols", json={"protocol": document}), 422)
    relations = [b["relation"] for b in body["broken"]]
    assert relations == [
        "received",
        "found_within_issued",
        "found_accounted",
        "issued_within_list",
        "on_list_as_defined",
    ]
    assert [b["field"] for b in body["broken"]] == [
        "ballots_received",
        "ballots_found",
        "ballots_found",
        "ballots_issued",
        "voters_on_list",
    ]
    assert body["broken"][0]["check"] == "ballots_received = ballots_issued + ballots_cancelled"
    assert body["field"] == "ballots_received"
    assert all(b["rule"] and b["found"] and b["source"] in b["rule"] for b in body["broken"])
    for broken in body["broken"]:
        assert f"{broken['relation']} ({broken['check']}" in body["detail"]
    assert state(served) == before


def test_a_billion_voters_at_a_precinct_of_1300_is_refused(served: Served) -> None:
    """The protocol adds up; only the precinct's list in the definition shows it is false."""
    document = protocol(P_BAD, "mazhilis-list", list_votes(10**9 - 200, 100, 100), voters=10**9)
    before = state(served)
    body = problem(served.client("KZ-71").post("/protocols", json={"protocol": document}), 422)
    assert [b["relation"] for b in body["broken"]] == ["on_list_as_defined"]
    assert "1,300" in body["broken"][0]["rule"]
    assert "1,000,000,000" in body["broken"][0]["found"]
    assert state(served) == before


def test_results_at_every_level(served: Served) -> None:
    region = served.client("KZ-75")
    submitted: dict[str, dict[str, int]] = {}
    items = []
    for i, code in enumerate(REGION_75):
        votes = {"c2a": 300 + 10 * i, "c2b": 250 + i}
        submitted[code] = votes
        items.append({"protocol": protocol(code, "smd-2", votes, invalid=i)})
    answer = region.post("/protocols/batch", json={"submissions": items})
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 6
    public = served.client()

    def found(codes: list[str]) -> int:
        return sum(sum(submitted[c].values()) + REGION_75.index(c) for c in codes)

    republic = public.get("/results/smd-2").json()
    assert republic["unit"] == "KZ" and republic["status"] == "unofficial-complete"
    assert (republic["precincts_reported"], republic["precincts_expected"]) == (6, 6)
    assert republic["counts"]["ballots_found"] == found(REGION_75)
    assert [c["unit"] for c in republic["children"]] == ["KZ-75"]
    for code in ("KZ-75", "KZ-75-D01", "KZ-75-D02"):
        below = [p for p in REGION_75 if p.startswith(code)]
        unit = public.get("/results/smd-2", params={"unit": code}).json()
        assert unit["counts"]["ballots_found"] == found(below)
        assert unit["counts"]["votes"]["c2a"] == sum(submitted[p]["c2a"] for p in below)
        assert unit["precincts_reported"] == len(below)
        children = {c["unit"]: c for c in unit["children"]}
        if code.count("-") == 2:  # a district: its children are its precincts
            assert set(children) == set(below)
            for precinct in below:
                assert children[precinct]["counts"]["votes"] == submitted[precinct]
        else:
            assert set(children) == {"KZ-75-D01", "KZ-75-D02"}
    precinct = public.get("/results/smd-2", params={"unit": REGION_75[4]}).json()
    assert precinct["counts"]["votes"] == submitted[REGION_75[4]]
    assert [v["version"] for v in precinct["versions"]] == [1]
    # smd-2 is not held in KZ-71; unknown units and contests are 404 problems
    problem(public.get("/results/smd-2", params={"unit": "KZ-71"}), 404)
    problem(public.get("/results/smd-2", params={"unit": "KZ-99"}), 404)
    problem(public.get("/results/senate"), 404)
    problem(httpx.get(served.server.base + "/api/v1/elections/other/results/smd-2"), 404)


def test_outcome(served: Served) -> None:
    public = served.client()
    smd = public.get("/outcome/smd-2").json()
    assert smd["status"] == "unofficial-complete"
    assert smd["outcome"]["winner"] == "c2a"
    party = public.get("/outcome/mazhilis-list").json()
    assert party["status"] == "unofficial-partial"
    assert sum(party["outcome"]["seats"].values()) == 69
    problem(public.get("/outcome/senate"), 404)


def _head(client: httpx.Client) -> ledger.TreeHead:
    """The newest head, returned only if its checkpoint verifies under the log's key."""
    body = client.get("/ledger/head").json()
    checkpoint = ledger.verify_checkpoint(
        body["checkpoint"], [ledger.NoteKey.from_vkey(body["key"])]
    )
    assert checkpoint.origin == body["origin"] == f"saylau.kz/{small_election().id}"
    head = ledger.TreeHead(body["size"], bytes.fromhex(body["root"]), body["timestamp"])
    assert (checkpoint.size, checkpoint.root) == (head.size, head.root)
    return head


def test_ledger_heads_proofs_and_entries(served: Served) -> None:
    public = served.client()
    first = _head(public)
    assert first.size >= 9  # the protocols and the correction the tests above stored
    entries = public.get("/ledger/entries", params={"limit": 10_000}).json()["entries"]
    assert [e["index"] for e in entries] == list(range(first.size))

    leaf_hashes = []
    for entry in entries:
        leaf_hash = ledger.leaf_hash(entry["leaf"].encode())
        leaf_hashes.append(leaf_hash)
        proof = public.get(
            "/ledger/inclusion", params={"index": entry["index"], "size": first.size}
        ).json()
        assert bytes.fromhex(proof["leaf_hash"]) == leaf_hash
        path = [bytes.fromhex(p) for p in proof["proof"]]
        ledger.verify_inclusion(entry["index"], first.size, leaf_hash, path, first.root)
    assert ledger.root_hash(leaf_hashes) == first.root

    current = public.get(
        "/ledger/inclusion", params={"size": first.size, "precinct": P1, "contest": "mazhilis-list"}
    ).json()
    assert json.loads(entries[current["index"]]["leaf"])["type"] == "correction"
    tampered = [bytes(32), *[bytes.fromhex(p) for p in current["proof"]][1:]]
    with pytest.raises(ledger.ProofError):
        ledger.verify_inclusion(
            current["index"], first.size, bytes.fromhex(current["leaf_hash"]), tampered, first.root
        )
    problem(public.get("/ledger/inclusion", params={"index": first.size, "size": first.size}), 404)

    more = protocol("KZ-71-D02-P0001", "smd-1", {"c1a": 10, "c1b": 20})
    assert served.client("KZ-71").post("/protocols", json={"protocol": more}).status_code == 201
    second = _head(public)
    assert second.size == first.size + 1 and second.timestamp >= first.timestamp
    consistency = public.get(
        "/ledger/consistency", params={"first": first.size, "second": second.size}
    ).json()
    proof = [bytes.fromhex(p) for p in consistency["proof"]]
    ledger.verify_consistency(first.size, second.size, first.root, second.root, proof)
    with pytest.raises(ledger.ProofError):
        ledger.verify_consistency(first.size, second.size, second.root, second.root, proof)
    problem(public.get("/ledger/consistency", params={"first": 2, "second": 10**6}), 404)

    _entries_sum_to_the_totals(public)


def _entries_sum_to_the_totals(public: httpx.Client) -> None:
    """Anyone can replay the published leaves and get the published totals at every unit."""
    entries = public.get("/ledger/entries", params={"limit": 10_000}).json()["entries"]
    current: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in entries:
        record = json.loads(entry["leaf"])
        assert record["type"] == entry["kind"]
        assert ledger.leaf_hash(entry["leaf"].encode()) == bytes.fromhex(
            public.get(
                "/ledger/inclusion", params={"index": entry["index"], "size": len(entries)}
            ).json()["leaf_hash"]
        )
        if record["type"] == "definition":
            assert entry["index"] == 0 and record["definition_hash"]
            continue
        current[(record["precinct"], record["contest"])] = record["protocol"]
    election = small_election()
    sums: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {**dict.fromkeys(FIELDS, 0), "votes": defaultdict(int), "reported": 0}
    )
    for (precinct, contest), document in current.items():
        for code in election.path(precinct)[:-1]:
            cell = sums[(contest, code)]
            cell["reported"] += 1
            for name in FIELDS:
                cell[name] += document[name]
            for option, votes in document["votes"].items():
                cell["votes"][option] += votes
    checked = 0
    for contest in CONTESTS:
        for unit in election.units:
            if unit.level == "precinct":
                continue
            answer = public.get(f"/results/{contest}", params={"unit": unit.code})
            if answer.status_code == 404:  # the contest is not held there
                continue
            published = answer.json()
            want = sums.get((contest, unit.code))
            assert published["precincts_reported"] == (want["reported"] if want else 0)
            for name in FIELDS:
                assert published["counts"][name] == (want[name] if want else 0)
            for option, votes in published["counts"]["votes"].items():
                assert votes == (want["votes"][option] if want else 0)
            checked += 1
    assert checked == 7 + 4 + 4  # mazhilis-list everywhere, each smd in its region


def test_stored_state_keeps_every_invariant(served: Served) -> None:
    stored = check_invariants(served.url)
    assert stored.corrections_approved == 2  # P1 and P_BATCH
    assert stored.ledger_size == 1 + len(stored.accepted_ids)  # the definition first
    assert P_BAD not in {precinct for precinct, _ in stored.current}
