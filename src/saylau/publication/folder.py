"""The folder ``saylau publish`` writes and ``saylau verify`` reads: its file names and
how each record of it is written, one function per file.

Each writer takes what was read, already in the order the folder keeps (leaves by index,
precinct results by precinct and contest, totals by contest and unit), so the service can
stream a national night's leaves to disk without holding them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

DEFINITION = "election.json"
HEAD = "ledger-head.json"
CHECKPOINT = "ledger-checkpoint.txt"
ENTRIES = "ledger-entries.jsonl"
PRECINCT_RESULTS = "precinct-results.jsonl"
TOTALS = "totals.json"
FILES = (DEFINITION, HEAD, ENTRIES, PRECINCT_RESULTS, TOTALS)  # what a verifier needs


def head(document: dict[str, Any]) -> str:
    """The signed tree head and its fields, as the API's ``ledger/head`` answers."""
    return json.dumps(document, indent=1)


def checkpoint(document: dict[str, Any]) -> str:
    """The signed checkpoint alone, as note text for C2SP tooling."""
    text: str = document["checkpoint"]
    return text


def entry(index: int, kind: str, leaf: bytes) -> str:
    """One ledger leaf, a line of ``ledger-entries.jsonl``."""
    return json.dumps({"index": index, "kind": kind, "leaf": leaf.decode()}) + "\n"


def precinct_result(precinct: str, contest: str, version: int, payload: str) -> str:
    """A precinct's protocol that counts, a line of ``precinct-results.jsonl``."""
    item = {
        "precinct": precinct,
        "contest": contest,
        "version": version,
        "protocol": json.loads(payload),
    }
    return json.dumps(item, sort_keys=True) + "\n"


def total(
    contest: str, unit: str, precincts_reported: int, precincts_expected: int, counts: str
) -> dict[str, Any]:
    """One unit's totals of one contest, an item of ``totals.json``."""
    return {
        "contest": contest,
        "unit": unit,
        "precincts_reported": precincts_reported,
        "precincts_expected": precincts_expected,
        "counts": json.loads(counts),
    }


def totals(items: Iterable[dict[str, Any]]) -> str:
    """``totals.json``: every unit's totals of every contest."""
    return json.dumps(list(items))
