"""The results as one JSON document: a header saying what it is about, then the units."""

from __future__ import annotations

import json
from typing import Any

from saylau.publication.results import Results


def header(results: Results) -> dict[str, Any]:
    """What a file is about: the stamp, the election and the contest with their names."""
    election, contest = results.election, results.contest
    return {
        "stamp": results.stamp.published(),
        "generated_at": results.generated_at.isoformat(),
        "level": results.level,
        "election": {"id": election.id, "date": election.date.isoformat(), "names": election.names},
        "contest": {
            "id": contest.id,
            "kind": contest.kind.value,
            "names": contest.names,
            "seats": contest.seats,
            "options": [
                {"id": option.id, "names": option.names, "party": option.party}
                for option in contest.options
            ],
        },
    }


def write(results: Results) -> bytes:
    """The header (stamp, election, contest with names) and one object per unit."""
    document = header(results) | {
        "units": [
            {
                "unit": line.unit.code,
                "level": line.unit.level,
                "parent": line.unit.parent,
                "names": line.unit.names,
                "precincts_reported": line.precincts_reported,
                "precincts_expected": line.precincts_expected,
                "registered": line.registered,
                "version": line.version,
                "counts": line.counts,
            }
            for line in results.lines
        ]
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
