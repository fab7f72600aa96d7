"""The precinct page's evidence, checked before it is shown.

A proof only says that *some* entry is in the signed tree. The page therefore reads the
entry the proof is for, shows that entry's own numbers, and checks three things: the entry
is this precinct's protocol with the same numbers as the stored one, the proof leads from
the entry's hash to the root, and the root's signature verifies. Whatever fails is named on
the page instead of being hidden behind a proof of something else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from saylau import ledger, strictjson
from saylau.service import proofs
from saylau.service.context import Context
from saylau.service.errors import ServiceError
from saylau.tabulation.totals import FIELDS

#: what can fail, in the order checked; the template words each one
MISMATCH = "mismatch"  # the entry's numbers differ from the stored protocol
OTHER = "other-entry"  # the entry is not this precinct's protocol (or not readable)
WRONG_HASH = "wrong-hash"  # the entry read is not the one the proof is for
PROOF = "proof"  # the proof does not lead to the signed root
SIGNATURE = "signature"  # the signed root's signature does not verify


@dataclass(frozen=True, slots=True)
class Evidence:
    proof: dict[str, Any] | None  # as the API's inclusion proof has it
    leaf: dict[str, Any] | None  # the entry's protocol numbers: FIELDS and "votes"
    failures: tuple[str, ...]

    @property
    def holds(self) -> bool:
        return self.proof is not None and not self.failures


def _numbers(protocol: Any) -> dict[str, Any] | None:
    if not isinstance(protocol, dict) or not isinstance(protocol.get("votes"), dict):
        return None
    if any(field not in protocol for field in FIELDS):
        return None
    return {field: protocol[field] for field in (*FIELDS, "votes")}


def check(
    ctx: Context, election_id: str, precinct: str, contest: str, stored: dict[str, Any]
) -> Evidence:
    """The current protocol's proof and entry, checked against ``stored`` (its numbers)."""
    try:
        proof = proofs.inclusion_of_current(ctx, election_id, precinct, contest)
    except (ledger.LedgerError, ServiceError):
        return Evidence(None, None, (PROOF,))
    failures: list[str] = []
    index, size = int(proof["index"]), int(proof["size"])
    entries = proofs.entries(ctx, election_id, index, 1)["entries"]
    text = entries[0]["leaf"] if entries and entries[0]["index"] == index else ""
    leaf_hash = ledger.leaf_hash(text.encode())
    if leaf_hash.hex() != proof["leaf_hash"]:
        failures.append(WRONG_HASH)
    leaf: dict[str, Any] | None = None
    try:
        record = strictjson.loads(text)
    except ValueError:
        record = None
    if (
        isinstance(record, dict)
        and record.get("type") in ("protocol", "correction")
        and (record.get("election"), record.get("precinct"), record.get("contest"))
        == (election_id, precinct, contest)
    ):
        leaf = _numbers(record.get("protocol"))
    if leaf is None:
        failures.append(OTHER)
    elif leaf != _numbers(stored):
        failures.append(MISMATCH)
    root = bytes.fromhex(proof["root"])
    try:
        path = [bytes.fromhex(step) for step in proof["proof"]]
        ledger.verify_inclusion(index, size, leaf_hash, path, root)
    except (ledger.LedgerError, ValueError):
        failures.append(PROOF)
    try:
        key = ledger.NoteKey.from_vkey(proof["public_key"])
        checkpoint = ledger.verify_checkpoint(proof["checkpoint"], [key])
        if (checkpoint.size, checkpoint.root) != (size, root):
            raise ledger.SignatureError("the signed checkpoint is of another tree")
    except (ledger.LedgerError, ValueError, KeyError):
        failures.append(SIGNATURE)
    return Evidence(proof, leaf, tuple(failures))
