"""Verifying a published election from its published files alone, trusting no server.

Numbered checks, each failure a sentence a reader can act on:
1. the signed tree head verifies under the published public key;
2. the published leaves rebuild a Merkle tree with exactly that size and root;
3. every leaf is a record of this election whose protocol keeps the control relations, stays
   within its precinct's list in the definition and the additions the law permits, and the
   protocols that count at one precinct share one list;
4. every precinct result published is the latest record of its precinct in the ledger,
   and every precinct in the ledger has a published result;
5. the published totals at every unit equal the sums of the included protocols;
6. every certification names the totals, the precincts reported and the tree size that the
   log had when it was recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saylau import ledger
from saylau.election import Election, election_from_mapping
from saylau.plausibility import list_breaks, precinct_disagreements
from saylau.protocol import Protocol, broken_relations, protocol_to_mapping
from saylau.tabulation.replay import Replay, replay
from saylau.tabulation.totals import empty_counts

CHECKS = {
    1: "signed tree head verifies",
    2: "leaves rebuild the signed root",
    3: "every leaf is a consistent, plausible record of this election",
    4: "every published precinct result is in the ledger, and only those",
    5: "published totals equal the sum of the included protocols",
    6: "every certification names the totals of the log it was recorded on",
}


@dataclass
class Report:
    failures: dict[int, list[str]] = field(default_factory=dict)
    counted: dict[str, int] = field(default_factory=dict)

    def fail(self, check: int, sentence: str) -> None:
        self.failures.setdefault(check, []).append(sentence)

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class Published:
    """The files ``saylau publish`` writes, read back."""

    election: Election
    head: dict[str, Any]
    leaves: list[bytes]
    precincts: list[dict[str, Any]]
    totals: list[dict[str, Any]]

    @classmethod
    def read(cls, folder: Path) -> Published:
        election = election_from_mapping(json.loads((folder / "election.json").read_text()))
        head = json.loads((folder / "ledger-head.json").read_text())
        leaves = [
            json.loads(line)["leaf"].encode()
            for line in (folder / "ledger-entries.jsonl").read_text().splitlines()
            if line.strip()
        ]
        precincts = [
            json.loads(line)
            for line in (folder / "precinct-results.jsonl").read_text().splitlines()
            if line.strip()
        ]
        totals = json.loads((folder / "totals.json").read_text())
        return cls(election, head, leaves, precincts, totals)


def verify(published: Published) -> Report:
    report = Report()
    head = published.head
    try:
        key = ledger.VerifyingKey.from_hex(head["public_key"])
        signed = ledger.SignedTreeHead(
            ledger.TreeHead(int(head["size"]), bytes.fromhex(head["root"]), int(head["timestamp"])),
            bytes.fromhex(head["signature"]),
        )
        ledger.verify_signed_tree_head(signed, key)
    except (ledger.LedgerError, ValueError, KeyError) as exc:
        report.fail(1, f"the tree head's signature does not verify: {exc}")
    hashes = [ledger.leaf_hash(leaf) for leaf in published.leaves]
    if len(hashes) != int(head.get("size", -1)):
        report.fail(
            2, f"{len(hashes)} leaves published, but the signed head has {head.get('size')}"
        )
    elif ledger.root_hash(hashes).hex() != head.get("root"):
        report.fail(2, "the published leaves do not hash to the signed root")
    records: list[dict[str, Any]] = []
    for index, leaf in enumerate(published.leaves):
        try:
            record = json.loads(leaf)
        except json.JSONDecodeError:
            report.fail(3, f"leaf {index} is not JSON")
            continue
        if record.get("election") != published.election.id:
            report.fail(3, f"leaf {index} belongs to election {record.get('election')!r}")
            continue
        if record.get("type") in ("protocol", "correction"):
            protocol = Protocol(
                **{**record["protocol"], "votes": dict(record["protocol"]["votes"])}
            )
            for broken in broken_relations(protocol, published.election.date):
                report.fail(3, f"leaf {index} ({protocol.precinct}): {broken.relation}")
        records.append(record)
    _check_plausible(published.election, records, report)
    state = replay(published.election, records)
    _check_shared_lists(published.election, state.current, report)
    _check_precincts(published, state.current, report)
    _check_totals(published, state, report)
    _check_certifications(state, report)
    report.counted = {
        "leaves": len(published.leaves),
        "precinct_results": len(published.precincts),
        "totals": len(published.totals),
    }
    return report


def _check_precincts(
    published: Published, current: dict[tuple[str, str], tuple[int, Protocol]], report: Report
) -> None:
    seen: set[tuple[str, str]] = set()
    for item in published.precincts:
        pair = (item["precinct"], item["contest"])
        seen.add(pair)
        found = current.get(pair)
        if found is None:
            report.fail(4, f"{pair[0]} {pair[1]}: published result is not in the ledger")
        elif found[0] != item["version"] or protocol_to_mapping(found[1]) != item["protocol"]:
            report.fail(
                4, f"{pair[0]} {pair[1]}: published result differs from the ledger's latest"
            )
    for pair in current.keys() - seen:
        report.fail(4, f"{pair[0]} {pair[1]}: in the ledger but no published result")


def _check_totals(published: Published, state: Any, report: Report) -> None:
    for item in published.totals:
        key = (item["contest"], item["unit"])
        options = published.election.contest(item["contest"]).option_ids
        expected = state.totals.get(key) or empty_counts(options)
        if item["counts"] != expected:
            report.fail(5, f"{key[1]} {key[0]}: published totals differ from the protocols' sum")
        if item["precincts_reported"] != state.reported.get(key, 0):
            report.fail(5, f"{key[1]} {key[0]}: precincts reported differ from the ledger")


def _check_certifications(state: Replay, report: Report) -> None:
    for item in state.certified:
        where = f"leaf {item.position} (certification of {item.contest})"
        if item.replayed is None:
            report.fail(6, f"{where}: the election has no such contest")
            continue
        if item.record.get("counts") != item.replayed:
            report.fail(6, f"{where}: the certified totals differ from the protocols before it")
        if item.record.get("precincts_reported") != item.replayed_reported:
            report.fail(
                6,
                f"{where}: certifies {item.record.get('precincts_reported')} precincts reported, "
                f"the log before it has {item.replayed_reported}",
            )
        if item.record.get("tree_size") != item.position:
            report.fail(
                6,
                f"{where}: certifies tree size {item.record.get('tree_size')}, but stands at "
                f"index {item.position}",
            )


def _check_plausible(election: Election, records: list[dict[str, Any]], report: Report) -> None:
    """Check 3, against the published definition: each protocol within its precinct's list."""
    for record in records:
        if record.get("type") not in ("protocol", "correction"):
            continue
        protocol = Protocol(**{**record["protocol"], "votes": dict(record["protocol"]["votes"])})
        where = f"{protocol.precinct} {protocol.contest} version {record.get('version')}"
        unit = election.unit(protocol.precinct) if election.has_unit(protocol.precinct) else None
        if unit is None or unit.level != "precinct":
            report.fail(3, f"{where}: not a precinct of the published definition")
            continue
        for broken in list_breaks(protocol, election):
            report.fail(3, f"{where}: {broken.relation} ({broken.found})")


def _check_shared_lists(
    election: Election, current: dict[tuple[str, str], tuple[int, Protocol]], report: Report
) -> None:
    """Check 3: the protocols that count at one precinct count the same voters' list."""
    protocols = [protocol for _version, protocol in current.values()]
    for precinct, broken in precinct_disagreements(protocols, election.date):
        report.fail(3, f"{precinct}: {broken.relation} ({broken.found})")
