"""What every open-data file is written from: one contest's results, read at one moment,
with the signed tree head of that moment and the status of its numbers.

The stamp travels inside each file (columns of a table, the header of a JSON document,
Parquet schema metadata, external identifiers of a NIST report), so whoever holds a file
can tell how final it is and check it against the published ledger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from saylau import moments
from saylau.election import ContestDef, Election, Unit
from saylau.outcome.records import AnyOutcome
from saylau.tabulation.totals import Counts

LEVELS = ("precinct", "territory")


@dataclass(frozen=True, slots=True)
class Stamp:
    """The signed tree head a file corresponds to, and the status of its numbers."""

    status: str
    tree_size: int
    tree_root: str
    tree_timestamp: int
    tree_signature: str
    public_key: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def published(self) -> dict[str, Any]:
        """The stamp as a file states it: its fields, and the signed head's time as ISO 8601
        on the commission's clock beside the milliseconds the checkpoint signs."""
        fields = asdict(self)
        fields["tree_time"] = moments.iso(
            dt.datetime.fromtimestamp(self.tree_timestamp / 1000, dt.UTC)
        )
        return fields


@dataclass(frozen=True, slots=True)
class Line:
    """One unit's results: a precinct's counted protocol, or a territorial unit's totals."""

    unit: Unit
    precincts_reported: int
    precincts_expected: int
    registered: int
    version: int | None  # the precinct's protocol version that counts
    counts: Counts | None  # None: the precinct has not reported


@dataclass(frozen=True)
class Results:
    """One contest at one moment: the units above the precincts always, the precincts at
    the precinct level, and what the law in force says the ballot offers."""

    election: Election
    contest: ContestDef
    level: str
    stamp: Stamp
    territory: tuple[Line, ...]  # the units above the precincts, in definition order
    precincts: tuple[Line, ...]  # empty at the territory level
    certified_outcome: AnyOutcome | None
    generated_at: dt.datetime
    against_all_on_ballot: bool  # the law of the election's date prints "against all"

    @property
    def lines(self) -> tuple[Line, ...]:
        """The rows of a table at the requested level."""
        return self.precincts if self.level == "precinct" else self.territory

    @property
    def republic(self) -> Line:
        """The top of the territory: its progress is the contest's."""
        return next(line for line in self.territory if line.unit.level == "republic")
