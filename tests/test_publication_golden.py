"""The published bytes are pinned: a small night, read once, written in every format at
both levels with a fixed stamp and time, hashes to what the files hashed to when the
writers were split out of the service. A change of any byte of any format fails here, so
a refactoring cannot change what citizens download without saying so (and a deliberate
change of a format updates these hashes in the same commit). The Parquet hashes hold for
the pinned pyarrow; the table they contain is checked field by field elsewhere."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

from saylau import publication
from saylau.publication import Stamp, folder
from saylau.service import exports
from saylau.service.certification import certify
from tests.databases import imported, principals
from tests.open_data import ELECTION, ELECTION_DEF, LIST, PRECINCTS, counting_night, report

STAMP = Stamp(
    status="",  # each file keeps the status it was read with
    tree_size=42,
    tree_root="ab" * 32,
    tree_timestamp=1_700_000_000_000,
    tree_signature="cd" * 64,
    public_key="ef" * 32,
)
GENERATED_AT = dt.datetime(2023, 3, 20, 6, 0, tzinfo=dt.UTC)

# the first half of each file's sha256, by its download name without the election's id
PINNED = {
    "mazhilis-list-precinct.csv": "fb8febe38417994351bc2c6817cb16c6",
    "mazhilis-list-precinct.json": "fa2704d69a766725a1f2858dae0e12e7",
    "mazhilis-list-precinct.nist.json": "0110f6b1e47b1193ea1dd8613c1b8b48",
    "mazhilis-list-precinct.parquet": "8e69c5a0c3861cf6cb55149220cd5630",
    "mazhilis-list-territory.csv": "70eff231164fd4d3d8f5e7c596d2e161",
    "mazhilis-list-territory.json": "9aa2bda8644a61cf16bc5707cef43ee1",
    "mazhilis-list-territory.nist.json": "d4ba1bb1103f71cf4363cdc75047b749",
    "mazhilis-list-territory.parquet": "1293ff9d418a7a0b11e43d4de16bb143",
    "referendum-precinct.csv": "3ca5d008c4ccd74fb1b4004d67fbcffa",
    "referendum-precinct.json": "e4d3638dd97179b68c29e4cbc98fcecc",
    "referendum-precinct.nist.json": "ab84011d178e26eb7a9f30f1059c1640",
    "referendum-precinct.parquet": "264e08473ef4236dedd81fa59da47a40",
    "referendum-territory.csv": "dd3589c3be2d6d151da92ed620d7f608",
    "referendum-territory.json": "c466dc637d9ed7b2638e6cc15569db79",
    "referendum-territory.nist.json": "371729de552c3d3f80db1c09515d969d",
    "referendum-territory.parquet": "005236ea5bc407924643d8b53389d79c",
    "smd-1-precinct.csv": "e5dca43d8e97fdd158099265c7344e52",
    "smd-1-precinct.json": "9b7f5168b80f620a9a94c9770bbfe772",
    "smd-1-precinct.nist.json": "87f0002cb511aec5518ecf9463839991",
    "smd-1-precinct.parquet": "8fec87eb46fc3efed04009d140edbae3",
    "smd-1-territory.csv": "6e9b666fc1a7cfaefd5cf5c1545389b2",
    "smd-1-territory.json": "aa532c313a42afed309a78c91ead610f",
    "smd-1-territory.nist.json": "2363bb1def783dd47e693fcb9b539757",
    "smd-1-territory.parquet": "0a9232bd3b023e9a77d289598d87af4b",
    "smd-2-precinct.csv": "98cd823de3ed0926379542335ef88687",
    "smd-2-precinct.json": "2723b493fc58cc7470f1ae1ccfd2257e",
    "smd-2-precinct.nist.json": "a2936e9d89d8c371ded724cebeea34c8",
    "smd-2-precinct.parquet": "9a2bafb1c7e673572904dbdc5bfb2911",
    "smd-2-territory.csv": "9cf19b42beed68da6df58a9c1ffb799b",
    "smd-2-territory.json": "d7ec76da9c8cd67562e97b2493898326",
    "smd-2-territory.nist.json": "1c24ccb8bdb9fc8165e63e6d5b0de03d",
    "smd-2-territory.parquet": "931683d708131affc17d2b1948fb200e",
}


def test_every_format_writes_the_pinned_bytes(tmp_path: Path) -> None:
    """Certified contests (seats, a winner), a complete one, partial ones with silent
    precincts, a district of its own, a corrected protocol and votes against all."""
    found: dict[str, str] = {}
    with imported("sqlite", tmp_path, ELECTION_DEF) as ctx:
        who = principals(ctx, ELECTION)
        counting_night(ctx, who)
        report(ctx, who["KZ"], LIST, PRECINCTS[7:])
        report(ctx, who["KZ"], "smd-2", PRECINCTS[6:9])
        certify(ctx, who["KZ"], LIST)
        certify(ctx, who["KZ"], "smd-1")
        for contest in ELECTION_DEF.contests:
            for level in publication.LEVELS:
                read = exports.read(ctx, ELECTION, contest.id, level)
                pinned = dataclasses.replace(
                    read,
                    stamp=dataclasses.replace(STAMP, status=read.stamp.status),
                    generated_at=GENERATED_AT,
                )
                for fmt in publication.FORMATS:
                    name = publication.file_name(ELECTION, contest.id, level, fmt)
                    body = publication.write(pinned, fmt)
                    found[name.removeprefix(f"{ELECTION}-")] = hashlib.sha256(body).hexdigest()[:32]
    changed = sorted(name for name in PINNED if found.get(name) != PINNED[name])
    assert not changed, f"the bytes of {changed} changed"
    assert found.keys() == PINNED.keys()


def test_the_published_folder_writes_each_record_as_verify_reads_it() -> None:
    """The lines of the ``publish`` folder, byte for byte."""
    assert folder.entry(3, "protocol", b'{"a":1}') == (
        '{"index": 3, "kind": "protocol", "leaf": "{\\"a\\":1}"}\n'
    )
    assert folder.precinct_result("P1", "smd-1", 2, '{"votes": {"b": 1}, "a": 0}') == (
        '{"contest": "smd-1", "precinct": "P1", "protocol": {"a": 0, "votes": {"b": 1}}, '
        '"version": 2}\n'
    )
    item = folder.total("smd-1", "KZ", 1, 2, '{"votes": {}}')
    assert folder.totals([item]) == (
        '[{"contest": "smd-1", "unit": "KZ", "precincts_reported": 1, '
        '"precincts_expected": 2, "counts": {"votes": {}}}]'
    )
    head = {"size": 1, "checkpoint": "saylau/test\n1\nroot\n"}
    assert folder.head(head) == '{\n "size": 1,\n "checkpoint": "saylau/test\\n1\\nroot\\n"\n}'
    assert folder.checkpoint(head) == "saylau/test\n1\nroot\n"
    assert folder.FILES == (
        "election.json",
        "ledger-head.json",
        "ledger-entries.jsonl",
        "precinct-results.jsonl",
        "totals.json",
    )
