"""Verifying a published election from its published files alone, trusting no server.

The key that signs the log is the one thing a verifier must bring: the folder may name a
key, but whoever could change the files could change that key too. Numbered checks, each
failure a sentence a reader can act on:
0. every published file can be read and has the expected form;
1. the signed checkpoint verifies under a key the user trusts, and names this election's log;
2. the published leaves rebuild a Merkle tree with exactly that size and root;
3. every leaf is a record of this election whose protocol keeps the control relations, stays
   within its precinct's list in the definition and the additions the law permits, and the
   protocols that count at one precinct share one list;
4. every precinct result published is the latest record of its precinct in the ledger,
   and every precinct in the ledger has a published result;
5. the published totals at every unit equal the sums of the included protocols;
6. every certification names the totals, the precincts reported and the tree size that the
   log had when it was recorded;
7. the definition (election.json) is the one the log committed to in its first entry;
8. the log extends the earlier checkpoint the user kept (RFC 9162 consistency).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from saylau import ledger, strictjson
from saylau.election import Election, election_from_mapping
from saylau.model import BadInput
from saylau.plausibility import list_breaks, precinct_disagreements
from saylau.protocol import Protocol, protocol_from_mapping, protocol_to_mapping
from saylau.publication import folder as published
from saylau.tabulation.relations import protocol_breaks
from saylau.tabulation.replay import Replay, replay
from saylau.tabulation.totals import empty_counts

CHECKS = {
    0: "every published file can be read",
    1: "signed checkpoint verifies under a trusted key",
    2: "leaves rebuild the signed root",
    3: "every leaf is a consistent, plausible record of this election",
    4: "every published precinct result is in the ledger, and only those",
    5: "published totals equal the sum of the included protocols",
    6: "every certification names the totals of the log it was recorded on",
    7: "the definition is the one the log committed to in its first entry",
    8: "the log extends the checkpoint kept earlier",
}

FILES = published.FILES


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
    """The files ``saylau publish`` writes, read back without trusting their form.

    Whatever cannot be read is left out and described in ``problems`` (check 0), so a
    damaged folder gives numbered failures, never a traceback.
    """

    election: Election | None
    head: dict[str, Any]
    leaves: list[bytes]
    precincts: list[dict[str, Any]]
    totals: list[dict[str, Any]]
    problems: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, folder: Path) -> Published:
        problems: list[str] = []
        election = _read_election(folder, problems)
        head = _read_json(folder / "ledger-head.json", dict, "an object", problems) or {}
        leaves: list[bytes] = []
        for number, entry in _read_lines(folder / "ledger-entries.jsonl", problems):
            leaf = entry.get("leaf")
            if not isinstance(leaf, str):
                problems.append(f"ledger-entries.jsonl line {number}: 'leaf' must be a string")
                continue
            if entry.get("index") != len(leaves):
                problems.append(
                    f"ledger-entries.jsonl line {number}: index {entry.get('index')!r}, "
                    f"expected {len(leaves)} (entries must be contiguous, in order)"
                )
            leaves.append(leaf.encode())
        precincts: list[dict[str, Any]] = []
        for number, item in _read_lines(folder / "precinct-results.jsonl", problems):
            wrong = _wrong_fields(item, PRECINCT_FIELDS)
            if wrong:
                problems.append(f"precinct-results.jsonl line {number}: {wrong}")
                continue
            precincts.append(item)
        totals: list[dict[str, Any]] = []
        raw_totals = _read_json(folder / "totals.json", list, "a list", problems) or []
        for number, item in enumerate(raw_totals):
            wrong = _wrong_fields(item, TOTAL_FIELDS) if isinstance(item, dict) else "not an object"
            if wrong:
                problems.append(f"totals.json item {number}: {wrong}")
                continue
            totals.append(item)
        return cls(election, head, leaves, precincts, totals, problems)


PRECINCT_FIELDS: dict[str, type | tuple[type, ...]] = {
    "precinct": str,
    "contest": str,
    "version": int,
    "protocol": dict,
}
TOTAL_FIELDS: dict[str, type | tuple[type, ...]] = {
    "contest": str,
    "unit": str,
    "precincts_reported": int,
    "counts": dict,
}


def _wrong_fields(item: dict[str, Any], fields: dict[str, type | tuple[type, ...]]) -> str:
    for name, kind in fields.items():
        value = item.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            return f"field {name!r} must be {getattr(kind, '__name__', kind)}, found {value!r:.40}"
    return ""


def _read_text(path: Path, problems: list[str]) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(f"{path.name} is missing")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path.name} cannot be read: {exc}")
    return None


def _read_json(path: Path, kind: type, what: str, problems: list[str]) -> Any:
    text = _read_text(path, problems)
    if text is None:
        return None
    try:
        value = strictjson.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(f"{path.name} is not JSON ({exc.msg} at line {exc.lineno})")
        return None
    except strictjson.DuplicateKey as exc:
        problems.append(f"{path.name} gives the key {exc.field!r} twice")
        return None
    if not isinstance(value, kind):
        problems.append(f"{path.name} must hold {what}")
        return None
    return value


def _read_lines(path: Path, problems: list[str]) -> list[tuple[int, dict[str, Any]]]:
    text = _read_text(path, problems)
    if text is None:
        return []
    if text and not text.endswith("\n"):
        problems.append(f"{path.name} does not end in a newline: it may be truncated")
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = strictjson.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path.name} line {number} is not JSON ({exc.msg})")
            continue
        except strictjson.DuplicateKey as exc:
            problems.append(f"{path.name} line {number} gives the key {exc.field!r} twice")
            continue
        if not isinstance(value, dict):
            problems.append(f"{path.name} line {number} is not an object")
            continue
        found.append((number, value))
    return found


def _read_election(folder: Path, problems: list[str]) -> Election | None:
    raw = _read_json(folder / "election.json", dict, "an object", problems)
    if raw is None:
        return None
    try:
        return election_from_mapping(raw)
    except BadInput as exc:
        problems.append(f"election.json is not a valid definition: {exc}")
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        problems.append(f"election.json is not a valid definition: {exc!r}")
    return None


# --------------------------------------------------------------------------------------------
# Keys the user trusts


def parse_keys(sources: Sequence[str]) -> list[ledger.NoteKey]:
    """Keys from ``--key`` values: each a vkey, or a file holding one vkey per line.

    Raises ValueError naming the source that is neither.
    """
    keys: list[ledger.NoteKey] = []
    for source in sources:
        path = Path(source)
        lines = [source]
        try:
            if path.is_file():
                lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ValueError(f"cannot read key file {source}: {exc}") from None
        for line in lines:
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            try:
                keys.append(ledger.NoteKey.from_vkey(text))
            except ledger.EncodingError as exc:
                raise ValueError(f"{text[:60]!r} is not a verifier key: {exc}") from None
    return keys


def read_checkpoint(path: Path) -> str:
    """A checkpoint kept earlier: note text, or a ``ledger-head.json`` holding one."""
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        try:
            note = strictjson.loads(text).get("checkpoint")
        except ValueError as exc:  # not JSON, or a key given twice
            raise ValueError(f"{path}: {exc}") from None
        if not isinstance(note, str):
            raise ValueError(f"{path} holds no 'checkpoint'")
        return note
    return text


# --------------------------------------------------------------------------------------------
# The checks


@dataclass
class _Head:
    """The size and root the other checks stand on, and whether a trusted key signed them."""

    size: int | None = None
    root: bytes | None = None
    origin: str | None = None
    trusted: bool = False


def verify(
    published: Published,
    keys: Sequence[ledger.NoteKey] = (),
    previous: str | None = None,
) -> Report:
    """Run every check; ``keys`` are the keys the user trusts, ``previous`` a checkpoint
    (note text) kept from an earlier look at the same log."""
    report = Report()
    for problem in published.problems:
        report.fail(0, problem)
    head = _guard(report, 1, lambda: _check_head(published, keys, report)) or _Head()
    hashes = [ledger.leaf_hash(leaf) for leaf in published.leaves]
    _guard(report, 2, lambda: _check_tree(hashes, head, report))
    election = published.election
    if election is None:
        for number in (3, 4, 5, 6, 7):
            report.fail(number, "not checked: election.json could not be read")
    else:
        records = _guard(report, 3, lambda: _check_records(published, election, report))
        if records is not None:
            state = _guard(report, 4, lambda: replay(election, records))
            if state is not None:
                _guard(report, 3, lambda: _check_shared_lists(election, state.current, report))
                _guard(report, 4, lambda: _check_precincts(published, state.current, report))
                _guard(report, 5, lambda: _check_totals(published, election, state, report))
                _guard(report, 6, lambda: _check_certifications(state, report))
        _guard(report, 7, lambda: _check_definition(published, election, head, report))
    if previous is not None:
        _guard(report, 8, lambda: _check_previous(previous, keys, hashes, head, report))
    report.counted = {
        "leaves": len(published.leaves),
        "precinct_results": len(published.precincts),
        "totals": len(published.totals),
    }
    return report


T = TypeVar("T")


def _guard(report: Report, check: int, run: Callable[[], T]) -> T | None:
    """Run a check; anything the files make it trip over is that check's failure."""
    try:
        return run()
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, ledger.LedgerError) as exc:
        report.fail(check, f"could not be completed on these files: {exc!r}")
        return None


def _check_head(published: Published, keys: Sequence[ledger.NoteKey], report: Report) -> _Head:
    document = published.head
    found = _Head()
    size, root = document.get("size"), document.get("root")
    if isinstance(size, int) and not isinstance(size, bool) and size >= 0:
        found.size = size
    if isinstance(root, str):
        try:
            found.root = bytes.fromhex(root)
        except ValueError:
            report.fail(1, "ledger-head.json: 'root' is not hex")
    note = document.get("checkpoint")
    if not isinstance(note, str):
        report.fail(1, "ledger-head.json has no signed checkpoint ('checkpoint')")
        return found
    shown = document.get("key")
    if not keys:
        where = f"; the folder names {shown!r}, which is not trusted" if shown else ""
        report.fail(
            1,
            "no trusted key was given: pass the log's key with --key (a verifier key, or a "
            f"file holding one) obtained from the commission, not from this folder{where}",
        )
        return found
    try:
        checkpoint = ledger.verify_checkpoint(note, keys)
    except ledger.LedgerError as exc:
        report.fail(1, f"the checkpoint does not verify under the trusted keys: {exc}")
        return found
    if (found.size, found.root) != (checkpoint.size, checkpoint.root):
        report.fail(1, "ledger-head.json's size and root differ from its signed checkpoint")
    return _Head(checkpoint.size, checkpoint.root, checkpoint.origin, True)


def _check_tree(hashes: list[bytes], head: _Head, report: Report) -> None:
    if head.size is None or head.root is None:
        report.fail(2, "no tree size and root to check the leaves against")
    elif len(hashes) != head.size:
        report.fail(2, f"{len(hashes)} leaves published, but the signed head has {head.size}")
    elif ledger.root_hash(hashes) != head.root:
        report.fail(2, "the published leaves do not hash to the signed root")


def _check_records(
    published: Published, election: Election, report: Report
) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for index, leaf in enumerate(published.leaves):
        try:
            record = strictjson.loads(leaf)
        except ValueError:
            report.fail(3, f"leaf {index} is not JSON with each key once")
            continue
        if not isinstance(record, dict):
            report.fail(3, f"leaf {index} is not a JSON object")
            continue
        if record.get("election") != election.id:
            report.fail(3, f"leaf {index} belongs to election {record.get('election')!r}")
            continue
        if record.get("type") in ("protocol", "correction"):
            version = record.get("version")
            if not isinstance(version, int) or isinstance(version, bool) or version < 1:
                report.fail(3, f"leaf {index}: version must be a positive integer")
                continue
            try:
                protocol = protocol_from_mapping(record.get("protocol"), election)
            except BadInput as exc:
                report.fail(3, f"leaf {index} is not a protocol of this election: {exc}")
                continue
            for broken in protocol_breaks(protocol, election.date):
                report.fail(
                    3,
                    f"leaf {index} ({protocol.precinct}): {broken.relation} ({broken.check}: "
                    f"{broken.found}; {broken.source})",
                )
            record = {**record, "protocol": protocol_to_mapping(protocol)}
        records.append(record)
    _check_plausible(election, records, report)
    return records


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


def _check_totals(published: Published, election: Election, state: Any, report: Report) -> None:
    for item in published.totals:
        key = (item["contest"], item["unit"])
        if not election.has_contest(item["contest"]):
            report.fail(5, f"{key[1]} {key[0]}: the election has no such contest")
            continue
        options = election.contest(item["contest"]).option_ids
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


def _check_definition(
    published: Published, election: Election, head: _Head, report: Report
) -> None:
    """Entry 0 holds the definition's hash: a swapped name, party, seat count or voters'
    list changes the hash of election.json, and the log cannot follow without a new key."""
    if not published.leaves:
        report.fail(7, "the log has no first entry to hold the definition's hash")
        return
    try:
        first = strictjson.loads(published.leaves[0])
    except ValueError:
        first = None
    if not isinstance(first, dict) or first.get("type") != "definition":
        report.fail(7, "the log's first entry is not the election's definition")
        return
    if first.get("definition_hash") != election.definition_hash():
        report.fail(
            7,
            f"election.json hashes to {election.definition_hash()}, but the log committed to "
            f"{first.get('definition_hash')!r}: the definition was changed after import",
        )
    if head.origin is not None and first.get("origin") != head.origin:
        report.fail(
            7, f"the first entry names log {first.get('origin')!r}, the checkpoint {head.origin!r}"
        )


def _check_previous(
    previous: str,
    keys: Sequence[ledger.NoteKey],
    hashes: list[bytes],
    head: _Head,
    report: Report,
) -> None:
    if not keys:
        report.fail(8, "no trusted key was given to check the earlier checkpoint with")
        return
    try:
        old = ledger.verify_checkpoint(previous, keys)
    except ledger.LedgerError as exc:
        report.fail(8, f"the earlier checkpoint does not verify under the trusted keys: {exc}")
        return
    if not head.trusted or head.size is None or head.root is None:
        report.fail(8, "not checked: the new checkpoint did not verify (check 1)")
        return
    if old.origin != head.origin:
        report.fail(8, f"the earlier checkpoint is of log {old.origin!r}, not {head.origin!r}")
        return
    if old.size > head.size:
        report.fail(8, f"the log shrank from {old.size} entries to {head.size}")
        return
    if len(hashes) != head.size:
        report.fail(8, "not checked: the published leaves do not match the signed size")
        return
    proof = ledger.consistency_proof(old.size, head.size, hashes)
    try:
        ledger.verify_consistency(
            old.size, head.size, old.root, head.root, proof, allow_empty_first=True
        )
    except ledger.ProofError as exc:
        report.fail(8, f"the log does not extend the earlier checkpoint: {exc}")


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
            report.fail(
                3,
                f"{where}: {broken.relation} ({broken.check}: {broken.found}; {broken.source})",
            )


def _check_shared_lists(
    election: Election, current: dict[tuple[str, str], tuple[int, Protocol]], report: Report
) -> None:
    """Check 3: the protocols that count at one precinct count the same voters' list."""
    protocols = [protocol for _version, protocol in current.values()]
    for precinct, broken in precinct_disagreements(protocols, election.date):
        report.fail(3, f"{precinct}: {broken.relation} ({broken.check}: {broken.found})")


__all__ = ["CHECKS", "FILES", "Published", "Report", "parse_keys", "verify"]
