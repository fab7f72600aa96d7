"""Published results verified from the files alone; each kind of tampering caught by its check."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saylau import ledger
from saylau.service import ledgering
from saylau.service.auth import authenticate
from saylau.service.context import Context
from saylau.service.elections import import_election, issue_credentials
from saylau.service.publication import publish
from saylau.service.submission import approve, submit
from saylau.verify import CHECKS, Published, verify
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
    with ctx.sessions() as session:
        signed, public = ledgering.latest_head(session, "test-2023")
    trusted = ledger.NoteKey(signed.origin, ledger.VerifyingKey.from_bytes(public))
    (tmp_path / "trusted.vkey").write_text(trusted.vkey() + "\n")
    ctx.engine.dispose()
    return folder


def trusted(folder: Path) -> ledger.NoteKey:
    """The log's key as the user got it from the commission: kept outside the folder."""
    return ledger.NoteKey.from_vkey((folder.parent / "trusted.vkey").read_text())


def failures(folder: Path, keys: list[ledger.NoteKey] | None = None) -> dict[int, list[str]]:
    return verify(Published.read(folder), [trusted(folder)] if keys is None else keys).failures


def test_untouched_publication_verifies(published: Path) -> None:
    report = verify(Published.read(published), [trusted(published)])
    assert report.ok, report.failures
    assert report.counted["leaves"] == 14  # the definition, 12 protocols and 1 correction


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
    head["checkpoint"] = head["checkpoint"].replace("\n14\n", "\n13\n", 1)
    (published / "ledger-head.json").write_text(json.dumps(head))
    assert set(failures(published)) == {1}


SAYLAU = [sys.executable, "-m", "saylau"]


def resign(folder: Path, entries: list[dict[str, Any]]) -> ledger.NoteKey:
    """Rewrite the log and sign it with a forger's own key, as someone holding the database
    (but not the key file) could; the folder then names the forger's key."""
    path = folder / "ledger-entries.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    document = json.loads((folder / "ledger-head.json").read_text())
    key = ledger.SigningKey.generate()
    leaves = [ledger.leaf_hash(e["leaf"].encode()) for e in entries]
    head = ledger.TreeHead.now(len(leaves), ledger.root_hash(leaves))
    signed = ledger.sign_tree_head(head, document["origin"], [key])
    forger = ledger.NoteKey(document["origin"], key.verifying_key)
    document |= {
        "size": head.size,
        "root": head.root.hex(),
        "signature": signed.signature.hex(),
        "public_key": key.verifying_key.to_hex(),
        "key": forger.vkey(),
        "checkpoint": signed.note,
    }
    (folder / "ledger-head.json").write_text(json.dumps(document))
    return forger


def entries_of(folder: Path) -> list[dict[str, Any]]:
    lines = (folder / "ledger-entries.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_inconsistent_protocol_in_a_resigned_log_fails_check_3(published: Path) -> None:
    """A forger who re-signs with their own key still cannot hide a broken protocol."""
    entries = entries_of(published)
    record = json.loads(entries[1]["leaf"])
    record["protocol"]["ballots_found"] += 5
    entries[1]["leaf"] = json.dumps(record, sort_keys=True, separators=(",", ":"))
    forger = resign(published, entries)
    found = failures(published, [forger])
    assert 3 in found and 1 not in found and 2 not in found


def test_resigned_files_fail_under_the_trusted_key(published: Path) -> None:
    """Re-signed with a new key, the files verified before: the folder's key was trusted."""
    entries = entries_of(published)
    record = json.loads(entries[1]["leaf"])
    record["protocol"]["votes"][PARTIES[0]] += 50  # votes moved between parties: every
    record["protocol"]["votes"][PARTIES[1]] -= 50  # control relation still holds
    entries[1]["leaf"] = json.dumps(record, sort_keys=True, separators=(",", ":"))
    resign(published, entries)
    found = failures(published)
    assert 1 in found and "no trusted key" in found[1][0]


def test_without_a_trusted_key_check_1_fails(published: Path) -> None:
    found = failures(published, [])
    assert set(found) == {1}
    assert "no trusted key was given" in found[1][0]
    assert "not trusted" in found[1][0]  # the folder's own key is named, not used


def edit_definition(folder: Path, change: Any) -> None:
    path = folder / "election.json"
    definition = json.loads(path.read_text())
    change(definition)
    path.write_text(json.dumps(definition, ensure_ascii=False))


def test_swapped_party_names_and_seats_fail_check_7(published: Path) -> None:
    def swap(definition: dict[str, Any]) -> None:
        contest = next(c for c in definition["contests"] if c["id"] == "mazhilis-list")
        first, second = contest["options"][0], contest["options"][1]
        first["names"], second["names"] = second["names"], first["names"]
        contest["seats"] = 98

    edit_definition(published, swap)
    found = failures(published)
    assert 7 in found and "changed after import" in found[7][0]


def test_multiplied_voters_list_fails_check_7(published: Path) -> None:
    def multiply(definition: dict[str, Any]) -> None:
        unit = next(u for u in definition["units"] if u["code"] == P1)
        unit["registered"] *= 100

    edit_definition(published, multiply)
    assert 7 in failures(published)


def test_previous_head_the_log_extends_passes_check_8(published: Path, tmp_path: Path) -> None:
    document = json.loads((published / "ledger-head.json").read_text())
    kept = document["checkpoint"]
    report = verify(Published.read(published), [trusted(published)], previous=kept)
    assert report.ok, report.failures
    # an earlier head: the first 5 entries, signed by the same key (as the service did then)
    ctx = Context.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with ctx.sessions() as session:
        reader = ledgering.leaf_reader(session, "test-2023")
        root = ledger.root_hash(reader(0, 5))
    earlier = ledger.sign_tree_head(
        ledger.TreeHead.now(5, root), document["origin"], [ctx.signer]
    ).note
    ctx.engine.dispose()
    report = verify(Published.read(published), [trusted(published)], previous=earlier)
    assert report.ok, report.failures


def test_rewritten_history_fails_check_8(published: Path, tmp_path: Path) -> None:
    """A log rebuilt from entry 3 on, even signed by the right key, does not extend the
    checkpoint a user kept: consistency fails."""
    kept = json.loads((published / "ledger-head.json").read_text())["checkpoint"]
    entries = entries_of(published)
    record = json.loads(entries[3]["leaf"])
    record["submitted_by"] = "someone else"
    entries[3]["leaf"] = json.dumps(record, sort_keys=True, separators=(",", ":"))
    entries.append(entries[-1])
    entries[-1] = {**entries[-1], "index": len(entries) - 1}
    ctx = Context.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    resign_with(published, entries, ctx.signer)
    ctx.engine.dispose()
    report = verify(Published.read(published), [trusted(published)], previous=kept)
    assert 8 in report.failures and 1 not in report.failures, report.failures


def resign_with(folder: Path, entries: list[dict[str, Any]], signer: ledger.Signer) -> None:
    path = folder / "ledger-entries.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    document = json.loads((folder / "ledger-head.json").read_text())
    leaves = [ledger.leaf_hash(e["leaf"].encode()) for e in entries]
    head = ledger.TreeHead.now(len(leaves), ledger.root_hash(leaves))
    signed = ledger.sign_tree_head(head, document["origin"], [signer])
    document |= {"size": head.size, "root": head.root.hex(), "checkpoint": signed.note}
    (folder / "ledger-head.json").write_text(json.dumps(document))


# --- malformed files: numbered failures, never a traceback ---------------------------------


MALFORMED = {
    "missing election": ("election.json", None),
    "election not JSON": ("election.json", "{not json"),
    "election of wrong type": ("election.json", "[1, 2]"),
    "head missing": ("ledger-head.json", None),
    "head not JSON": ("ledger-head.json", "\x00\x01"),
    "head with bad hex and base64": (
        "ledger-head.json",
        json.dumps({"size": "x", "root": "zz", "checkpoint": "a\n1\n!!!\n\n\u2014 a b\n"}),
    ),
    "entries truncated": ("ledger-entries.jsonl", lambda text: text[: len(text) // 2]),
    "entries of wrong types": ("ledger-entries.jsonl", '{"index": "0", "leaf": 5}\n[]\n'),
    "results not JSON": ("precinct-results.jsonl", "nope\n"),
    "results of wrong types": (
        "precinct-results.jsonl",
        '{"precinct": 1, "contest": [], "version": "2", "protocol": 3}\n',
    ),
    "totals of wrong types": ("totals.json", '[{"contest": 1}, 7]'),
    "totals not a list": ("totals.json", '{"a": 1}'),
    "totals with a key twice": ("totals.json", '[{"contest": "a", "contest": "b"}]'),
    "head with a key twice": ("ledger-head.json", lambda text: '{"size": 1, ' + text[1:]),
    "election with a key twice": ("election.json", lambda text: '{"id": "x", ' + text[1:]),
    "entries with a key twice": (
        "ledger-entries.jsonl",
        lambda text: text.replace('{"index": 0, ', '{"index": 0, "index": 0, ', 1),
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_files_give_numbered_failures(published: Path, case: str) -> None:
    name, content = MALFORMED[case]
    path = published / name
    if content is None:
        path.unlink()
    elif callable(content):
        path.write_text(content(path.read_text()))
    else:
        path.write_text(content)
    found = failures(published)
    assert found, case
    assert all(isinstance(n, int) and sentences for n, sentences in found.items())
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "saylau",
            "verify",
            str(published),
            "--key",
            str(published.parent / "trusted.vkey"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "FAILED" in done.stdout


def test_a_kept_head_with_a_key_twice_is_refused(published: Path, tmp_path: Path) -> None:
    """The checkpoint kept earlier is read as strictly as the published files."""
    from saylau.verify import read_checkpoint

    text = (published / "ledger-head.json").read_text()
    kept = tmp_path / "kept-head.json"
    kept.write_text('{"checkpoint": "forged\\n", ' + text.lstrip()[1:])
    with pytest.raises(ValueError, match="'checkpoint': the key appears twice"):
        read_checkpoint(kept)
    kept.write_text(text)
    assert read_checkpoint(kept) == json.loads(text)["checkpoint"]


def test_cli_refuses_to_pass_without_a_key(published: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "saylau", "verify", str(published)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "1. signed checkpoint verifies under a trusted key: FAILED" in done.stdout
    assert "no trusted key was given" in done.stdout


def test_cli_verifies_with_the_key_and_a_kept_checkpoint(published: Path) -> None:
    kept = published.parent / "kept-checkpoint.txt"
    kept.write_text((published / "ledger-checkpoint.txt").read_text())
    vkey = (published.parent / "trusted.vkey").read_text().strip()
    done = subprocess.run(
        [*SAYLAU, "verify", str(published), "--key", vkey, "--previous-head", str(kept)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "8. the log extends the checkpoint kept earlier: ok" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "saylau", "verify", str(published), "--key", "not-a-key"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "option '--key'" in bad.stderr


FILE_NAMES = (
    "election.json",
    "ledger-head.json",
    "ledger-entries.jsonl",
    "precinct-results.jsonl",
    "totals.json",
)


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, str, int, int, bytes]:
    name = draw(st.sampled_from(FILE_NAMES))
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "json-value"]))
    position = draw(st.integers(0, 10**9))
    length = draw(st.integers(1, 40))
    junk = draw(st.binary(min_size=1, max_size=8))
    return name, kind, position, length, junk


JSON_VALUES = [None, True, -1, 2**70, 1.5, "", "zz", [], {}, [1, "a"], {"a": None}]


def _mutate(text: bytes, kind: str, position: int, length: int, junk: bytes) -> bytes:
    if not text:
        return junk
    at = position % len(text)
    if kind == "truncate":
        return text[:at]
    if kind == "flip":
        return text[:at] + bytes([text[at] ^ (junk[0] or 1)]) + text[at + 1 :]
    if kind == "insert":
        return text[:at] + junk + text[at:]
    if kind == "delete":
        return text[:at] + text[at + length :]
    # replace one JSON value (a number, string or literal) with a value of another type
    decoded = text.decode("utf-8", "replace")
    tokens = list(re.finditer(r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null', decoded))
    if not tokens:
        return junk
    token = tokens[position % len(tokens)]
    value = json.dumps(JSON_VALUES[length % len(JSON_VALUES)])
    return (decoded[: token.start()] + value + decoded[token.end() :]).encode()


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(mutations(), min_size=1, max_size=3))
def test_mutated_folders_never_raise(
    published: Path, changes: list[tuple[str, str, int, int, bytes]]
) -> None:
    """Whatever happens to the files, the verifier answers with numbered failures."""
    originals = {name: (published / name).read_bytes() for name in FILE_NAMES}
    try:
        for name, kind, position, length, junk in changes:
            path = published / name
            path.write_bytes(_mutate(path.read_bytes(), kind, position, length, junk))
        report = verify(Published.read(published), [trusted(published)])
        assert all(n in CHECKS for n in report.failures)
        assert all(report.failures.values())
        if report.ok:
            # only a change that leaves every file meaning the same may pass
            assert Published.read(published).leaves == [
                json.loads(line)["leaf"].encode()
                for line in originals["ledger-entries.jsonl"].decode().splitlines()
            ]
    finally:
        for name, content in originals.items():
            (published / name).write_bytes(content)


def test_an_inflated_protocol_that_adds_up_fails_check_3(published: Path) -> None:
    """A billion voters and votes at a precinct of 1,200 keep every control relation."""
    entries = entries_of(published)
    index, record = next(
        (i, r)
        for i, r in ((i, json.loads(e["leaf"])) for i, e in enumerate(entries))
        if r.get("precinct") == P2 and r.get("contest") == "mazhilis-list"
    )
    inflated = protocol(P2, "mazhilis-list", dict(zip(PARTIES, (10**9 - 100, 0, 0), strict=True)))
    inflated["voters_on_list"] = inflated["ballots_received"] = 10**9
    inflated["ballots_cancelled"] = 100
    record["protocol"] = inflated
    entries[index]["leaf"] = json.dumps(record, sort_keys=True, separators=(",", ":"))
    forger = resign(published, entries)
    found = failures(published, [forger])
    assert 1 not in found and 2 not in found
    assert any(
        P2 in sentence and "on_list_as_defined (voters_on_list = precinct_list" in sentence
        for sentence in found.get(3, [])
    ), found


def test_a_multiplied_list_in_the_definition_fails_check_3(published: Path) -> None:
    path = published / "election.json"
    definition = json.loads(path.read_text())
    unit = next(u for u in definition["units"] if u["code"] == P2)
    unit["registered"] *= 100
    path.write_text(json.dumps(definition))
    found = failures(published)
    assert any(P2 in s and "precinct_list" in s for s in found.get(3, [])), found


def test_contests_of_a_precinct_disagreeing_on_their_list_fail_check_3(published: Path) -> None:
    entries = entries_of(published)
    for entry in entries:
        record = json.loads(entry["leaf"])
        if record.get("precinct") == P2 and record.get("contest") == "smd-1":
            record["protocol"]["voters_added"] = 3
            entry["leaf"] = json.dumps(record, sort_keys=True, separators=(",", ":"))
    forger = resign(published, entries)
    found = failures(published, [forger])
    assert any(
        P2 in s and "same_list (same(voters_on_list, voters_added)" in s for s in found.get(3, [])
    ), found
