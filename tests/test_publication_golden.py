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
    "mazhilis-list-precinct.csv": "6d132c73452447d18e55285a70a06150",
    "mazhilis-list-precinct.json": "af6d56af8aec56c6e52234c52590e883",
    "mazhilis-list-precinct.nist.json": "0110f6b1e47b1193ea1dd8613c1b8b48",
    "mazhilis-list-precinct.parquet": "aced8c4de9cab5fed7e65b21e7f9f01f",
    "mazhilis-list-territory.csv": "8d78d711915a4ac9713e51207ac193a9",
    "mazhilis-list-territory.json": "f43d2e4ddf7b3efc75479314fdd84e88",
    "mazhilis-list-territory.nist.json": "d4ba1bb1103f71cf4363cdc75047b749",
    "mazhilis-list-territory.parquet": "79349b1d99e993beb78acc007444b8bd",
    "referendum-precinct.csv": "fb98096ce857414b5abff4726743495c",
    "referendum-precinct.json": "f29ad2379277ecda0babbac5e6ea2670",
    "referendum-precinct.nist.json": "ab84011d178e26eb7a9f30f1059c1640",
    "referendum-precinct.parquet": "9adb6b8252c106351147c5c599dc1495",
    "referendum-territory.csv": "1adae22a86de216f2f8b053c2564a092",
    "referendum-territory.json": "4ac9e65cdb3faa9d62968099ef9fadc1",
    "referendum-territory.nist.json": "371729de552c3d3f80db1c09515d969d",
    "referendum-territory.parquet": "6aa7b799a900a9abe3ef20a0ce417ed6",
    "smd-1-precinct.csv": "7a92ee5087402e460173c71b702b6fe6",
    "smd-1-precinct.json": "c9d0beca28e1a13760ee9b779f9f75a8",
    "smd-1-precinct.nist.json": "87f0002cb511aec5518ecf9463839991",
    "smd-1-precinct.parquet": "ed4d0976d1fea849d69cab808fa5d626",
    "smd-1-territory.csv": "a7df7f6248afe387dfe11c020fb2eabe",
    "smd-1-territory.json": "d695ab39947ca464c9fd155e8474b3de",
    "smd-1-territory.nist.json": "2363bb1def783dd47e693fcb9b539757",
    "smd-1-territory.parquet": "52ea69c3e1ebbdf8753f7b33a6f53b28",
    "smd-2-precinct.csv": "05cb593fd44ce5f51057a33bd247b5af",
    "smd-2-precinct.json": "67cbe126af01e04d3549048a080d9fe9",
    "smd-2-precinct.nist.json": "a2936e9d89d8c371ded724cebeea34c8",
    "smd-2-precinct.parquet": "400ab1fd029a715180403025799faa80",
    "smd-2-territory.csv": "616a3f1265323fbcd7d36b692d4e7007",
    "smd-2-territory.json": "c4de9eafb76d9df80326d45bfad45867",
    "smd-2-territory.nist.json": "1c24ccb8bdb9fc8165e63e6d5b0de03d",
    "smd-2-territory.parquet": "3cfe20a8a8a4ca117730fbaca879c4e2",
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
