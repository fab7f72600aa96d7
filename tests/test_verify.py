"""Published results verified from the files alone; each kind of tampering caught by its check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from saylau import ledger
from saylau.service.auth import authenticate
from saylau.service.context import Context
from saylau.service.elections import import_election, issue_credentials
from saylau.service.publication import publish
from saylau.service.submission import approve, submit
from saylau.verify import Published, verify
from tests.elections_fixture import PARTIES, protocol, small_election

P1 = "KZ-71-D01-P0001"
P2 = "KZ-71-D01-P0002"  # 1,200 voters on its list


@pytest.fixture
def published(tmp_path: Path) -> Path:
    ctx = Context.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    import_election(ctx, small_election())
    tokens = {c.unit_code or c.role: c.token for c in issue_credentials(ctx, "test-2023")}
    with ctx.sessions() as session:
        region = authenticate(session, "test-2023", tokens["KZ-71"])
        district = authenticate(session, "test-2023", tokens["KZ-71-D01"])
    for number, code in enumerate(f"KZ-71-D0{d}-P000{p}" for d in (1, 2) for p in (1, 2, 3)):
        votes = dict(zip(PARTIES, (300 + number, 100, 80), strict=True))
        submit(ctx, region, protocol(code, "mazhilis-list", votes))
        submit(ctx, region, protocol(code, "smd-1", {"c1a": 200, "c1b": 100 + number}))
    fixed = protocol(P1, "mazhilis-list", dict(zip(PARTIES, (290, 110, 80), strict=True)))
    pending = submit(ctx, region, fixed, reason="arithmetic error found at the recount")
    approve(ctx, district, pending.protocol_id)
    folder = tmp_path / "published"
    publish(ctx, "test-2023", folder)
    ctx.engine.dispose()
    return folder


def failures(folder: Path) -> dict[int, list[str]]:
    return verify(Published.read(folder)).failures


def test_untouched_publication_verifies(published: Path) -> None:
    report = verify(Published.read(published))
    assert report.ok, report.failures
    assert report.counted["leaves"] == 13  # 12 protocols + 1 correction


def test_changed_totals_fail_check_5(published: Path) -> None:
    totals = json.loads((published / "totals.json").read_text())
    totals[0]["counts"]["votes"][PARTIES[0]] += 1
    (published / "totals.json").write_text(json.dumps(totals))
    assert set(failures(published)) == {5}


def test_hidden_precinct_result_fails_check_4(published: Path) -> None:
    path = published / "precinct-results.jsonl"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[1:]) + "\n")
    assert set(failures(published)) == {4}


def test_superseded_version_as_result_fails_check_4(published: Path) -> None:
    path = published / "precinct-results.jsonl"
    items = [json.loads(line) for line in path.read_text().splitlines()]
    corrected = next(i for i in items if i["precinct"] == P1 and i["contest"] == "mazhilis-list")
    assert corrected["version"] == 2
    corrected["version"] = 1
    corrected["protocol"]["votes"][PARTIES[0]] = 300
    path.write_text("".join(json.dumps(i) + "\n" for i in items))
    assert set(failures(published)) == {4}


def test_changed_leaf_fails_check_2(published: Path) -> None:
    path = published / "ledger-entries.jsonl"
    lines = path.read_text().splitlines()
    entry = json.loads(lines[3])
    entry["leaf"] = entry["leaf"].replace('"invalid":0', '"invalid":1', 1)
    lines[3] = json.dumps(entry)
    path.write_text("\n".join(lines) + "\n")
    assert 2 in failures(published)


def test_forged_head_fails_check_1(published: Path) -> None:
    head = json.loads((published / "ledger-head.json").read_text())
    head["timestamp"] += 1
    (published / "ledger-head.json").write_text(json.dumps(head))
    assert set(failures(published)) == {1}


def test_inconsistent_protocol_in_a_resigned_log_fails_check_3(published: Path) -> None:
    """A forger who re-signs with their own key still cannot hide a broken protocol."""
    path = published / "ledger-entries.jsonl"
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    record = json.loads(entries[0]["leaf"])
    record["protocol"]["ballots_found"] += 5
    entries[0]["leaf"] = json.dumps(record, sort_keys=True, separators=(",", ":"))
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    key, public = ledger.generate_key_pair()
    leaves = [ledger.leaf_hash(e["leaf"].encode()) for e in entries]
    head = ledger.TreeHead.now(len(leaves), ledger.root_hash(leaves))
    signed = ledger.sign_tree_head(head, key)
    (published / "ledger-head.json").write_text(
        json.dumps(
            {
                "size": head.size,
                "root": head.root.hex(),
                "timestamp": head.timestamp,
                "signature": signed.signature.hex(),
                "public_key": public.to_hex(),
            }
        )
    )
    found = failures(published)
    assert 3 in found and 1 not in found and 2 not in found


def resign(published: Path, entries: list[dict[str, Any]]) -> None:
    """Write the entries back and sign a head over them with a new key, as a forger would."""
    path = published / "ledger-entries.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    key, public = ledger.generate_key_pair()
    leaves = [ledger.leaf_hash(e["leaf"].encode()) for e in entries]
    head = ledger.TreeHead.now(len(leaves), ledger.root_hash(leaves))
    signed = ledger.sign_tree_head(head, key)
    (published / "ledger-head.json").write_text(
        json.dumps(
            {
                "size": head.size,
                "root": head.root.hex(),
                "timestamp": head.timestamp,
                "signature": signed.signature.hex(),
                "public_key": public.to_hex(),
            }
        )
    )


def test_an_inflated_protocol_that_adds_up_fails_check_3(published: Path) -> None:
    """A billion voters and votes at a precinct of 1,200 keep every control relation."""
    path = published / "ledger-entries.jsonl"
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    index, record = next(
        (i, r)
        for i, r in ((i, json.loads(e["leaf"])) for i, e in enumerate(entries))
        if r["precinct"] == P2 and r["contest"] == "mazhilis-list"
    )
    inflated = protocol(P2, "mazhilis-list", dict(zip(PARTIES, (10**9, 0, 0), strict=True)))
    inflated["voters_on_list"] = inflated["ballots_received"] = 10**9 + 100
    inflated["ballots_cancelled"] = 100
    record["protocol"] = inflated
    entries[index]["leaf"] = json.dumps(record, sort_keys=True, separators=(",", ":"))
    resign(published, entries)
    found = failures(published)
    assert 1 not in found and 2 not in found
    assert any(
        P2 in sentence and "voters_on_list = the precinct's list" in sentence
        for sentence in found.get(3, [])
    ), found


def test_a_multiplied_list_in_the_definition_fails_check_3(published: Path) -> None:
    path = published / "election.json"
    definition = json.loads(path.read_text())
    unit = next(u for u in definition["units"] if u["code"] == P2)
    unit["registered"] *= 100
    path.write_text(json.dumps(definition))
    found = failures(published)
    assert any(P2 in s and "the precinct's list" in s for s in found.get(3, [])), found


def test_contests_of_a_precinct_disagreeing_on_their_list_fail_check_3(published: Path) -> None:
    path = published / "ledger-entries.jsonl"
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    for entry in entries:
        record = json.loads(entry["leaf"])
        if record["precinct"] == P2 and record["contest"] == "smd-1":
            record["protocol"]["voters_added"] = 3
            entry["leaf"] = json.dumps(record, sort_keys=True, separators=(",", ":"))
    resign(published, entries)
    found = failures(published)
    assert any(
        P2 in s and "the contests of one precinct share one list" in s for s in found.get(3, [])
    ), found
